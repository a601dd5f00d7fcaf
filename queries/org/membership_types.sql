-- name: MembershipTypeList :many
-- Active types first, then archived, by name.
SELECT * FROM membership_types ORDER BY archived_at IS NOT NULL, name COLLATE NOCASE, id;

-- name: MembershipTypeListActive :many
SELECT * FROM membership_types WHERE active AND archived_at IS NULL ORDER BY name COLLATE NOCASE, id;

-- name: MembershipTypeGet :one
SELECT * FROM membership_types WHERE id = ?;

-- name: MembershipTypeCreate :one
INSERT INTO membership_types (name, description, price_cents, active, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?)
RETURNING *;

-- name: MembershipTypeUpdate :one
UPDATE membership_types SET name = ?, description = ?, price_cents = ?, active = ?, updated_at = ?
WHERE id = ? AND archived_at IS NULL
RETURNING *;

-- name: MembershipTypeArchive :one
UPDATE membership_types SET archived_at = ?, active = FALSE, updated_at = ?
WHERE id = ? AND archived_at IS NULL
RETURNING *;

-- name: MembershipTypeRestore :one
UPDATE membership_types SET archived_at = NULL, updated_at = ?
WHERE id = ? AND archived_at IS NOT NULL
RETURNING *;
