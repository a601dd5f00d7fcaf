-- name: OrganizationBySlug :one
SELECT * FROM organizations WHERE slug = ?;

-- name: OrganizationByID :one
SELECT * FROM organizations WHERE id = ?;

-- name: OrganizationList :many
SELECT * FROM organizations ORDER BY name, slug;

-- name: OrganizationCount :one
SELECT count(*) FROM organizations;

-- name: OrganizationCreate :one
INSERT INTO organizations (id, slug, name, status, created_at, updated_at)
VALUES (?, ?, ?, 'active', ?, ?)
RETURNING *;

-- name: OrganizationSetStatus :exec
UPDATE organizations SET status = ?, updated_at = ? WHERE id = ?;

-- name: OrganizationSearch :many
-- Console list: query (empty for all) is a lower-cased part of the name or
-- slug; by name, one page.
SELECT * FROM organizations
WHERE (CAST(sqlc.arg(query) AS TEXT) = '' OR instr(lower(name), sqlc.arg(query)) > 0 OR instr(slug, sqlc.arg(query)) > 0)
ORDER BY name COLLATE NOCASE, slug
LIMIT CAST(sqlc.arg(lim) AS INTEGER) OFFSET sqlc.arg(off);

-- name: OrganizationSearchCount :one
SELECT count(*) FROM organizations
WHERE (CAST(sqlc.arg(query) AS TEXT) = '' OR instr(lower(name), sqlc.arg(query)) > 0 OR instr(slug, sqlc.arg(query)) > 0);

-- name: OrganizationDelete :exec
-- Only used to undo a provisioning that failed after registering.
DELETE FROM organizations WHERE id = ?;
