-- name: SettingsVersionCreate :exec
INSERT INTO settings_versions (version, display_name, contact_email, timezone, currency,
    season_name, season_start, season_end, registration_open, registration_opens_on,
    registration_closes_on, waiver_text, brand_color, saved_at, saved_by_id, saved_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: SettingsVersionGet :one
SELECT * FROM settings_versions WHERE version = ?;

-- name: SettingsVersionList :many
-- History, newest first, one page.
SELECT * FROM settings_versions ORDER BY version DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER) OFFSET sqlc.arg(offset);

-- name: SettingsVersionCount :one
SELECT count(*) FROM settings_versions;

-- name: SettingsVersionSavedByMember :one
-- Whether anyone signed in to the org (not onboarding, not the CLI) saved.
SELECT count(*) FROM settings_versions WHERE saved_by_id IS NOT NULL;
