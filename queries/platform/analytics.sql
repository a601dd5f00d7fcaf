-- Analytics roll-ups (docs/analytics.md): written by the collector
-- (app/analytics), read by the analytics pages. Aggregates only.

-- name: AnalyticsPlatformAdd :exec
-- Moves a platform total by a difference (an org's figure changed).
INSERT INTO analytics_platform_daily (metric, dim, day, value) VALUES (?, ?, ?, ?)
ON CONFLICT (metric, dim, day) DO UPDATE SET value = analytics_platform_daily.value + excluded.value;

-- name: AnalyticsDailyOrg :many
-- An org's rows as stored (what a collection compares its new ones with).
SELECT metric, dim, day, value, cum FROM analytics_daily WHERE org_id = ?;

-- name: AnalyticsDailyPut :exec
INSERT INTO analytics_daily (org_id, metric, dim, day, value, cum) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (org_id, metric, dim, day) DO UPDATE SET value = excluded.value, cum = excluded.cum;

-- name: AnalyticsDailyDelete :exec
DELETE FROM analytics_daily WHERE org_id = ? AND metric = ? AND dim = ? AND day = ?;

-- name: AnalyticsPlatformOrgAdd :exec
INSERT OR IGNORE INTO analytics_platform_orgs (org_id) VALUES (?);

-- name: AnalyticsPlatformOrgs :many
SELECT org_id FROM analytics_platform_orgs;

-- name: AnalyticsPlatformClear :exec
DELETE FROM analytics_platform_daily;

-- name: AnalyticsPlatformRebuild :exec
-- The platform totals from every org's rows (after an org was deleted).
INSERT INTO analytics_platform_daily (metric, dim, day, value)
SELECT metric, dim, day, sum(value) FROM analytics_daily GROUP BY metric, dim, day;

-- name: AnalyticsPlatformOrgsPrune :exec
DELETE FROM analytics_platform_orgs WHERE org_id NOT IN (SELECT org_id FROM analytics_orgs);

-- name: AnalyticsCurrentDeleteOrg :exec
DELETE FROM analytics_current WHERE org_id = ?;

-- name: AnalyticsCurrentInsert :exec
INSERT INTO analytics_current (org_id, metric, dim, value) VALUES (?, ?, ?, ?);

-- name: AnalyticsOrgSave :exec
-- Records a collection of the org: when, its file's stamp then, its last
-- activity, and one more read.
INSERT INTO analytics_orgs (org_id, collected_at, stamp, last_activity, reads)
VALUES (?, ?, ?, ?, 1)
ON CONFLICT (org_id) DO UPDATE SET collected_at = excluded.collected_at, stamp = excluded.stamp,
    last_activity = excluded.last_activity, reads = analytics_orgs.reads + 1;

-- name: AnalyticsOrgStates :many
-- Every collected org's state: what the collector compares file stamps with.
SELECT * FROM analytics_orgs;

-- name: AnalyticsOrgState :one
SELECT * FROM analytics_orgs WHERE org_id = ?;

-- name: AnalyticsCurrentMetrics :many
-- Every org's current value of the figures named (the super-admin table,
-- benchmarks), by metric.
SELECT org_id, metric, dim, value FROM analytics_current WHERE metric IN (sqlc.slice(metrics));

-- name: AnalyticsCurrentOrg :many
SELECT metric, dim, value FROM analytics_current WHERE org_id = ? ORDER BY metric, dim;

-- name: AnalyticsPeriodByOrg :many
-- Per org and breakdown of the metrics named: the running total at the
-- end of the range (at_to), before its start (before_from) and before the
-- period of the same length ahead of it (before_prev): three seeks each.
SELECT k.org_id, k.metric, k.dim,
    CAST(coalesce((SELECT d.cum FROM analytics_daily d WHERE d.org_id = k.org_id AND d.metric = k.metric AND d.dim = k.dim
        AND d.day <= sqlc.arg(to_day) ORDER BY d.day DESC LIMIT 1), 0) AS INTEGER) AS at_to,
    CAST(coalesce((SELECT d.cum FROM analytics_daily d WHERE d.org_id = k.org_id AND d.metric = k.metric AND d.dim = k.dim
        AND d.day < sqlc.arg(from_day) ORDER BY d.day DESC LIMIT 1), 0) AS INTEGER) AS before_from,
    CAST(coalesce((SELECT d.cum FROM analytics_daily d WHERE d.org_id = k.org_id AND d.metric = k.metric AND d.dim = k.dim
        AND d.day < sqlc.arg(prev_from) ORDER BY d.day DESC LIMIT 1), 0) AS INTEGER) AS before_prev
FROM analytics_current k WHERE k.metric IN (sqlc.slice(metrics));

-- name: AnalyticsSeriesPlatform :many
-- The platform's daily totals up to to_day: every stock's changes from the
-- start (its value needs them), the flows from from_day.
SELECT day, metric, dim, value FROM analytics_platform_daily
WHERE day <= sqlc.arg(to_day) AND value != 0 AND (day >= sqlc.arg(from_day) OR metric IN (sqlc.slice(stocks)))
ORDER BY day;

-- name: AnalyticsSeriesOrg :many
-- One org's daily figures up to to_day.
SELECT day, metric, dim, value
FROM analytics_daily WHERE org_id = sqlc.arg(org_id) AND day <= sqlc.arg(to_day)
ORDER BY day;

-- name: AnalyticsGeneration :one
-- Changes whenever the analytics pages' figures may: an org collected,
-- created, deleted, renamed or suspended (the Overview cache's key).
SELECT CAST((SELECT count(*) FROM organizations) || '/' || (SELECT coalesce(max(updated_at), '') FROM organizations) || '/' ||
    (SELECT count(*) FROM analytics_orgs) || '/' || (SELECT coalesce(sum(reads), 0) FROM analytics_orgs) || '/' ||
    (SELECT coalesce(max(collected_at), '') FROM analytics_orgs) AS TEXT) AS generation;
