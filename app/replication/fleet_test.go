package replication

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestFleet: 200 organization databases added one after another all reach
// the replica through the background loops alone.
func TestFleet(t *testing.T) {
	t.Parallel()
	const n = 200
	ctx := testCtx(t)
	s3 := startFakeS3(t)
	dir := t.TempDir()
	r, logs := newReplicator(t, s3.url("fleet"))

	paths := make([]string, n)
	for i := range n {
		paths[i] = filepath.Join(dir, "orgs", fmt.Sprintf("org-%03d.db", i))
		db := createAppDB(t, paths[i])
		db.insert(t, "A", 1)
		db.Close() // like the pool closing an idle org
		if err := r.Add(ctx, fmt.Sprintf("orgs/org-%03d", i), paths[i]); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 60*time.Second, "every database in sync", func() bool {
		for _, s := range r.Status() {
			if !s.InSync {
				return false
			}
		}
		return true
	})
	keys := s3.keys(t, "fleet/orgs/")
	for i := range n {
		if !hasKeyWith(keys, fmt.Sprintf("fleet/orgs/org-%03d/0000/", i)) {
			t.Fatalf("org-%03d has no object in the replica", i)
		}
	}
	if got := len(r.Status()); got != n {
		t.Fatalf("Status lists %d databases, want %d", got, n)
	}
	if l := logs.String(); l != "" {
		t.Fatalf("replication logged warnings or errors:\n%s", l)
	}
	// One restored at random holds its row.
	out := filepath.Join(t.TempDir(), "org-137.db")
	if err := Restore(ctx, Config{URL: s3.url("fleet")}, "orgs/org-137", out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	wantBatches(t, out, map[string]int{"A": 1})
}
