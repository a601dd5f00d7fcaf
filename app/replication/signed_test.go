package replication

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSignedS3 runs the replication cycle against versitygw, which rejects
// any request whose SigV4 signature does not match its credentials (see
// TestSignedS3WrongSecret): the app's uploads, Describe and Restore, and
// the stock CLI's restore.
func TestSignedS3(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	gw := startVersity(t)
	url := gw.url("prod")

	afterA := stockHistory(t, url, "platform")
	target, err := ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	info, err := Describe(ctx, Config{URL: url}, "platform")
	if err != nil || info.Empty() {
		t.Fatalf("Describe: %+v %v", info, err)
	}
	dir := t.TempDir()
	if err := Restore(ctx, Config{URL: url}, "platform", filepath.Join(dir, "latest.db"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	wantBatches(t, filepath.Join(dir, "latest.db"), map[string]int{"A": 3, "B": 2})
	if err := Restore(ctx, Config{URL: url}, "platform", filepath.Join(dir, "pitr.db"), afterA); err != nil {
		t.Fatal(err)
	}
	wantBatches(t, filepath.Join(dir, "pitr.db"), map[string]int{"A": 3})

	stockRestore(t, toolBinary(t, litestreamCmd, litestreamVersion(t)), target.URL("platform"), afterA)
}

// TestSignedS3WrongSecret: with a wrong secret the application keeps
// working, Status says why nothing is replicated, and Restore fails with
// the server's answer.
func TestSignedS3WrongSecret(t *testing.T) {
	// This test cannot be parallel (it changes the environment), so the
	// parallel tests wait for it: build the Litestream CLI they need at the
	// same time as versitygw.
	go func() {
		if v, err := moduleVersion(litestreamModule); err == nil {
			_, _ = buildTool(litestreamCmd, v)
		}
	}()
	gw := startVersity(t)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
	ctx := testCtx(t)
	url := gw.url("prod")
	path := filepath.Join(t.TempDir(), "p.db")
	db := createAppDB(t, path)
	r, _ := newReplicator(t, url)
	if err := r.Add(ctx, "platform", path); err != nil {
		t.Fatal(err)
	}
	db.insert(t, "A", 1)
	eventually(t, 20*time.Second, "the signature error in Status", func() bool {
		return strings.Contains(statusOf(t, r, path).Err, "SignatureDoesNotMatch")
	})
	err := Restore(ctx, Config{URL: url}, "platform", filepath.Join(t.TempDir(), "out.db"), time.Time{})
	if err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") || errors.Is(err, ErrNoBackup) {
		t.Fatalf("restore with a wrong secret: %v", err)
	}
	closeCtx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_ = r.Close(closeCtx)
}
