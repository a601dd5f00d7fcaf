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
	"sync"
	"testing"
	"time"

	"sportsapp/app/ops"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// cli runs the command line in dataDir and returns the exit code and output.
func cli(t *testing.T, dataDir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append(args, "--data-dir", dataDir)
	if !slices.Contains(args, "--replica-url") {
		// Each data directory gets its replica: commands ship what they
		// write, and a replica holding another test's platform would make
		// a new platform refuse to start.
		args = append(args, "--replica-url", dataDir+".replica")
	}
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestOrgCreateAndList(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, dir, "org", "create", "--slug", "quadball-alberta", "--name", "Quadball Alberta")
	if code != 0 || !strings.Contains(out, "created Quadball Alberta") {
		t.Fatalf("create: %d %q %q", code, out, errOut)
	}
	code, _, errOut = cli(t, dir, "org", "create", "--slug", "quadball-alberta", "--name", "Again")
	if code != 1 || !strings.Contains(errOut, "already taken") {
		t.Fatalf("duplicate: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, dir, "org", "create", "--slug", "Bad Slug", "--name", "X")
	if code != 1 || !strings.Contains(errOut, "lowercase") {
		t.Fatalf("bad slug: %d %q", code, errOut)
	}
	code, out, _ = cli(t, dir, "org", "list")
	if code != 0 || !strings.Contains(out, "quadball-alberta") || !strings.Contains(out, "active") {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, _, _ := cli(t, dir, "org", "frobnicate"); code != 2 {
		t.Fatalf("unknown subcommand exit %d, want 2", code)
	}
	if code, _, _ := cli(t, dir, "nonsense"); code != 2 {
		t.Fatalf("unknown command exit %d, want 2", code)
	}
}

func TestMigrateCommand(t *testing.T) {
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := tenant.NewRegistry(db, dir)
	var broken tenant.Org
	for i := range 200 {
		o, err := reg.Create(context.Background(), fmt.Sprintf("league-%03d", i), fmt.Sprintf("League %03d", i))
		if err != nil {
			t.Fatal(err)
		}
		if i == 150 {
			broken = o
		}
	}
	db.Close()

	code, out, errOut := cli(t, dir, "migrate")
	if code != 0 || !strings.Contains(out, "migrated 200 organization databases") {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}

	path, _ := reg.OrgPath(broken.ID)
	if err := os.WriteFile(path, []byte("garbage, not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = cli(t, dir, "migrate")
	if code == 0 || !strings.Contains(errOut, "league-150") || !strings.Contains(errOut, broken.ID) {
		t.Fatalf("broken migrate: exit %d, stderr %q", code, errOut)
	}
}

// The default command serves Quadball Canada on an empty data dir and shuts
// down cleanly on a signal.
func TestServeSeedsAndShutsDownCleanly(t *testing.T) {
	dir, replicas := t.TempDir(), t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"--addr", addr, "--data-dir", dir, "--replica-url", replicas}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	get := func(host string) (int, error) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	var status int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if status, err = get("quadball-canada.localhost"); err == nil {
			break
		}
	}
	if status != 200 {
		cancel()
		t.Fatalf("quadball-canada: %d %v\n%s", status, err, stderr.String())
	}
	if s, _ := get("nosuch.localhost"); s != 404 {
		t.Errorf("nosuch: %d", s)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	// Every database is consistent after the shutdown. (Its WAL may stay:
	// Litestream, closed last on purpose, keeps it so that the next start
	// ships only changes.)
	files, _ := filepath.Glob(filepath.Join(dir, "orgs", "*.db"))
	files = append(files, filepath.Join(dir, "platform.db"))
	for _, f := range files {
		db, err := sqlite.Open(context.Background(), f, sqlite.Options{Readers: 1})
		if err != nil {
			t.Fatal(err)
		}
		var ok string
		db.R.QueryRow("PRAGMA integrity_check").Scan(&ok)
		db.Close()
		if ok != "ok" {
			t.Errorf("%s after shutdown: %q", f, ok)
		}
	}
	// The data directory's lock was released.
	if unlock, err := ops.Lock(dir); err != nil {
		t.Errorf("lock after shutdown: %v", err)
	} else {
		unlock()
	}
	if !strings.Contains(stderr.String(), "org=quadball-canada") {
		t.Errorf("request log lacks the org slug:\n%s", stderr.String())
	}
}

func TestUserInviteAndSuperadminCreate(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := cli(t, dir, "org", "create", "--slug", "quadball-canada", "--name", "Quadball Canada"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := cli(t, dir, "user", "invite", "--org", "quadball-canada", "--email", "Boss@Example.org", "--role", "admin")
	if code != 0 || !strings.Contains(out, "http://quadball-canada.localhost:8080/invite?token=") {
		t.Fatalf("invite: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := cli(t, dir, "user", "invite", "--org", "nosuch", "--email", "a@b.org"); code != 1 || !strings.Contains(errOut, "No such organization") {
		t.Fatalf("unknown org: %d %q", code, errOut)
	}
	if code, _, errOut := cli(t, dir, "user", "invite", "--org", "quadball-canada", "--email", "a@b.org", "--role", "owner"); code != 1 {
		t.Fatalf("bad role: %d %q", code, errOut)
	}

	code, out, errOut = cli(t, dir, "superadmin", "create", "--email", "ops@example.org")
	if code != 0 || !strings.Contains(out, "password (shown once): ") {
		t.Fatalf("superadmin: %d %q %q", code, out, errOut)
	}
	var stdout, stderr bytes.Buffer
	code = run(context.Background(), []string{"superadmin", "create", "--email", "ops2@example.org", "--password-stdin", "--data-dir", dir},
		strings.NewReader("a chosen password\n"), &stdout, &stderr)
	if code != 0 || strings.Contains(stdout.String(), "a chosen password") {
		t.Fatalf("password-stdin: %d %q %q", code, stdout.String(), stderr.String())
	}
	if code, _, _ := cli(t, dir, "superadmin", "create", "--email", "ops@example.org"); code != 1 {
		t.Fatal("duplicate super-admin accepted")
	}
}

func TestOrgCreateWithAdminAndLifecycle(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, dir, "org", "create", "--slug", "quadball-alberta", "--name", "Quadball Alberta", "--admin-email", "alex@quadball-alberta.ca", "--admin-name", "Alex")
	if code != 0 || !strings.Contains(out, "http://quadball-alberta.localhost:8080/invite?token=") {
		t.Fatalf("create: %d %q %q", code, out, errOut)
	}
	code, _, errOut = cli(t, dir, "org", "create", "--slug", "bad slug", "--name", "", "--admin-email", "nope")
	if code != 1 || !strings.Contains(errOut, "slug:") || !strings.Contains(errOut, "admin_email:") || !strings.Contains(errOut, "name:") {
		t.Fatalf("invalid create: %d %q", code, errOut)
	}
	if code, out, _ := cli(t, dir, "org", "suspend", "--slug", "quadball-alberta"); code != 0 || !strings.Contains(out, "suspended") {
		t.Fatalf("suspend: %d %q", code, out)
	}
	if code, out, _ := cli(t, dir, "org", "list"); code != 0 || !strings.Contains(out, "suspended") {
		t.Fatalf("list: %q", out)
	}
	if code, out, _ := cli(t, dir, "org", "activate", "--slug", "quadball-alberta"); code != 0 || !strings.Contains(out, "active") {
		t.Fatalf("activate: %d %q", code, out)
	}
}

// startServer runs `serve` on a free loopback port until the test ends and
// returns the address.
func startServer(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var stderr syncBuffer
	args := append([]string{"--addr", addr, "--data-dir", dir}, extra...)
	if !slices.Contains(args, "--replica-url") {
		args = append(args, "--replica-url", dir+".replica") // see cli
	}
	go func() { done <- run(ctx, args, strings.NewReader(""), &bytes.Buffer{}, &stderr) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	// Started: the control endpoint published and the HTTP listener
	// accepting (serve publishes the endpoint before it listens).
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, ".ops.json")); err != nil {
			continue
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return addr
		}
	}
	t.Fatalf("server did not start:\n%s", stderr.String())
	return ""
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The operator's path end to end: an org created by the CLI while the
// server runs is shipped by the server; once open, `replicas status` shows it; `restore
// --list` shows the window; `restore --output` writes a checked copy; and
// `restore` in place goes through the running server, which keeps serving.
func TestRestoreCommandsWithRunningServer(t *testing.T) {
	dir, backups := t.TempDir(), t.TempDir()
	addr := startServer(t, dir, "--replica-url", backups, "--sync-interval", "100ms")
	if code, out, errOut := cli(t, dir, "org", "create", "--slug", "quadball-alberta", "--name", "Quadball Alberta"); code != 0 {
		t.Fatalf("create: %s %s", out, errOut)
	}
	// The create shipped it. An organization is replicated from its first
	// write while the server has it open: a read opens alberta without
	// replicating it; an invitation (a write, through the server's hold)
	// replicates quadball-canada.
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	req.Host = "quadball-alberta.localhost"
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("alberta: %v %v", res, err)
	}
	res.Body.Close()
	if code, out, errOut := cli(t, dir, "user", "invite", "--org", "quadball-canada", "--email", "coach@example.org", "--replica-url", backups); code != 0 {
		t.Fatalf("invite: %s %s", out, errOut)
	}
	replicated := func(slug string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^` + slug + `\s+orgs/\S+\s+true\s+\d{4}-`)
	}
	var status string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		_, status, _ = cli(t, dir, "replicas", "status", "--replica-url", backups)
		if replicated("quadball-canada").MatchString(status) {
			break
		}
	}
	for _, want := range []string{"platform", "Top 20 organizations by replica lag"} {
		if !strings.Contains(status, want) {
			t.Fatalf("replicas status lacks %q:\n%s", want, status)
		}
	}
	if !replicated("quadball-canada").MatchString(status) || replicated("quadball-alberta").MatchString(status) {
		t.Fatalf("replicas status: want quadball-canada replicated (written) and quadball-alberta not (only read):\n%s", status)
	}
	// The server's per-organization usage, through its ops endpoint.
	code, out, errOut := cli(t, dir, "org", "list", "--usage", "--by", "cold-opens")
	if code != 0 || !regexp.MustCompile(`(?m)^quadball-alberta\s+1\s+0\s+1\s+[0-9.]+ MB`).MatchString(out) {
		t.Errorf("org list --usage: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := cli(t, dir, "org", "list", "--usage", "--by", "rows"); code == 0 || !strings.Contains(errOut, "--by must be one of") {
		t.Errorf("org list --usage --by rows: %d %q", code, errOut)
	}
	code, out, errOut = cli(t, dir, "restore", "--list", "--org", "quadball-alberta", "--replica-url", backups)
	if code != 0 || !strings.Contains(out, "restorable from") {
		t.Fatalf("restore --list: %d %q %q", code, out, errOut)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	code, out, errOut = cli(t, dir, "restore", "--org", "quadball-alberta", "--output", copyPath, "--replica-url", backups)
	if code != 0 || !strings.Contains(out, "integrity check ok") {
		t.Fatalf("restore --output: %d %q %q", code, out, errOut)
	}
	code, out, errOut = cli(t, dir, "restore", "--org", "quadball-alberta", "--replica-url", backups)
	if code != 0 || !strings.Contains(out, "previous file kept") || !strings.Contains(errOut, "asking the running server") {
		t.Fatalf("restore in place: %d %q %q", code, out, errOut)
	}
	for _, host := range []string{"quadball-alberta.localhost", "quadball-canada.localhost"} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s after restore: %v %v", host, res, err)
		}
		res.Body.Close()
	}
	code, _, errOut = cli(t, dir, "restore", "--org", "quadball-alberta", "--timestamp", "2001-01-01T00:00:00Z", "--replica-url", backups)
	if code == 0 || !strings.Contains(errOut, "the replica holds") {
		t.Fatalf("restore outside the window: %d %q", code, errOut)
	}
}

// With no server running, restore takes the data directory's lock and
// works on the files directly; a server cannot start meanwhile.
func TestRestoreWithoutServerAndLock(t *testing.T) {
	dir, backups := t.TempDir(), t.TempDir()
	startServerAndStop := func() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--data-dir", dir, "--replica-url", backups}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		}()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(dir, ".ops.json")); err == nil {
				break
			}
		}
		// A second server on the same data directory is refused.
		var stderr bytes.Buffer
		if code := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--data-dir", dir, "--replica-url", backups}, strings.NewReader(""), &bytes.Buffer{}, &stderr); code == 0 || !strings.Contains(stderr.String(), "in use") {
			t.Errorf("second server: %d %q", code, stderr.String())
		}
		cancel()
		<-done
	}
	startServerAndStop() // seeds Quadball Canada and replicates it
	code, out, errOut := cli(t, dir, "restore", "--org", "quadball-canada", "--replica-url", backups)
	if code != 0 || !strings.Contains(out, "previous file kept") || strings.Contains(errOut, "asking the running server") {
		t.Fatalf("offline restore: %d %q %q", code, out, errOut)
	}
	// It serves again afterwards.
	startServerAndStop()
}
