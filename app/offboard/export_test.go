package offboard

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/demo"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// export writes o's export (with the database) to memory.
func (f *fixture) export(t *testing.T, o tenant.Org, opt Options) ([]File, map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	snap, err := Take(ctx, f.pool, o, f.dir+"/tmp")
	must(t, err)
	defer snap.Close()
	var buf bytes.Buffer
	files, err := snap.WriteZip(ctx, &buf, opt)
	must(t, err)
	return files, unzip(t, buf.Bytes())
}

func TestExportHasEveryTableWithItsRows(t *testing.T) {
	f := newFixture(t)
	o := f.org(t, "quadball-canada", 25)
	ctx := context.Background()
	files, entries := f.export(t, o, Options{Database: true})

	want := map[string]string{}
	f.with(t, o, func(sc *tenant.Scope) {
		h, err := f.pool.Acquire(ctx, o)
		must(t, err)
		defer h.Release()
		for _, tb := range tables {
			var n int64
			must(t, h.DB().R.QueryRowContext(ctx, "SELECT count(*) FROM "+tb.Name).Scan(&n))
			want[tb.File] = fmt.Sprint(n)
		}
	})
	for _, name := range []string{"people.csv", "memberships.csv", "payments.csv", "teams.csv", "events.csv", "registrations.csv", "settings_history.csv"} {
		if want[name] == "0" {
			t.Errorf("the demo data has no rows for %s: the test proves nothing", name)
		}
	}
	for file, n := range want {
		b, ok := entries[file]
		if !ok {
			t.Errorf("%s missing from the export", file)
			continue
		}
		if got := fmt.Sprint(csvRows(t, b)); got != n {
			t.Errorf("%s: %s rows, the database has %s", file, got, n)
		}
		if !strings.Contains(string(entries["README.txt"]), file+" ("+n+" rows)") {
			t.Errorf("README does not describe %s with %s rows", file, n)
		}
	}
	for _, f := range files {
		if _, ok := entries[f.Name]; !ok {
			t.Errorf("%s listed but not in the zip", f.Name)
		}
	}
	for _, secret := range []string{"sessions.csv", "password_resets.csv"} {
		if _, ok := entries[secret]; ok {
			t.Errorf("%s exported", secret)
		}
	}
	if !strings.HasPrefix(string(entries["people.csv"]), "\ufeffid,email,name,role,status,") {
		t.Errorf("people.csv header: %.80q", entries["people.csv"])
	}
	// The snapshot is a usable SQLite file with the same rows.
	path := writeTemp(t, "copy.sqlite", entries[o.Slug+".sqlite"])
	must(t, sqlite.QuickCheck(ctx, path))
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	must(t, err)
	defer db.Close()
	var users int64
	must(t, db.QueryRow("SELECT count(*) FROM users").Scan(&users))
	if fmt.Sprint(users) != want["people.csv"] {
		t.Errorf("snapshot has %d users, want %s", users, want["people.csv"])
	}
}

func TestExportHoldsNoSecret(t *testing.T) {
	f := newFixture(t)
	o := f.org(t, "secret-org", 5)
	ctx := context.Background()
	var secrets []string
	f.with(t, o, func(sc *tenant.Scope) {
		u, err := account.UserByID(ctx, sc, 1)
		must(t, err)
		_, token, err := f.accounts.SignIn(ctx, sc, u.Email, demo.Password, account.Client{})
		must(t, err)
		secrets = append(secrets, token, demo.Password)
		must(t, f.accounts.RequestPasswordReset(ctx, sc, u.Email))
		_, link, err := f.accounts.Invite(ctx, sc, account.ActorFor(u, ""), "new.person@example.org", "New Person", account.RoleMember)
		must(t, err)
		secrets = append(secrets, tokenOf(link))
		f.mails.mu.Lock()
		for _, text := range f.mails.texts {
			if i := strings.Index(text, "token="); i >= 0 {
				secrets = append(secrets, strings.Fields(text[i:])[0][len("token="):])
			}
		}
		f.mails.mu.Unlock()
	})
	h, err := f.pool.Acquire(ctx, o)
	must(t, err)
	for _, q := range []string{"SELECT password_hash FROM users", "SELECT token_hash FROM sessions", "SELECT token_hash FROM password_resets", "SELECT token_hash FROM invitations"} {
		rows, err := h.DB().R.QueryContext(ctx, q)
		must(t, err)
		n := 0
		for rows.Next() {
			var v []byte
			must(t, rows.Scan(&v))
			secrets = append(secrets, string(v), hex.EncodeToString(v))
			n++
		}
		rows.Close()
		if n == 0 {
			t.Fatalf("%s: nothing to look for", q)
		}
	}
	h.Release()
	if len(secrets) < 10 {
		t.Fatalf("only %d secrets to look for", len(secrets))
	}
	_, entries := f.export(t, o, Options{Database: true})
	for name, b := range entries {
		for _, s := range secrets {
			if len(s) >= 8 && bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a secret (%.12s...)", name, s)
			}
		}
	}
}

// tokenOf returns the token= parameter of a link.
func tokenOf(link string) string {
	i := strings.Index(link, "token=")
	if i < 0 {
		return link
	}
	return link[i+len("token="):]
}

// TestExportWhileWritesContinue snapshots an organization that keeps
// writing: the copy passes integrity_check and each CSV matches the copy.
func TestExportWhileWritesContinue(t *testing.T) {
	f := newFixture(t)
	o := f.org(t, "busy-org", 10)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var writes atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		h, err := f.pool.Acquire(context.Background(), o)
		if err != nil {
			t.Error(err)
			return
		}
		defer h.Release()
		sc := tenant.NewScope(h)
		for i := 0; ctx.Err() == nil; i++ {
			if err := account.Audit(context.Background(), sc.W(), f.now(), account.Actor{Label: "writer"}, "test.write", fmt.Sprint(i), ""); err != nil {
				t.Error(err)
				return
			}
			writes.Add(1)
		}
	}()
	for writes.Load() < 50 {
		time.Sleep(time.Millisecond)
	}
	for range 3 {
		snap, err := Take(context.Background(), f.pool, o, f.dir+"/tmp")
		must(t, err)
		must(t, integrity(snap.Path))
		var buf bytes.Buffer
		_, err = snap.WriteZip(context.Background(), &buf, Options{Database: true})
		must(t, err)
		snap.Close()
		entries := unzip(t, buf.Bytes())
		path := writeTemp(t, "copy.sqlite", entries[o.Slug+".sqlite"])
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		must(t, err)
		var n int64
		must(t, db.QueryRow("SELECT count(*) FROM audit_log").Scan(&n))
		db.Close()
		if got := csvRows(t, entries["audit_log.csv"]); got != n {
			t.Errorf("audit_log.csv has %d rows, its snapshot %d", got, n)
		}
	}
	cancel()
	wg.Wait()
	if writes.Load() < 50 {
		t.Fatalf("only %d writes", writes.Load())
	}
}

// integrity runs PRAGMA integrity_check on a snapshot file.
func integrity(path string) error {
	db, err := openCopy(path, true)
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity_check: %s", res)
	}
	return nil
}

func TestExportOfAnOrgLeavesNoTempFile(t *testing.T) {
	f := newFixture(t)
	o := f.org(t, "tidy-org", 2)
	f.export(t, o, Options{})
	if left := leftFiles(t, f.dir+"/tmp"); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
