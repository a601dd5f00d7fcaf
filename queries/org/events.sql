-- name: EventCreate :one
INSERT INTO events (name, kind, starts_on, ends_on, venue, registration_opens_at, registration_closes_at,
    capacity, team_fee_cents, individual_fee_cents, currency, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING *;

-- name: EventGet :one
SELECT * FROM events WHERE id = ?;

-- name: EventListUpcoming :many
-- Events that have not ended, soonest first, with the places taken.
SELECT sqlc.embed(events),
    (SELECT count(*) FROM event_registrations r WHERE r.event_id = events.id AND r.status != 'cancelled') AS taken
FROM events WHERE ends_on >= ? ORDER BY starts_on, id LIMIT CAST(sqlc.arg(limit) AS INTEGER);
