-- name: EventUpdate :execrows
-- An admin's edit of an event that is not cancelled; the currency and the
-- fees already charged to registrations are kept.
UPDATE events SET name = ?, kind = ?, starts_on = ?, ends_on = ?, venue = ?,
    registration_opens_at = ?, registration_closes_at = ?, capacity = ?,
    team_fee_cents = ?, individual_fee_cents = ?, updated_at = ?
WHERE id = ? AND cancelled_at IS NULL;

-- name: EventCancel :execrows
UPDATE events SET cancelled_at = ?, updated_at = ? WHERE id = ? AND cancelled_at IS NULL;

-- name: EventDeleteUnregistered :execrows
-- Deletes an event nobody ever registered for (not even a cancelled
-- registration, which keeps its fee and reference).
DELETE FROM events WHERE events.id = sqlc.arg(id)
    AND NOT EXISTS (SELECT 1 FROM event_registrations r WHERE r.event_id = sqlc.arg(id));

-- name: EventRegistrationCountAll :one
-- Every registration an event ever had, cancelled ones included.
SELECT count(*) FROM event_registrations WHERE event_id = ?;

-- name: EventRegisteredPeople :many
-- Who registered for an event (themselves or a team), once each, to tell
-- them about a change.
SELECT DISTINCT users.name, users.email
FROM event_registrations JOIN users ON users.id = event_registrations.user_id
WHERE event_registrations.event_id = ? AND event_registrations.status != 'cancelled'
ORDER BY users.email;

-- name: EventRegistrationWithdraw :execrows
-- A member withdraws their own individual registration while it is
-- pending (a confirmed one was paid: an admin handles it).
UPDATE event_registrations SET status = 'cancelled', decided_at = ?, decided_by = ?
WHERE event_id = ? AND user_id = ? AND kind = 'individual' AND status = 'pending';

-- name: EventListPublic :many
-- Events that have not ended and are not cancelled, soonest first, for the
-- organization's public home.
SELECT * FROM events WHERE ends_on >= ? AND cancelled_at IS NULL
ORDER BY starts_on, id LIMIT CAST(sqlc.arg(limit) AS INTEGER);
