package analytics

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"testing"
	"time"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/demo"
	"sportsapp/app/settings"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

type fixture struct {
	ctx  context.Context
	db   *sqlite.DB
	reg  *tenant.Registry
	pool *tenant.Pool
	col  *Collector
	now  time.Time
	orgs []tenant.Org
}

// newFixture makes a platform with two demo organizations, one in CAD and
// one in EUR, and a collector marking orgs dirty on the pool's writes.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{ctx: ctx, db: db, reg: tenant.NewRegistry(db, dir)}
	f.now = time.Now().UTC()
	col := &Collector{Platform: db, Registry: f.reg, Now: func() time.Time { return f.now }}
	f.col = col
	f.pool = tenant.NewPool(f.reg, tenant.PoolOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), OnWrite: col.MarkDirty})
	t.Cleanup(func() { f.pool.Close() })
	col.Pool = f.pool
	st := &settings.Service{}
	for i, c := range []struct{ slug, currency string }{{"maple-league", "CAD"}, {"euro-league", "EUR"}} {
		s := settings.Defaults(c.slug, f.now)
		s.Currency = c.currency
		init, err := settings.Initial(s, []settings.TypeForm{settings.DefaultMembershipType}, "test", f.now)
		if err != nil {
			t.Fatal(err)
		}
		o, err := f.reg.Create(ctx, c.slug, c.slug, init)
		if err != nil {
			t.Fatal(err)
		}
		f.orgs = append(f.orgs, o)
		f.scope(t, o, func(sc *tenant.Scope, raw *sql.DB) {
			if _, err := demo.SeedAt(ctx, sc, st, 60+40*i, uint64(7+i), f.now); err != nil {
				t.Fatal(err)
			}
		})
	}
	return f
}

func (f *fixture) scope(t testing.TB, o tenant.Org, fn func(*tenant.Scope, *sql.DB)) {
	t.Helper()
	h, err := f.pool.Acquire(f.ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	fn(tenant.NewScope(h), h.DB().R)
}

// The collected figures equal what the org's own lists show: the members
// list count, active memberships, pending payments, confirmed payments per
// currency, registrations per event, teams.
func TestCollectedFiguresEqualTheOrgsOwnLists(t *testing.T) {
	f := newFixture(t)
	n, err := f.col.CollectChanged(f.ctx)
	if err != nil || n != 2 {
		t.Fatalf("first pass collected %d, %v; want 2 (backfill)", n, err)
	}
	r := &Reader{Platform: f.db, Registry: f.reg}
	filter, err := ParseFilter("", "", "", "", "", "", "", f.now)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range f.orgs {
		rep, err := r.Org(f.ctx, o, filter)
		if err != nil {
			t.Fatal(err)
		}
		currency := []string{"CAD", "EUR"}[i]
		f.scope(t, o, func(sc *tenant.Scope, raw *sql.DB) {
			q := sc.Q()
			members, _ := q.UserSearchCount(f.ctx, "")
			active, _ := q.MembershipActiveCount(f.ctx, f.now.Format(DayLayout))
			pending, _ := q.PaymentPendingCount(f.ctx)
			dash, err := q.AdminDashboard(f.ctx, orgdb.AdminDashboardParams{Today: f.now.Format(DayLayout), Now: f.now})
			if err != nil {
				t.Fatal(err)
			}
			var confirmed int64
			var other int
			if err := raw.QueryRowContext(f.ctx, "SELECT coalesce(sum(coalesce(received_cents, amount_cents)), 0), count(DISTINCT currency) - 1 FROM payments WHERE status = 'confirmed'").Scan(&confirmed, &other); err != nil {
				t.Fatal(err)
			}
			var regs int64
			rows, err := raw.QueryContext(f.ctx, "SELECT id FROM events")
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
			for _, id := range ids {
				c, _ := q.EventRegistrationCount(f.ctx, id)
				regs += c
			}
			for _, c := range []struct {
				name      string
				got, want int64
			}{
				{"members", rep.Cur(Members, ""), members},
				{"active memberships", rep.Cur(ActiveMemberships, ""), active},
				{"pending payments", rep.Cur(PendingPayments, currency), pending},
				{"confirmed revenue " + currency, rep.Cur(Revenue, currency), confirmed},
				{"registrations", rep.Cur(Registrations, ""), regs},
				{"teams", rep.Cur(Teams, ""), dash.Teams},
			} {
				if c.got != c.want || c.want == 0 {
					t.Errorf("%s %s: got %d, want %d (non-zero)", o.Slug, c.name, c.got, c.want)
				}
			}
			other2 := []string{"EUR", "CAD"}[i]
			if rep.Cur(Revenue, other2) != 0 || other != 0 {
				t.Errorf("%s has revenue in %s", o.Slug, other2)
			}
		})
	}
	// The platform table has both, revenue per currency, never summed.
	ov, err := r.Overview(f.ctx, filter)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Orgs) != 2 || len(ov.Currencies) != 2 || ov.Total.Revenue["CAD"] == 0 || ov.Total.Revenue["EUR"] == 0 {
		t.Fatalf("overview: %d orgs, currencies %v, revenue %v", len(ov.Orgs), ov.Currencies, ov.Total.Revenue)
	}
}

// A new membership is reflected after the next pass, and only the org that
// was written is read again.
func TestCollectorRereadsOnlyWrittenOrgs(t *testing.T) {
	f := newFixture(t)
	if _, err := f.col.CollectChanged(f.ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := f.col.CollectChanged(f.ctx); err != nil || n != 0 {
		t.Fatalf("a pass with no writes collected %d orgs (%v), want 0", n, err)
	}
	written, quiet := f.orgs[0], f.orgs[1]
	r := &Reader{Platform: f.db, Registry: f.reg}
	filter, _ := ParseFilter("", "", "", "", "", "", "", f.now)
	before, _ := r.Org(f.ctx, written, filter)
	f.scope(t, written, func(sc *tenant.Scope, raw *sql.DB) {
		err := sc.Tx(f.ctx, func(q *orgdb.Queries) error {
			u, err := q.UserCreate(f.ctx, orgdb.UserCreateParams{Email: "new@example.org", Name: "New Member", PasswordHash: "x", Role: "member", CreatedAt: f.now, UpdatedAt: f.now})
			if err != nil {
				return err
			}
			types, err := q.MembershipTypeList(f.ctx)
			if err != nil {
				return err
			}
			m, err := q.MembershipCreate(f.ctx, orgdb.MembershipCreateParams{UserID: u.ID, MembershipTypeID: types[0].ID, TypeName: types[0].Name,
				SeasonName: "test season", StartDate: f.now.Format(DayLayout), EndDate: f.now.AddDate(0, 6, 0).Format(DayLayout),
				PriceCents: 100, Currency: "CAD", WaiverAcceptedAt: f.now, CreatedAt: f.now})
			if err != nil {
				return err
			}
			_, err = q.MembershipSetStatus(f.ctx, orgdb.MembershipSetStatusParams{NewStatus: "active", ActivatedAt: sql.NullTime{Time: f.now, Valid: true}, ID: m.ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	if n, err := f.col.CollectChanged(f.ctx); err != nil || n != 1 {
		t.Fatalf("after a write to one org the pass collected %d (%v), want 1", n, err)
	}
	if got := f.col.Reads(written.ID); got != 2 {
		t.Errorf("written org read %d times, want 2", got)
	}
	if got := f.col.Reads(quiet.ID); got != 1 {
		t.Errorf("org with no writes read %d times, want 1", got)
	}
	// The platform totals moved by the difference: they equal the sum of
	// the orgs' figures in every period.
	ov, err := r.Overview(f.ctx, filter)
	if err != nil {
		t.Fatal(err)
	}
	var reps []OrgReport
	for _, o := range f.orgs {
		rep, _ := r.Org(f.ctx, o, filter)
		reps = append(reps, rep)
	}
	for i, b := range ov.Trend.Buckets {
		for _, m := range []struct{ metric, dim string }{{Members, ""}, {ActiveMemberships, ""}, {Registrations, ""}, {Revenue, "CAD"}, {Revenue, "EUR"}, {PendingPayments, "CAD"}} {
			var sum int64
			for _, rep := range reps {
				sum += rep.Trend.Get(i, m.metric, m.dim)
			}
			if got := ov.Trend.Get(i, m.metric, m.dim); got != sum {
				t.Errorf("%s %s/%s: platform %d, sum of orgs %d", b.Label, m.metric, m.dim, got, sum)
			}
		}
	}
	// The table's range sums (from the running totals, updated in place)
	// agree with the trend's.
	for _, row := range ov.Orgs {
		for _, rep := range reps {
			if rep.Org.ID != row.Org.ID {
				continue
			}
			var signups, regs int64
			for i := range rep.Trend.Buckets {
				signups += rep.Trend.Get(i, Signups, "")
				regs += rep.Trend.Get(i, Registrations, "")
			}
			if row.Signups != signups || row.Registrations != regs {
				t.Errorf("%s: table sign-ups %d, registrations %d; trend %d, %d", row.Org.Slug, row.Signups, row.Registrations, signups, regs)
			}
		}
	}
	after, _ := r.Org(f.ctx, written, filter)
	if after.Cur(Members, "")-before.Cur(Members, "") != 1 || after.Cur(ActiveMemberships, "")-before.Cur(ActiveMemberships, "") != 1 {
		t.Errorf("members %d -> %d, active %d -> %d; want one more of each", before.Cur(Members, ""), after.Cur(Members, ""),
			before.Cur(ActiveMemberships, ""), after.Cur(ActiveMemberships, ""))
	}
}

// The first collection backfills history from the dates in the org's
// file: the members trend at the end of each month equals the accounts
// created by then.
func TestBackfillShowsHistory(t *testing.T) {
	f := newFixture(t)
	if _, err := f.col.CollectChanged(f.ctx); err != nil {
		t.Fatal(err)
	}
	r := &Reader{Platform: f.db, Registry: f.reg}
	filter, _ := ParseFilter("", "", "month", "", "", "", "", f.now)
	o := f.orgs[1]
	rep, err := r.Org(f.ctx, o, filter)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Trend.Buckets) < 12 {
		t.Fatalf("%d buckets, want 12 or 13", len(rep.Trend.Buckets))
	}
	f.scope(t, o, func(sc *tenant.Scope, raw *sql.DB) {
		for i, b := range rep.Trend.Buckets {
			var want, regs int64
			end := b.End.Format(DayLayout)
			raw.QueryRowContext(f.ctx, "SELECT count(*) FROM users WHERE substr(created_at, 1, 10) <= ?", end).Scan(&want)
			raw.QueryRowContext(f.ctx, "SELECT count(*) FROM event_registrations WHERE status != 'cancelled' AND substr(created_at, 1, 10) BETWEEN ? AND ?",
				b.Start.Format(DayLayout), end).Scan(&regs)
			if got := rep.Trend.Get(i, Members, ""); got != want {
				t.Errorf("%s: members %d, want %d", b.Label, got, want)
			}
			if got := rep.Trend.Get(i, Registrations, ""); got != regs {
				t.Errorf("%s: registrations %d, want %d", b.Label, got, regs)
			}
		}
	})
	if rep.Trend.Get(0, Members, "") == 0 {
		t.Error("no history in the first month: backfill missing")
	}
}

// Small counts of people read "fewer than 5" in cross-org views.
func TestCountSuppressesSmallGroups(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0"}, {1, "fewer than 5"}, {4, "fewer than 5"}, {5, "5"}, {120, "120"}} {
		if got := Count(c.n); got != c.want {
			t.Errorf("Count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// When an organization is deleted (its analytics rows go with its registry
// row), the next pass rebuilds the platform totals without it.
func TestDeletedOrgLeavesThePlatformTotals(t *testing.T) {
	f := newFixture(t)
	if _, err := f.col.CollectChanged(f.ctx); err != nil {
		t.Fatal(err)
	}
	gone, kept := f.orgs[0], f.orgs[1]
	if err := f.reg.Forget(f.ctx, gone, func(*platformdb.Queries) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.col.CollectChanged(f.ctx); err != nil {
		t.Fatal(err)
	}
	r := &Reader{Platform: f.db, Registry: f.reg}
	filter, _ := ParseFilter("", "", "", "", "", "", "", f.now)
	ov, err := r.Overview(f.ctx, filter)
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := r.Org(f.ctx, kept, filter)
	last := len(ov.Trend.Buckets) - 1
	if got, want := ov.Trend.Get(last, Members, ""), rep.Trend.Get(last, Members, ""); got != want || len(ov.Orgs) != 1 {
		t.Errorf("after deleting %s: platform members %d, want %d (the remaining org's); %d orgs listed", gone.Slug, got, want, len(ov.Orgs))
	}
}

// A pass backfills at most BackfillPerPass never-collected orgs; the next
// pass takes the rest.
func TestBackfillPerPassIsBounded(t *testing.T) {
	f := newFixture(t)
	f.col.BackfillPerPass = 1
	f.col.dirty = nil // as after a restart: seeded before this process
	for pass, want := range []int{1, 1, 0} {
		if n, err := f.col.CollectChanged(f.ctx); err != nil || n != want {
			t.Fatalf("pass %d collected %d (%v), want %d", pass+1, n, err, want)
		}
	}
}

// After a full pass, the server's passes collect only the organizations
// marked as written: they neither list the fleet nor look at its files, so
// a change made behind the collector's back waits for the next full pass.
func TestCollectDirtyReadsOnlyMarkedOrgs(t *testing.T) {
	f := newFixture(t)
	if _, err := f.col.CollectChanged(f.ctx); err != nil {
		t.Fatal(err)
	}
	marked, unmarked := f.orgs[0], f.orgs[1]
	// Both are written behind the pool (as another process would); only
	// one is marked.
	for _, o := range f.orgs {
		path, err := f.reg.OrgPath(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		db, err := sqlite.Open(f.ctx, path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.W.ExecContext(f.ctx, "INSERT INTO users (email, name, password_hash, role, created_at, updated_at) VALUES (?, 'X', 'x', 'member', ?, ?)",
			o.Slug+"@example.org", f.now, f.now); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	f.col.MarkDirty(marked)
	if n, err := f.col.CollectDirty(f.ctx); err != nil || n != 1 {
		t.Fatalf("dirty pass collected %d (%v), want the marked org only", n, err)
	}
	if got := f.col.Reads(unmarked.ID); got != 1 {
		t.Errorf("unmarked org read %d times by the dirty pass, want 1 (the full pass)", got)
	}
	if n, err := f.col.CollectDirty(f.ctx); err != nil || n != 0 {
		t.Fatalf("a second dirty pass collected %d (%v), want 0", n, err)
	}
	// The next full pass finds the unmarked change on disk.
	if n, err := f.col.CollectChanged(f.ctx); err != nil || n != 1 {
		t.Fatalf("full pass collected %d (%v), want the unmarked org", n, err)
	}
}
