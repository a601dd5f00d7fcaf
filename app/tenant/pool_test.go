package tenant

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"sportsapp/app/sqlite"
	"sportsapp/schema"
)

func newPool(t testing.TB, reg *Registry, opt PoolOptions) *Pool {
	t.Helper()
	if opt.Logger == nil {
		opt.Logger = quiet
	}
	p := NewPool(reg, opt)
	t.Cleanup(func() { p.Close() })
	return p
}

func TestPoolConcurrentFirstAcquireOpensOnce(t *testing.T) {
	reg := newRegistry(t)
	org := createOrgs(t, reg, 1)[0]
	p := newPool(t, reg, PoolOptions{})

	const n = 50
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			<-start
			h, err := p.Acquire(context.Background(), org)
			if err != nil {
				errs <- err
				return
			}
			defer h.Release()
			if _, err := NewScope(h).Q().OrgIdentity(context.Background()); err != nil {
				errs <- err
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := p.Stats().Opens; got != 1 {
		t.Fatalf("opens = %d, want 1", got)
	}
}

func TestPoolEvictsLeastRecentlyUsed(t *testing.T) {
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 3)
	p := newPool(t, reg, PoolOptions{MaxOpen: 2, IdleTimeout: -1})
	ctx := context.Background()
	use := func(o Org) {
		t.Helper()
		h, err := p.Acquire(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		h.Release()
	}
	use(orgs[0])
	use(orgs[1])
	use(orgs[0]) // org 1 is now the least recently used
	use(orgs[2]) // passes the cap: org 1 is closed
	if p.IsOpen(orgs[1].ID) || !p.IsOpen(orgs[0].ID) || !p.IsOpen(orgs[2].ID) {
		t.Fatalf("open after eviction: 0=%v 1=%v 2=%v, want true false true",
			p.IsOpen(orgs[0].ID), p.IsOpen(orgs[1].ID), p.IsOpen(orgs[2].ID))
	}
	use(orgs[1]) // reopened on demand
	st := p.Stats()
	if st.Open != 2 || st.Opens != 4 || st.Evictions != 2 {
		t.Fatalf("stats = %+v, want 2 open, 4 opens, 2 evictions", st)
	}
}

func TestPoolNeverClosesAnOrgInUse(t *testing.T) {
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 3)
	p := newPool(t, reg, PoolOptions{MaxOpen: 1, IdleTimeout: -1})
	ctx := context.Background()

	held, err := p.Acquire(ctx, orgs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs[1:] {
		h, err := p.Acquire(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		h.Release()
	}
	// org 0 is over the cap and least recently used, but held: still usable.
	if _, err := NewScope(held).W().OrgIdentity(ctx); err != nil {
		t.Fatalf("held org closed under a request: %v", err)
	}
	held.Release()
	if st := p.Stats(); st.Open != 1 {
		t.Fatalf("open after release = %d, want the cap (1)", st.Open)
	}
}

func TestPoolIdleClose(t *testing.T) {
	reg := newRegistry(t)
	org := createOrgs(t, reg, 1)[0]
	p := newPool(t, reg, PoolOptions{IdleTimeout: 40 * time.Millisecond})
	h, err := p.Acquire(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if !p.IsOpen(org.ID) {
		t.Fatal("closed while held")
	}
	h.Release()
	deadline := time.Now().Add(5 * time.Second)
	for p.IsOpen(org.ID) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if p.IsOpen(org.ID) || p.Stats().IdleClose != 1 {
		t.Fatalf("idle org still open; stats %+v", p.Stats())
	}
}

// An org left quiet has its writer's memory shrunk once per quiet spell,
// never while a request holds it, and the shrink does not count as a use:
// the org still closes when idle.
func TestPoolShrinksQuietOrgs(t *testing.T) {
	reg := newRegistry(t)
	org := createOrgs(t, reg, 1)[0]
	p := newPool(t, reg, PoolOptions{QuietAfter: 30 * time.Millisecond, IdleTimeout: time.Second})
	waitFor := func(what string, ok func(PoolStats) bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !ok(p.Stats()) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: stats %+v", what, p.Stats())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	use := func() {
		h, err := p.Acquire(context.Background(), org)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := h.DB().Reader().QueryRowContext(context.Background(), "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
			t.Fatal(err)
		}
		h.Release()
	}
	h, err := p.Acquire(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := p.Stats().Shrinks; n != 0 {
		t.Fatalf("shrunk %d times while held", n)
	}
	h.Release()
	waitFor("the first quiet spell", func(s PoolStats) bool { return s.Shrinks == 1 })
	time.Sleep(100 * time.Millisecond)
	if n := p.Stats().Shrinks; n != 1 {
		t.Fatalf("shrunk %d times in one quiet spell", n)
	}
	use()
	waitFor("the second quiet spell", func(s PoolStats) bool { return s.Shrinks == 2 })
	waitFor("the idle close", func(s PoolStats) bool { return s.IdleClose == 1 })
}

// Writes to one org while the pool keeps evicting others lose nothing.
func TestPoolWritesSurviveEviction(t *testing.T) {
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 6)
	p := newPool(t, reg, PoolOptions{MaxOpen: 2, IdleTimeout: -1})
	ctx := context.Background()
	const writes = 200

	var wg sync.WaitGroup
	errs := make(chan error, 2*writes)
	// Writers: every write acquires its org anew, so each org is opened and
	// evicted over and over while the others churn.
	for _, o := range orgs[:3] {
		wg.Go(func() {
			for i := range writes {
				h, err := p.Acquire(ctx, o)
				if err != nil {
					errs <- err
					return
				}
				_, err = h.DB().W.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS probe (n INTEGER)")
				if err == nil {
					_, err = h.DB().W.ExecContext(ctx, "INSERT INTO probe (n) VALUES (?)", i)
				}
				h.Release()
				if err != nil {
					errs <- fmt.Errorf("%s write %d: %w", o.Slug, i, err)
					return
				}
			}
		})
	}
	wg.Go(func() { // churn: keep touching the other orgs
		for i := range 3 * writes {
			h, err := p.Acquire(ctx, orgs[3+i%3])
			if err != nil {
				errs <- err
				return
			}
			h.Release()
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if p.Stats().Evictions == 0 {
		t.Fatal("no eviction happened; the test proves nothing")
	}
	p.Close()
	for _, o := range orgs[:3] {
		path, _ := reg.OrgPath(o.ID)
		db := mustOpen(t, path)
		var n int
		if err := db.R.QueryRow("SELECT count(*) FROM probe").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != writes {
			t.Errorf("%s: %d rows, want %d", o.Slug, n, writes)
		}
	}
}

func TestPoolRefusesAFileOfAnotherOrg(t *testing.T) {
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 2)
	a, _ := reg.OrgPath(orgs[0].ID)
	b, _ := reg.OrgPath(orgs[1].ID)
	// Someone copies org 1's file over org 0's.
	data, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a, data, 0o600); err != nil {
		t.Fatal(err)
	}
	p := newPool(t, reg, PoolOptions{})
	_, err = p.Acquire(context.Background(), orgs[0])
	if err == nil || !strings.Contains(err.Error(), "belongs to org "+orgs[1].ID) {
		t.Fatalf("Acquire = %v, want a refusal naming the other org", err)
	}
}

func TestPoolDoesNotCreateMissingFiles(t *testing.T) {
	reg := newRegistry(t)
	p := newPool(t, reg, PoolOptions{})
	ghost := Org{ID: "01900000-0000-7000-8000-000000000000", Slug: "ghost", Name: "Ghost"}
	before := files(t, reg.DataDir())
	if _, err := p.Acquire(context.Background(), ghost); err == nil {
		t.Fatal("Acquire of an org with no file succeeded")
	}
	if after := files(t, reg.DataDir()); len(after) != len(before) {
		t.Fatalf("files appeared: %v", after)
	}
}

// A file whose schema is behind is migrated when the pool opens it (once),
// so serve need not migrate every org before it listens; a legacy file at
// the latest goose version but without the header stamp is stamped; a file
// from a newer release is refused.
func TestPoolMigratesOnOpen(t *testing.T) {
	ctx := context.Background()
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 3)
	latest := OrgMigrations.Latest()

	// orgs[0]: rebuilt at schema version 5 (before events and teams).
	path, _ := reg.OrgPath(orgs[0].ID)
	removeFiles(path)
	db, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	prov, err := goose.NewProvider(goose.DialectSQLite3, db.W, mustSub(t, "org"), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prov.UpTo(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`INSERT INTO org_identity (org_id, created_at) VALUES (?, ?)`, orgs[0].ID, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// orgs[1]: a legacy file, fully migrated but never stamped.
	legacy, _ := reg.OrgPath(orgs[1].ID)
	db = mustOpen(t, legacy)
	if _, err := db.W.Exec(`PRAGMA user_version = 0`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// orgs[2]: from a newer release.
	newer, _ := reg.OrgPath(orgs[2].ID)
	db = mustOpen(t, newer)
	if _, err := db.W.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, latest+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	p := newPool(t, reg, PoolOptions{})
	for _, o := range orgs[:2] {
		h, err := p.Acquire(ctx, o)
		if err != nil {
			t.Fatalf("%s: %v", o.Slug, err)
		}
		if v, err := sqlite.Version(ctx, h.DB().R); err != nil || v != latest {
			t.Fatalf("%s: version %d (%v) after open, want %d", o.Slug, v, err, latest)
		}
		// The newest tables exist.
		if _, err := h.DB().R.Exec(`SELECT count(*) FROM teams`); err != nil {
			t.Fatalf("%s: %v", o.Slug, err)
		}
		h.Release()
	}
	if got := p.Stats().Migrated; got != 2 {
		t.Fatalf("Migrated = %d, want 2", got)
	}
	if _, err := p.Acquire(ctx, orgs[2]); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Acquire of a newer file = %v, want a refusal", err)
	}
}

func mustSub(t *testing.T, dir string) fs.FS {
	t.Helper()
	sub, err := fs.Sub(schema.Org, dir)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// Exclusive waits for requests under way, closes the database, refuses new
// requests for that org only, and lets them back in afterwards.
func TestPoolExclusive(t *testing.T) {
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 2)
	p := newPool(t, reg, PoolOptions{})
	ctx := context.Background()
	held, err := p.Acquire(ctx, orgs[0])
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- p.Exclusive(ctx, orgs[0], func(context.Context) error {
			close(ran)
			if p.IsOpen(orgs[0].ID) {
				return fmt.Errorf("still open during maintenance")
			}
			if _, err := p.Acquire(ctx, orgs[0]); err != ErrMaintenance {
				return fmt.Errorf("acquire during maintenance: %v", err)
			}
			h, err := p.Acquire(ctx, orgs[1])
			if err != nil {
				return fmt.Errorf("other org during maintenance: %v", err)
			}
			h.Release()
			return nil
		})
	}()
	select {
	case <-ran:
		t.Fatal("maintenance started while a request held the database")
	case <-time.After(100 * time.Millisecond):
	}
	if !p.InMaintenance(orgs[0].ID) {
		t.Fatal("not in maintenance while waiting")
	}
	held.Release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h, err := p.Acquire(ctx, orgs[0])
	if err != nil {
		t.Fatalf("after maintenance: %v", err)
	}
	h.Release()
}

// A full pool (every slot held by a request) makes the next org's request
// wait for a slot instead of failing or opening past the hard limit.
func TestPoolFullWaitsForASlot(t *testing.T) {
	ctx := context.Background()
	reg := newRegistry(t)
	p := newPool(t, reg, PoolOptions{MaxOpen: 2})
	orgs := createOrgs(t, reg, p.hardMax+1)
	var held []*Handle
	for _, o := range orgs[:p.hardMax] {
		h, err := p.Acquire(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, h)
	}
	got := make(chan error, 1)
	go func() {
		h, err := p.Acquire(ctx, orgs[p.hardMax])
		if err == nil {
			h.Release()
		}
		got <- err
	}()
	waitFor(t, "a request waiting for a slot", func() bool { return p.Stats().Waiting == 1 })
	select {
	case err := <-got:
		t.Fatalf("Acquire returned %v with the pool full", err)
	default:
	}
	held[0].Release()
	if err := <-got; err != nil {
		t.Fatalf("Acquire after a slot freed: %v", err)
	}
	if s := p.Stats(); s.Waits != 1 || s.Waiting != 0 {
		t.Fatalf("stats %+v, want one wait and none waiting", s)
	}
	for _, h := range held[1:] {
		h.Release()
	}

	// A waiter whose request ends gives up cleanly.
	for _, o := range orgs[:p.hardMax] {
		h, err := p.Acquire(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Release()
	}
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := p.Acquire(cctx, orgs[p.hardMax]); err == nil {
		t.Fatal("Acquire with the pool full and a short deadline succeeded")
	}
	if s := p.Stats(); s.Waiting != 0 {
		t.Fatalf("Waiting = %d after the waiter gave up", s.Waiting)
	}
}

// Evicted orgs close in the background: connections first, then OnClose;
// the org cannot be opened again until OnClose returns (replication must
// let go of the file before it is taken again).
func TestPoolClosesInTheBackground(t *testing.T) {
	ctx := context.Background()
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 2)
	gate := make(chan struct{})
	closedFirst := make(chan bool, 4)
	var p *Pool
	var victim *Handle
	p = newPool(t, reg, PoolOptions{MaxOpen: 1, OnClose: func(ctx context.Context, o Org) error {
		closedFirst <- victim.DB().W.PingContext(ctx) != nil
		<-gate
		return nil
	}})
	h, err := p.Acquire(ctx, orgs[0])
	if err != nil {
		t.Fatal(err)
	}
	victim = h
	h.Release()
	h2, err := p.Acquire(ctx, orgs[1]) // evicts orgs[0]; returns without waiting for its close
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Release()
	if !<-closedFirst {
		t.Fatal("OnClose ran before the org's connections were closed")
	}
	if s := p.Stats(); s.Closing != 1 || s.Evictions != 1 {
		t.Fatalf("stats %+v, want one eviction still closing", s)
	}
	reopened := make(chan error, 1)
	go func() {
		h, err := p.Acquire(ctx, orgs[0])
		if err == nil {
			h.Release()
		}
		reopened <- err
	}()
	select {
	case err := <-reopened:
		t.Fatalf("reopened (%v) while its close was under way", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(gate)
	if err := <-reopened; err != nil {
		t.Fatal(err)
	}
}

func TestDefaultMaxOpen(t *testing.T) {
	for _, c := range []struct {
		limit uint64
		want  int
	}{
		{1024, minDefaultOpen},
		{20000, (20000 - fdReserve) * 3 / 4 / 14},
		{1 << 20, maxDefaultOpen},
	} {
		if got := maxOpenFor(c.limit, 4); got != c.want {
			t.Errorf("maxOpenFor(%d) = %d, want %d", c.limit, got, c.want)
		}
	}
}

// waitFor polls cond until it holds or 5 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
