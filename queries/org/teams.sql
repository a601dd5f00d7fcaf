-- name: TeamCreate :one
INSERT INTO teams (slug, name, name_key, city, province, colours, created_by, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING *;

-- name: TeamBySlug :one
SELECT * FROM teams WHERE slug = ?;

-- name: TeamSlugCount :one
-- Whether a slug is taken (a new team's slug gets a -2, -3... suffix).
SELECT count(*) FROM teams WHERE slug = ?;

-- name: TeamUpdate :one
UPDATE teams SET name = ?, name_key = ?, city = ?, province = ?, colours = ?, updated_at = ?
WHERE id = ?
RETURNING *;

-- name: TeamList :many
-- Every team for the admins, by name, with its active member count and
-- its captains' names.
SELECT t.id, t.slug, t.name, t.city, t.province, t.colours, t.created_at,
    (SELECT count(*) FROM team_members m WHERE m.team_id = t.id AND m.status = 'active') AS members,
    CAST(COALESCE((SELECT group_concat(u.name, ', ') FROM team_members c JOIN users u ON u.id = c.user_id
        WHERE c.team_id = t.id AND c.status = 'active' AND c.role = 'captain'), '') AS TEXT) AS captains
FROM teams t
ORDER BY t.name_key
LIMIT CAST(sqlc.arg(limit) AS INTEGER);

-- name: TeamListByUser :many
-- A member's teams and team invitations, by team name.
SELECT t.id, t.slug, t.name, t.city, t.province, t.colours, m.id AS member_id, m.role, m.status
FROM team_members m JOIN teams t ON t.id = m.team_id
WHERE m.user_id = ? AND m.status IN ('invited', 'active')
ORDER BY t.name_key, t.id
LIMIT CAST(sqlc.arg(limit) AS INTEGER);

-- name: TeamSummary :one
-- One row of the admins' list (after an edit).
SELECT t.id, t.slug, t.name, t.city, t.province, t.colours, t.created_at,
    (SELECT count(*) FROM team_members m WHERE m.team_id = t.id AND m.status = 'active') AS members,
    CAST(COALESCE((SELECT group_concat(u.name, ', ') FROM team_members c JOIN users u ON u.id = c.user_id
        WHERE c.team_id = t.id AND c.status = 'active' AND c.role = 'captain'), '') AS TEXT) AS captains
FROM teams t
WHERE t.slug = ?;

-- name: TeamCount :one
SELECT count(*) FROM teams;
