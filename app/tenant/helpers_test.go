package tenant

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"sportsapp/app/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newRegistry returns a registry on a fresh platform database in a temp dir.
func newRegistry(t testing.TB) *Registry {
	t.Helper()
	dir := t.TempDir()
	db, err := OpenPlatform(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return NewRegistry(db, dir)
}

// createOrgs registers n organizations named org-000, org-001, ...
func createOrgs(t testing.TB, reg *Registry, n int) []Org {
	t.Helper()
	orgs := make([]Org, n)
	for i := range orgs {
		o, err := reg.Create(context.Background(), fmt.Sprintf("org-%03d", i), fmt.Sprintf("Org %d", i))
		if err != nil {
			t.Fatal(err)
		}
		orgs[i] = o
	}
	return orgs
}

// files lists every file under dir, relative to it.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func mustOpen(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
