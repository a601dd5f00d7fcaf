-- Analytics (docs/analytics.md): what the collector reads from an org's own
-- file. Every query returns counts or sums grouped by day and a
-- non-personal breakdown (a currency, a membership type, an age band):
-- nothing that names or identifies a person leaves the file. Days are the
-- first ten characters of the stored timestamp (YYYY-MM-DD).

-- name: AnalyticsSignups :many
-- Accounts created per day (members: the stock is their running sum).
SELECT CAST(substr(created_at, 1, 10) AS TEXT) AS day, count(*) AS n
FROM users GROUP BY 1 ORDER BY 1;

-- name: AnalyticsMembershipsActive :many
-- Active memberships by the day they became active, the day they end and
-- their type: the collector turns them into +1 on activation and -1 the
-- day after the end.
SELECT CAST(substr(coalesce(activated_at, created_at), 1, 10) AS TEXT) AS day, end_date, type_name, count(*) AS n
FROM memberships WHERE status = 'active' GROUP BY 1, 2, 3 ORDER BY 1;

-- name: AnalyticsMembershipsNew :many
-- Memberships bought per day (any status but rejected).
SELECT CAST(substr(created_at, 1, 10) AS TEXT) AS day, count(*) AS n
FROM memberships WHERE status != 'rejected' GROUP BY 1 ORDER BY 1;

-- name: AnalyticsPayments :many
-- Payments by the day created, the day decided (empty while pending),
-- status and currency: confirmed revenue per currency and day, and the
-- pending ones' count and amount over time.
SELECT CAST(substr(created_at, 1, 10) AS TEXT) AS day,
       CAST(coalesce(substr(decided_at, 1, 10), '') AS TEXT) AS decided_day,
       status, currency, count(*) AS n,
       CAST(coalesce(sum(amount_cents), 0) AS INTEGER) AS amount_cents,
       CAST(coalesce(sum(coalesce(received_cents, amount_cents)), 0) AS INTEGER) AS received_cents
FROM payments GROUP BY 1, 2, 3, 4 ORDER BY 1;

-- name: AnalyticsRegistrations :many
-- Event registrations (not cancelled) per day and currency, with the
-- confirmed ones' fees.
SELECT CAST(substr(created_at, 1, 10) AS TEXT) AS day, currency, count(*) AS n,
       CAST(coalesce(sum(CASE WHEN status = 'confirmed' THEN fee_cents END), 0) AS INTEGER) AS confirmed_fee_cents
FROM event_registrations WHERE status != 'cancelled' GROUP BY 1, 2 ORDER BY 1;

-- name: AnalyticsEventFill :many
-- Per event start day: the events' capacity and the places taken (fill
-- rate = places / capacity over the events of a period).
SELECT e.starts_on AS day, count(*) AS events, CAST(sum(e.capacity) AS INTEGER) AS capacity,
       CAST(sum((SELECT count(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status != 'cancelled')) AS INTEGER) AS places
FROM events e GROUP BY 1 ORDER BY 1;

-- name: AnalyticsTeams :many
-- Teams created per day (the stock is their running sum).
SELECT CAST(substr(created_at, 1, 10) AS TEXT) AS day, count(*) AS n
FROM teams GROUP BY 1 ORDER BY 1;

-- name: AnalyticsSeasons :many
-- The seasons members held an active membership in, newest first, with
-- how many members: the collector picks the current and previous season.
SELECT season_name, CAST(min(start_date) AS TEXT) AS start_date, count(DISTINCT user_id) AS members
FROM memberships WHERE status = 'active'
GROUP BY season_name ORDER BY 2 DESC LIMIT 4;

-- name: AnalyticsRenewals :one
-- Members with an active membership in season prev who also hold one in
-- season cur (the IN list is built once, not looked up per member).
SELECT count(DISTINCT p.user_id) FROM memberships p
WHERE p.season_name = sqlc.arg(prev) AND p.status = 'active'
  AND p.user_id IN (SELECT c.user_id FROM memberships c WHERE c.season_name = sqlc.arg(cur) AND c.status = 'active');

-- name: AnalyticsAgeBands :many
-- Members with a profile by age band on the day given (YYYY-MM-DD). The
-- band is computed here, so no birth date leaves the file.
SELECT CAST(CASE
        WHEN age < 18 THEN 'under 18'
        WHEN age < 25 THEN '18-24'
        WHEN age < 35 THEN '25-34'
        WHEN age < 45 THEN '35-44'
        WHEN age < 55 THEN '45-54'
        ELSE '55+' END AS TEXT) AS band, count(*) AS n
FROM (SELECT CAST(substr(CAST(sqlc.arg(today) AS TEXT), 1, 4) AS INTEGER) - CAST(substr(date_of_birth, 1, 4) AS INTEGER)
        - (substr(CAST(sqlc.arg(today) AS TEXT), 6, 5) < substr(date_of_birth, 6, 5)) AS age
      FROM member_profiles)
GROUP BY 1 ORDER BY 1;

-- name: AnalyticsLastActivity :one
-- The newest sign-in, account or registration, as a day (YYYY-MM-DD).
SELECT CAST(coalesce(max(d), '') AS TEXT) FROM (
    SELECT substr(max(last_seen_at), 1, 10) AS d FROM sessions
    UNION ALL SELECT substr(max(created_at), 1, 10) FROM users
    UNION ALL SELECT substr(max(created_at), 1, 10) FROM memberships
    UNION ALL SELECT substr(max(created_at), 1, 10) FROM event_registrations);
