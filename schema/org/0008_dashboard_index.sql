-- +goose Up
-- The admin dashboard counts memberships valid today on every view
-- (AdminDashboard). With only memberships_status (status, created_at),
-- SQLite read every active membership's row to check its end date; this
-- index answers the count from the index alone.
CREATE INDEX memberships_status_end ON memberships (status, end_date);

-- +goose Down
DROP INDEX memberships_status_end;
