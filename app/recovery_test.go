package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sportsapp/app/internal/s3test"
	"sportsapp/app/sqlite"
)

// TestMain points the default replica (SPORTSAPP_REPLICA_URL, "./backups"
// otherwise) at an empty directory of its own, so that no test looks at or
// writes into a backups directory of the source tree, and clears
// AWS_CA_BUNDLE, which breaks Litestream's S3 client.
func TestMain(m *testing.M) {
	replicas, err := os.MkdirTemp("", "sportsapp-replicas-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("SPORTSAPP_REPLICA_URL", replicas)
	os.Unsetenv("AWS_CA_BUNDLE")
	code := m.Run()
	os.RemoveAll(replicas)
	os.Exit(code)
}

// serveUntilStopped runs `serve` on dir (a free loopback port) and returns
// its address and a stop function that sends the shutdown signal and
// returns the exit code.
func serveUntilStopped(t *testing.T, dir string, extra ...string) (string, func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr syncBuffer
	args := append([]string{"serve", "--addr", addr, "--data-dir", dir}, extra...)
	if !slices.Contains(args, "--replica-url") {
		args = append(args, "--replica-url", dir+".replica") // see cli
	}
	go func() { done <- run(ctx, args, strings.NewReader(""), &bytes.Buffer{}, &stderr) }()
	stopped := false
	stop := func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { stop() })
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		// Ready once the control endpoint is published and HTTP accepts.
		if _, err := os.Stat(filepath.Join(dir, ".ops.json")); err == nil {
			if c, err := net.Dial("tcp", addr); err == nil {
				c.Close()
				return addr, stop
			}
		}
		select {
		case code := <-done:
			stopped = true
			t.Fatalf("serve exited with %d:\n%s", code, stderr.String())
		default:
		}
	}
	t.Fatalf("server did not start:\n%s", stderr.String())
	return "", nil
}

// rowCounts returns the number of rows of every table (but Litestream's
// own) of every database in dataDir, keyed "platform.<table>" and
// "<org-file>.<table>". It opens the files through SQLite: no server runs
// on dataDir when it is called.
func rowCounts(t *testing.T, dataDir string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	files, _ := filepath.Glob(filepath.Join(dataDir, "orgs", "*.db"))
	files = append(files, filepath.Join(dataDir, "platform.db"))
	counts := map[string]int64{}
	for _, f := range files {
		db, err := sqlite.Open(ctx, f, sqlite.Options{Readers: 1})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.R.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB '_litestream*'`)
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			tables = append(tables, name)
		}
		rows.Close()
		for _, table := range tables {
			var n int64
			if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`"`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			counts[strings.TrimSuffix(filepath.Base(f), ".db")+"."+table] = n
		}
		db.Close()
	}
	return counts
}

// compareCounts fails the test for every table whose count differs.
func compareCounts(t *testing.T, what string, got, want map[string]int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d tables, want %d", what, len(got), len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s: %s has %d rows (present %v), want %d", what, k, g, ok, w)
		}
	}
}

// A disaster recovery, end to end against S3 on loopback: five organizations
// with data are replicated; the data directory is lost; a fresh `serve`
// refuses to seed a new platform over the replica's history, and read-only
// commands create nothing; `restore --all` brings every database back with
// every row; the server starts on it and its new writes reach the replica.
func TestDisasterRecoveryRestoreAll(t *testing.T) {
	s3 := s3test.Start(t)
	replica := s3.URL("prod")
	dir := filepath.Join(t.TempDir(), "tenants")
	slugs := []string{"quadball-canada", "rugby-bc", "ultimate-ontario", "curling-nb", "rowing-pei"}
	for _, slug := range slugs {
		if code, out, errOut := cli(t, dir, "org", "create", "--slug", slug, "--name", slug, "--replica-url", replica); code != 0 {
			t.Fatalf("create %s: %d %s %s", slug, code, out, errOut)
		}
		if code, out, errOut := cli(t, dir, "org", "seed-demo", "--org", slug, "--members", "12", "--replica-url", replica); code != 0 {
			t.Fatalf("seed %s: %d %s %s", slug, code, out, errOut)
		}
	}
	_, stop := serveUntilStopped(t, dir, "--replica-url", replica, "--sync-interval", "100ms")
	if code := stop(); code != 0 { // the shutdown ships the last changes
		t.Fatalf("serve exit %d", code)
	}
	want := rowCounts(t, dir)
	if want["platform.organizations"] != 5 {
		t.Fatalf("platform has %d organizations, want 5", want["platform.organizations"])
	}

	// The machine is lost.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}

	// Read-only commands say there is no platform and create nothing, not
	// even the data directory.
	for _, args := range [][]string{
		{"org", "list"},
		{"replicas", "status", "--replica-url", replica},
		{"restore", "--list", "--org", "rugby-bc", "--replica-url", replica},
		{"restore", "--org", "rugby-bc", "--replica-url", replica},
		{"migrate"},
		{"org", "suspend", "--slug", "rugby-bc"},
		{"org", "seed-demo", "--org", "rugby-bc"},
		{"user", "invite", "--org", "rugby-bc", "--email", "a@example.org"},
		{"integrity", "check"},
	} {
		code, _, errOut := cli(t, dir, args...)
		if code != 1 || !strings.Contains(errOut, "no platform here yet") || !strings.Contains(errOut, "restore --all") {
			t.Errorf("%v on an empty data directory: exit %d, %q", args, code, errOut)
		}
		if _, err := os.Lstat(dir); !os.IsNotExist(err) {
			t.Fatalf("%v created %s (%v)", args, dir, err)
		}
	}

	// A fresh start refuses, with or without --new-platform, and so does
	// every other command that would create a platform.
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--replica-url", replica},
		{"serve", "--addr", "127.0.0.1:0", "--replica-url", replica, "--new-platform"},
		{"org", "create", "--slug", "new-org", "--name", "New", "--replica-url", replica},
		{"superadmin", "create", "--email", "ops@example.org", "--replica-url", replica, "--new-platform"},
	} {
		// A bounded context: on a build without the check, serve would run.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		var stdout, stderr bytes.Buffer
		code := run(ctx, append(args, "--data-dir", dir), strings.NewReader(""), &stdout, &stderr)
		cancel()
		errOut := stderr.String()
		if code != 1 || !strings.Contains(errOut, "the replica already holds one") || !strings.Contains(errOut, "restore --all") ||
			!strings.Contains(errOut, "SPORTSAPP_REPLICA_URL") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
		if _, err := os.Lstat(filepath.Join(dir, "platform.db")); !os.IsNotExist(err) {
			t.Fatalf("%v created platform.db (%v)", args, err)
		}
	}

	// The whole platform comes back, every organization checked, with a line
	// for each.
	code, out, errOut := cli(t, dir, "restore", "--all", "--parallel", "3", "--replica-url", replica)
	if code != 0 {
		t.Fatalf("restore --all: %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "restored platform: 5 organizations") || !strings.Contains(out, "restored 5/5 ") {
		t.Errorf("restore --all output:\n%s", out)
	}
	for _, slug := range slugs {
		if !regexp.MustCompile(`(?m)^restored [1-5]/5 ` + slug + ` \(\d+(\.\d+)?m?s\)$`).MatchString(out) {
			t.Errorf("no progress line for %s:\n%s", slug, out)
		}
	}
	compareCounts(t, "after restore --all", rowCounts(t, dir), want)

	// It never writes over files, nor into a directory a server holds.
	if code, _, errOut := cli(t, dir, "restore", "--all", "--replica-url", replica); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("second restore --all: %d %q", code, errOut)
	}
	if code, _, errOut := cli(t, dir, "restore", "--org", "platform", "--replica-url", replica); code != 1 || !strings.Contains(errOut, "restore --all") {
		t.Errorf("restore --org platform: %d %q", code, errOut)
	}

	// The server starts on the restored platform and replicates new writes.
	addr, stop := serveUntilStopped(t, dir, "--replica-url", replica, "--sync-interval", "100ms")
	if code, _, errOut := cli(t, dir, "restore", "--all", "--replica-url", replica); code != 1 || !strings.Contains(errOut, "in use") {
		t.Errorf("restore --all beside a running server: %d %q", code, errOut)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	req.Host = "rugby-bc.localhost"
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("rugby-bc after the restore: %v %v", res, err)
	}
	res.Body.Close()
	if code, out, errOut := cli(t, dir, "user", "invite", "--org", "rugby-bc", "--email", "late@example.org"); code != 0 {
		t.Fatalf("invite: %d %s %s", code, out, errOut)
	}
	if code, out, errOut := cli(t, dir, "org", "suspend", "--slug", "curling-nb"); code != 0 {
		t.Fatalf("suspend: %d %s %s", code, out, errOut)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exit %d", code)
	}
	live := rowCounts(t, dir)
	if live["platform.platform_audit"] != want["platform.platform_audit"]+1 {
		t.Fatalf("the suspension was not audited: %d rows, before %d", live["platform.platform_audit"], want["platform.platform_audit"])
	}
	again := filepath.Join(t.TempDir(), "tenants")
	if code, out, errOut := cli(t, again, "restore", "--all", "--replica-url", replica); code != 0 {
		t.Fatalf("second machine: %d\n%s\n%s", code, out, errOut)
	}
	compareCounts(t, "after the restored server's writes", rowCounts(t, again), live)
}

// One organization that cannot be restored does not stop the others; the
// command fails naming it, and the server serves the others without it.
func TestRestoreAllReportsAFailedOrg(t *testing.T) {
	dir, replica := filepath.Join(t.TempDir(), "tenants"), t.TempDir()
	for _, slug := range []string{"quadball-canada", "rugby-bc", "curling-nb"} {
		if code, out, errOut := cli(t, dir, "org", "create", "--slug", slug, "--name", slug, "--replica-url", replica); code != 0 {
			t.Fatalf("create %s: %d %s %s", slug, code, out, errOut)
		}
	}
	_, out, _ := cli(t, dir, "org", "list")
	id := regexp.MustCompile(`(?m)^rugby-bc .* (\S+)$`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("no rugby-bc in:\n%s", out)
	}
	_, stop := serveUntilStopped(t, dir, "--replica-url", replica, "--sync-interval", "100ms")
	if code := stop(); code != 0 {
		t.Fatalf("serve exit %d", code)
	}
	if err := os.RemoveAll(filepath.Join(replica, "orgs", id[1])); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := cli(t, dir, "restore", "--all", "--parallel", "1", "--replica-url", replica)
	if code != 1 || !strings.Contains(errOut, "1 of 3 organizations were not restored; the first to fail: rugby-bc") ||
		!strings.Contains(errOut, "sportsapp restore --org rugby-bc --output") || !strings.Contains(out, "FAILED") {
		t.Fatalf("restore --all with a lost replica: %d\n%s\n%s", code, out, errOut)
	}
	for _, slug := range []string{"quadball-canada", "curling-nb"} {
		if !regexp.MustCompile(`(?m)^restored [1-3]/3 ` + slug + ` `).MatchString(out) {
			t.Errorf("%s not restored:\n%s", slug, out)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "orgs", id[1]+".db")); !os.IsNotExist(err) {
		t.Errorf("the failed organization left a file (%v)", err)
	}
	// The server starts without it (it opens organizations on demand):
	// the others serve while rugby-bc is restored separately.
	addr, stop := serveUntilStopped(t, dir, "--replica-url", replica)
	_, port, _ := net.SplitHostPort(addr)
	for slug, ok := range map[string]bool{"quadball-canada": true, "curling-nb": true, "rugby-bc": false} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
		req.Host = slug + ".localhost:" + port
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.StatusCode == http.StatusOK; got != ok || (!ok && res.StatusCode < 500) {
			t.Errorf("%s without its file: status %d", slug, res.StatusCode)
		}
	}
	stop()
}

// When the replica cannot be listed, a command that would create a platform
// refuses and says how to override; --new-platform does.
func TestNewPlatformWhenReplicaCannotBeChecked(t *testing.T) {
	s3 := s3test.Start(t)
	broken := strings.Replace(s3.URL("prod"), s3test.Bucket, "no-such-bucket", 1)
	dir := filepath.Join(t.TempDir(), "tenants")
	code, _, errOut := cli(t, dir, "org", "create", "--slug", "rugby-bc", "--name", "Rugby BC", "--replica-url", broken)
	if code != 1 || !strings.Contains(errOut, "could not be checked") || !strings.Contains(errOut, "--new-platform") {
		t.Fatalf("unreachable replica: %d %q", code, errOut)
	}
	if _, err := os.Lstat(filepath.Join(dir, "platform.db")); !os.IsNotExist(err) {
		t.Fatalf("platform.db created (%v)", err)
	}
	// The platform is created; the new org is too, and the command says it
	// could not reach the replica (exit 1: its data is not backed up yet).
	code, out, errOut := cli(t, dir, "org", "create", "--slug", "rugby-bc", "--name", "Rugby BC", "--replica-url", broken, "--new-platform")
	if code != 1 || !strings.Contains(errOut, "created rugby-bc, but could not replicate it yet") {
		t.Fatalf("--new-platform: %d %q %q", code, out, errOut)
	}
	if code, out, _ := cli(t, dir, "org", "list"); code != 0 || !strings.Contains(out, "rugby-bc") {
		t.Fatalf("org list after --new-platform: %d %q", code, out)
	}
}
