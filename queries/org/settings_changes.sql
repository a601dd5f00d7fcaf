-- name: SettingsChangeCreate :exec
INSERT INTO settings_changes (version, field, old_value, new_value) VALUES (?, ?, ?, ?);

-- name: SettingsChangesForVersions :many
SELECT * FROM settings_changes WHERE version BETWEEN sqlc.arg(from_version) AND sqlc.arg(to_version) ORDER BY version, id;
