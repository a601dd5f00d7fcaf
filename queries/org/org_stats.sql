-- name: OrgStats :one
-- Figures for the platform console: no personal data leaves the org.
SELECT
    (SELECT count(*) FROM users) AS members,
    (SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active') AS admins,
    CAST(coalesce((SELECT max(last_seen_at) FROM sessions), '') AS TEXT) AS last_seen;
