package restore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"sportsapp/app/onboarding"
	"sportsapp/app/replication"
	"sportsapp/app/tenant"
)

// ErrNotEmpty means a whole-platform restore was asked to write into a
// data directory that already holds a platform or organization files.
var ErrNotEmpty = errors.New("the data directory is not empty")

// AllOptions says what a whole-platform restore reads and writes.
type AllOptions struct {
	// DataDir is the data directory to fill. It must hold no platform
	// database and nothing under orgs/, and the caller holds its lock
	// (ops.Lock) so that no server starts on half a platform.
	DataDir string
	// Replica is where the backups are read from.
	Replica replication.Config
	// At restores every database as it was at that time; zero: the latest.
	At time.Time
	// Parallel is how many organizations are restored at once (4 if <= 0).
	Parallel int
	// OnPlatform is called once the platform database is restored, with the
	// organizations its registry lists.
	OnPlatform func(orgs []tenant.Org, took time.Duration)
	// Progress is called as each organization's restore ends, one call at a
	// time.
	Progress func(Progress)
	Log      *slog.Logger
}

// Progress reports one organization's restore.
type Progress struct {
	// Done counts the organizations finished so far (restored or failed),
	// this one included; Total is how many there are.
	Done, Total int
	Org         tenant.Org
	Path        string
	Took        time.Duration
	// Err is nil when the organization was restored and checked.
	Err error
}

// AllResult is what a whole-platform restore did.
type AllResult struct {
	// Orgs are the organizations of the restored registry.
	Orgs []tenant.Org
	// Failed are the organizations not restored, in the order they failed;
	// their files do not exist.
	Failed []Progress
	Took   time.Duration
}

// All restores a whole platform from the replica into an empty data
// directory: the platform database first, then every organization its
// registry lists, opt.Parallel at a time. Each file is checked the way a
// single restore checks it (PRAGMA integrity_check, and for an
// organization its identity row) before it counts as restored.
//
// One organization's failure does not stop the others: after a disaster
// every organization that can be brought back should be. The error then
// names the first organization that failed; the result lists them all, and
// their files are absent, so a server refuses to start (its fleet migration
// names the missing file) until each is restored by hand.
func All(ctx context.Context, opt AllOptions) (AllResult, error) {
	start := time.Now()
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Parallel <= 0 {
		opt.Parallel = 4
	}
	if err := checkEmpty(opt.DataDir); err != nil {
		return AllResult{}, err
	}
	platformPath := filepath.Join(opt.DataDir, tenant.PlatformFile)
	if err := replication.Restore(ctx, opt.Replica, onboarding.PlatformReplica, platformPath, opt.At); err != nil {
		return AllResult{}, fmt.Errorf("platform database: %w", err)
	}
	orgs, paths, err := listOrgs(ctx, opt.DataDir)
	if err != nil {
		return AllResult{}, err
	}
	if opt.OnPlatform != nil {
		opt.OnPlatform(orgs, time.Since(start))
	}

	svc := &Service{Replica: opt.Replica, Log: opt.Log}
	res := AllResult{Orgs: orgs}
	var mu sync.Mutex
	done := 0
	var g errgroup.Group
	g.SetLimit(opt.Parallel)
	for i, org := range orgs {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			p := Progress{Org: org, Path: paths[i], Total: len(orgs)}
			t0 := time.Now()
			_, p.Err = svc.ToFile(ctx, org, p.Path, opt.At)
			p.Took = time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			done++
			p.Done = done
			if p.Err != nil {
				res.Failed = append(res.Failed, p)
			}
			if opt.Progress != nil {
				opt.Progress(p)
			}
			return nil
		})
	}
	_ = g.Wait() // every goroutine returns nil; failures are in res.Failed
	res.Took = time.Since(start)
	if err := ctx.Err(); err != nil && done < len(orgs) {
		return res, fmt.Errorf("interrupted after %d of %d organizations: %w", done, len(orgs), err)
	}
	if len(res.Failed) > 0 {
		f := res.Failed[0]
		return res, fmt.Errorf("%d of %d organizations were not restored; the first to fail: %s (id %s): %w",
			len(res.Failed), len(orgs), f.Org.Slug, f.Org.ID, f.Err)
	}
	opt.Log.Info("platform restored", "data_dir", opt.DataDir, "orgs", len(orgs), "took", res.Took)
	return res, nil
}

// checkEmpty refuses a data directory that holds any part of a platform
// database or anything under orgs/: a whole-platform restore never writes
// over, or next to, files it did not make. It only looks at names
// (Lstat, ReadDir), never opens a database file.
func checkEmpty(dataDir string) error {
	platform := filepath.Join(dataDir, tenant.PlatformFile)
	for _, p := range append(replication.LocalFiles(platform), platform+".tmp") {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%w: %s exists", ErrNotEmpty, p)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	orgs := filepath.Join(dataDir, "orgs")
	entries, err := os.ReadDir(orgs)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%w: %s holds %s", ErrNotEmpty, orgs, entries[0].Name())
	}
	return nil
}

// listOrgs opens the restored platform database (migrating it to this
// release's schema, as any command would) and lists its organizations and
// the path of each one's file.
func listOrgs(ctx context.Context, dataDir string) ([]tenant.Org, []string, error) {
	db, err := tenant.OpenPlatform(ctx, dataDir)
	if err != nil {
		return nil, nil, fmt.Errorf("open the restored platform database: %w", err)
	}
	defer db.Close()
	reg := tenant.NewRegistry(db, dataDir)
	orgs, err := reg.List(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list the restored platform's organizations: %w", err)
	}
	paths := make([]string, len(orgs))
	for i, o := range orgs {
		if paths[i], err = reg.OrgPath(o.ID); err != nil {
			return nil, nil, err
		}
	}
	return orgs, paths, nil
}
