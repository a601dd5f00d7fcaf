package demo

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// The demo data agrees with its own date: seeded a few days into the
// season, nothing was bought, paid, confirmed or registered after "now",
// and every event is named for the season it takes place in.
func TestSeedIsPlausibleForItsDate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := tenant.NewRegistry(db, dir)
	pool := tenant.NewPool(reg, tenant.PoolOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	t.Cleanup(func() { pool.Close() })
	o, err := reg.Create(ctx, "demo-league", "Demo League")
	if err != nil {
		t.Fatal(err)
	}
	h, err := pool.Acquire(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Release)
	sc := tenant.NewScope(h)
	st := &settings.Service{}
	if _, err := st.CreateType(ctx, sc, account.Actor{Label: "test"}, settings.TypeForm{Name: "Adult player", Price: "50", Active: true}); err != nil {
		t.Fatal(err)
	}
	cur, err := st.Get(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	now := cur.SeasonStart.Add(5*24*time.Hour + 10*time.Hour) // five days into the season
	f, err := SeedAt(ctx, sc, st, 80, 42, now)
	if err != nil {
		t.Fatal(err)
	}
	if f.Payments == 0 || f.Events == 0 || f.Registrations == 0 {
		t.Fatalf("seeded too little: %+v", f)
	}
	after := func(query string) int {
		rows, err := h.DB().R.QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var a, b sql.NullTime
			if err := rows.Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			if a.Valid && a.Time.After(now) || b.Valid && b.Time.After(now) {
				n++
			}
		}
		return n
	}
	for _, q := range []string{
		"SELECT created_at, decided_at FROM payments",
		"SELECT created_at, activated_at FROM memberships",
		"SELECT created_at, decided_at FROM event_registrations",
		"SELECT waiver_accepted_at, NULL FROM memberships",
	} {
		if n := after(q); n != 0 {
			t.Errorf("%s: %d rows after the seed's date", q, n)
		}
	}
	rows, err := h.DB().R.QueryContext(ctx, "SELECT name, starts_on FROM events")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, starts string
		if err := rows.Scan(&name, &starts); err != nil {
			t.Fatal(err)
		}
		day, err := time.Parse(settings.DateLayout, starts)
		if err != nil {
			t.Fatal(err)
		}
		if want := SeasonOf(day.Month()); !strings.HasPrefix(name, want+" ") {
			t.Errorf("%q starts on %s, in %s", name, starts, want)
		}
	}
}
