package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/internal/s3test"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// Replication follows the pool (issue 12): with few organizations open,
// many are written round-robin - by HTTP requests (a
// password reset request writes a row) and by CLI commands run while the
// server is up (an invitation) - so nearly every write lands on an org
// that is then evicted, and its replication let go. Every acknowledged
// write must be in the replica: the whole fleet is restored from the
// loopback S3 server (while the server still runs, so no shutdown sync
// helps) and every row is looked for.
//
// The run is 500 organizations with 32 open (`make test-fleet`,
// about 90 s without the race detector); `make test` runs the same test on
// 100 organizations with 8 open, which exercises the same evictions and
// releases in a fraction of the time under -race. SPORTSAPP_FLEET_ORGS and
// SPORTSAPP_FLEET_OPEN choose.
func TestFleetWritesReachTheReplicaWithASmallPool(t *testing.T) {
	const cliEvery = 10
	orgs, maxOpen := envInt("SPORTSAPP_FLEET_ORGS", 100), envInt("SPORTSAPP_FLEET_OPEN", 8)
	ctx := context.Background()
	s3 := s3test.Start(t)
	replica := s3.URL("fleet")
	dir := filepath.Join(t.TempDir(), "tenants")

	// The fleet, each org with one member whose email can ask for a reset.
	// Created directly in the registry (no server, not shipped): their first
	// open replicates them from scratch.
	db, err := tenant.OpenPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := tenant.NewRegistry(db, dir)
	slugs := make([]string, orgs)
	for i := range slugs {
		slugs[i] = fmt.Sprintf("league-%03d", i)
		now := time.Now().UTC()
		_, err := reg.Create(ctx, slugs[i], fmt.Sprintf("League %03d", i), func(ctx context.Context, q *orgdb.Queries) error {
			_, err := q.UserCreate(ctx, orgdb.UserCreateParams{Email: "member@example.org", Name: "Member", PasswordHash: "x", Role: "member", CreatedAt: now, UpdatedAt: now})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	addr := startServer(t, dir, "--replica-url", replica, "--sync-interval", "100ms", "--max-open-orgs", fmt.Sprint(maxOpen))
	_, port, _ := net.SplitHostPort(addr)
	client := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		}}}
	}()
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	for i, slug := range slugs {
		base := "http://" + slug + ".localhost:" + port
		res, err := client.Get(base + "/password/forgot")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := token.FindSubmatch(body)
		if res.StatusCode != 200 || m == nil {
			t.Fatalf("%s forgot form: %d", slug, res.StatusCode)
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/password/forgot", strings.NewReader(url.Values{"_csrf": {string(m[1])}, "email": {"member@example.org"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		res, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode >= 400 {
			t.Fatalf("%s reset request: %d", slug, res.StatusCode)
		}
		if i%cliEvery == 0 {
			if code, out, errOut := cli(t, dir, "user", "invite", "--org", slug, "--email", "invited@example.org", "--replica-url", replica); code != 0 {
				t.Fatalf("%s invite: %d %s %s", slug, code, out, errOut)
			}
		}
	}

	// Orgs still open replicate every 100 ms; give them a few intervals.
	time.Sleep(time.Second)
	restored := filepath.Join(t.TempDir(), "restored")
	if code, out, errOut := cli(t, restored, "restore", "--all", "--parallel", "8", "--replica-url", replica); code != 0 {
		t.Fatalf("restore --all: %d\n%s\n%s", code, out, errOut)
	}
	rdb, err := tenant.OpenExistingPlatform(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	rreg := tenant.NewRegistry(rdb, restored)
	missing := 0
	for i, slug := range slugs {
		o, err := rreg.BySlug(ctx, slug)
		if err != nil {
			t.Fatalf("%s: %v", slug, err)
		}
		path, _ := rreg.OrgPath(o.ID)
		resets, invites := countRows(t, path, "password_resets"), countRows(t, path, "invitations")
		wantInvites := 0
		if i%cliEvery == 0 {
			wantInvites = 1
		}
		if resets != 1 || invites != wantInvites {
			missing++
			t.Errorf("%s in the replica: %d reset requests, %d invitations; want 1 and %d", slug, resets, invites, wantInvites)
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d organizations lost acknowledged writes", missing, orgs)
	}
}

// countRows counts a table's rows in a restored file.
func countRows(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", sqlite.InspectDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}
