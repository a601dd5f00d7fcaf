-- name: DomainGet :one
SELECT * FROM domains WHERE name = ?;

-- name: DomainListByOrg :many
SELECT * FROM domains WHERE org_id = ? ORDER BY is_primary DESC, name;

-- name: DomainList :many
-- Every domain with its organization's slug, for the CLI and the routing table.
SELECT d.*, o.slug AS org_slug FROM domains d JOIN organizations o ON o.id = d.org_id
ORDER BY o.slug, d.name;

-- name: DomainCreate :one
INSERT INTO domains (name, org_id, token, status, created_at, next_check_at)
VALUES (?, ?, ?, 'pending', ?, ?)
RETURNING *;

-- name: DomainSetChecked :exec
-- The outcome of a TXT look-up: status, when, what was found, when to look again.
UPDATE domains SET status = sqlc.arg(status), checked_at = sqlc.arg(checked_at),
    check_result = sqlc.arg(check_result), next_check_at = sqlc.narg(next_check_at),
    verified_at = coalesce(verified_at, sqlc.narg(verified_at)), missing_since = sqlc.narg(missing_since)
WHERE name = sqlc.arg(name);

-- name: DomainClearPrimary :exec
UPDATE domains SET is_primary = 0 WHERE org_id = ? AND is_primary = 1;

-- name: DomainSetPrimary :execrows
UPDATE domains SET is_primary = 1 WHERE name = ? AND org_id = ? AND status = 'verified';

-- name: DomainDelete :execrows
DELETE FROM domains WHERE name = ? AND org_id = ?;

-- name: DomainDue :many
-- Domains whose next background check is due.
SELECT * FROM domains WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT 100;
