package replication

import (
	"path/filepath"
	"testing"
	"time"
)

// replicaTarget is one kind of target the round-trip tests run against.
type replicaTarget struct {
	name string
	url  func(t *testing.T) string
}

func targets() []replicaTarget {
	return []replicaTarget{
		{"s3", func(t *testing.T) string { return startFakeS3(t).url("prod") }},
		{"file-url", func(t *testing.T) string { return "file://" + filepath.ToSlash(t.TempDir()) }},
		{"plain-path", func(t *testing.T) string { return t.TempDir() }},
	}
}

// roundTrip writes while replicating, syncs, loses the local files and
// restores them: every committed row must come back.
func roundTrip(t *testing.T, url string) {
	ctx := testCtx(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "orgs", "0190a0b0-0000-7000-8000-000000000001.db")
	db := createAppDB(t, path)
	db.insert(t, "before-add", 50)

	r, _ := newReplicator(t, url)
	if err := r.Add(ctx, "orgs/0190a0b0-0000-7000-8000-000000000001", path); err != nil {
		t.Fatal(err)
	}
	// Writes keep going while Litestream picks the file up.
	for i := range 20 {
		db.insert(t, "while-replicating", 10)
		if i%5 == 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	db.insert(t, "after-first-sync", 7)
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	if s := statusOf(t, r, path); !s.InSync || s.Err != "" || s.LastSync.IsZero() {
		t.Fatalf("status after Sync: %+v", s)
	}

	// The machine is lost.
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	removeLocal(t, path)

	out := filepath.Join(t.TempDir(), "restored.db")
	if err := Restore(ctx, Config{URL: url}, "orgs/0190a0b0-0000-7000-8000-000000000001", out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	wantBatches(t, out, map[string]int{"before-add": 50, "while-replicating": 200, "after-first-sync": 7})
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			roundTrip(t, tg.url(t))
		})
	}
}
