-- +goose Up
-- A member's profile: what the organization needs to know before selling a
-- membership. One row per user, created when they first complete it.
CREATE TABLE member_profiles (
    user_id                INTEGER PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date_of_birth          TEXT NOT NULL,
    pronouns               TEXT NOT NULL DEFAULT '',
    phone                  TEXT NOT NULL,
    emergency_name         TEXT NOT NULL,
    emergency_relationship TEXT NOT NULL,
    emergency_phone        TEXT NOT NULL,
    show_email             BOOLEAN NOT NULL DEFAULT FALSE,
    show_phone             BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at             TIMESTAMP NOT NULL
);

-- A membership as sold: the type, season, dates, price and currency are
-- copied from the quote at purchase, so later changes to the settings or
-- the type never rewrite it.
CREATE TABLE memberships (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users (id),
    membership_type_id INTEGER NOT NULL REFERENCES membership_types (id),
    type_name          TEXT NOT NULL,
    season_name        TEXT NOT NULL,
    start_date         TEXT NOT NULL,
    end_date           TEXT NOT NULL,
    price_cents        INTEGER NOT NULL CHECK (price_cents >= 0),
    currency           TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('pending', 'active', 'rejected')),
    waiver_accepted_at TIMESTAMP NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    activated_at       TIMESTAMP
);
-- One pending or active membership per member per season.
CREATE UNIQUE INDEX memberships_one_per_season ON memberships (user_id, season_name) WHERE status IN ('pending', 'active');
CREATE INDEX memberships_user ON memberships (user_id, created_at);
CREATE INDEX memberships_status ON memberships (status, created_at);

-- Payments are their own table so that a card provider can be added
-- beside e-transfer without touching memberships.
CREATE TABLE payments (
    id                 INTEGER PRIMARY KEY,
    membership_id      INTEGER NOT NULL REFERENCES memberships (id),
    amount_cents       INTEGER NOT NULL CHECK (amount_cents >= 0),
    currency           TEXT NOT NULL,
    method             TEXT NOT NULL CHECK (method IN ('etransfer', 'manual')),
    status             TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
    reference          TEXT NOT NULL UNIQUE,
    received_cents     INTEGER,
    note               TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    decided_at         TIMESTAMP,
    decided_by_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_by         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payments_membership ON payments (membership_id);
CREATE INDEX payments_status ON payments (status, created_at);

-- +goose Down
DROP TABLE payments;
DROP TABLE memberships;
DROP TABLE member_profiles;
