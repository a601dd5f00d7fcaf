package restore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sportsapp/app/internal/s3test"
	"sportsapp/app/onboarding"
	"sportsapp/app/replication"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type fixture struct {
	reg  *tenant.Registry
	pool *tenant.Pool
	rep  *replication.Replicator
	cfg  replication.Config
	svc  *Service
	orgs []tenant.Org
}

// newFixture makes two organizations on real files, replicated to a real
// S3-compatible server on loopback, served by a pool.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{reg: tenant.NewRegistry(db, dir)}
	f.cfg = replication.Config{URL: s3test.Start(t).URL("prod"), SyncInterval: 100 * time.Millisecond, Logger: quiet}
	if f.rep, err = replication.New(f.cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.rep.Close(context.Background()) })
	// Wired like the server: an org is replicated from its first write
	// while the pool has it open.
	f.pool = tenant.NewPool(f.reg, tenant.PoolOptions{Logger: quiet,
		OnFirstWrite: func(ctx context.Context, o tenant.Org) error {
			path, _ := f.reg.OrgPath(o.ID)
			return f.rep.Retain(ctx, onboarding.ReplicaName(o), path)
		},
		OnClose: func(ctx context.Context, o tenant.Org) error {
			path, _ := f.reg.OrgPath(o.ID)
			return f.rep.Release(ctx, path)
		},
		OnWrite: func(o tenant.Org) {
			path, _ := f.reg.OrgPath(o.ID)
			f.rep.Wrote(path)
		},
	})
	t.Cleanup(func() { f.pool.Close() })
	for _, slug := range []string{"org-alpha", "org-bravo"} {
		o, err := f.reg.Create(ctx, slug, slug)
		if err != nil {
			t.Fatal(err)
		}
		f.exec(t, o, "CREATE TABLE notes (n INTEGER PRIMARY KEY, body TEXT NOT NULL)")
		f.orgs = append(f.orgs, o)
	}
	f.svc = &Service{Registry: f.reg, Pool: f.pool, Replicator: f.rep, Replica: f.cfg, Log: quiet}
	return f
}

func (f *fixture) exec(t *testing.T, o tenant.Org, q string, args ...any) {
	t.Helper()
	h, err := f.pool.Acquire(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	h.BeforeWrite(context.Background()) // as Scope.W does: replicated from the first write
	h.Wrote()
	if _, err := h.DB().W.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) write(t *testing.T, o tenant.Org, from, to int) {
	t.Helper()
	for n := from; n <= to; n++ {
		f.exec(t, o, "INSERT INTO notes (n, body) VALUES (?, ?)", n, fmt.Sprintf("note %d", n))
	}
}

func (f *fixture) sync(t *testing.T, o tenant.Org) {
	t.Helper()
	path, _ := f.reg.OrgPath(o.ID)
	if err := f.rep.Sync(context.Background(), path); err != nil {
		t.Fatal(err)
	}
}

// count reads the notes the way a request would.
func (f *fixture) count(o tenant.Org) (int, error) {
	h, err := f.pool.Acquire(context.Background(), o)
	if err != nil {
		return 0, err
	}
	defer h.Release()
	var n int
	err = h.DB().R.QueryRow("SELECT count(*) FROM notes").Scan(&n)
	return n, err
}

func countFile(t *testing.T, path string) int {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Readers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.R.QueryRow("SELECT count(*) FROM notes").Scan(&n); err != nil {
		t.Fatal(err)
	}
	var ok string
	db.R.QueryRow("PRAGMA integrity_check").Scan(&ok)
	if ok != "ok" {
		t.Fatalf("%s: integrity_check %q", path, ok)
	}
	return n
}

// A point-in-time restore of one org while both are under load: the other
// org never sees an error, the restored org serves exactly the rows from
// before the timestamp, and the moved-aside files still hold everything.
func TestLiveRestoreUnderLoad(t *testing.T) {
	f := newFixture(t)
	alpha, bravo := f.orgs[0], f.orgs[1]
	f.write(t, alpha, 1, 50)
	f.sync(t, alpha)
	time.Sleep(50 * time.Millisecond)
	at := time.Now()
	time.Sleep(50 * time.Millisecond)
	f.write(t, alpha, 51, 80)
	f.sync(t, alpha)

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var bravoWrites, bravoErrs, alphaMaint, alphaOther atomic.Int64
	var firstErr atomic.Value
	wg.Go(func() { // steady writes and reads on the other org
		for n := 1000; ctx.Err() == nil; n++ {
			h, err := f.pool.Acquire(ctx, bravo)
			if err == nil {
				_, err = h.DB().W.Exec("INSERT INTO notes (n, body) VALUES (?, 'load')", n)
				h.Release()
			}
			if err == nil {
				_, err = f.count(bravo)
			}
			if err != nil && ctx.Err() == nil {
				bravoErrs.Add(1)
				firstErr.CompareAndSwap(nil, err)
			} else if err == nil {
				bravoWrites.Add(1)
			}
		}
	})
	wg.Go(func() { // readers of the org being restored
		for ctx.Err() == nil {
			_, err := f.count(alpha)
			switch {
			case errors.Is(err, tenant.ErrMaintenance):
				alphaMaint.Add(1)
			case err != nil:
				alphaOther.Add(1)
			}
			time.Sleep(time.Millisecond)
		}
	})
	time.Sleep(100 * time.Millisecond)
	before := bravoWrites.Load()
	res, err := f.svc.Live(context.Background(), alpha, at)
	during := bravoWrites.Load() - before
	time.Sleep(100 * time.Millisecond)
	stop()
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if bravoErrs.Load() != 0 {
		t.Fatalf("the other org saw %d errors, first: %v", bravoErrs.Load(), firstErr.Load())
	}
	if during == 0 {
		t.Error("the other org made no progress during the restore")
	}
	if alphaOther.Load() != 0 {
		t.Errorf("the restored org's readers saw %d errors other than maintenance", alphaOther.Load())
	}
	t.Logf("restore took %s; other org: %d writes during it; restored org: %d requests refused for maintenance", res.Took, during, alphaMaint.Load())
	if n, err := f.count(alpha); err != nil || n != 50 {
		t.Fatalf("restored org serves %d rows (%v), want the 50 from before the timestamp", n, err)
	}
	// Nothing moved aside is lost: the previous file with its WAL has all 80.
	if len(res.MovedAside) != 1 {
		t.Fatalf("moved aside: %v", res.MovedAside)
	}
	aside := filepath.Join(res.MovedAside[0], filepath.Base(res.Path))
	if n := countFile(t, aside); n != 80 {
		t.Fatalf("moved-aside file has %d rows, want 80", n)
	}
	// Replication resumed: new writes reach the replica again.
	f.write(t, alpha, 200, 200)
	f.sync(t, alpha)
	out := filepath.Join(t.TempDir(), "check.db")
	if _, err := f.svc.ToFile(context.Background(), alpha, out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if n := countFile(t, out); n != 51 {
		t.Fatalf("after resuming, the replica has %d rows, want 51", n)
	}
}

// Restoring to latest after losing the files brings back every committed
// row; ToFile leaves the live database alone.
func TestRestoreLatestAndToFile(t *testing.T) {
	f := newFixture(t)
	alpha := f.orgs[0]
	f.write(t, alpha, 1, 120)
	f.sync(t, alpha)
	out := filepath.Join(t.TempDir(), "inspect.db")
	res, err := f.svc.ToFile(context.Background(), alpha, out, time.Time{})
	if err != nil || countFile(t, res.Path) != 120 {
		t.Fatalf("ToFile: %v", err)
	}
	if _, err := f.svc.ToFile(context.Background(), alpha, out, time.Time{}); err == nil {
		t.Fatal("ToFile overwrote an existing file")
	}
	if n, _ := f.count(alpha); n != 120 {
		t.Fatalf("live org has %d rows after ToFile", n)
	}
	if _, err := f.svc.Live(context.Background(), alpha, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.count(alpha); n != 120 {
		t.Fatalf("latest restore: %d rows", n)
	}
}

// A failed restore (no backup, a time outside the window) leaves the live
// database in place and serving.
func TestFailedRestoreKeepsServing(t *testing.T) {
	f := newFixture(t)
	alpha := f.orgs[0]
	f.write(t, alpha, 1, 10)
	f.sync(t, alpha)
	ctx := context.Background()

	_, err := f.svc.Live(ctx, alpha, time.Now().Add(-48*time.Hour))
	var werr *replication.WindowError
	if !errors.As(err, &werr) {
		t.Fatalf("restore before the window: %v", err)
	}
	if n, err := f.count(alpha); err != nil || n != 10 {
		t.Fatalf("after a failed restore: %d rows, %v", n, err)
	}
	ghost, err := f.reg.Create(ctx, "org-ghost", "Never replicated")
	if err != nil {
		t.Fatal(err)
	}
	f.exec(t, ghost, "CREATE TABLE notes (n INTEGER PRIMARY KEY, body TEXT NOT NULL)")
	if _, err := f.svc.Live(ctx, ghost, time.Time{}); !errors.Is(err, replication.ErrNoBackup) {
		t.Fatalf("restore without a backup: %v", err)
	}
	if _, err := f.count(ghost); err != nil {
		t.Fatalf("org without a backup stopped serving: %v", err)
	}
	path, _ := f.reg.OrgPath(ghost.ID)
	if m, _ := filepath.Glob(path + ".before-restore-*"); len(m) != 0 {
		t.Fatalf("failed restore left %v", m)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("live file gone: %v", err)
	}
}
