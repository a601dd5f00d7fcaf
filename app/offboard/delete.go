package offboard

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/onboarding"
	"sportsapp/app/replication"
	"sportsapp/app/tenant"
)

// Deleting an organization: only a suspended one; a super-admin schedules
// it with a grace period (DefaultGrace), during which reactivating the
// organization cancels it; once the grace is over the sweeper (in the
// server, hourly, and `org delete --now`) deletes it:
//
//  1. the deletion is recorded as started (state "deleting") before
//     anything is removed, so a process that stops midway completes it
//     on its next sweep: the organization is either intact or deleted;
//  2. the organization is taken offline in the pool (Exclusive: requests
//     get a 503, its connections close) and unregistered from replication;
//  3. its database file, -wal, -shm and Litestream's local directory are
//     removed: exactly the paths derived from its id, nothing matched by a
//     pattern, so no other organization's file can be touched;
//  4. the registry forgets it and keeps a tombstone in the same
//     transaction (the slug is held for tenant.SlugHold, the id for good);
//  5. its replica is purged once the replica's retention has passed,
//     unless the deletion keeps it.
//
// Every step is in the platform audit log.

// DefaultGrace is the grace period of a scheduled deletion.
const DefaultGrace = 30 * 24 * time.Hour

// SweepInterval is how often the server looks for deletions that are due.
const SweepInterval = time.Hour

// Actor is who asks for a deletion (platform audit).
type Actor struct{ Label, IP string }

// Deleter schedules, cancels and carries out organization deletions.
type Deleter struct {
	Registry *tenant.Registry
	// Pool serves the organizations in this process; nil when none does
	// (a command holding the data directory's lock).
	Pool *tenant.Pool
	// Replicator replicates in this process; nil when nothing does.
	Replicator *replication.Replicator
	// Replica is the replica's configuration: its Retention decides when a
	// deleted organization's replica is purged.
	Replica replication.Config
	Log     *slog.Logger
	Now     func() time.Time
	// Deleted, if set, is told after an organization is deleted (caches).
	Deleted func(tenant.Org)
}

func (d *Deleter) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

func (d *Deleter) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

func (d *Deleter) q() *platformdb.Queries { return platformdb.New(d.Registry.PlatformDB().Writer()) }

// Deletion is an organization's deletion as the console shows it.
type Deletion struct {
	platformdb.OrgDeletion
}

// Scheduled reports whether the deletion waits for its grace period.
func (x Deletion) Scheduled() bool { return x.State == tenant.DeletionScheduled }

// Get returns org's deletion, if one was asked for.
func (d *Deleter) Get(ctx context.Context, org tenant.Org) (Deletion, bool, error) {
	row, err := platformdb.New(d.Registry.PlatformDB().Reader()).OrgDeletionGet(ctx, org.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return Deletion{}, false, nil
	}
	return Deletion{row}, err == nil, err
}

// Schedule schedules the deletion of the suspended organization slug after
// grace (DefaultGrace if zero).
func (d *Deleter) Schedule(ctx context.Context, slug string, by Actor, grace time.Duration, keepReplica bool) (Deletion, error) {
	if grace <= 0 {
		grace = DefaultGrace
	}
	org, err := d.Registry.BySlug(ctx, slug)
	if err != nil {
		return Deletion{}, err
	}
	if org.Status != tenant.StatusSuspended {
		return Deletion{}, apperr.Errorf(apperr.Conflict, "%s is active. Only a suspended organization can be deleted: suspend it first.", org.Slug)
	}
	if x, ok, err := d.Get(ctx, org); err != nil {
		return Deletion{}, err
	} else if ok {
		return x, apperr.Errorf(apperr.Conflict, "The deletion of %s is already scheduled for %s.", org.Slug, x.DeleteAfter.Format("2006-01-02 15:04 UTC"))
	}
	now := d.now()
	err = d.q().OrgDeletionCreate(ctx, platformdb.OrgDeletionCreateParams{
		OrgID: org.ID, Slug: org.Slug, Name: org.Name, RequestedAt: now, RequestedBy: by.Label,
		DeleteAfter: now.Add(grace), KeepReplica: keepReplica,
	})
	if err != nil {
		return Deletion{}, err
	}
	detail := fmt.Sprintf("deletion on %s (%s grace)", now.Add(grace).Format("2006-01-02 15:04 UTC"), days(grace))
	if keepReplica {
		detail += ", replica kept"
	}
	if err := d.Registry.Audit(ctx, by.Label, "org.delete_schedule", org, detail, by.IP); err != nil {
		return Deletion{}, err
	}
	x, _, err := d.Get(ctx, org)
	return x, err
}

func days(t time.Duration) string {
	if n := int(t / (24 * time.Hour)); n >= 1 && t%(24*time.Hour) == 0 {
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	}
	return t.String()
}

// Cancel cancels org's scheduled deletion (the organization stays
// suspended).
func (d *Deleter) Cancel(ctx context.Context, slug string, by Actor) error {
	org, err := d.Registry.BySlug(ctx, slug)
	if err != nil {
		return err
	}
	n, err := d.q().OrgDeletionCancel(ctx, org.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.Errorf(apperr.Conflict, "%s has no deletion to cancel (none is scheduled, or it has started).", org.Slug)
	}
	return d.Registry.Audit(ctx, by.Label, "org.delete_cancel", org, "", by.IP)
}

// Exported reports whether an operator has exported org (console or CLI).
func (d *Deleter) Exported(ctx context.Context, org tenant.Org) (bool, error) {
	n, err := d.q().PlatformAuditHasAction(ctx, platformdb.PlatformAuditHasActionParams{OrgID: org.ID, Action: "org.export"})
	return n > 0, err
}

// DeleteNow deletes the suspended organization slug at once, scheduling
// it first if needed. It is refused unless the organization was exported
// or force is set.
func (d *Deleter) DeleteNow(ctx context.Context, slug string, by Actor, force, keepReplica bool) error {
	org, err := d.Registry.BySlug(ctx, slug)
	if err != nil {
		return err
	}
	if org.Status != tenant.StatusSuspended {
		return apperr.Errorf(apperr.Conflict, "%s is active. Only a suspended organization can be deleted: suspend it first.", org.Slug)
	}
	if !force {
		ok, err := d.Exported(ctx, org)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Errorf(apperr.Conflict, "%s has never been exported. Export it first (sportsapp org export --slug %s --output F.zip), or pass --force to delete it without an export.", org.Slug, org.Slug)
		}
	}
	x, ok, err := d.Get(ctx, org)
	if err != nil {
		return err
	}
	if !ok {
		if x, err = d.Schedule(ctx, slug, by, time.Nanosecond, keepReplica); err != nil {
			return err
		}
	}
	return d.delete(ctx, org, x, by.Label)
}

// Sweep deletes the organizations whose grace period is over, completes
// any deletion a stopped process left midway, and purges the replicas
// whose retention has passed. It returns the first error, after trying
// every organization.
func (d *Deleter) Sweep(ctx context.Context) error {
	due, err := d.q().OrgDeletionDue(ctx, d.now())
	if err != nil {
		return err
	}
	var errs []error
	for _, row := range due {
		org, err := d.Registry.BySlug(ctx, row.Slug)
		if errors.Is(err, tenant.ErrOrgNotFound) || err == nil && org.ID != row.OrgID {
			// Forgotten already (a stop after the registry's transaction
			// cannot happen: the tombstone is in it), or the slug is
			// another organization's: only finish the tombstone.
			org = tenant.Org{ID: row.OrgID, Slug: row.Slug, Name: row.Name, Status: tenant.StatusSuspended}
		} else if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := d.delete(ctx, org, Deletion{row}, "sweeper"); err != nil {
			d.log().Error("delete organization", "org", row.Slug, "org_id", row.OrgID, "err", err)
			errs = append(errs, fmt.Errorf("delete %s: %w", row.Slug, err))
		}
	}
	if err := d.purge(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// delete carries out one deletion (steps 1 to 4 above).
func (d *Deleter) delete(ctx context.Context, org tenant.Org, x Deletion, actor string) error {
	if org.Status != tenant.StatusSuspended {
		// Reactivation cancels a schedule; an active org here means the
		// registry changed under us. Never delete a serving organization.
		return apperr.Errorf(apperr.Conflict, "%s is active; its deletion is not carried out.", org.Slug)
	}
	path, err := d.Registry.OrgPath(org.ID)
	if err != nil {
		return err
	}
	path, err = filepath.Abs(path)
	if err != nil {
		return err
	}
	// 1. Recorded before anything is removed.
	if x.State != tenant.DeletionDeleting {
		n, err := d.q().OrgDeletionStart(ctx, platformdb.OrgDeletionStartParams{StartedAt: sql.NullTime{Time: d.now(), Valid: true}, OrgID: org.ID})
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.Errorf(apperr.Conflict, "The deletion of %s was cancelled.", org.Slug)
		}
		if err := d.Registry.Audit(ctx, actor, "org.delete_start", org, "removing "+path, ""); err != nil {
			return err
		}
	}
	remove := func(ctx context.Context) error {
		// 2. Offline (the caller's Exclusive), unregistered from replication.
		if d.Replicator != nil {
			if err := d.Replicator.Remove(ctx, path); err != nil && !errors.Is(err, replication.ErrNotReplicated) {
				return fmt.Errorf("stop replicating %s: %w", org.Slug, err)
			}
		}
		// 3. Exactly this organization's files.
		if err := removeLocal(path); err != nil {
			return err
		}
		// 4. The registry forgets it; the tombstone is written with it.
		now := d.now()
		purge := sql.NullTime{Time: now.Add(d.retention()), Valid: !x.KeepReplica}
		return d.Registry.Forget(ctx, org, func(q *platformdb.Queries) error {
			return q.OrgDeletionDone(ctx, platformdb.OrgDeletionDoneParams{DeletedAt: sql.NullTime{Time: now, Valid: true}, ReplicaPurgeAfter: purge, OrgID: org.ID})
		})
	}
	if d.Pool != nil {
		err = d.Pool.Exclusive(ctx, org, remove)
	} else {
		err = remove(ctx)
	}
	if err != nil {
		return err
	}
	if d.Deleted != nil {
		d.Deleted(org)
	}
	detail := "files removed; slug held until " + d.now().Add(tenant.SlugHold).Format("2006-01-02")
	if x.KeepReplica {
		detail += "; replica kept"
	} else {
		detail += "; replica purged after " + d.now().Add(d.retention()).Format("2006-01-02 15:04 UTC")
	}
	d.log().Info("organization deleted", "org", org.Slug, "org_id", org.ID)
	return d.Registry.Audit(ctx, actor, "org.delete", org, detail, "")
}

// retention is how long the replica keeps a deleted organization's
// history before it is purged.
func (d *Deleter) retention() time.Duration {
	if d.Replica.Retention > 0 {
		return d.Replica.Retention
	}
	return 24 * time.Hour
}

// removeLocal removes a database's local files (replication.LocalFiles:
// the file, -wal, -shm and Litestream's directory). Nothing has them open:
// the pool closed the database and replication let go of it.
func removeLocal(path string) error {
	var errs []error
	for _, f := range replication.LocalFiles(path) {
		if err := os.RemoveAll(f); err != nil {
			errs = append(errs, err)
		}
	}
	for _, f := range replication.LocalFiles(path) {
		if _, err := os.Lstat(f); err == nil {
			errs = append(errs, fmt.Errorf("%s is still there", f))
		}
	}
	return errors.Join(errs...)
}

// purge deletes the replicas of deleted organizations whose retention has
// passed.
func (d *Deleter) purge(ctx context.Context) error {
	if d.Replica.URL == "" {
		return nil
	}
	now := d.now()
	due, err := d.q().OrgDeletionPurgeDue(ctx, sql.NullTime{Time: now, Valid: true})
	if err != nil {
		return err
	}
	var errs []error
	for _, row := range due {
		org := tenant.Org{ID: row.OrgID, Slug: row.Slug, Name: row.Name}
		if err := replication.Purge(ctx, d.Replica, onboarding.ReplicaName(org)); err != nil {
			errs = append(errs, fmt.Errorf("purge the replica of %s: %w", row.Slug, err))
			continue
		}
		if err := d.q().OrgDeletionPurged(ctx, platformdb.OrgDeletionPurgedParams{ReplicaPurgedAt: sql.NullTime{Time: now, Valid: true}, OrgID: row.OrgID}); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, d.Registry.Audit(ctx, "sweeper", "org.replica_purge", org, onboarding.ReplicaName(org), ""))
	}
	return errors.Join(errs...)
}

// Run sweeps now and then every interval until ctx ends (the server).
func (d *Deleter) Run(ctx context.Context, interval time.Duration) {
	for {
		if err := d.Sweep(ctx); err != nil && ctx.Err() == nil {
			d.log().Error("organization deletion sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
