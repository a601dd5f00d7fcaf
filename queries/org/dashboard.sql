-- name: AdminDashboard :one
-- The org admin dashboard's figures: members, active admins, memberships
-- valid on the day given (YYYY-MM-DD), payments to confirm, teams,
-- invitations still pending among the 100 newest (what the invitations
-- page lists), and whether an admin of the org ever saved the settings.
-- The two charts' data come with them, as JSON arrays over quarter hours
-- (unix seconds, a multiple of 900: every time zone's offset is a whole
-- number of quarter hours, so each one falls in a single local day; the
-- handler adds them up per week in the org's time zone):
-- membership_slots, [slot, memberships activated] of the season named
-- (by activated_at, when the payment was confirmed); revenue_slots, [slot,
-- currency, payments, cents received] of the payments confirmed for that
-- season's memberships (by decided_at). The handler keeps the rendered
-- dashboard while the org's database does not change, so this runs on the
-- first view after a change.
SELECT
    (SELECT count(*) FROM users) AS members,
    (SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active') AS admins,
    (SELECT count(*) FROM memberships a WHERE a.status = 'active' AND a.end_date >= sqlc.arg(today)) AS active_memberships,
    (SELECT count(*) FROM payments WHERE status = 'pending') AS pending_payments,
    (SELECT count(*) FROM teams) AS teams,
    (SELECT count(*) FROM (SELECT accepted_at, revoked_at, expires_at FROM invitations ORDER BY created_at DESC, id DESC LIMIT 100)
        WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > sqlc.arg(now)) AS pending_invitations,
    (SELECT count(*) FROM settings_versions WHERE saved_by_id IS NOT NULL) AS settings_saved_by_members,
    CAST((SELECT json_group_array(json_array(slot, n)) FROM (
        SELECT unixepoch(b.activated_at) / 900 * 900 AS slot, count(*) AS n
        FROM memberships b WHERE b.season_name = sqlc.arg(season_name) AND b.status = 'active' AND b.activated_at IS NOT NULL
        GROUP BY slot)) AS TEXT) AS membership_slots,
    CAST((SELECT json_group_array(json_array(slot, currency, n, cents)) FROM (
        SELECT unixepoch(p.decided_at) / 900 * 900 AS slot, p.currency, count(*) AS n,
               sum(COALESCE(p.received_cents, p.amount_cents)) AS cents
        FROM memberships pm CROSS JOIN payments p ON p.membership_id = pm.id
        WHERE pm.season_name = sqlc.arg(season_name) AND p.status = 'confirmed'
        GROUP BY slot, p.currency)) AS TEXT) AS revenue_slots;

-- name: AdminDashboardActivity :many
-- The dashboard's two feeds in one read: the newest event registrations
-- (kind 'registration': who is the member, what the registration's
-- status, subject the event) and the newest audit entries (kind 'audit':
-- who is the actor, what the action),
-- at most sqlc.arg(limit) of each, each newest first.
WITH registrations AS (
    SELECT 'registration' AS kind, r.id, r.created_at AS at, u.name AS who, r.status AS what, e.name AS subject, '' AS detail, '' AS ip
    FROM event_registrations r
    JOIN users u ON u.id = r.user_id
    JOIN events e ON e.id = r.event_id
    ORDER BY r.created_at DESC, r.id DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER)
), audit AS (
    SELECT 'audit' AS kind, a.id, a.at, a.actor AS who, a."action" AS what, a.subject, a.detail, a.ip
    FROM audit_log a
    ORDER BY a.at DESC, a.id DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER)
)
SELECT * FROM registrations
UNION ALL
SELECT * FROM audit
ORDER BY kind DESC, at DESC, id DESC;

-- name: MemberHomeEvents :many
-- The member home's events in one read: the member's registrations for
-- events not over on the day given (kind 'registration', by start) and the
-- next events (kind 'upcoming', at most sqlc.arg(upcoming), soonest first).
-- Cancelled events are neither: their registrations were cancelled with
-- them and the people told.
WITH registrations AS (
    SELECT 'registration' AS kind, e.id AS event_id, e.name AS event_name, e.starts_on, r.status
    FROM event_registrations r JOIN events e ON e.id = r.event_id
    WHERE r.user_id = sqlc.arg(user_id) AND r.status != 'cancelled' AND e.ends_on >= sqlc.arg(today)
      AND e.cancelled_at IS NULL
), upcoming AS (
    SELECT 'upcoming' AS kind, id AS event_id, name AS event_name, starts_on, '' AS status
    FROM events WHERE ends_on >= sqlc.arg(today) AND cancelled_at IS NULL
    ORDER BY starts_on, id LIMIT CAST(sqlc.arg(upcoming) AS INTEGER)
)
SELECT * FROM registrations
UNION ALL
SELECT * FROM upcoming
ORDER BY kind, starts_on, event_id;
