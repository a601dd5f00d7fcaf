// Package restore brings one organization's database back from the
// replica: to a new file for inspection, or in place of the live file while
// the server keeps serving every other organization.
package restore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/onboarding"
	"sportsapp/app/replication"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// Service restores organizations.
type Service struct {
	Registry *tenant.Registry
	// Pool serves the organizations; a restore in place runs under its
	// Exclusive maintenance.
	Pool *tenant.Pool
	// Replicator is stopped for the org during the swap and resumed after;
	// nil when this process does not replicate (an offline restore).
	Replicator *replication.Replicator
	// Replica is where backups are read from.
	Replica replication.Config
	// Restored is called after an organization's file was replaced, to drop
	// what was cached about it (its settings).
	Restored func(tenant.Org)
	Log      *slog.Logger
	Now      func() time.Time
}

// Result says what a restore did.
type Result struct {
	Org        tenant.Org
	Path       string   // the restored file
	MovedAside []string // the directory holding the previous files, kept (never deleted)
	Took       time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ToFile restores org's database (latest, or as it was at at) to output,
// which must not exist, leaving the live database alone. The result is
// integrity-checked and must carry the organization's own id.
func (s *Service) ToFile(ctx context.Context, org tenant.Org, output string, at time.Time) (Result, error) {
	start := s.now()
	if _, err := os.Stat(output); err == nil {
		return Result{}, apperr.Errorf(apperr.Invalid, "%s already exists; choose a new file.", output)
	}
	if err := replication.Restore(ctx, s.Replica, onboarding.ReplicaName(org), output, at); err != nil {
		return Result{}, err
	}
	if err := checkIdentity(ctx, output, org); err != nil {
		removeAll(output)
		return Result{}, err
	}
	return Result{Org: org, Path: output, Took: s.now().Sub(start)}, nil
}

// Live replaces org's live database with the replica's copy (latest, or as
// it was at at). The organization is in maintenance meanwhile (its requests
// get a 503; others are untouched): its database is closed once no request
// holds it, its replication stops after a final sync, its current files
// (database, -wal, -shm, Litestream's directory) are moved aside and kept,
// the backup is restored and checked, and replication resumes. If the
// restore fails, the previous files are put back and the organization
// serves them again.
func (s *Service) Live(ctx context.Context, org tenant.Org, at time.Time) (Result, error) {
	start := s.now()
	path, err := s.Registry.OrgPath(org.ID)
	if err != nil {
		return Result{}, err
	}
	path, err = filepath.Abs(path)
	if err != nil {
		return Result{}, err
	}
	name := onboarding.ReplicaName(org)
	// Refuse what cannot work before the organization goes into maintenance.
	if err := s.check(ctx, name, at); err != nil {
		return Result{}, err
	}
	stamp := s.now().UTC().Format("20060102T150405.000000000Z")
	res := Result{Org: org, Path: path}
	err = s.Pool.Exclusive(ctx, org, func(ctx context.Context) error {
		if s.Replicator != nil {
			if err := s.Replicator.Remove(ctx, path); err != nil && !errors.Is(err, replication.ErrNotReplicated) {
				s.Log.Warn("stop replication before restore", "org", org.Slug, "err", err)
			}
		}
		moved, err := moveAside(path, stamp)
		if err != nil {
			return errors.Join(err, s.resume(ctx, org, name, path))
		}
		if len(moved) > 0 {
			res.MovedAside = []string{filepath.Dir(moved[0].to)}
		}
		rerr := replication.Restore(ctx, s.Replica, name, path, at)
		if rerr == nil {
			rerr = checkIdentity(ctx, path, org)
		}
		if rerr == nil {
			// A backup from before a release is brought to the current
			// schema here, since requests never migrate.
			_, _, rerr = tenant.OrgMigrations.MigrateFile(ctx, path, false)
		}
		if rerr != nil {
			removeAll(path)
			res.MovedAside = nil
			if berr := moveBack(moved); berr != nil {
				rerr = errors.Join(rerr, fmt.Errorf("put the previous files back: %w", berr))
			}
			return errors.Join(rerr, s.resume(ctx, org, name, path))
		}
		return s.resume(ctx, org, name, path)
	})
	if err != nil {
		return Result{}, err
	}
	if s.Restored != nil {
		s.Restored(org)
	}
	res.Took = s.now().Sub(start)
	s.Log.Info("organization restored", "org", org.Slug, "at", at, "took", res.Took, "moved_aside", res.MovedAside)
	return res, nil
}

// check fails early when the replica has no backup, or none at at.
func (s *Service) check(ctx context.Context, name string, at time.Time) error {
	info, err := replication.Describe(ctx, s.Replica, name)
	if err != nil {
		return err
	}
	if info.Empty() {
		return fmt.Errorf("restore %q: %w", name, replication.ErrNoBackup)
	}
	if !at.IsZero() && (at.Before(info.Earliest) || at.After(s.now().Add(time.Minute))) {
		return &replication.WindowError{At: at, Earliest: info.Earliest, Latest: info.Latest}
	}
	return nil
}

// resume starts replicating the org's file again.
func (s *Service) resume(ctx context.Context, org tenant.Org, name, path string) error {
	if s.Replicator == nil {
		return nil
	}
	// Ship the restored file (a fresh local history: its first sync is a
	// snapshot); from then on the pool replicates it while it is open.
	if err := s.Replicator.Ship(context.WithoutCancel(ctx), name, path); err != nil {
		return fmt.Errorf("resume replication of %s: %w", org.Slug, err)
	}
	return nil
}

type move struct{ from, to string }

// moveAside moves every local file of the database (file, -wal, -shm,
// Litestream's directory) into a new directory <file>.before-restore-<stamp>
// beside it, under their own names, so the set stays usable: opening the
// moved file finds its WAL and loses nothing committed.
func moveAside(path, stamp string) ([]move, error) {
	dir := path + ".before-restore-" + stamp
	if err := os.Mkdir(dir, 0o750); err != nil {
		return nil, fmt.Errorf("make %s: %w", dir, err)
	}
	var moved []move
	for _, f := range replication.LocalFiles(path) {
		if _, err := os.Lstat(f); errors.Is(err, os.ErrNotExist) {
			continue
		}
		to := filepath.Join(dir, filepath.Base(f))
		if err := os.Rename(f, to); err != nil {
			return nil, errors.Join(fmt.Errorf("move %s aside: %w", f, err), moveBack(moved))
		}
		moved = append(moved, move{from: f, to: to})
	}
	return moved, nil
}

// moveBack undoes moveAside.
func moveBack(moved []move) error {
	var errs []error
	for i := len(moved) - 1; i >= 0; i-- {
		if err := os.Rename(moved[i].to, moved[i].from); err != nil {
			errs = append(errs, err)
		}
	}
	if len(moved) > 0 && len(errs) == 0 {
		_ = os.Remove(filepath.Dir(moved[0].to))
	}
	return errors.Join(errs...)
}

func removeAll(path string) {
	for _, f := range sqlite.Files(path) {
		_ = os.Remove(f)
	}
	_ = os.RemoveAll(replication.MetaDir(path))
}

// checkIdentity refuses a restored file that belongs to another
// organization (a wrong replica path would otherwise serve another org's
// data on this host).
func checkIdentity(ctx context.Context, path string, org tenant.Org) error {
	db, err := sqlite.Open(ctx, path, sqlite.Options{Readers: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	ident, err := orgdb.New(db.R).OrgIdentity(ctx)
	if err != nil {
		return fmt.Errorf("restored file has no organization identity: %w", err)
	}
	if ident.OrgID != org.ID {
		return fmt.Errorf("restored file belongs to organization %s, not %s (%s)", ident.OrgID, org.ID, org.Slug)
	}
	return nil
}
