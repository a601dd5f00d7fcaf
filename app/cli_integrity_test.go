package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"sportsapp/app/tenant"
)

// TestIntegrityCheck: every database is checked, a damaged one is named
// with its org, id and file, and the exit status says so.
func TestIntegrityCheck(t *testing.T) {
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := tenant.NewRegistry(db, dir)
	var orgs []tenant.Org
	for i := range 3 {
		o, err := reg.Create(context.Background(), fmt.Sprintf("league-%d", i), fmt.Sprintf("League %d", i))
		if err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, o)
	}
	db.Close()

	code, out, errOut := cli(t, dir, "integrity", "check", "--all")
	if code != 0 || strings.Count(out, "ok ") != 4 {
		t.Fatalf("healthy fleet: %d %q %q", code, out, errOut)
	}

	// Damage one org's file (nothing has it open: the CLI has returned).
	path, _ := reg.OrgPath(orgs[1].ID)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096; i < len(b); i++ {
		b[i] = 0xA5
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = cli(t, dir, "integrity", "check")
	if code != 1 || !strings.Contains(out, "FAIL league-1 (org "+orgs[1].ID+")") || !strings.Contains(out, path) || strings.Count(out, "ok ") != 3 {
		t.Fatalf("damaged org: %d %q %q", code, out, errOut)
	}
	if code, out, _ := cli(t, dir, "integrity", "check", "--org", "league-2"); code != 0 || !strings.Contains(out, "ok   league-2") {
		t.Fatalf("one org: %d %q", code, out)
	}
	if code, _, _ := cli(t, dir, "integrity", "frob"); code != 2 {
		t.Fatalf("bad subcommand: %d", code)
	}
}
