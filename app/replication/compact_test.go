package replication

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/benbjohnson/litestream"
)

// An open organization nobody writes costs no compaction: each level runs
// once over what the database held when it was registered, then only when
// the level below it has something new.
func TestCompactionFollowsWrites(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "orgs", "quiet.db")
	r, _ := newReplicator(t, "file://"+filepath.ToSlash(t.TempDir()))
	db := createAppDB(t, path)
	db.insert(t, "A", 3)
	if err := r.Retain(ctx, "orgs/quiet", path); err != nil {
		t.Fatal(err)
	}
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	var levels []*litestream.CompactionLevel
	for _, lvl := range litestream.DefaultCompactionLevels {
		if lvl.Level != 0 {
			levels = append(levels, lvl)
		}
	}
	levels = append(levels, r.store.SnapshotLevel())
	// pass runs every level once and returns how many compactions ran.
	pass := func() uint64 {
		before := r.Compactions()
		for i, lvl := range levels {
			r.compactLevel(i, lvl)
		}
		return r.Compactions() - before
	}
	if n := pass(); n != uint64(len(levels)) {
		t.Fatalf("first pass: %d compactions, want one per level (%d)", n, len(levels))
	}
	for range 3 {
		if n := pass(); n != 0 {
			t.Fatalf("a pass with no write since: %d compactions, want 0", n)
		}
	}
	db.insert(t, "B", 2)
	r.Wrote(path)
	eventually(t, 15*time.Second, "the write shipped", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.byPath[r.absPath(t, path)].dirty == 0
	})
	// L1 runs again (Litestream may still call it too early after the
	// first pass, which leaves it owed for the next interval).
	if n := pass(); n == 0 {
		t.Fatal("after a write: no compaction, want L1 at least")
	}
	db.Close()
	if err := r.Release(ctx, path); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.db")
	if err := Restore(ctx, r.cfg, "orgs/quiet", out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := batches(t, out); got["A"] != 3 || got["B"] != 2 {
		t.Fatalf("restored after compactions: %v", got)
	}
}

func (r *Replicator) absPath(t testing.TB, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
