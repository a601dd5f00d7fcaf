-- name: SettingsGet :one
SELECT * FROM settings WHERE singleton = 1;

-- name: SettingsCreate :execrows
-- The first save (from version 0, the defaults). Loses to a concurrent
-- first save instead of overwriting it.
INSERT INTO settings (singleton, version, display_name, contact_email, timezone, currency,
    season_name, season_start, season_end, registration_open, registration_opens_on,
    registration_closes_on, waiver_text, brand_color, updated_at, updated_by)
VALUES (1, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (singleton) DO NOTHING;

-- name: SettingsUpdate :execrows
-- Applies only if nobody saved since the version the editor started from.
UPDATE settings SET
    version = version + 1,
    display_name = ?, contact_email = ?, timezone = ?, currency = ?,
    season_name = ?, season_start = ?, season_end = ?, registration_open = ?,
    registration_opens_on = ?, registration_closes_on = ?, waiver_text = ?,
    brand_color = ?, updated_at = ?, updated_by = ?
WHERE singleton = 1 AND version = sqlc.arg(expected_version);
