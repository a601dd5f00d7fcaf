package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/sqlite"
)

// What the registry knows of organization deletions (issue 17,
// docs/offboarding.md; the deletion itself is app/offboard): a
// reactivation cancels a scheduled deletion, an organization being deleted
// cannot be reactivated, and a deleted organization's tombstone holds its
// slug for SlugHold and its id for good.

// SlugHold is how long a deleted organization's slug cannot be taken again
// (links and bookmarks to it must not reach someone else's site).
const SlugHold = 90 * 24 * time.Hour

// Deletion states (org_deletions.state).
const (
	DeletionScheduled = "scheduled"
	DeletionDeleting  = "deleting"
	DeletionDeleted   = "deleted"
)

// PlatformDB returns the platform database (for the capabilities that
// keep their own platform tables beside the registry's).
func (r *Registry) PlatformDB() *sqlite.DB { return r.db }

// beforeActivate cancels org's scheduled deletion, and refuses to
// reactivate an organization whose deletion has started.
func (r *Registry) beforeActivate(ctx context.Context, org Org) error {
	d, err := r.reader().OrgDeletionGet(ctx, org.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if d.State != DeletionScheduled {
		return apperr.Errorf(apperr.Conflict, "%s is being deleted; it cannot be reactivated.", org.Slug)
	}
	if _, err := r.writer().OrgDeletionCancel(ctx, org.ID); err != nil {
		return err
	}
	return r.Audit(ctx, "reactivation", "org.delete_cancel", org, "the scheduled deletion is cancelled by the reactivation", "")
}

// CheckTombstone refuses a slug a deleted organization still holds (a
// Conflict error saying so).
func (r *Registry) CheckTombstone(ctx context.Context, slug string) error {
	n, err := r.reader().OrgDeletionSlugHeld(ctx, platformdb.OrgDeletionSlugHeldParams{
		Slug: slug, Since: sql.NullTime{Time: r.now().UTC().Add(-SlugHold), Valid: true},
	})
	if err != nil {
		return err
	}
	if n > 0 {
		return apperr.Errorf(apperr.Conflict, "The address %q belonged to a deleted organization and cannot be used again yet.", slug)
	}
	return nil
}

// Forget removes a deleted organization from the registry, with every
// platform row that refers to it (its domains, and whatever table a later
// release adds with a foreign key to organizations), in one transaction
// with tombstone, which records the deletion as done. Listeners are told,
// so resolvers stop answering for it at once.
func (r *Registry) Forget(ctx context.Context, org Org, tombstone func(*platformdb.Queries) error) error {
	err := r.db.Writer().Tx(ctx, func(tx sqlite.DBTX) error {
		refs, err := referencing(ctx, tx)
		if err != nil {
			return err
		}
		for _, ref := range refs {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM %q WHERE %q = ?", ref.table, ref.column), org.ID); err != nil {
				return fmt.Errorf("forget %s in %s: %w", org.Slug, ref.table, err)
			}
		}
		q := platformdb.New(tx)
		if err := q.OrganizationDelete(ctx, org.ID); err != nil {
			return err
		}
		return tombstone(q)
	})
	if err != nil {
		return err
	}
	r.changed(org)
	return nil
}

type fkRef struct{ table, column string }

// referencing lists the platform tables' columns that refer to
// organizations(id).
func referencing(ctx context.Context, tx sqlite.DBTX) ([]fkRef, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f."table" = 'organizations' ORDER BY m.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var refs []fkRef
	for rows.Next() {
		var ref fkRef
		if err := rows.Scan(&ref.table, &ref.column); err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, rows.Err()
}
