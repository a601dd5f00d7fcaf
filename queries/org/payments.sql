-- name: PaymentCreate :one
INSERT INTO payments (membership_id, amount_cents, currency, method, status, reference, created_at)
VALUES (?, ?, ?, ?, 'pending', ?, ?)
RETURNING *;

-- name: PaymentGet :one
SELECT * FROM payments WHERE id = ?;

-- name: PaymentDecide :execrows
-- Confirm or reject once: only a pending payment changes.
-- difference_acknowledged records that the admin confirmed an amount
-- received other than the one due on purpose.
UPDATE payments SET status = sqlc.arg(new_status), received_cents = sqlc.narg(received_cents),
    difference_acknowledged = sqlc.arg(difference_acknowledged), note = sqlc.arg(note), decided_at = sqlc.arg(decided_at), decided_by_id = sqlc.narg(decided_by_id),
    decided_by = sqlc.arg(decided_by)
WHERE id = sqlc.arg(id) AND status = 'pending';

-- name: PaymentListPending :many
-- The admin's queue: pending payments with who and what, oldest first.
SELECT payments.*, users.name AS member_name, users.email AS member_email,
       memberships.type_name, memberships.season_name
FROM payments
JOIN memberships ON memberships.id = payments.membership_id
JOIN users ON users.id = memberships.user_id
WHERE payments.status = 'pending'
ORDER BY payments.created_at, payments.id
LIMIT CAST(sqlc.arg(limit) AS INTEGER);

-- name: PaymentPendingCount :one
SELECT count(*) FROM payments WHERE status = 'pending';
