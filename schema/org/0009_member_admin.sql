-- +goose Up
-- A payment confirmed with an amount other than the one due is confirmed
-- only after the admin explicitly acknowledged the difference (issue 16,
-- item 4); the acknowledgement is recorded with the payment so that the
-- payments history and the member's page say so, next to who decided and
-- when (decided_by, decided_at).
ALTER TABLE payments ADD COLUMN difference_acknowledged BOOLEAN NOT NULL DEFAULT FALSE;

-- The member's page lists the audit entries about them (subject is their
-- email or one of their payment references).
CREATE INDEX audit_log_subject ON audit_log (subject);

-- The payments history's season filter lists the seasons memberships were
-- sold for, one index step per season (PaymentSeasons).
CREATE INDEX memberships_season ON memberships (season_name);

-- +goose Down
DROP INDEX memberships_season;
DROP INDEX audit_log_subject;
ALTER TABLE payments DROP COLUMN difference_acknowledged;
