-- Data portability and offboarding (issue 17, docs/offboarding.md): a
-- member's own data, and erasing an account while the organization keeps
-- its accounting records. Columns are listed, never *, so a column added
-- later is a decision here, not a silent addition to someone's export.

-- name: OffboardUser :one
SELECT id, email, name, role, status, created_at, updated_at, last_login_at
FROM users WHERE id = ?;

-- name: OffboardProfile :many
SELECT date_of_birth, pronouns, phone, emergency_name, emergency_relationship, emergency_phone,
    show_email, show_phone, updated_at
FROM member_profiles WHERE user_id = ?;

-- name: OffboardMemberships :many
SELECT id, type_name, season_name, start_date, end_date, price_cents, currency, status,
    waiver_accepted_at, created_at, activated_at
FROM memberships WHERE user_id = ? ORDER BY id;

-- name: OffboardPayments :many
SELECT payments.id, payments.membership_id, payments.amount_cents, payments.currency, payments.method,
    payments.status, payments.reference, payments.received_cents, payments.created_at, payments.decided_at
FROM payments JOIN memberships ON memberships.id = payments.membership_id
WHERE memberships.user_id = ? ORDER BY payments.id;

-- name: OffboardTeams :many
SELECT team_members.id, teams.name AS team_name, teams.slug AS team_slug, team_members.role,
    team_members.status, team_members.created_at, team_members.responded_at
FROM team_members JOIN teams ON teams.id = team_members.team_id
WHERE team_members.user_id = ? ORDER BY team_members.id;

-- name: OffboardRegistrations :many
SELECT event_registrations.id, events.name AS event_name, events.starts_on, event_registrations.kind,
    event_registrations.status, event_registrations.fee_cents, event_registrations.currency,
    event_registrations.reference, event_registrations.created_at, event_registrations.decided_at
FROM event_registrations JOIN events ON events.id = event_registrations.event_id
WHERE event_registrations.user_id = ? ORDER BY event_registrations.id;

-- name: OffboardSessions :many
-- The member's sign-in sessions, without their tokens.
SELECT created_at, last_seen_at, expires_at, ip, user_agent
FROM sessions WHERE user_id = ? ORDER BY id;

-- name: OffboardAudit :many
-- Audit entries about a member: their own actions, and entries whose
-- subject is their email or one of their payment references. The IP is
-- theirs only on their own actions.
SELECT id, at, actor, action, subject, detail,
    CAST(CASE WHEN actor_id = sqlc.arg(user_id) THEN ip ELSE '' END AS TEXT) AS ip
FROM audit_log
WHERE actor_id = sqlc.arg(user_id) OR subject = sqlc.arg(email)
   OR subject IN (SELECT payments.reference FROM payments JOIN memberships ON memberships.id = payments.membership_id
                  WHERE memberships.user_id = sqlc.arg(user_id))
ORDER BY id;

-- name: OffboardEraseUser :exec
-- The account keeps its id (memberships, payments and registrations point
-- to it) with its personal fields replaced; it can never sign in again.
UPDATE users SET email = sqlc.arg(email), name = sqlc.arg(name), password_hash = '', role = 'member',
    status = 'disabled', last_login_at = NULL, updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: OffboardEraseProfile :exec
DELETE FROM member_profiles WHERE user_id = ?;

-- name: OffboardEraseResets :exec
DELETE FROM password_resets WHERE user_id = ?;

-- name: OffboardEraseInvitations :exec
DELETE FROM invitations WHERE email = ?;

-- name: OffboardEraseTeamInvitations :exec
-- Team invitations addressed to the email of someone without an account.
DELETE FROM team_members WHERE user_id IS NULL AND email = ?;

-- name: OffboardHandOverCaptaincy :execrows
-- A team whose only captain is erased gets a new one: its longest-standing
-- active member (none: the team keeps no captain, and an admin edits it).
UPDATE team_members SET role = 'captain', updated_at = sqlc.arg(updated_at)
WHERE id IN (
    SELECT (SELECT o.id FROM team_members o
            WHERE o.team_id = c.team_id AND o.status = 'active' AND o.user_id != c.user_id
            ORDER BY o.created_at, o.id LIMIT 1)
    FROM team_members c
    WHERE c.user_id = sqlc.arg(user_id) AND c.role = 'captain' AND c.status = 'active'
      AND (SELECT count(*) FROM team_members k
           WHERE k.team_id = c.team_id AND k.status = 'active' AND k.role = 'captain') = 1);

-- name: OffboardLeaveTeams :exec
-- The erased member leaves every roster; past rows stay (anonymised by the
-- account) so a team's history keeps its shape.
UPDATE team_members SET status = 'removed', email = '', updated_at = sqlc.arg(updated_at)
WHERE user_id = sqlc.arg(user_id) AND status IN ('invited', 'active');

-- name: OffboardEraseAudit :exec
-- The audit log keeps what happened, not who it was: the member's email
-- and name become the anonymous label wherever they appear about them.
UPDATE audit_log SET
    actor = CASE WHEN actor = sqlc.arg(email) THEN sqlc.arg(label) ELSE actor END,
    subject = replace(subject, sqlc.arg(email), sqlc.arg(label)),
    detail = replace(replace(detail, sqlc.arg(email), sqlc.arg(label)), sqlc.arg(name), sqlc.arg(label)),
    ip = CASE WHEN actor_id = sqlc.arg(user_id) THEN '' ELSE ip END
WHERE actor_id = sqlc.arg(user_id) OR actor = sqlc.arg(email) OR instr(subject, sqlc.arg(email)) > 0 OR instr(detail, sqlc.arg(email)) > 0;

-- name: OffboardEraseDecidedBy :exec
-- Records an erased admin decided keep the decision, under the anonymous label.
UPDATE payments SET decided_by = sqlc.arg(label) WHERE decided_by = sqlc.arg(email);

-- name: OffboardEraseRegistrationDecidedBy :exec
UPDATE event_registrations SET decided_by = sqlc.arg(label) WHERE decided_by = sqlc.arg(email);

-- name: OffboardEraseSettingsSavedBy :exec
UPDATE settings_versions SET saved_by = sqlc.arg(label) WHERE saved_by = sqlc.arg(email);

-- name: OffboardEraseSettingsUpdatedBy :exec
UPDATE settings SET updated_by = sqlc.arg(label) WHERE updated_by = sqlc.arg(email);
