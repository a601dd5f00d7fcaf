package replication

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sportsapp/app/sqlite"
)

// TestRestoreWholePlatform follows docs/restore.md's "new machine from the
// bucket alone": restore the platform database, read the organization ids
// from it, restore each organization to <data-dir>/orgs/<id>.db; the
// platform with the library (as `app restore` does), the organizations with
// the stock CLI (as the runbook's shell loop does).
func TestRestoreWholePlatform(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	url := startFakeS3(t).url("prod")
	target, err := ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	litestream := toolBinary(t, litestreamCmd, litestreamVersion(t))

	// The old machine: a platform registry and three organizations.
	old := t.TempDir()
	platform := createAppDB(t, filepath.Join(old, "platform.db"))
	if _, err := platform.W.ExecContext(ctx, `CREATE TABLE organizations (id TEXT PRIMARY KEY, slug TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	r, _ := newReplicator(t, url)
	if err := r.Add(ctx, "platform", platform.Path); err != nil {
		t.Fatal(err)
	}
	ids := []string{"0190a0b0-0000-7000-8000-000000000101", "0190a0b0-0000-7000-8000-000000000102", "0190a0b0-0000-7000-8000-000000000103"}
	for i, id := range ids {
		if _, err := platform.W.ExecContext(ctx, `INSERT INTO organizations (id, slug) VALUES (?, ?)`, id, fmt.Sprintf("org-%d", i)); err != nil {
			t.Fatal(err)
		}
		org := createAppDB(t, filepath.Join(old, "orgs", id+".db"))
		org.insert(t, "members", i+1)
		if err := r.Add(ctx, "orgs/"+id, org.Path); err != nil {
			t.Fatal(err)
		}
		if err := r.Sync(ctx, org.Path); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Sync(ctx, platform.Path); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// The new machine has only the bucket.
	data := filepath.Join(t.TempDir(), "tenants")
	if err := Restore(ctx, Config{URL: url}, "platform", filepath.Join(data, "platform.db"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	got := orgIDs(ctx, t, filepath.Join(data, "platform.db"))
	if fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Fatalf("organizations in the restored platform: %v, want %v", got, ids)
	}
	for i, id := range got {
		out := filepath.Join(data, "orgs", id+".db")
		run(t, litestream, "restore", "-integrity-check", "full", "-o", out, target.URL("orgs/"+id))
		wantBatches(t, out, map[string]int{"members": i + 1})
	}
	if ents, _ := os.ReadDir(filepath.Join(data, "orgs")); len(ents) != len(ids) {
		t.Fatalf("orgs/ holds %d entries, want only the %d databases", len(ents), len(ids))
	}
}

// orgIDs reads the organization ids from a platform database file.
func orgIDs(ctx context.Context, t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", sqlite.DSN(path, "ro", true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT id FROM organizations ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}
