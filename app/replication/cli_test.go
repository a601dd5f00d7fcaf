package replication

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stockHistory replicates a database through the library: batch A, then B,
// and returns the time between them.
func stockHistory(t *testing.T, url, name string) (afterA time.Time) {
	t.Helper()
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "src.db")
	db := createAppDB(t, path)
	r, _ := newReplicator(t, url)
	if err := r.Add(ctx, name, path); err != nil {
		t.Fatal(err)
	}
	db.insert(t, "A", 3)
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	afterA = time.Now()
	// The stock CLI checks -timestamp against the objects' LastModified,
	// which S3 servers keep in whole seconds: B must land in a later second
	// than afterA for afterA to be inside the window the CLI sees.
	time.Sleep(1100 * time.Millisecond)
	db.insert(t, "B", 2)
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	return afterA
}

// stockRestore runs the commands docs/restore.md gives for the case where
// the application binary is unavailable, with the stock CLI.
func stockRestore(t *testing.T, litestream, replicaURL string, afterA time.Time) {
	t.Helper()
	dir := t.TempDir()

	listing := run(t, litestream, "ltx", "-level", "all", replicaURL)
	if !strings.Contains(listing, "min_txid") || !strings.Contains(listing, "0000000000000001") {
		t.Fatalf("litestream ltx listing:\n%s", listing)
	}

	latest := filepath.Join(dir, "latest.db")
	run(t, litestream, "restore", "-integrity-check", "full", "-o", latest, replicaURL)
	wantBatches(t, latest, map[string]int{"A": 3, "B": 2})

	pitr := filepath.Join(dir, "pitr.db")
	run(t, litestream, "restore", "-integrity-check", "full", "-timestamp", afterA.UTC().Format(time.RFC3339Nano), "-o", pitr, replicaURL)
	wantBatches(t, pitr, map[string]int{"A": 3})
}

// TestStockLitestreamCLI: a replica written by the app restores with the
// stock `litestream` binary of the same version, from a file target and
// from S3.
func TestStockLitestreamCLI(t *testing.T) {
	t.Parallel()
	bin := toolBinary(t, litestreamCmd, litestreamVersion(t))
	if out := run(t, bin, "version"); !strings.Contains(out, litestreamVersion(t)) {
		t.Fatalf("litestream version: %s", out)
	}
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		target := Target{Scheme: "file", Prefix: t.TempDir()}
		afterA := stockHistory(t, target.String(), "orgs/0190a0b0-0000-7000-8000-00000000000a")
		stockRestore(t, bin, target.URL("orgs/0190a0b0-0000-7000-8000-00000000000a"), afterA)
	})
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		url := startFakeS3(t).url("prod")
		target, err := ParseTarget(url)
		if err != nil {
			t.Fatal(err)
		}
		afterA := stockHistory(t, url, "platform")
		stockRestore(t, bin, target.URL("platform"), afterA)
	})
}
