package tenant

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"sportsapp/app/sqlite"
	"sportsapp/schema"
)

// nextMigrations is the real org migration set plus one more migration, as
// a release that adds a table would ship it.
func nextMigrations(t *testing.T) sqlite.Migrations {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := schema.Org.ReadDir("org")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := schema.Org.ReadFile("org/" + e.Name())
		fsys["org/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	fsys["org/9999_next.sql"] = &fstest.MapFile{Data: []byte(
		"-- +goose Up\nCREATE TABLE next_feature (id INTEGER PRIMARY KEY);\n-- +goose Down\nDROP TABLE next_feature;\n")}
	m, err := sqlite.NewMigrations(fsys, "org")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMigrateAll200(t *testing.T) {
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 200)
	var n atomic.Int64
	err := reg.MigrateAll(context.Background(), nextMigrations(t), 4, func(r MigrateResult) {
		n.Add(1)
		if r.To != 9999 {
			t.Errorf("%s migrated to %d", r.Org.Slug, r.To)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() != 200 {
		t.Fatalf("migrated %d, want 200", n.Load())
	}
	for _, o := range []Org{orgs[0], orgs[99], orgs[199]} {
		path, _ := reg.OrgPath(o.ID)
		db := mustOpen(t, path)
		if _, err := db.R.Exec("SELECT count(*) FROM next_feature"); err != nil {
			t.Errorf("%s: %v", o.Slug, err)
		}
	}
}

func TestMigrateAllStopsAtFirstFailureAndNamesIt(t *testing.T) {
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 20)
	broken := orgs[7]
	path, _ := reg.OrgPath(broken.ID)
	if err := os.WriteFile(path, []byte("this is not an SQLite database, it is a note"), 0o600); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	err := reg.MigrateAll(context.Background(), nextMigrations(t), 1, func(MigrateResult) { n.Add(1) })
	if err == nil {
		t.Fatal("MigrateAll succeeded over a broken database")
	}
	for _, want := range []string{broken.Slug, broken.ID, path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	// Orgs are taken in name order (Org 0, Org 1, Org 10, ...); with one at
	// a time, nothing after the broken one may have been started.
	if n.Load() >= 19 {
		t.Errorf("%d orgs migrated after a failure; it should stop", n.Load())
	}
}

func TestMigrateAllMissingFileIsAFailure(t *testing.T) {
	reg := newRegistry(t)
	org := createOrgs(t, reg, 1)[0]
	path, _ := reg.OrgPath(org.ID)
	os.Remove(path)
	err := reg.MigrateAll(context.Background(), OrgMigrations, 2, nil)
	if err == nil || !strings.Contains(err.Error(), org.Slug) {
		t.Fatalf("MigrateAll = %v, want a failure naming %s", err, org.Slug)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("migrate created the missing file")
	}
}
