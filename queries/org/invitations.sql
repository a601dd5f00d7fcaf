-- name: InvitationCreate :one
INSERT INTO invitations (email, name, role, token_hash, invited_by, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
RETURNING *;

-- name: InvitationByTokenHash :one
SELECT * FROM invitations WHERE token_hash = ?;

-- name: InvitationByID :one
SELECT * FROM invitations WHERE id = ?;

-- name: InvitationAccept :execrows
-- Single use: only an open invitation can be accepted, once.
UPDATE invitations SET accepted_at = ?
WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?;

-- name: InvitationRevoke :execrows
UPDATE invitations SET revoked_at = ?
WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL;

-- name: InvitationRevokeOpenForEmail :exec
-- A new invitation to the same email replaces the open ones.
UPDATE invitations SET revoked_at = ?
WHERE email = ? AND accepted_at IS NULL AND revoked_at IS NULL;

-- name: InvitationListRecent :many
SELECT * FROM invitations ORDER BY created_at DESC, id DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER);

-- name: InvitationListByRole :many
SELECT * FROM invitations WHERE role = ? ORDER BY created_at DESC, id DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER);
