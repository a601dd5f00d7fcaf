-- Analytics roll-ups (docs/analytics.md): written by the collector
-- (app/analytics), read by the analytics pages. Aggregates only.

-- name: AnalyticsDailyDeleteOrg :exec
DELETE FROM analytics_daily WHERE org_id = ?;

-- name: AnalyticsDailyInsert :exec
INSERT INTO analytics_daily (org_id, day, metric, dim, value) VALUES (?, ?, ?, ?, ?);

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

-- name: AnalyticsCurrentAll :many
-- Every org's current figures (the super-admin table), with the org.
SELECT c.org_id, c.metric, c.dim, c.value FROM analytics_current c ORDER BY c.org_id;

-- name: AnalyticsCurrentOrg :many
SELECT metric, dim, value FROM analytics_current WHERE org_id = ? ORDER BY metric, dim;

-- name: AnalyticsCurrentMetric :many
-- One figure of every org (benchmarks: e.g. every org's members).
SELECT org_id, dim, value FROM analytics_current WHERE metric = ?;

-- name: AnalyticsPeriodByOrg :many
-- Per org, metric and breakdown: the sum over [from, to] (cur) and over the
-- period before it, [prev_from, from) (prev).
SELECT org_id, metric, dim,
    CAST(sum(CASE WHEN day >= sqlc.arg(from_day) THEN value ELSE 0 END) AS INTEGER) AS cur,
    CAST(sum(CASE WHEN day < sqlc.arg(from_day) THEN value ELSE 0 END) AS INTEGER) AS prev
FROM analytics_daily
WHERE day >= sqlc.arg(prev_from) AND day <= sqlc.arg(to_day)
GROUP BY org_id, metric, dim;

-- name: AnalyticsSeriesPlatform :many
-- Every org's daily figures summed per day, up to to_day (the stocks need
-- their history from the start).
SELECT day, metric, dim, CAST(sum(value) AS INTEGER) AS value
FROM analytics_daily WHERE day <= sqlc.arg(to_day)
GROUP BY day, metric, dim ORDER BY day;

-- name: AnalyticsSeriesOrg :many
-- One org's daily figures up to to_day.
SELECT day, metric, dim, value
FROM analytics_daily WHERE org_id = sqlc.arg(org_id) AND day <= sqlc.arg(to_day)
ORDER BY day;
