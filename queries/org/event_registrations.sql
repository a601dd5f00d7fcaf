-- name: EventRegistrationCount :one
-- Places taken: every registration that is not cancelled.
SELECT count(*) FROM event_registrations WHERE event_id = ? AND status != 'cancelled';

-- name: EventRegistrationCreate :one
INSERT INTO event_registrations (event_id, user_id, team_id, kind, status, fee_cents, currency, reference, created_at)
VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)
RETURNING *;

-- name: EventRegistrationForUser :many
SELECT event_registrations.*, events.name AS event_name, events.starts_on
FROM event_registrations JOIN events ON events.id = event_registrations.event_id
WHERE event_registrations.user_id = ? AND event_registrations.status != 'cancelled' AND events.ends_on >= ?
ORDER BY events.starts_on;

-- name: EventParticipants :many
SELECT event_registrations.*, users.name AS member_name, users.email AS member_email
FROM event_registrations JOIN users ON users.id = event_registrations.user_id
WHERE event_registrations.event_id = ? AND event_registrations.status != 'cancelled'
ORDER BY event_registrations.created_at, event_registrations.id;

-- name: EventRegistrationConfirm :execrows
UPDATE event_registrations SET status = 'confirmed', decided_at = ?, decided_by = ?
WHERE id = ? AND event_id = ? AND status = 'pending';

-- name: EventRegistrationsRecent :many
SELECT event_registrations.*, users.name AS member_name, events.name AS event_name
FROM event_registrations
JOIN users ON users.id = event_registrations.user_id
JOIN events ON events.id = event_registrations.event_id
ORDER BY event_registrations.created_at DESC, event_registrations.id DESC LIMIT CAST(sqlc.arg(limit) AS INTEGER);
