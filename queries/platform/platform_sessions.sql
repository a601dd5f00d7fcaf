-- name: PlatformSessionCreate :exec
INSERT INTO platform_sessions (token_hash, super_admin_id, created_at, expires_at, last_seen_at, ip, user_agent)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: PlatformSessionByTokenHash :one
SELECT sqlc.embed(platform_sessions), sqlc.embed(super_admins)
FROM platform_sessions JOIN super_admins ON super_admins.id = platform_sessions.super_admin_id
WHERE platform_sessions.token_hash = ?;

-- name: PlatformSessionTouch :exec
UPDATE platform_sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?;

-- name: PlatformSessionDelete :exec
DELETE FROM platform_sessions WHERE token_hash = ?;
