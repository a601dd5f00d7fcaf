-- +goose Up
-- What operators did on the platform console or the CLI: who, what, to which
-- organization, when, from where.
CREATE TABLE platform_audit (
    id       INTEGER PRIMARY KEY,
    at       TIMESTAMP NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    org_id   TEXT NOT NULL DEFAULT '',
    org_slug TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT '',
    ip       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX platform_audit_at ON platform_audit (at);
CREATE INDEX platform_audit_org ON platform_audit (org_id, at);
CREATE INDEX organizations_name ON organizations (name COLLATE NOCASE);

-- +goose Down
DROP INDEX organizations_name;
DROP TABLE platform_audit;
