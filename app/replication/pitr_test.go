package replication

import (
	"path/filepath"
	"testing"
	"time"
)

// TestPointInTime: a restore at T holds exactly the batches committed (and
// synced) before T; without a timestamp it holds everything.
func TestPointInTime(t *testing.T) {
	t.Parallel()
	for _, tg := range targets()[:2] { // s3 and file
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			ctx := testCtx(t)
			url := tg.url(t)
			path := filepath.Join(t.TempDir(), "platform.db")
			db := createAppDB(t, path)
			r, _ := newReplicator(t, url)
			if err := r.Add(ctx, "platform", path); err != nil {
				t.Fatal(err)
			}

			db.insert(t, "A", 10)
			if err := r.Sync(ctx, path); err != nil {
				t.Fatal(err)
			}
			afterA := time.Now()
			time.Sleep(20 * time.Millisecond)
			db.insert(t, "B", 5)
			if err := r.Sync(ctx, path); err != nil {
				t.Fatal(err)
			}
			afterB := time.Now()
			time.Sleep(20 * time.Millisecond)
			db.insert(t, "C", 3)
			if err := r.Sync(ctx, path); err != nil {
				t.Fatal(err)
			}

			cfg := Config{URL: url}
			dir := t.TempDir()
			for _, c := range []struct {
				name string
				at   time.Time
				want map[string]int
			}{
				{"at-A", afterA, map[string]int{"A": 10}},
				{"at-B", afterB, map[string]int{"A": 10, "B": 5}},
				{"latest", time.Time{}, map[string]int{"A": 10, "B": 5, "C": 3}},
				{"now", time.Now(), map[string]int{"A": 10, "B": 5, "C": 3}},
			} {
				out := filepath.Join(dir, c.name+".db")
				if err := Restore(ctx, cfg, "platform", out, c.at); err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				wantBatches(t, out, c.want)
			}

			// Describe's range is a valid timestamp at both ends.
			info, err := Describe(ctx, cfg, "platform")
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "earliest.db")
			if err := Restore(ctx, cfg, "platform", out, info.Earliest); err != nil {
				t.Fatalf("restore at Earliest %s: %v", info.Earliest, err)
			}
			// The first sync happened before or with batch A.
			if got := batches(t, out); len(got) > 1 || (len(got) == 1 && got["A"] != 10) {
				t.Fatalf("restore at Earliest (the first sync) holds %v", got)
			}
		})
	}
}
