-- name: EventCreate :one
INSERT INTO events (name, kind, starts_on, ends_on, venue, registration_opens_at, registration_closes_at,
    capacity, team_fee_cents, individual_fee_cents, currency, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING *;

-- name: EventGet :one
SELECT * FROM events WHERE id = ?;

-- name: EventListUpcoming :many
-- Events that have not ended, soonest first.
SELECT * FROM events WHERE ends_on >= ? ORDER BY starts_on, id LIMIT ?;

-- name: EventListAll :many
SELECT * FROM events ORDER BY starts_on DESC, id DESC LIMIT ?;
