-- +goose Up
-- Indexes found missing by TestOrgQueriesUseIndexes (EXPLAIN QUERY PLAN on
-- every org query). Foreign keys pointing at users and membership types
-- need an index on the child column, or SQLite scans the child table on
-- every insert or delete of a user or type.
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX invitations_invited_by ON invitations (invited_by);
CREATE INDEX invitations_role ON invitations (role, created_at);
CREATE INDEX settings_versions_saved_by ON settings_versions (saved_by_id);
CREATE INDEX payments_decided_by ON payments (decided_by_id);
CREATE INDEX memberships_type ON memberships (membership_type_id);
CREATE INDEX users_role_status ON users (role, status);

-- +goose Down
DROP INDEX users_role_status;
DROP INDEX memberships_type;
DROP INDEX payments_decided_by;
DROP INDEX settings_versions_saved_by;
DROP INDEX invitations_role;
DROP INDEX invitations_invited_by;
DROP INDEX audit_log_actor;
