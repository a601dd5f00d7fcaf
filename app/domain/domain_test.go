package domain

import (
	"context"
	"testing"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/internal/dnstest"
	"sportsapp/app/tenant"
)

const base = "localhost"

type fixture struct {
	svc  *Service
	dns  *dnstest.Server
	a, b tenant.Org
	now  time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := tenant.NewRegistry(db, dir)
	a, err := reg.Create(ctx, "quadball-canada", "Quadball Canada")
	if err != nil {
		t.Fatal(err)
	}
	b, err := reg.Create(ctx, "quadball-alberta", "Quadball Alberta")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{dns: dnstest.Start(t), a: a, b: b, now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	f.svc = &Service{DB: db, Registry: reg, Base: base, Checker: NewChecker(f.dns.Addr, 500*time.Millisecond), Now: func() time.Time { return f.now }}
	f.svc.Table = f.svc.NewTable()
	if err := f.svc.Table.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

var admin = Actor{Label: "admin@example.org", IP: "192.0.2.7"}

func fieldMsg(err error) string { return apperr.FieldsOf(err)[Field] }

func TestAddClaimRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.svc.Add(ctx, admin, f.a, "Register.Quadball.Test.")
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "register.quadball.test" || d.Status != StatusPending || len(d.Token) != 26 || d.RecordName() != "_sportsapp-challenge.register.quadball.test" {
		t.Fatalf("added %+v", d)
	}
	cases := []struct {
		org        tenant.Org
		input, msg string
	}{
		{f.a, "register.quadball.test", msgTaken},
		{f.b, "REGISTER.quadball.test", msgClaimed},
		{f.b, "quadball-canada.localhost", "Names under localhost belong to the platform: every organization already has its own address there."},
		{f.b, "admin.localhost", "Names under localhost belong to the platform: every organization already has its own address there."},
		{f.b, "localhost", msgSingle},
		{f.b, "10.0.0.1", msgIP},
		{f.b, "register.quadball.test:443", msgPortPath},
		{f.b, "register.quadball.test/x", msgPortPath},
		{f.b, "not a domain", msgSyntax},
	}
	for _, c := range cases {
		_, err := f.svc.Add(ctx, admin, c.org, c.input)
		if apperr.CodeOf(err) != apperr.Invalid || fieldMsg(err) != c.msg {
			t.Errorf("Add(%s, %q) = %v (%q), want %q", c.org.Slug, c.input, err, fieldMsg(err), c.msg)
		}
	}
	for _, o := range []tenant.Org{f.a, f.b} {
		list, err := f.svc.List(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"quadball-canada": 1, "quadball-alberta": 0}[o.Slug]; len(list) != want {
			t.Errorf("%s has %d domains, want %d", o.Slug, len(list), want)
		}
	}
	// Another org's domain is not found, for check, primary and remove.
	if _, _, err := f.svc.Check(ctx, admin, f.b, "register.quadball.test"); err != ErrNotFound {
		t.Errorf("check by another org: %v", err)
	}
	if err := f.svc.Remove(ctx, admin, f.b, "register.quadball.test"); err != ErrNotFound {
		t.Errorf("remove by another org: %v", err)
	}
	if err := f.svc.SetPrimary(ctx, admin, f.b, "register.quadball.test"); err != ErrNotFound {
		t.Errorf("primary by another org: %v", err)
	}
	// Removed, it can be claimed by the other org, with a new token.
	if err := f.svc.Remove(ctx, admin, f.a, "register.quadball.test"); err != nil {
		t.Fatal(err)
	}
	d2, err := f.svc.Add(ctx, admin, f.b, "register.quadball.test")
	if err != nil || d2.OrgID != f.b.ID || d2.Token == d.Token {
		t.Fatalf("claim after removal: %+v, %v", d2, err)
	}
}

func TestCheck(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.svc.Add(ctx, admin, f.a, "register.quadball.test")
	if err != nil {
		t.Fatal(err)
	}
	check := func(want Outcome, wantStatus string) Domain {
		t.Helper()
		got, out, err := f.svc.Check(ctx, admin, f.a, d.Name)
		if err != nil {
			t.Fatal(err)
		}
		if out != want || got.Status != wantStatus || got.Result != want.Message() {
			t.Fatalf("check: %v %q %q, want %v %q", out, got.Status, got.Result, want, wantStatus)
		}
		return got
	}
	// Missing: stays pending, does not route.
	check(Missing, StatusPending)
	if _, ok := f.svc.Table.ByDomain(d.Name); ok {
		t.Fatal("a pending domain routes")
	}
	if err := f.svc.SetPrimary(ctx, admin, f.a, d.Name); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("primary while pending: %v", err)
	}
	// Wrong value.
	f.dns.SetTXT(d.RecordName(), "someone-elses-token")
	if got := check(WrongValue, StatusPending); got.Result != "the record was found but its value is wrong" {
		t.Fatal(got.Result)
	}
	// Timeout: could not check, will retry.
	f.dns.Hang(d.RecordName())
	start := time.Now()
	if got := check(Unreachable, StatusPending); got.Result != "could not check, will retry" {
		t.Fatal(got.Result)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("the timeout took %v", el)
	}
	// Found among other values: verified, routes, can be primary.
	g := newFixture(t) // a server without the hang
	f.dns = g.dns
	f.svc.Checker = NewChecker(g.dns.Addr, 500*time.Millisecond)
	f.dns.SetTXT(d.RecordName(), "v=spf1 -all", d.Token)
	check(Verified, StatusVerified)
	if o, ok := f.svc.Table.ByDomain(d.Name); !ok || o.ID != f.a.ID {
		t.Fatalf("verified domain routes to %+v, %v", o, ok)
	}
	if err := f.svc.SetPrimary(ctx, admin, f.a, d.Name); err != nil {
		t.Fatal(err)
	}
	if p := f.svc.Table.Primary(f.a.ID); p != d.Name {
		t.Fatalf("primary %q", p)
	}
	// The record disappears: it keeps routing, missing since now, flagged after 3 days.
	f.dns.SetTXT(d.RecordName())
	got := check(Missing, StatusVerified)
	if got.MissingSince.IsZero() || got.Flagged(f.now) || !got.Flagged(f.now.Add(FlagAfter)) {
		t.Fatalf("missing since %v", got.MissingSince)
	}
	if _, ok := f.svc.Table.ByDomain(d.Name); !ok {
		t.Fatal("a verified domain stopped routing when its TXT record went")
	}
	// Removal: stops routing, no primary.
	if err := f.svc.Remove(ctx, admin, f.a, d.Name); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.svc.Table.ByDomain(d.Name); ok || f.svc.Table.Primary(f.a.ID) != "" {
		t.Fatal("a removed domain still routes")
	}
}

func TestCheckDue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.svc.Add(ctx, admin, f.a, "later.quadball.test")
	if err != nil {
		t.Fatal(err)
	}
	never, err := f.svc.Add(ctx, admin, f.a, "never.quadball.test")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.CheckDue(ctx); err != nil || n != 0 {
		t.Fatalf("nothing is due yet: %d, %v", n, err)
	}
	f.now = f.now.Add(2 * time.Minute)
	if n, err := f.svc.CheckDue(ctx); err != nil || n != 2 {
		t.Fatalf("first round: %d, %v", n, err)
	}
	// Backoff: the next check of a missing record is further away.
	got, _ := f.svc.Get(ctx, never.Name)
	if got.Result != Missing.Message() {
		t.Fatal(got.Result)
	}
	f.now = f.now.Add(time.Minute)
	if n, _ := f.svc.CheckDue(ctx); n != 0 {
		t.Fatalf("checked again after a minute: %d", n)
	}
	f.dns.SetTXT(d.RecordName(), d.Token)
	f.now = f.now.Add(time.Hour)
	if _, err := f.svc.CheckDue(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.Get(ctx, d.Name); got.Status != StatusVerified {
		t.Fatalf("background check did not verify: %+v", got)
	}
	if _, ok := f.svc.Table.ByDomain(d.Name); !ok {
		t.Fatal("verified in the background but not routing")
	}
	// After 7 days of checks the other one expires.
	for i := 0; i < 40; i++ {
		f.now = f.now.Add(6 * time.Hour)
		if _, err := f.svc.CheckDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := f.svc.Get(ctx, never.Name); got.Status != StatusExpired {
		t.Fatalf("after 10 days: %s", got.Status)
	}
	// The verified one was re-checked daily and its record is still there.
	if got, _ := f.svc.Get(ctx, d.Name); got.Status != StatusVerified || !got.MissingSince.IsZero() || f.now.Sub(got.CheckedAt) > RecheckEvery+6*time.Hour {
		t.Fatalf("daily re-check: %+v", got)
	}
}

func TestPoints(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.svc.Checker
	const target = "quadball-canada.localhost"
	f.dns.SetCNAME("cname.quadball.test", target)
	f.dns.SetCNAME("elsewhere.quadball.test", "other.example.net")
	f.dns.SetA("apex.quadball.test", "192.0.2.10", "2001:db8::10")
	f.dns.SetA("wrongip.quadball.test", "198.51.100.1")
	ips := []string{"192.0.2.10", "2001:db8::10"}
	for name, ok := range map[string]bool{
		"cname.quadball.test":     true,
		"apex.quadball.test":      true,
		"elsewhere.quadball.test": false,
		"wrongip.quadball.test":   false,
		"nothing.quadball.test":   false,
	} {
		w := c.Points(ctx, name, target, ips)
		if (w == "") != ok {
			t.Errorf("Points(%s) = %q, want pointing %v", name, w, ok)
		}
	}
}

func TestFlaggedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var flagged []string
	f.svc.OnFlagged = func(_ context.Context, d Domain) { flagged = append(flagged, d.OrgSlug+" "+d.Name) }
	d, _ := f.svc.Add(ctx, admin, f.a, "gone.quadball.test")
	f.dns.SetTXT(d.RecordName(), d.Token)
	if _, out, _ := f.svc.Check(ctx, admin, f.a, d.Name); out != Verified {
		t.Fatal(out)
	}
	f.dns.SetTXT(d.RecordName())
	for day := 1; day <= 6; day++ {
		f.now = f.now.Add(RecheckEvery)
		if _, err := f.svc.CheckDue(ctx); err != nil {
			t.Fatal(err)
		}
		want := 0
		if day >= 4 { // missing since day 1, for 3 days on day 4
			want = 1
		}
		if len(flagged) != want {
			t.Fatalf("day %d: flagged %v", day, flagged)
		}
	}
	if flagged[0] != "quadball-canada gone.quadball.test" {
		t.Fatal(flagged)
	}
	// The record comes back: no longer missing.
	f.dns.SetTXT(d.RecordName(), d.Token)
	f.now = f.now.Add(RecheckEvery)
	if _, err := f.svc.CheckDue(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.Get(ctx, d.Name); !got.MissingSince.IsZero() {
		t.Fatalf("record back, still missing since %v", got.MissingSince)
	}
}
