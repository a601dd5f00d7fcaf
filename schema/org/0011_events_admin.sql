-- +goose Up
-- An admin can cancel an event: it stays listed (members registered are
-- told by mail and see it cancelled), but nobody can register for it.
ALTER TABLE events ADD COLUMN cancelled_at TIMESTAMP;

-- +goose Down
ALTER TABLE events DROP COLUMN cancelled_at;
