package replication

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// replicated creates a database under name at url with one synced batch
// and returns its path, with the replicator closed.
func replicated(t *testing.T, url, name string) string {
	t.Helper()
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "src.db")
	db := createAppDB(t, path)
	r, _ := newReplicator(t, url)
	if err := r.Add(ctx, name, path); err != nil {
		t.Fatal(err)
	}
	db.insert(t, "A", 10)
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRestoreFailuresLeaveNothing: every failed restore says why and
// leaves no output file (and no -wal, -shm or .tmp).
func TestRestoreFailuresLeaveNothing(t *testing.T) {
	t.Parallel()
	for _, tg := range targets()[:2] {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			ctx := testCtx(t)
			url := tg.url(t)
			replicated(t, url, "orgs/one")
			cfg := Config{URL: url}
			dir := t.TempDir()

			out := filepath.Join(dir, "none.db")
			err := Restore(ctx, cfg, "orgs/nobody", out, time.Time{})
			if !errors.Is(err, ErrNoBackup) || !strings.Contains(err.Error(), "orgs/nobody") {
				t.Fatalf("no replica: %v", err)
			}
			mustNotExist(t, out)

			info, err := Describe(ctx, cfg, "orgs/one")
			if err != nil {
				t.Fatal(err)
			}
			for name, at := range map[string]time.Time{
				"before": info.Earliest.Add(-time.Hour),
				"future": time.Now().Add(time.Hour),
			} {
				out := filepath.Join(dir, name+".db")
				err := Restore(ctx, cfg, "orgs/one", out, at)
				var we *WindowError
				if !errors.As(err, &we) || !errors.Is(err, ErrOutsideWindow) {
					t.Fatalf("%s: %v", name, err)
				}
				want := "the replica holds " + info.Earliest.Format(timeFormat) + " to " + info.Latest.Format(timeFormat)
				if !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "no backup at "+at.UTC().Format(time.RFC3339Nano)) {
					t.Fatalf("%s: error %q does not name the window (%q)", name, err, want)
				}
				mustNotExist(t, out)
			}

			// An existing output is refused and left alone.
			existing := filepath.Join(dir, "existing.db")
			if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := Restore(ctx, cfg, "orgs/one", existing, time.Time{}); err == nil || !strings.Contains(err.Error(), "already exists") {
				t.Fatalf("existing output: %v", err)
			}
			if b, _ := os.ReadFile(existing); string(b) != "keep me" {
				t.Fatal("Restore touched an existing file")
			}
			// So is a stale -wal that SQLite would replay into the new file.
			stale := filepath.Join(dir, "stale.db")
			if err := os.WriteFile(stale+"-wal", []byte("old frames"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := Restore(ctx, cfg, "orgs/one", stale, time.Time{}); err == nil || !strings.Contains(err.Error(), "-wal already exists") {
				t.Fatalf("stale -wal: %v", err)
			}
			if _, err := os.Stat(stale); err == nil {
				t.Fatal("restored next to a stale -wal")
			}
		})
	}
}

// TestRestoreCorruptReplica: a damaged object fails the restore (Litestream
// checks every LTX file's checksum) and leaves nothing behind.
func TestRestoreCorruptReplica(t *testing.T) {
	t.Parallel()
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		s3 := startFakeS3(t)
		url := s3.url("prod")
		replicated(t, url, "orgs/one")
		keys := s3.keys(t, "prod/orgs/one/")
		if len(keys) == 0 {
			t.Fatal("nothing replicated")
		}
		for _, k := range keys {
			s3.corrupt(t, k)
		}
		restoreMustFail(t, url, "checksum")
	})
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		replicated(t, dir, "orgs/one")
		files, err := filepath.Glob(filepath.Join(dir, "orgs", "one", "ltx", "*", "*.ltx"))
		if err != nil || len(files) == 0 {
			t.Fatalf("replica files: %v %v", files, err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0xff
			if err := os.WriteFile(f, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		restoreMustFail(t, dir, "checksum")

		// A missing object (deleted by hand, lost by the store) fails too.
		if err := os.RemoveAll(filepath.Join(dir, "orgs", "one", "ltx")); err != nil {
			t.Fatal(err)
		}
		restoreMustFail(t, dir, "no backup")
	})
}

func restoreMustFail(t *testing.T, url, want string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.db")
	err := Restore(testCtx(t), Config{URL: url}, "orgs/one", out, time.Time{})
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("restore of a damaged replica: %v, want an error about %q", err, want)
	}
	mustNotExist(t, out)
}
