-- +goose Up
-- Cross-organization analytics (docs/analytics.md). Aggregates only: no
-- name, email, birth date or id of a person is ever stored here; the
-- collector (app/analytics) computes every figure inside the organization's
-- own file and writes counts and sums.
--
-- analytics_daily: one row per (org, day, metric, dim) with a non-zero
-- value. A metric is either a flow (sign-ups, confirmed revenue: summed
-- over a period) or the daily change of a stock (members, active
-- memberships, pending payments: the stock on a day is the sum of its
-- changes up to that day). dim is the breakdown (a currency, a membership
-- type name) or ''. An org's rows are replaced as a whole by each
-- collection of that org.
CREATE TABLE analytics_daily (
    org_id TEXT NOT NULL REFERENCES organizations (id),
    day    TEXT NOT NULL CHECK (length(day) = 10),
    metric TEXT NOT NULL,
    dim    TEXT NOT NULL DEFAULT '',
    value  INTEGER NOT NULL,
    PRIMARY KEY (org_id, day, metric, dim)
) WITHOUT ROWID;
CREATE INDEX analytics_daily_day ON analytics_daily (day, metric);

-- analytics_current: each org's figures as of its last collection (the
-- stocks summed up, plus what only exists as a snapshot: renewals, age
-- bands), so the super-admin table reads one row per org and figure.
CREATE TABLE analytics_current (
    org_id TEXT NOT NULL REFERENCES organizations (id),
    metric TEXT NOT NULL,
    dim    TEXT NOT NULL DEFAULT '',
    value  INTEGER NOT NULL,
    PRIMARY KEY (org_id, metric, dim)
) WITHOUT ROWID;

-- analytics_orgs: when each org was last collected, the state of its file
-- then (size and modification time of the database and its WAL, so a
-- change made by another process is noticed without opening the file) and
-- its last activity (newest sign-in or record, a date).
CREATE TABLE analytics_orgs (
    org_id        TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id),
    collected_at  TIMESTAMP NOT NULL,
    stamp         TEXT NOT NULL DEFAULT '',
    last_activity TEXT NOT NULL DEFAULT '',
    reads         INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE analytics_orgs;
DROP TABLE analytics_current;
DROP INDEX analytics_daily_day;
DROP TABLE analytics_daily;
