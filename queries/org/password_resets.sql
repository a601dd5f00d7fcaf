-- name: PasswordResetCreate :exec
INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
VALUES (?, ?, ?, ?);

-- name: PasswordResetByTokenHash :one
SELECT * FROM password_resets WHERE token_hash = ?;

-- name: PasswordResetUse :execrows
-- Single use: only an unused, unexpired reset can be used, once.
UPDATE password_resets SET used_at = ?
WHERE id = ? AND used_at IS NULL AND expires_at > ?;

-- name: PasswordResetInvalidateForUser :exec
UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL;
