-- name: AuditCreate :exec
INSERT INTO audit_log (at, actor_id, actor, action, subject, detail, ip)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: AuditList :many
SELECT * FROM audit_log ORDER BY at DESC, id DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER) OFFSET sqlc.arg(offset);
