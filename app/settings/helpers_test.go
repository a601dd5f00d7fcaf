package settings

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/tenant"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// orgs creates n organizations on real files and returns their scopes.
func orgs(t *testing.T, n int, init ...tenant.InitFunc) []*tenant.Scope {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := tenant.NewRegistry(db, dir)
	pool := tenant.NewPool(reg, tenant.PoolOptions{Logger: quiet})
	t.Cleanup(func() { pool.Close() })
	var out []*tenant.Scope
	for i := range n {
		o, err := reg.Create(ctx, []string{"org-one", "org-two", "org-three"}[i], []string{"Org One", "Org Two", "Org Three"}[i], init...)
		if err != nil {
			t.Fatal(err)
		}
		h, err := pool.Acquire(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(h.Release)
		out = append(out, tenant.NewScope(h))
	}
	return out
}

var (
	alice = account.Actor{UserID: 0, Label: "alice@example.org"}
	bob   = account.Actor{UserID: 0, Label: "bob@example.org"}
)

// valid is a form that passes every rule.
func valid() Form {
	return Form{
		FDisplayName: "Quadball Canada", FContactEmail: "info@quadballcanada.ca", FTimezone: "America/Toronto",
		FCurrency: "CAD", FSeasonName: "2026-2027", FSeasonStart: "2026-09-01", FSeasonEnd: "2027-08-31",
		FRegistrationOpen: "on", FRegistrationOpensOn: "", FRegistrationClosesOn: "",
		FWaiverText: "I accept the risks.", FBrandColor: "#1F6FEB",
	}
}

func day(s string) time.Time {
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}
