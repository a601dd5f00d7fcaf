-- +goose Up
-- Every organization database carries the id of the organization it belongs
-- to. The pool compares it with the registry on open, so a file copied or
-- restored to the wrong place is refused instead of serving another org's data.
CREATE TABLE org_identity (
    singleton  INTEGER PRIMARY KEY NOT NULL DEFAULT 1 CHECK (singleton = 1),
    org_id     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE org_identity;
