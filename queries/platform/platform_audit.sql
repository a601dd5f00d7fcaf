-- name: PlatformAuditCreate :exec
INSERT INTO platform_audit (at, actor, action, org_id, org_slug, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: PlatformAuditForOrg :many
SELECT * FROM platform_audit WHERE org_id = ? ORDER BY at DESC, id DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER);

-- name: PlatformAuditRecent :many
SELECT * FROM platform_audit ORDER BY at DESC, id DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER);
