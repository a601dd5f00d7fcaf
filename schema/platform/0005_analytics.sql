-- +goose Up
-- Cross-organization analytics (docs/analytics.md). Aggregates only: no
-- name, email, birth date or id of a person is ever stored here; the
-- collector (app/analytics) computes every figure inside the organization's
-- own file and writes counts and sums.
--
-- analytics_daily: one row per (org, metric, dim, day) with a non-zero
-- value. A metric is either a flow (sign-ups, confirmed revenue: summed
-- over a period) or the daily change of a stock (members, active
-- memberships, pending payments: the stock on a day is the sum of its
-- changes up to that day). dim is the breakdown (a currency, a membership
-- type name) or ''. cum is the running total up to and including the day,
-- so any period's sum (or a stock's value on a day) is one or two seeks
-- on the key, whatever the number of days. An org's rows are replaced as
-- a whole by each collection of that org.
CREATE TABLE analytics_daily (
    org_id TEXT NOT NULL REFERENCES organizations (id),
    metric TEXT NOT NULL,
    dim    TEXT NOT NULL DEFAULT '',
    day    TEXT NOT NULL CHECK (length(day) = 10),
    value  INTEGER NOT NULL,
    cum    INTEGER NOT NULL,
    PRIMARY KEY (org_id, metric, dim, day)
) WITHOUT ROWID;

-- analytics_platform_daily: the sum of every org's daily rows, kept up to
-- date by each org's collection (its old rows subtracted, its new ones
-- added), so the platform trend reads days x metrics rows, not orgs x days.
CREATE TABLE analytics_platform_daily (
    metric TEXT NOT NULL,
    dim    TEXT NOT NULL DEFAULT '',
    day    TEXT NOT NULL CHECK (length(day) = 10),
    value  INTEGER NOT NULL,
    PRIMARY KEY (metric, dim, day)
) WITHOUT ROWID;
CREATE INDEX analytics_platform_daily_day ON analytics_platform_daily (day);

-- analytics_platform_orgs: the orgs whose rows are in the platform totals.
-- Deliberately without a foreign key: when an organization is deleted
-- (its analytics rows go with its registry row), the collector finds it
-- here and rebuilds the totals without it.
CREATE TABLE analytics_platform_orgs (
    org_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

-- analytics_current: each org's figures as of its last collection (the
-- stocks summed up, plus what only exists as a snapshot: renewals, age
-- bands), so the super-admin table reads one row per org and figure.
CREATE TABLE analytics_current (
    org_id TEXT NOT NULL REFERENCES organizations (id),
    metric TEXT NOT NULL,
    dim    TEXT NOT NULL DEFAULT '',
    value  INTEGER NOT NULL,
    PRIMARY KEY (metric, org_id, dim)
) WITHOUT ROWID;
CREATE INDEX analytics_current_org ON analytics_current (org_id);

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
DROP TABLE analytics_platform_orgs;
DROP INDEX analytics_current_org;
DROP TABLE analytics_current;
DROP INDEX analytics_platform_daily_day;
DROP TABLE analytics_platform_daily;
DROP TABLE analytics_daily;
