-- name: SuperAdminByEmail :one
SELECT * FROM super_admins WHERE email = ?;

-- name: SuperAdminCreate :one
INSERT INTO super_admins (email, name, password_hash, status, created_at)
VALUES (?, ?, ?, 'active', ?)
RETURNING *;

-- name: SuperAdminSetPassword :exec
UPDATE super_admins SET password_hash = ? WHERE id = ?;

-- name: SuperAdminTouchLogin :exec
UPDATE super_admins SET last_login_at = ? WHERE id = ?;

-- name: SuperAdminListActive :many
SELECT * FROM super_admins WHERE status = 'active' ORDER BY id;
