package replication

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAddWhileReplicating: a database added to a running replicator is
// picked up by the background loop, with no Sync and no restart.
func TestAddWhileReplicating(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	s3 := startFakeS3(t)
	url := s3.url("prod")
	dir := t.TempDir()
	r, _ := newReplicator(t, url)

	first := createAppDB(t, filepath.Join(dir, "platform.db"))
	if err := r.Add(ctx, "platform", first.Path); err != nil {
		t.Fatal(err)
	}
	first.insert(t, "A", 1)
	eventually(t, 10*time.Second, "platform replicated", func() bool { return statusOf(t, r, first.Path).InSync })

	second := createAppDB(t, filepath.Join(dir, "orgs", "new.db"))
	second.insert(t, "A", 3)
	if err := r.Add(ctx, "orgs/new", second.Path); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(ctx, "orgs/new", second.Path); err != nil {
		t.Fatalf("Add is idempotent: %v", err)
	}
	second.insert(t, "B", 2)
	eventually(t, 10*time.Second, "the new database in the replica", func() bool {
		s := statusOf(t, r, second.Path)
		return s.InSync && hasKeyWith(s3.keys(t, "prod/orgs/new/"), "/0000/")
	})
	// The background loop shipped B without a Sync: give it the interval.
	eventually(t, 10*time.Second, "batch B shipped", func() bool {
		out := filepath.Join(t.TempDir(), "out.db")
		if err := Restore(ctx, Config{URL: url}, "orgs/new", out, time.Time{}); err != nil {
			t.Fatal(err)
		}
		return batches(t, out)["B"] == 2
	})
	if got := len(r.Status()); got != 2 {
		t.Fatalf("Status has %d databases, want 2", got)
	}
}

// TestAddRefusals: mistakes fail in Add with a message, not in a
// background loop.
func TestAddRefusals(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	dir := t.TempDir()
	r, _ := newReplicator(t, t.TempDir())
	a := createAppDB(t, filepath.Join(dir, "a.db"))
	b := createAppDB(t, filepath.Join(dir, "b.db"))
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a database at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(ctx, "a", a.Path); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, path, want string }{
		{"a", b.Path, `replica name "a" is already used`},
		{"other", a.Path, `already replicated as "a"`},
		{"missing", filepath.Join(dir, "missing.db"), "does not exist"},
		{"notes", filepath.Join(dir, "notes.txt"), "not an SQLite database"},
		{"../escape", b.Path, "invalid replica name"},
		{"orgs/0000", b.Path, "invalid replica name"},
		{"", b.Path, "invalid replica name"},
	} {
		if err := r.Add(ctx, c.name, c.path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Add(%q, %s) = %v, want %q", c.name, filepath.Base(c.path), err, c.want)
		}
	}
	if err := r.Sync(ctx, b.Path); !errors.Is(err, ErrNotReplicated) {
		t.Fatalf("Sync of an unreplicated path: %v", err)
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(ctx, "b", b.Path); !errors.Is(err, ErrClosed) {
		t.Fatalf("Add after Close: %v", err)
	}
}

// TestRemoveReleasesFile: after Remove nothing of Litestream holds the
// file, so a restore can move it aside and put another file in its place,
// and Add picks the new file up; the replica then continues from the
// restored state.
func TestRemoveReleasesFile(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	url := startFakeS3(t).url("prod")
	cfg := Config{URL: url}
	dir := t.TempDir()
	path := filepath.Join(dir, "orgs", "x.db")
	db := createAppDB(t, path)
	r, _ := newReplicator(t, url)
	if err := r.Add(ctx, "orgs/x", path); err != nil {
		t.Fatal(err)
	}
	db.insert(t, "A", 4)
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	beforeB := time.Now()
	time.Sleep(20 * time.Millisecond)
	db.insert(t, "B", 4) // the mistake to undo
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}

	// Restore the state before B next to the live file, then swap.
	restored := filepath.Join(dir, "orgs", "x.db.restored")
	if err := Restore(ctx, cfg, "orgs/x", restored, beforeB); err != nil {
		t.Fatal(err)
	}
	db.Close() // the app closes the org first
	if err := r.Remove(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := r.Remove(ctx, path); err != nil {
		t.Fatalf("Remove is idempotent: %v", err)
	}
	if held := openFDs(t, path); len(held) > 0 {
		t.Fatalf("after Remove this process still holds %v", held)
	}
	if len(r.Status()) != 0 {
		t.Fatalf("Status after Remove: %+v", r.Status())
	}
	aside := filepath.Join(dir, "aside")
	if err := os.Mkdir(aside, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, p := range LocalFiles(path) {
		if err := os.Rename(p, filepath.Join(aside, filepath.Base(p))); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	if err := os.Rename(restored, path); err != nil {
		t.Fatal(err)
	}

	db = &appDB{reopen(t, path)}
	if err := r.Add(ctx, "orgs/x", path); err != nil {
		t.Fatal(err)
	}
	db.insert(t, "C", 2)
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "latest.db")
	if err := Restore(ctx, cfg, "orgs/x", out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	wantBatches(t, out, map[string]int{"A": 4, "C": 2})
}

// openFDs lists this process's open descriptors on path or its -wal/-shm.
func openFDs(t *testing.T, path string) []string {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	var held []string
	for _, e := range ents {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if err == nil && strings.HasPrefix(target, path) {
			held = append(held, target)
		}
	}
	return held
}

// TestStatusDuringOutage: while the replica is down the application's
// writes go on, Status reports the error, and everything is shipped once
// it is back.
func TestStatusDuringOutage(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	s3 := startFakeS3(t)
	path := filepath.Join(t.TempDir(), "platform.db")
	db := createAppDB(t, path)
	r, logs := newReplicator(t, s3.url("prod"))
	if err := r.Add(ctx, "platform", path); err != nil {
		t.Fatal(err)
	}
	db.insert(t, "A", 1)
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}

	s3.down.Store(true)
	for range 20 {
		start := time.Now()
		db.insert(t, "B", 1)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("a write took %s while the replica was down", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	eventually(t, 15*time.Second, "the outage in Status", func() bool {
		s := statusOf(t, r, path)
		return s.Err != "" && !s.InSync
	})
	if s := statusOf(t, r, path); !strings.Contains(s.Err, "503") && !strings.Contains(s.Err, "Unavailable") {
		t.Errorf("status error does not say what failed: %q", s.Err)
	}
	t.Logf("status during the outage: %+v", statusOf(t, r, path))
	if !strings.Contains(logs.String(), "replica_name=platform") {
		t.Fatalf("the error log does not name the database:\n%s", logs)
	}
	syncCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := r.Sync(syncCtx, path); err == nil {
		t.Fatal("Sync succeeded while the replica was down")
	}

	s3.down.Store(false)
	eventually(t, 30*time.Second, "recovery", func() bool {
		s := statusOf(t, r, path)
		return s.InSync && s.Err == ""
	})
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.db")
	if err := Restore(ctx, Config{URL: s3.url("prod")}, "platform", out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	wantBatches(t, out, map[string]int{"A": 1, "B": 20})
}

// TestDescribe: the range is sane and the levels add up.
func TestDescribe(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	s3 := startFakeS3(t)
	url := s3.url("prod")
	start := time.Now().Add(-time.Second)
	path := filepath.Join(t.TempDir(), "p.db")
	db := createAppDB(t, path)
	r, _ := newReplicator(t, url)
	if err := r.Add(ctx, "platform", path); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		db.insert(t, fmt.Sprint(i), 5)
		if err := r.Sync(ctx, path); err != nil {
			t.Fatal(err)
		}
	}
	info, err := Describe(ctx, Config{URL: url}, "platform")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if info.Empty() || info.Earliest.Before(start) || info.Latest.Before(info.Earliest) || info.Latest.After(now) {
		t.Fatalf("range %s - %s outside %s - %s", info.Earliest, info.Latest, start, now)
	}
	if len(info.Levels) == 0 || info.Levels[0].Level != 0 || info.Levels[0].Files < 3 || info.Levels[0].MaxTXID != info.MaxTXID {
		t.Fatalf("levels: %+v (max txid %d)", info.Levels, info.MaxTXID)
	}
	if info.URL != s3.url("prod/platform") && !strings.HasPrefix(info.URL, "s3://"+testBucket+"/prod/platform?") {
		t.Fatalf("URL %q", info.URL)
	}
	if s := info.String(); !strings.Contains(s, "restorable from "+info.Earliest.Format(timeFormat)) || !strings.Contains(s, "level 0:") {
		t.Fatalf("String():\n%s", s)
	}
	empty, err := Describe(ctx, Config{URL: url}, "orgs/none")
	if err != nil || !empty.Empty() || !strings.Contains(empty.String(), "empty") {
		t.Fatalf("Describe of nothing: %+v %v", empty, err)
	}
}

// TestRestartShipsOnlyChanges: when the application closes its databases
// before the replicator (the documented shutdown order), a restart ships
// only the new changes, not a full copy of every database.
func TestRestartShipsOnlyChanges(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	replica := t.TempDir()
	path := filepath.Join(t.TempDir(), "p.db")
	db := createAppDB(t, path)
	db.insert(t, "A", 3000)
	r, _ := newReplicator(t, replica)
	if err := r.Add(ctx, "p", path); err != nil {
		t.Fatal(err)
	}
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}

	db = &appDB{reopen(t, path)}
	r, _ = newReplicator(t, replica)
	if err := r.Add(ctx, "p", path); err != nil {
		t.Fatal(err)
	}
	db.insert(t, "B", 1)
	if err := r.Sync(ctx, path); err != nil {
		t.Fatal(err)
	}
	l0, err := os.ReadDir(filepath.Join(replica, "p", "ltx", "0"))
	if err != nil {
		t.Fatal(err)
	}
	first, _ := l0[0].Info()
	for _, e := range l0[1:] {
		fi, _ := e.Info()
		if fi.Size() > first.Size()/4 {
			t.Fatalf("after a restart %s is %d bytes, close to the full first sync (%d)", e.Name(), fi.Size(), first.Size())
		}
	}
	out := filepath.Join(t.TempDir(), "out.db")
	if err := Restore(ctx, Config{URL: replica}, "p", out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	wantBatches(t, out, map[string]int{"A": 3000, "B": 1})
}
