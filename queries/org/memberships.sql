-- name: MembershipCreate :one
INSERT INTO memberships (user_id, membership_type_id, type_name, season_name, start_date, end_date,
    price_cents, currency, status, waiver_accepted_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
RETURNING *;

-- name: MembershipGet :one
SELECT * FROM memberships WHERE id = ?;

-- name: MembershipListByUser :many
-- A member's memberships, newest first, each with its payment.
SELECT sqlc.embed(memberships), payments.reference, payments.status AS payment_status, payments.method
FROM memberships JOIN payments ON payments.membership_id = memberships.id
WHERE memberships.user_id = ? ORDER BY memberships.created_at DESC, memberships.id DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER);

-- name: MembershipHeldCount :one
-- Memberships of a member that are active and not over on the given day.
SELECT count(*) FROM memberships WHERE user_id = ? AND status = 'active' AND end_date >= ?;

-- name: MembershipSetStatus :execrows
UPDATE memberships SET status = sqlc.arg(new_status), activated_at = sqlc.narg(activated_at)
WHERE id = sqlc.arg(id) AND status = 'pending';

-- name: MembershipActiveCount :one
-- Members holding a membership valid today (today as YYYY-MM-DD).
SELECT count(*) FROM memberships WHERE status = 'active' AND end_date >= ?;
