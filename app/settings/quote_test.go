package settings

import (
	"context"
	"testing"
	"time"

	"sportsapp/app/apperr"
)

func TestQuote(t *testing.T) {
	sc := orgs(t, 1)[0]
	ctx := context.Background()
	svc := &Service{}
	adult, err := svc.CreateType(ctx, sc, alice, TypeForm{Name: "Adult", Price: "60.00", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	hidden, _ := svc.CreateType(ctx, sc, alice, TypeForm{Name: "Staff", Price: "0", Active: false})
	f := valid() // season 2026-09-01 .. 2027-08-31, Toronto, CAD, open
	if _, err := svc.Save(ctx, sc, alice, 0, mustParse(t, f)); err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}

	q, err := svc.Quote(ctx, sc, adult.ID, at("2026-11-28T12:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if q.PriceCents != 6000 || q.Currency != "CAD" || !q.Start.Equal(day("2026-11-28")) || !q.End.Equal(day("2027-08-31")) || q.TypeName != "Adult" {
		t.Fatalf("quote %+v", q)
	}
	// Before the season starts, the membership starts with the season.
	if q, _ := svc.Quote(ctx, sc, adult.ID, at("2026-07-01T12:00:00Z")); !q.Start.Equal(day("2026-09-01")) {
		t.Fatalf("early quote starts %s", q.Start)
	}

	// A new fee and a new season end apply at once (the cache is invalidated).
	if _, err := svc.UpdateType(ctx, sc, alice, adult.ID, TypeForm{Name: "Adult", Price: "75.50", Active: true}); err != nil {
		t.Fatal(err)
	}
	f[FSeasonEnd], f[FCurrency] = "2027-06-30", "USD"
	if _, err := svc.Save(ctx, sc, alice, 1, mustParse(t, f)); err != nil {
		t.Fatal(err)
	}
	q, _ = svc.Quote(ctx, sc, adult.ID, at("2026-11-28T12:00:00Z"))
	if q.PriceCents != 7550 || q.Currency != "USD" || !q.End.Equal(day("2027-06-30")) {
		t.Fatalf("quote after changes %+v", q)
	}

	// The last day of the season in Toronto is still in; the day after is not.
	if _, err := svc.Quote(ctx, sc, adult.ID, at("2027-07-01T03:59:00Z")); err != nil {
		t.Errorf("last evening of the season in Toronto: %v", err)
	}
	if _, err := svc.Quote(ctx, sc, adult.ID, at("2027-07-01T04:01:00Z")); apperr.MessageOf(err) != msgSeasonOver {
		t.Errorf("after the season: %v", err)
	}

	// Inactive and archived types are not sold.
	if _, err := svc.Quote(ctx, sc, hidden.ID, at("2026-11-28T12:00:00Z")); apperr.MessageOf(err) != msgTypeUnavailable {
		t.Errorf("inactive type: %v", err)
	}
	svc.ArchiveType(ctx, sc, alice, adult.ID)
	if _, err := svc.Quote(ctx, sc, adult.ID, at("2026-11-28T12:00:00Z")); apperr.MessageOf(err) != msgTypeUnavailable {
		t.Errorf("archived type: %v", err)
	}
	if _, err := svc.Quote(ctx, sc, 999, at("2026-11-28T12:00:00Z")); apperr.MessageOf(err) != msgTypeUnavailable {
		t.Errorf("unknown type: %v", err)
	}
	svc.RestoreType(ctx, sc, alice, adult.ID)
	svc.UpdateType(ctx, sc, alice, adult.ID, TypeForm{Name: "Adult", Price: "75.50", Active: true})

	// Registration closed by the switch, or outside its window.
	f[FRegistrationOpen] = ""
	svc.Save(ctx, sc, alice, 2, mustParse(t, f))
	if _, err := svc.Quote(ctx, sc, adult.ID, at("2026-11-28T12:00:00Z")); apperr.MessageOf(err) != msgRegistrationShut {
		t.Errorf("closed: %v", err)
	}
	f[FRegistrationOpen], f[FRegistrationOpensOn], f[FRegistrationClosesOn] = "on", "2026-12-01", "2027-01-31"
	svc.Save(ctx, sc, alice, 3, mustParse(t, f))
	for ts, open := range map[string]bool{
		"2026-11-30T12:00:00Z": false, "2026-12-01T12:00:00Z": true,
		"2027-01-31T12:00:00Z": true, "2027-02-01T12:00:00Z": false,
	} {
		_, err := svc.Quote(ctx, sc, adult.ID, at(ts))
		if open && err != nil || !open && apperr.MessageOf(err) != msgRegistrationShut {
			t.Errorf("window at %s: %v (open %v)", ts, err, open)
		}
	}
}

func TestTypesArchivedNeverDeleted(t *testing.T) {
	sc := orgs(t, 1)[0]
	ctx := context.Background()
	svc := &Service{}
	a, _ := svc.CreateType(ctx, sc, alice, TypeForm{Name: "Youth", Price: "20", Active: true})
	if _, err := svc.CreateType(ctx, sc, alice, TypeForm{Name: "youth", Price: "20", Active: true}); apperr.FieldsOf(err)["name"] == "" {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := svc.ArchiveType(ctx, sc, alice, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateType(ctx, sc, alice, a.ID, TypeForm{Name: "Youth", Price: "25", Active: true}); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("editing an archived type: %v", err)
	}
	// Its name is free again for a new type; the archived one stays listed.
	if _, err := svc.CreateType(ctx, sc, alice, TypeForm{Name: "Youth", Price: "25", Active: true}); err != nil {
		t.Fatal(err)
	}
	types, _ := Types(ctx, sc)
	if len(types) != 2 || !types[1].Archived {
		t.Fatalf("types %+v", types)
	}
}
