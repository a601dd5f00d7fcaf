-- +goose Up
-- The platform registry: one row per organization. The id is immutable and
-- names the organization's database file (and later its replica path); the
-- slug is what appears in the subdomain and may be looked up on every request.
CREATE TABLE organizations (
    id         TEXT PRIMARY KEY NOT NULL,
    slug       TEXT NOT NULL UNIQUE
               CHECK (length(slug) BETWEEN 3 AND 63),
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status     TEXT NOT NULL DEFAULT 'active'
               CHECK (status IN ('active', 'suspended')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE organizations;
