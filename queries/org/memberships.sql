-- name: MembershipCreate :one
INSERT INTO memberships (user_id, membership_type_id, type_name, season_name, start_date, end_date,
    price_cents, currency, status, waiver_accepted_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
RETURNING *;

-- name: MembershipGet :one
SELECT * FROM memberships WHERE id = ?;

-- name: MembershipListByUser :many
-- A member's memberships, newest first.
SELECT * FROM memberships WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?;

-- name: MembershipSetStatus :execrows
UPDATE memberships SET status = sqlc.arg(new_status), activated_at = sqlc.narg(activated_at)
WHERE id = sqlc.arg(id) AND status = 'pending';

-- name: MembershipActiveCount :one
-- Members holding a membership valid today (today as YYYY-MM-DD).
SELECT count(*) FROM memberships WHERE status = 'active' AND end_date >= ?;
