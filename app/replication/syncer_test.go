package replication

import (
	"path/filepath"
	"testing"
	"time"
)

// A held database is not polled: it is shipped when written (Wrote), and
// whatever was written without a mark is shipped when it is released.
func TestHeldDatabaseShippedWhenWritten(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "orgs", "held.db")
	s3 := startFakeS3(t)
	url := s3.url("held")
	r, _ := newReplicator(t, url)
	db := createAppDB(t, path)
	db.insert(t, "A", 3)
	if err := r.Retain(ctx, "orgs/held", path); err != nil {
		t.Fatal(err)
	}
	restored := func() map[string]int {
		out := filepath.Join(t.TempDir(), "out.db")
		if err := Restore(ctx, Config{URL: url}, "orgs/held", out, time.Time{}); err != nil {
			return nil
		}
		return batches(t, out)
	}
	// Registration ships what was there (a first sync is owed).
	eventually(t, 15*time.Second, "the first copy", func() bool { return restored()["A"] == 3 })

	db.insert(t, "B", 2)
	r.Wrote(path)
	eventually(t, 15*time.Second, "the marked write shipped", func() bool { return restored()["B"] == 2 })
	if holds, ok := r.Held(path); !ok || holds != 1 {
		t.Fatalf("Held = %d, %v", holds, ok)
	}
	st, _ := r.StatusOf(path)
	if !st.InSync || time.Since(st.LastSync) > 5*time.Second {
		t.Fatalf("a clean held database should be in sync as of now: %+v", st)
	}

	db.insert(t, "C", 1) // never marked
	db.Close()           // the holder closes its connections, then releases
	if err := r.Release(ctx, path); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Held(path); ok {
		t.Fatal("still replicated after the last Release")
	}
	got := restored()
	if got["A"] != 3 || got["B"] != 2 || got["C"] != 1 {
		t.Fatalf("replica after Release: %v", got)
	}
}
