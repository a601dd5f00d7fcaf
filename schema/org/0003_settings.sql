-- +goose Up
-- The organization's settings: one row, typed columns. version increases by
-- one on every save; a save names the version it was based on, so two admins
-- editing version 7 cannot both win (optimistic concurrency). An org with no
-- row yet uses the defaults from the settings package (version 0).
-- Dates are civil dates, 'YYYY-MM-DD', in the org's timezone.
CREATE TABLE settings (
    singleton              INTEGER PRIMARY KEY NOT NULL DEFAULT 1 CHECK (singleton = 1),
    version                INTEGER NOT NULL CHECK (version >= 1),
    display_name           TEXT NOT NULL,
    contact_email          TEXT NOT NULL,
    timezone               TEXT NOT NULL,
    currency               TEXT NOT NULL CHECK (length(currency) = 3),
    season_name            TEXT NOT NULL,
    season_start           TEXT NOT NULL,
    season_end             TEXT NOT NULL CHECK (season_end > season_start),
    registration_open      BOOLEAN NOT NULL,
    registration_opens_on  TEXT NOT NULL DEFAULT '',
    registration_closes_on TEXT NOT NULL DEFAULT '',
    waiver_text            TEXT NOT NULL,
    brand_color            TEXT NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    updated_by             TEXT NOT NULL
);

-- Every saved version, whole, so any past version can be shown as it was.
CREATE TABLE settings_versions (
    version                INTEGER PRIMARY KEY NOT NULL,
    display_name           TEXT NOT NULL,
    contact_email          TEXT NOT NULL,
    timezone               TEXT NOT NULL,
    currency               TEXT NOT NULL,
    season_name            TEXT NOT NULL,
    season_start           TEXT NOT NULL,
    season_end             TEXT NOT NULL,
    registration_open      BOOLEAN NOT NULL,
    registration_opens_on  TEXT NOT NULL,
    registration_closes_on TEXT NOT NULL,
    waiver_text            TEXT NOT NULL,
    brand_color            TEXT NOT NULL,
    saved_at               TIMESTAMP NOT NULL,
    saved_by_id            INTEGER REFERENCES users (id) ON DELETE SET NULL,
    saved_by               TEXT NOT NULL
);

-- What each save changed, field by field (old and new as shown to people).
CREATE TABLE settings_changes (
    id        INTEGER PRIMARY KEY,
    version   INTEGER NOT NULL REFERENCES settings_versions (version),
    field     TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL
);
CREATE INDEX settings_changes_version ON settings_changes (version);

-- Membership types and their fees. A type is archived, never deleted, so
-- memberships sold with it keep pointing at it.
CREATE TABLE membership_types (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description TEXT NOT NULL DEFAULT '',
    price_cents INTEGER NOT NULL CHECK (price_cents BETWEEN 0 AND 10000000),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    archived_at TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX membership_types_name ON membership_types (name COLLATE NOCASE) WHERE archived_at IS NULL;

-- +goose Down
DROP TABLE membership_types;
DROP TABLE settings_changes;
DROP TABLE settings_versions;
DROP TABLE settings;
