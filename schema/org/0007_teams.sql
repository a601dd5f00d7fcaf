-- +goose Up
-- Teams are created by members with an active membership. The slug is
-- derived from the name at creation and never changes (links to a team keep
-- working after an admin renames it). name_key is the name trimmed, with
-- spaces collapsed and lower-cased in Go (Unicode-aware, unlike SQLite's
-- lower() or NOCASE), so names are unique whatever their case.
CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 80),
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    name_key   TEXT NOT NULL UNIQUE,
    city       TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    province   TEXT NOT NULL CHECK (province IN ('AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT')),
    colours    TEXT NOT NULL DEFAULT '' CHECK (length(colours) <= 50),
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX teams_created_by ON teams (created_by);

-- A person's place on a team, and the invitation that led to it. Rows are
-- never deleted: a declined invitation or a removal is a status, so the
-- history stays. email is the address a captain invited (shown to captains
-- while the invitation is pending). An invitation to someone without an
-- account yet has no user_id: it is attached to the account with that email
-- when its owner first opens the teams pages after joining the organization
-- (team.Claim), through the account invitation mailed with it.
CREATE TABLE team_members (
    id           INTEGER PRIMARY KEY,
    team_id      INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE,
    email        TEXT NOT NULL DEFAULT '' CHECK (email = lower(email)),
    role         TEXT NOT NULL CHECK (role IN ('captain', 'coach', 'player')),
    status       TEXT NOT NULL CHECK (status IN ('invited', 'active', 'declined', 'removed')),
    invited_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    responded_at TIMESTAMP,
    CHECK (user_id IS NOT NULL OR email <> '')
);
-- At most one active-or-invited row per person and team (by account, or by
-- email while the person has no account).
CREATE UNIQUE INDEX team_members_open_user ON team_members (team_id, user_id) WHERE status IN ('invited', 'active');
CREATE UNIQUE INDEX team_members_open_email ON team_members (team_id, email) WHERE status = 'invited' AND user_id IS NULL;
CREATE INDEX team_members_team ON team_members (team_id, status, role);
CREATE INDEX team_members_user ON team_members (user_id, status);
CREATE INDEX team_members_email ON team_members (email) WHERE user_id IS NULL;
CREATE INDEX team_members_invited_by ON team_members (invited_by);

-- +goose Down
DROP TABLE team_members;
DROP TABLE teams;
