-- +goose Up
-- Events an organization runs. Registration is open between the two
-- instants; capacity counts registrations that are not cancelled.
CREATE TABLE events (
    id                     INTEGER PRIMARY KEY,
    name                   TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 150),
    kind                   TEXT NOT NULL CHECK (kind IN ('tournament', 'league', 'camp', 'clinic', 'social')),
    starts_on              TEXT NOT NULL,
    ends_on                TEXT NOT NULL CHECK (ends_on >= starts_on),
    venue                  TEXT NOT NULL DEFAULT '',
    registration_opens_at  TIMESTAMP NOT NULL,
    registration_closes_at TIMESTAMP NOT NULL,
    capacity               INTEGER NOT NULL CHECK (capacity >= 1),
    team_fee_cents         INTEGER NOT NULL CHECK (team_fee_cents >= 0),
    individual_fee_cents   INTEGER NOT NULL CHECK (individual_fee_cents >= 0),
    currency               TEXT NOT NULL,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
CREATE INDEX events_starts ON events (starts_on);

-- A registration, by a member for themselves (user_id) or by a captain
-- for a team (team_id; teams live in their own tables). The fee is copied
-- at registration. Pending until an admin confirms the payment.
CREATE TABLE event_registrations (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    team_id      INTEGER,
    kind         TEXT NOT NULL CHECK (kind IN ('individual', 'team')),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled')),
    fee_cents    INTEGER NOT NULL CHECK (fee_cents >= 0),
    currency     TEXT NOT NULL,
    reference    TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP,
    decided_by   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX event_registrations_one_individual ON event_registrations (event_id, user_id)
    WHERE kind = 'individual' AND status != 'cancelled';
CREATE UNIQUE INDEX event_registrations_one_team ON event_registrations (event_id, team_id)
    WHERE kind = 'team' AND status != 'cancelled';
CREATE INDEX event_registrations_event ON event_registrations (event_id, status, created_at);
CREATE INDEX event_registrations_user ON event_registrations (user_id, created_at);
CREATE INDEX event_registrations_created ON event_registrations (created_at);

-- +goose Down
DROP TABLE event_registrations;
DROP TABLE events;
