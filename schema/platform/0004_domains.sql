-- +goose Up
-- Custom domains of organizations (docs/domains.md). The name is the key: a
-- domain belongs to at most one organization at a time, and removing it
-- frees it for another, which must prove control again with its own token.
-- Names are stored normalised (lower-case ASCII, IDNA A-labels, no trailing
-- dot). Only a verified domain routes; at most one per org is primary.
CREATE TABLE domains (
    name            TEXT PRIMARY KEY NOT NULL
                    CHECK (name = lower(name) AND length(name) BETWEEN 1 AND 253),
    org_id          TEXT NOT NULL REFERENCES organizations (id),
    token           TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'verified', 'expired')),
    is_primary      INTEGER NOT NULL DEFAULT 0
                    CHECK (is_primary IN (0, 1) AND (is_primary = 0 OR status = 'verified')),
    created_at      TIMESTAMP NOT NULL,
    verified_at     TIMESTAMP,
    checked_at      TIMESTAMP,
    check_result    TEXT NOT NULL DEFAULT '',
    next_check_at   TIMESTAMP,
    missing_since   TIMESTAMP
);
CREATE INDEX domains_org ON domains (org_id, name);
CREATE UNIQUE INDEX domains_primary ON domains (org_id) WHERE is_primary = 1;

-- +goose Down
DROP INDEX domains_primary;
DROP INDEX domains_org;
DROP TABLE domains;
