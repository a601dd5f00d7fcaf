-- Queries of the admins' member pages, the payments history and the
-- member export (issue 16, items 4 and 8).

-- name: MemberSeasonStatuses :many
-- The membership each of the given members (a JSON array of user ids, one
-- page of the members list) holds for the season named: active before
-- pending before rejected, the newest first.
SELECT m.user_id, m.status, m.type_name
FROM memberships m
WHERE m.user_id IN (SELECT value FROM json_each(sqlc.arg(user_ids))) AND m.season_name = sqlc.arg(season_name)
ORDER BY m.user_id, CASE m.status WHEN 'active' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, m.created_at DESC, m.id DESC;

-- name: MemberPayments :many
-- A member's memberships, newest first, each with its payment and who
-- decided it.
SELECT m.id, m.type_name, m.season_name, m.start_date, m.end_date, m.price_cents, m.currency, m.status,
       m.created_at, m.activated_at,
       p.id AS payment_id, p.reference, p.status AS payment_status, p.amount_cents, p.received_cents,
       p.difference_acknowledged, p.note, p.decided_at, p.decided_by
FROM memberships m JOIN payments p ON p.membership_id = m.id
WHERE m.user_id = ?
ORDER BY m.created_at DESC, m.id DESC, p.id DESC
LIMIT 100;

-- name: MemberRegistrations :many
-- A member's event registrations, newest event first.
SELECT r.id, r.event_id, r.kind, r.status, r.fee_cents, r.currency, r.reference, r.created_at,
       e.name AS event_name, e.starts_on, e.ends_on
FROM event_registrations r JOIN events e ON e.id = r.event_id
WHERE r.user_id = ?
ORDER BY e.starts_on DESC, r.id DESC
LIMIT 100;

-- name: MemberAudit :many
-- Audit entries about a member or by them: their email as the subject,
-- one of their payment references as the subject, or they acted. Newest
-- first.
SELECT * FROM audit_log
WHERE subject = sqlc.arg(email) OR actor_id = sqlc.arg(user_id)
   OR subject IN (SELECT p.reference FROM payments p JOIN memberships m ON m.id = p.membership_id WHERE m.user_id = sqlc.arg(user_id))
ORDER BY at DESC, id DESC
LIMIT 50;

-- name: MemberExportPage :many
-- One page of the member export, by id after the last one written: the
-- account (no password hash), the profile and the membership held for the
-- season named.
SELECT u.id, u.name, u.email, u.role, u.status, u.created_at, u.last_login_at,
       CAST(COALESCE(p.date_of_birth, '') AS TEXT) AS date_of_birth, CAST(COALESCE(p.pronouns, '') AS TEXT) AS pronouns,
       CAST(COALESCE(p.phone, '') AS TEXT) AS phone, CAST(COALESCE(p.emergency_name, '') AS TEXT) AS emergency_name,
       CAST(COALESCE(p.emergency_relationship, '') AS TEXT) AS emergency_relationship,
       CAST(COALESCE(p.emergency_phone, '') AS TEXT) AS emergency_phone,
       CAST(COALESCE((SELECT m.type_name || char(9) || m.status FROM memberships m
           WHERE m.user_id = u.id AND m.season_name = sqlc.arg(season_name)
           ORDER BY CASE m.status WHEN 'active' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, m.created_at DESC, m.id DESC LIMIT 1), '') AS TEXT) AS membership
FROM users u LEFT JOIN member_profiles p ON p.user_id = u.id
WHERE u.id > sqlc.arg(after_id)
ORDER BY u.id
LIMIT CAST(sqlc.arg(limit) AS INTEGER);

-- name: PaymentHistory :many
-- Decided payments, newest decision first; an empty status is both
-- confirmed and rejected, an empty season every season.
SELECT p.id, p.reference, p.amount_cents, p.received_cents, p.currency, p.status, p.note,
       p.difference_acknowledged, p.created_at, p.decided_at, p.decided_by,
       m.user_id, m.type_name, m.season_name, u.name AS member_name, u.email AS member_email
FROM payments p
JOIN memberships m ON m.id = p.membership_id
JOIN users u ON u.id = m.user_id
WHERE p.status IN ('confirmed', 'rejected')
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR p.status = sqlc.arg(status))
  AND (CAST(sqlc.arg(season) AS TEXT) = '' OR m.season_name = sqlc.arg(season))
ORDER BY p.decided_at DESC, p.id DESC
LIMIT CAST(sqlc.arg(limit) AS INTEGER);

-- name: PaymentHistoryTotals :many
-- The history's totals with the same filters, per status and currency
-- (amounts in different currencies are never added): how many, the
-- amount due and the amount received.
SELECT p.status, p.currency, count(*) AS payments, CAST(sum(p.amount_cents) AS INTEGER) AS due_cents,
       CAST(COALESCE(sum(p.received_cents), 0) AS INTEGER) AS received_cents
FROM payments p
JOIN memberships m ON m.id = p.membership_id
WHERE p.status IN ('confirmed', 'rejected')
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR p.status = sqlc.arg(status))
  AND (CAST(sqlc.arg(season) AS TEXT) = '' OR m.season_name = sqlc.arg(season))
GROUP BY p.status, p.currency
ORDER BY p.status, p.currency;

-- name: PaymentSeasons :many
-- The seasons memberships were sold for, newest name last, walking the
-- season index one step per season rather than reading every membership.
WITH RECURSIVE seasons(name) AS (
    SELECT min(season_name) FROM memberships
    UNION ALL
    SELECT (SELECT min(m.season_name) FROM memberships m WHERE m.season_name > seasons.name)
    FROM seasons WHERE seasons.name IS NOT NULL
)
SELECT CAST(name AS TEXT) AS name FROM seasons WHERE name IS NOT NULL;
