package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"sportsapp/app/sqlite"
)

// Organizations are replicated from their first write, so a crash can
// leave an organization's last writes unshipped with nothing to ship them
// if it is only read afterwards. The server marks an organization before
// replicating it and clears the mark once shipped; the next start ships
// what is still marked, with no request to the organization.
func TestStartShipsWhatACrashLeftUnshipped(t *testing.T) {
	dir := t.TempDir()
	replica := dir + ".replica"
	if code, out, errOut := cli(t, dir, "org", "create", "--slug", "crash-club", "--name", "Crash Club", "--replica-url", replica); code != 0 {
		t.Fatalf("create: %s %s", out, errOut)
	}
	_, list, _ := cli(t, dir, "org", "list", "--replica-url", replica)
	m := regexp.MustCompile(`(?m)^crash-club\s.*\s(\S+)\s*$`).FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("org list:\n%s", list)
	}
	id := m[1]
	path := filepath.Join(dir, "orgs", id+".db")

	// What a crashed server left behind: a write it acknowledged but had
	// not shipped, and its mark.
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, 'test', 'crash.probe', 'acknowledged before the crash')", time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.MkdirAll(filepath.Join(dir, "replication-pending"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "replication-pending", id), nil, 0o600); err != nil {
		t.Fatal(err)
	}

	startServer(t, dir, "--replica-url", replica, "--sync-interval", "100ms")
	probes := func() int {
		out := filepath.Join(t.TempDir(), "restored.db")
		if code, _, _ := cli(t, dir, "restore", "--org", "crash-club", "--output", out, "--replica-url", replica); code != 0 {
			return -1
		}
		rdb, err := sql.Open("sqlite", sqlite.InspectDSN(out))
		if err != nil {
			return -1
		}
		defer rdb.Close()
		var n int
		if err := rdb.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'crash.probe'").Scan(&n); err != nil {
			return -1
		}
		return n
	}
	deadline := time.Now().Add(30 * time.Second)
	for probes() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the write a crash left unshipped never reached the replica")
		}
		time.Sleep(200 * time.Millisecond)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "replication-pending", id)); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the mark stayed after the organization was shipped")
		}
	}
}
