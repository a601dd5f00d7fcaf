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
