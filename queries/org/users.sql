-- name: UserByID :one
SELECT * FROM users WHERE id = ?;

-- name: UserByEmail :one
SELECT * FROM users WHERE email = ?;

-- name: UserCreate :one
INSERT INTO users (email, name, password_hash, role, status, created_at, updated_at)
VALUES (?, ?, ?, ?, 'active', ?, ?)
RETURNING *;

-- name: UserSearch :many
-- Members list: query (empty for everyone) is a lower-cased substring of
-- the name or email; by name, one page.
SELECT * FROM users
WHERE (CAST(sqlc.arg(query) AS TEXT) = '' OR instr(lower(name), sqlc.arg(query)) > 0 OR instr(email, sqlc.arg(query)) > 0)
ORDER BY name COLLATE NOCASE, id
LIMIT CAST(sqlc.arg(lim) AS INTEGER) OFFSET sqlc.arg(off);

-- name: UserSearchCount :one
SELECT count(*) FROM users
WHERE (CAST(sqlc.arg(query) AS TEXT) = '' OR instr(lower(name), sqlc.arg(query)) > 0 OR instr(email, sqlc.arg(query)) > 0);

-- name: UserCountActiveAdmins :one
SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active';

-- name: UserSetName :exec
UPDATE users SET name = ?, updated_at = ? WHERE id = ?;

-- name: UserSetPassword :exec
UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?;

-- name: UserSetRole :exec
UPDATE users SET role = ?, updated_at = ? WHERE id = ?;

-- name: UserSetStatus :exec
UPDATE users SET status = ?, updated_at = ? WHERE id = ?;

-- name: UserTouchLogin :exec
UPDATE users SET last_login_at = ? WHERE id = ?;

-- name: UserListActiveAdmins :many
-- Who is told about the organization's problems (a custom domain flagged).
SELECT * FROM users WHERE role = 'admin' AND status = 'active' ORDER BY id;
