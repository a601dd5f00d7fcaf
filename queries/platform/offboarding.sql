-- Deleting an organization (issue 17, docs/offboarding.md).

-- name: OrgDeletionCreate :exec
INSERT INTO org_deletions (org_id, slug, name, state, requested_at, requested_by, delete_after, keep_replica)
VALUES (?, ?, ?, 'scheduled', ?, ?, ?, ?);

-- name: OrgDeletionGet :one
SELECT * FROM org_deletions WHERE org_id = ?;

-- name: OrgDeletionCancel :execrows
-- Only a deletion that has not started can be cancelled.
DELETE FROM org_deletions WHERE org_id = ? AND state = 'scheduled';

-- name: OrgDeletionStart :execrows
UPDATE org_deletions SET state = 'deleting', started_at = ? WHERE org_id = ? AND state IN ('scheduled', 'deleting');

-- name: OrgDeletionDone :exec
UPDATE org_deletions SET state = 'deleted', deleted_at = sqlc.arg(deleted_at), replica_purge_after = sqlc.narg(replica_purge_after)
WHERE org_id = sqlc.arg(org_id);

-- name: OrgDeletionDue :many
-- Deletions whose grace period is over, and any a stopped process left
-- midway.
SELECT * FROM org_deletions
WHERE (state = 'scheduled' AND delete_after <= sqlc.arg(now)) OR state = 'deleting'
ORDER BY delete_after;

-- name: OrgDeletionPurgeDue :many
SELECT * FROM org_deletions
WHERE state = 'deleted' AND NOT keep_replica AND replica_purged_at IS NULL AND replica_purge_after <= sqlc.arg(now)
ORDER BY replica_purge_after;

-- name: OrgDeletionPurged :exec
UPDATE org_deletions SET replica_purged_at = ? WHERE org_id = ?;

-- name: OrgDeletionSlugHeld :one
-- Whether a slug belongs to a deleted organization's tombstone still
-- holding it (deleted after since), or to a deletion under way.
SELECT count(*) FROM org_deletions
WHERE slug = sqlc.arg(slug) AND (state != 'deleted' OR deleted_at > sqlc.arg(since));

-- name: PlatformAuditHasAction :one
SELECT count(*) FROM platform_audit WHERE org_id = ? AND action = ?;
