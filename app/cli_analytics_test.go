package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"sportsapp/app/analytics"
	"sportsapp/app/tenant"
)

// analytics collect: --all recomputes every org with a progress line each,
// the default pass reads only what changed, --org one org, and a failing
// org makes the command exit 1 naming it.
func TestAnalyticsCollectCommand(t *testing.T) {
	dir := t.TempDir()
	for _, slug := range []string{"rugby-bc", "curling-nb"} {
		if code, out, errOut := cli(t, dir, "org", "create", "--slug", slug, "--name", slug); code != 0 {
			t.Fatalf("create %s: %d %s %s", slug, code, out, errOut)
		}
		if code, out, errOut := cli(t, dir, "org", "seed-demo", "--org", slug, "--members", "20"); code != 0 {
			t.Fatalf("seed %s: %d %s %s", slug, code, out, errOut)
		}
	}
	code, out, errOut := cli(t, dir, "analytics", "collect", "--all")
	if code != 0 || !strings.Contains(out, "1/2 ") || !strings.Contains(out, "2/2 ") || !strings.Contains(out, "collected 2 organizations") {
		t.Fatalf("collect --all: %d %q %q", code, out, errOut)
	}
	// Closing a file checkpoints its WAL into it, which looks like a change
	// once (docs/analytics.md); after that, nothing changed is read again.
	cli(t, dir, "analytics", "collect")
	code, out, errOut = cli(t, dir, "analytics", "collect")
	if code != 0 || !strings.Contains(out, "collected 0 changed organizations") {
		t.Fatalf("collect with nothing changed: %d %q %q", code, out, errOut)
	}
	code, out, errOut = cli(t, dir, "analytics", "collect", "--org", "rugby-bc")
	if code != 0 || !strings.Contains(out, "1/1 rugby-bc") {
		t.Fatalf("collect --org: %d %q %q", code, out, errOut)
	}
	ctx := context.Background()
	db, err := tenant.OpenExistingPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := tenant.NewRegistry(db, dir)
	o, _ := reg.BySlug(ctx, "rugby-bc")
	rep, err := (&analytics.Reader{Platform: db, Registry: reg}).Org(ctx, o, analytics.Filter{From: o.CreatedAt, To: o.CreatedAt, Period: analytics.Month})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Cur(analytics.Members, ""); got != 20 {
		t.Errorf("rugby-bc members %d, want 20", got)
	}
	// A broken org file: the command names it and exits 1.
	bad, _ := reg.BySlug(ctx, "curling-nb")
	db.Close()
	path, _ := reg.OrgPath(bad.ID)
	if err := os.WriteFile(path, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + "-wal")
	code, _, errOut = cli(t, dir, "analytics", "collect", "--all")
	if code != 1 || !strings.Contains(errOut, "curling-nb") {
		t.Fatalf("collect with a broken org: %d %q", code, errOut)
	}
	if code, _, _ := cli(t, dir, "analytics", "collect", "--all", "--org", "x"); code != 2 {
		t.Errorf("--all with --org: exit %d, want 2", code)
	}
}
