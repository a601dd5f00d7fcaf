-- +goose Up
-- Super-admins are the platform's operators. They live in the platform
-- database and sign in on the platform host only; their sessions are a
-- separate table, so no super-admin cookie can mean anything on an org host.
CREATE TABLE super_admins (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at    TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);

CREATE TABLE platform_sessions (
    id             INTEGER PRIMARY KEY,
    token_hash     BLOB NOT NULL UNIQUE,
    super_admin_id INTEGER NOT NULL REFERENCES super_admins (id) ON DELETE CASCADE,
    created_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL,
    last_seen_at   TIMESTAMP NOT NULL,
    ip             TEXT NOT NULL DEFAULT '',
    user_agent     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX platform_sessions_admin ON platform_sessions (super_admin_id);

-- +goose Down
DROP TABLE platform_sessions;
DROP TABLE super_admins;
