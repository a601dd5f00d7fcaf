package replication

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"sportsapp/app/sqlite"
)

// appDB is a database written the way the application writes: through
// sportsapp/app/sqlite (WAL, one writer, immediate transactions).
type appDB struct {
	*sqlite.DB
}

// createAppDB creates path with an items table.
func createAppDB(t testing.TB, path string) *appDB {
	t.Helper()
	ctx := context.Background()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path, sqlite.Options{Create: true, Readers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, batch TEXT NOT NULL, body TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return &appDB{db}
}

// insert commits n rows of batch in one transaction.
func (db *appDB) insert(t testing.TB, batch string, n int) {
	t.Helper()
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		for i := range n {
			if _, err := tx.Exec(`INSERT INTO items (batch, body) VALUES (?, ?)`, batch, fmt.Sprintf("%s-%d", batch, i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// batches returns how many rows each batch has in the database file at
// path (opened read-only after a restore).
func batches(t testing.TB, path string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", sqlite.DSN(path, "ro", true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT batch, count(*) FROM items GROUP BY batch`)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	defer rows.Close()
	got := map[string]int{}
	for rows.Next() {
		var b string
		var n int
		if err := rows.Scan(&b, &n); err != nil {
			t.Fatal(err)
		}
		got[b] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// wantBatches fails unless the file at path holds exactly want.
func wantBatches(t testing.TB, path string, want map[string]int) {
	t.Helper()
	got := batches(t, path)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s holds %v, want %v", filepath.Base(path), got, want)
	}
	if err := integrityCheck(context.Background(), path); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// removeLocal deletes a database and everything next to it, like a lost disk.
func removeLocal(t testing.TB, path string) {
	t.Helper()
	for _, p := range LocalFiles(path) {
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
	}
}

// mustNotExist fails if any file of a restore output exists.
func mustNotExist(t testing.TB, path string) {
	t.Helper()
	for _, p := range outputFiles(path) {
		if _, err := os.Lstat(p); err == nil {
			t.Fatalf("%s exists after a failed restore", p)
		}
	}
}

// newReplicator starts a replicator for url that logs into the test log
// and is closed at the end of the test.
func newReplicator(t testing.TB, url string) (*Replicator, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	r, err := New(Config{URL: url, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Close(ctx); err != nil {
			t.Logf("close replicator: %v", err)
		}
	})
	return r, logs
}

// logBuffer collects log output safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// statusOf returns the status of one replicated path.
func statusOf(t testing.TB, r *Replicator, path string) Status {
	t.Helper()
	abs, _ := filepath.Abs(path)
	i := slices.IndexFunc(r.Status(), func(s Status) bool { return s.Path == abs })
	if i < 0 {
		t.Fatalf("%s not in Status()", path)
	}
	return r.Status()[i]
}

// eventually polls cond every 20 ms until it holds or d passes.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testCtx is a context that ends with the test (or after a minute).
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// reopen opens an existing database the way the application's pool does.
func reopen(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Readers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
