package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// Collector keeps the roll-ups of every organization up to date. Its cost
// is proportional to the organizations that changed: an org is re-read
// only when it was written through this process's pool (MarkDirty, wired
// to tenant.PoolOptions.OnWrite), when its file changed on disk since its
// last collection (another process wrote it: a CLI command, a restore), or
// when it was never collected (a new org, or a new install: the backfill).
//
// Only a full pass (CollectChanged) lists every organization and stats its
// file. The server's Run makes one after start (what changed while no
// server ran), keeps making them while the backfill has orgs left or after
// a deletion (FullPass), and otherwise collects only what was marked
// (CollectDirty): a running server's CLI writes go through its hold, which
// marks them too, so a quiet fleet of 10,000 costs nothing per minute.
type Collector struct {
	Platform *sqlite.DB       // the platform database (roll-ups are written here)
	Registry *tenant.Registry // the organizations and their files
	Pool     *tenant.Pool     // every org is read through the pool's readers
	Parallel int              // orgs collected at once (default 2)
	// Pace makes CollectChanged rest after each org three times as long as
	// reading and saving it took, so a background pass uses at most a
	// quarter of a core per org in parallel and requests keep their
	// latency (the server sets it).
	Pace bool
	// BackfillPerPass bounds how many never-collected orgs one pass of
	// CollectChanged reads (0: all). The server sets it, so a fleet seen
	// for the first time (an upgrade) is backfilled a few orgs a minute
	// instead of opening every org at once; `analytics collect --all` does
	// them all now.
	BackfillPerPass int
	Interval        time.Duration    // how often Run looks for changes (default 1 minute)
	Now             func() time.Time // the clock (default time.Now)
	Log             *slog.Logger     // default slog.Default()
	// Observe, if set, is told about each pass: how long it took, how many
	// orgs it collected and its error (the Prometheus series).
	Observe func(d time.Duration, orgs int, err error)

	mu    sync.Mutex
	dirty map[string]tenant.Org
	full  bool             // the next Run pass must be a full one
	reads map[string]int64 // org id -> collections by this process (tests)
}

// MarkDirty records that org was written: the next pass re-reads it. It is
// cheap (one map write), for the pool's OnWrite hook on the request path.
func (c *Collector) MarkDirty(o tenant.Org) {
	c.mu.Lock()
	if c.dirty == nil {
		c.dirty = map[string]tenant.Org{}
	}
	c.dirty[o.ID] = o
	c.mu.Unlock()
}

// FullPass makes Run's next pass a full one (CollectChanged): after an
// organization was deleted, so the platform totals are rebuilt without it.
func (c *Collector) FullPass() {
	c.mu.Lock()
	c.full = true
	c.mu.Unlock()
}

// Reads returns how many times this process has read org's database for
// analytics.
func (c *Collector) Reads(orgID string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[orgID]
}

func (c *Collector) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Collector) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}

func (c *Collector) parallel() int {
	if c.Parallel > 0 {
		return c.Parallel
	}
	return 2
}

// Run collects the changed organizations every Interval until ctx ends
// (the server's background collector). The first pass runs one interval
// after start, so start-up itself opens no organization; it is a full pass
// (CollectChanged), which also starts the backfill of the orgs never
// collected. Later passes are full only while the backfill has orgs left
// or after FullPass; otherwise they collect only the marked orgs.
func (c *Collector) Run(ctx context.Context) {
	every := c.Interval
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	c.FullPass()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.mu.Lock()
		full := c.full
		c.mu.Unlock()
		var err error
		if full {
			_, err = c.CollectChanged(ctx)
		} else {
			_, err = c.CollectDirty(ctx)
		}
		if err != nil && ctx.Err() == nil {
			c.log().Error("analytics collection", "err", err)
		}
	}
}

// CollectDirty collects the organizations marked since the last pass
// (MarkDirty) and returns how many; it lists and stats nothing else.
func (c *Collector) CollectDirty(ctx context.Context) (int, error) {
	start := time.Now()
	c.mu.Lock()
	dirty := c.dirty
	c.dirty = map[string]tenant.Org{}
	c.mu.Unlock()
	todo := make([]tenant.Org, 0, len(dirty))
	for _, o := range dirty {
		todo = append(todo, o)
	}
	return c.collectAll(ctx, start, todo)
}

// CollectChanged collects every organization that changed since its last
// collection (see Collector) and returns how many it collected. A failing
// org is logged and retried next pass; the others go on.
func (c *Collector) CollectChanged(ctx context.Context) (int, error) {
	start := time.Now()
	orgs, err := c.Registry.List(ctx)
	if err != nil {
		return 0, err
	}
	states, err := platformdb.New(c.Platform.Reader()).AnalyticsOrgStates(ctx)
	if err != nil {
		return 0, err
	}
	if err := c.forgetDeleted(ctx, orgs); err != nil {
		return 0, err
	}
	stamps := make(map[string]string, len(states))
	for _, s := range states {
		stamps[s.OrgID] = s.Stamp
	}
	c.mu.Lock()
	dirty := c.dirty
	c.dirty = map[string]tenant.Org{}
	c.full = false
	c.mu.Unlock()
	var todo []tenant.Org
	backfill, unknown := 0, 0
	for _, o := range orgs {
		old, known := stamps[o.ID]
		_, marked := dirty[o.ID]
		switch {
		case marked || known && c.stamp(o) != old:
			todo = append(todo, o)
		case !known:
			unknown++
			if c.BackfillPerPass <= 0 || backfill < c.BackfillPerPass {
				backfill++
				todo = append(todo, o)
			}
		}
	}
	if unknown > backfill {
		c.FullPass() // the backfill goes on next pass
	}
	return c.collectAll(ctx, start, todo)
}

// collectAll collects todo (bounded parallelism, paced if Pace) and tells
// Observe about the pass that began at start. A failing org is marked
// again, so the next pass retries it.
func (c *Collector) collectAll(ctx context.Context, start time.Time, todo []tenant.Org) (int, error) {
	var mu sync.Mutex
	var errs []error
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.parallel())
	for _, o := range todo {
		g.Go(func() error {
			took := time.Now()
			if err := c.Collect(gctx, o); err != nil {
				c.MarkDirty(o) // try again next pass
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s: %w", o.Slug, err))
				mu.Unlock()
			}
			if c.Pace {
				select {
				case <-time.After(3 * time.Since(took)):
				case <-gctx.Done():
				}
			}
			return nil
		})
	}
	_ = g.Wait()
	err := errors.Join(errs...)
	if c.Observe != nil {
		c.Observe(time.Since(start), len(todo), err)
	}
	return len(todo), err
}

// forgetDeleted rebuilds the platform totals when an organization counted
// in them was deleted (its own rows went with its registry row).
func (c *Collector) forgetDeleted(ctx context.Context, orgs []tenant.Org) error {
	counted, err := platformdb.New(c.Platform.Reader()).AnalyticsPlatformOrgs(ctx)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(orgs))
	for _, o := range orgs {
		known[o.ID] = true
	}
	gone := 0
	for _, id := range counted {
		if !known[id] {
			gone++
		}
	}
	if gone == 0 {
		return nil
	}
	c.log().Info("analytics: platform totals rebuilt without deleted organizations", "deleted", gone)
	return c.Platform.Writer().Tx(ctx, func(tx sqlite.DBTX) error {
		q := platformdb.New(tx)
		if err := q.AnalyticsPlatformClear(ctx); err != nil {
			return err
		}
		if err := q.AnalyticsPlatformRebuild(ctx); err != nil {
			return err
		}
		return q.AnalyticsPlatformOrgsPrune(ctx)
	})
}

// CollectAll recomputes every org in orgs with bounded parallelism,
// calling progress after each, and stops at the first failure, which it
// names (`analytics collect --all`).
func (c *Collector) CollectAll(ctx context.Context, orgs []tenant.Org, progress func(done int, o tenant.Org)) error {
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.parallel())
	var mu sync.Mutex
	done := 0
	for _, o := range orgs {
		g.Go(func() error {
			if err := c.Collect(gctx, o); err != nil {
				return fmt.Errorf("organization %s (id %s): %w", o.Slug, o.ID, err)
			}
			mu.Lock()
			done++
			if progress != nil {
				progress(done, o)
			}
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	if c.Observe != nil {
		c.Observe(time.Since(start), done, err)
	}
	return err
}

// Collect recomputes one organization's roll-ups: it reads the org's file
// through the pool's readers (never its writer), then replaces the org's
// rows in the platform database in one transaction.
func (c *Collector) Collect(ctx context.Context, o tenant.Org) error {
	// The stamp is taken before reading: a write while reading leaves a
	// newer file than the stamp says, so the next pass reads it again.
	stamp := c.stamp(o)
	h, err := c.Pool.Acquire(ctx, o)
	if err != nil {
		return err
	}
	f, err := Compute(ctx, orgdb.New(h.DB().Reader()), c.now().UTC())
	h.Release()
	if err != nil {
		return err
	}
	c.mu.Lock()
	if c.reads == nil {
		c.reads = map[string]int64{}
	}
	c.reads[o.ID]++
	c.mu.Unlock()
	return Save(ctx, c.Platform, o.ID, f, stamp, c.now())
}

// Save replaces org's roll-ups with f in one platform transaction. It
// writes only what changed: the org's stored rows are compared with the new
// ones, and the platform totals move by the differences, so a collection
// after a new sign-up writes a few rows, not the org's whole history.
func Save(ctx context.Context, platform *sqlite.DB, orgID string, f Figures, stamp string, now time.Time) error {
	daily := slices.Clone(f.Daily)
	sort.Slice(daily, func(i, j int) bool {
		a, b := daily[i], daily[j]
		if a.Metric != b.Metric {
			return a.Metric < b.Metric
		}
		if a.Dim != b.Dim {
			return a.Dim < b.Dim
		}
		return a.Day < b.Day
	})
	type stored struct{ value, cum int64 }
	return platform.Writer().Tx(ctx, func(tx sqlite.DBTX) error {
		q := platformdb.New(tx)
		old, err := q.AnalyticsDailyOrg(ctx, orgID)
		if err != nil {
			return err
		}
		have := make(map[key]stored, len(old))
		for _, r := range old {
			have[key{r.Day, r.Metric, r.Dim}] = stored{r.Value, r.Cum}
		}
		platformAdd := func(k key, d int64) error {
			if d == 0 {
				return nil
			}
			return q.AnalyticsPlatformAdd(ctx, platformdb.AnalyticsPlatformAddParams{Metric: k.metric, Dim: k.dim, Day: k.day, Value: d})
		}
		var cum int64
		for i, r := range daily {
			if i == 0 || r.Metric != daily[i-1].Metric || r.Dim != daily[i-1].Dim {
				cum = 0
			}
			cum += r.Value
			k := key{r.Day, r.Metric, r.Dim}
			was, ok := have[k]
			delete(have, k)
			if ok && was.value == r.Value && was.cum == cum {
				continue
			}
			if err := q.AnalyticsDailyPut(ctx, platformdb.AnalyticsDailyPutParams{OrgID: orgID, Metric: r.Metric, Dim: r.Dim, Day: r.Day, Value: r.Value, Cum: cum}); err != nil {
				return err
			}
			if err := platformAdd(k, r.Value-was.value); err != nil {
				return err
			}
		}
		for k, was := range have { // rows that are gone
			if err := q.AnalyticsDailyDelete(ctx, platformdb.AnalyticsDailyDeleteParams{OrgID: orgID, Metric: k.metric, Dim: k.dim, Day: k.day}); err != nil {
				return err
			}
			if err := platformAdd(k, -was.value); err != nil {
				return err
			}
		}
		if err := q.AnalyticsPlatformOrgAdd(ctx, orgID); err != nil {
			return err
		}
		if err := q.AnalyticsCurrentDeleteOrg(ctx, orgID); err != nil {
			return err
		}
		for _, r := range f.Current {
			if err := q.AnalyticsCurrentInsert(ctx, platformdb.AnalyticsCurrentInsertParams{OrgID: orgID, Metric: r.Metric, Dim: r.Dim, Value: r.Value}); err != nil {
				return err
			}
		}
		return q.AnalyticsOrgSave(ctx, platformdb.AnalyticsOrgSaveParams{OrgID: orgID, CollectedAt: now, Stamp: stamp, LastActivity: f.LastActivity})
	})
}

// stamp describes the state of org's files on disk (size and modification
// time of the database and its WAL) without opening them. An empty WAL and
// no WAL are the same state: opening a file creates an empty one.
func (c *Collector) stamp(o tenant.Org) string {
	path, err := c.Registry.OrgPath(o.ID)
	if err != nil {
		return ""
	}
	s := ""
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
			s += fmt.Sprintf("%d@%d;", fi.Size(), fi.ModTime().UnixNano())
		} else {
			s += "-;"
		}
	}
	return s
}
