package settings

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"sportsapp/app/apperr"
)

func mustParse(t *testing.T, f Form) Settings {
	t.Helper()
	s, errs := Parse(f)
	if errs != nil {
		t.Fatal(errs)
	}
	return s
}

func TestSaveConflict(t *testing.T) {
	sc := orgs(t, 1)[0]
	svc := &Service{}
	ctx := context.Background()
	v1, err := svc.Save(ctx, sc, alice, 0, mustParse(t, valid()))
	if err != nil || v1.Version != 1 {
		t.Fatalf("first save: %+v %v", v1, err)
	}
	// Alice and Bob both open version 1.
	fa, fb := valid(), valid()
	fa[FCurrency] = "USD"
	fb[FSeasonEnd] = "2027-06-30"
	if _, err := svc.Save(ctx, sc, alice, 1, mustParse(t, fa)); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Save(ctx, sc, bob, 1, mustParse(t, fb))
	var conflict *ConflictError
	if !errors.As(err, &conflict) || apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("second save from version 1: %v, want a conflict", err)
	}
	if conflict.Current.Version != 2 || conflict.By != "alice@example.org" {
		t.Fatalf("conflict %+v", conflict)
	}
	if len(conflict.Changes) != 1 || conflict.Changes[0].Field != FCurrency || conflict.Changes[0].Old != "CAD" || conflict.Changes[0].New != "USD" {
		t.Fatalf("conflict changes %+v", conflict.Changes)
	}
	cur, _ := svc.Get(ctx, sc)
	if cur.Version != 2 || cur.Currency != "USD" || !cur.SeasonEnd.Equal(day("2027-08-31")) {
		t.Fatalf("Bob's save overwrote: %+v", cur)
	}
	// Bob, having seen Alice's change, saves on top of version 2.
	if s, err := svc.Save(ctx, sc, bob, 2, mustParse(t, fb)); err != nil || s.Version != 3 {
		t.Fatalf("save after conflict: %v", err)
	}
}

func TestFirstSaveRace(t *testing.T) {
	sc := orgs(t, 1)[0]
	svc := &Service{}
	ctx := context.Background()
	if _, err := svc.Save(ctx, sc, alice, 0, mustParse(t, valid())); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Save(ctx, sc, bob, 0, mustParse(t, valid())); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("two first saves: %v", err)
	}
}

func TestHistoryIsExact(t *testing.T) {
	sc := orgs(t, 1)[0]
	now := time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)
	svc := &Service{Now: func() time.Time { return now }}
	ctx := context.Background()
	f := valid()
	svc.Save(ctx, sc, alice, 0, mustParse(t, f))
	now = now.Add(time.Hour)
	f[FCurrency], f[FRegistrationOpen] = "USD", ""
	svc.Save(ctx, sc, bob, 1, mustParse(t, f))
	now = now.Add(time.Hour)
	svc.Save(ctx, sc, alice, 2, mustParse(t, f)) // no change

	h, err := History(ctx, sc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if h.Total != 3 || len(h.Entries) != 3 {
		t.Fatalf("history %+v", h)
	}
	newest := h.Entries[0]
	if newest.Version != 3 || newest.By != "alice@example.org" || len(newest.Changes) != 0 {
		t.Errorf("v3 %+v", newest)
	}
	v2 := h.Entries[1]
	want := []Change{
		{Field: FCurrency, Label: "Currency", Old: "CAD", New: "USD"},
		{Field: FRegistrationOpen, Label: "Membership registration", Old: "open", New: "closed"},
	}
	if v2.Version != 2 || v2.By != "bob@example.org" || !v2.At.Equal(time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC)) || !slices.Equal(v2.Changes, want) {
		t.Errorf("v2 %+v, want changes %+v", v2, want)
	}
	// Version 1's changes are from the defaults.
	if len(h.Entries[2].Changes) == 0 {
		t.Error("v1 records no changes from the defaults")
	}
	old, err := VersionAt(ctx, sc, 1)
	if err != nil || old.Currency != "CAD" || !old.RegistrationOpen || old.UpdatedBy != "alice@example.org" {
		t.Fatalf("version 1: %+v %v", old, err)
	}
	if _, err := VersionAt(ctx, sc, 9); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("version 9: %v", err)
	}
}

func TestHistoryPages(t *testing.T) {
	sc := orgs(t, 1)[0]
	svc := &Service{}
	ctx := context.Background()
	f := valid()
	for v := range int64(HistoryPageSize + 5) {
		f[FSeasonName] = "Season " + string(rune('A'+v%26)) + string(rune('a'+v/26))
		if _, err := svc.Save(ctx, sc, alice, v, mustParse(t, f)); err != nil {
			t.Fatal(err)
		}
	}
	p2, _ := History(ctx, sc, 2)
	if p2.Pages != 2 || len(p2.Entries) != 5 || p2.Entries[0].Version != 5 {
		t.Fatalf("page 2: pages %d, %d entries, first v%d", p2.Pages, len(p2.Entries), p2.Entries[0].Version)
	}
}

// Two organizations, the same sequence of reads and saves: each sees only
// its own settings, and a save is seen at once (the cache is invalidated).
func TestCachePerOrganization(t *testing.T) {
	scs := orgs(t, 2)
	svc := &Service{TTL: time.Hour}
	ctx := context.Background()
	for i, sc := range scs {
		s, err := svc.Get(ctx, sc)
		if err != nil || s.Version != 0 || s.DisplayName != []string{"Org One", "Org Two"}[i] {
			t.Fatalf("org %d defaults: %+v %v", i, s, err)
		}
	}
	for i, sc := range scs {
		f := valid()
		f[FDisplayName] = []string{"First", "Second"}[i]
		f[FCurrency] = []string{"EUR", "GBP"}[i]
		if _, err := svc.Save(ctx, sc, alice, 0, mustParse(t, f)); err != nil {
			t.Fatal(err)
		}
	}
	for i, sc := range scs {
		s, _ := svc.Get(ctx, sc)
		if s.DisplayName != []string{"First", "Second"}[i] || s.Currency != []string{"EUR", "GBP"}[i] || s.Version != 1 {
			t.Errorf("org %d sees %+v", i, s)
		}
	}
	// A change written behind the service's back is not seen until the TTL
	// or a save: proof that reads are cached.
	scs[0].W().SettingsUpdate(ctx, updateParams(mustParse(t, valid()), 1))
	if s, _ := svc.Get(ctx, scs[0]); s.Version != 1 {
		t.Fatalf("read bypassed the cache: version %d", s.Version)
	}
	svc.Forget(scs[0])
	if s, _ := svc.Get(ctx, scs[0]); s.Version != 2 {
		t.Fatalf("after Forget: version %d", s.Version)
	}
}

func TestInitialWritesVersionOneAndTypes(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	init, err := Initial(Defaults("Quadball Alberta", now), []TypeForm{DefaultMembershipType}, "onboarding", now)
	if err != nil {
		t.Fatal(err)
	}
	sc := orgs(t, 1, init)[0]
	ctx := context.Background()
	s, err := (&Service{}).Get(ctx, sc)
	if err != nil || s.Version != 1 || s.DisplayName != "Quadball Alberta" || s.Currency != "CAD" || s.UpdatedBy != "onboarding" {
		t.Fatalf("settings %+v %v", s, err)
	}
	types, _ := Types(ctx, sc)
	if len(types) != 1 || types[0].PriceCents != 5000 || !types[0].Active {
		t.Fatalf("types %+v", types)
	}
	if ok, _ := ReviewedByAdmin(ctx, sc); ok {
		t.Fatal("initial settings count as reviewed by an admin")
	}
	bad := Defaults("X", now)
	bad.BrandColor = "red"
	if _, err := Initial(bad, nil, "x", now); err == nil {
		t.Fatal("invalid initial settings accepted")
	}
}
