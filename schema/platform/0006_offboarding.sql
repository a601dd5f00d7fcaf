-- +goose Up
-- Deleting an organization (issue 17, docs/offboarding.md). One row per
-- organization whose deletion was asked for:
--   scheduled: suspended, waiting for its grace period (delete_after); a
--              reactivation or a cancel removes the row;
--   deleting:  recorded before any file is removed, so a process that
--              stops midway completes the deletion when it next sweeps;
--   deleted:   the tombstone. The organizations row is gone; this one stays
--              for good: the id is never used again, the slug not for 90
--              days after deleted_at. The replica is purged once
--              replica_purge_after has passed, unless keep_replica.
CREATE TABLE org_deletions (
    org_id              TEXT PRIMARY KEY NOT NULL,
    slug                TEXT NOT NULL,
    name                TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('scheduled', 'deleting', 'deleted')),
    requested_at        TIMESTAMP NOT NULL,
    requested_by        TEXT NOT NULL,
    delete_after        TIMESTAMP NOT NULL,
    keep_replica        BOOLEAN NOT NULL DEFAULT FALSE,
    started_at          TIMESTAMP,
    deleted_at          TIMESTAMP,
    replica_purge_after TIMESTAMP,
    replica_purged_at   TIMESTAMP
);
CREATE INDEX org_deletions_slug ON org_deletions (slug);
CREATE INDEX org_deletions_due ON org_deletions (state, delete_after);

-- +goose Down
DROP INDEX org_deletions_due;
DROP INDEX org_deletions_slug;
DROP TABLE org_deletions;
