-- name: SessionCreate :exec
INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: SessionByTokenHash :one
-- The session and its user in one lookup: every signed-in request runs it.
SELECT sqlc.embed(sessions), sqlc.embed(users)
FROM sessions JOIN users ON users.id = sessions.user_id
WHERE sessions.token_hash = ?;

-- name: SessionTouch :exec
UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?;

-- name: SessionDelete :exec
DELETE FROM sessions WHERE token_hash = ?;

-- name: SessionDeleteByUser :exec
DELETE FROM sessions WHERE user_id = ?;

-- name: SessionDeleteExpired :execrows
DELETE FROM sessions WHERE expires_at < ?;
