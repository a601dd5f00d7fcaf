package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), Options{Create: true, Readers: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.W.Exec(`CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db
}

const (
	qInsert = "-- name: KVPut :exec\nINSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v"
	qGet    = "-- name: KVGet :one\nSELECT v FROM kv WHERE k = ?"
	qList   = "-- name: KVList :many\nSELECT k, v FROM kv ORDER BY k LIMIT CAST(? AS INTEGER)"
)

func TestQueryName(t *testing.T) {
	tests := []struct{ query, want string }{
		{"-- name: SessionByTokenHash :one\nSELECT 1", "SessionByTokenHash"},
		{"-- name: OrgStats :one\n-- Figures.\nSELECT 1", "OrgStats"},
		{"-- name: X\nSELECT 1", "X"},
		{"SELECT 1", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := QueryName(tt.query); got != tt.want {
			t.Errorf("QueryName(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
}

// Each distinct query is prepared once, whatever the number of calls and
// connections, and the results are those of the plain *sql.DB.
func TestStmtsPrepareOncePerQuery(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	w, r := db.Writer(), db.Reader()
	for i, k := range []string{"a", "b", "c"} {
		if _, err := w.ExecContext(ctx, qInsert, k, i); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				var v int
				if err := r.QueryRowContext(ctx, qGet, "b").Scan(&v); err != nil || v != 1 {
					t.Errorf("KVGet b = %d, %v", v, err)
					return
				}
				rows, err := r.QueryContext(ctx, qList, 2)
				if err != nil {
					t.Error(err)
					return
				}
				n := 0
				for rows.Next() {
					n++
				}
				if err := rows.Close(); err != nil || n != 2 {
					t.Errorf("KVList 2: %d rows, %v", n, err)
				}
			}
		}()
	}
	wg.Wait()
	if got := r.Len(); got != 2 {
		t.Errorf("reader cache holds %d statements, want 2", got)
	}
	if got := w.Len(); got != 1 {
		t.Errorf("writer cache holds %d statements, want 1", got)
	}
}

// A transaction uses the cached statements; a query it runs first runs
// unprepared and is cached once the transaction is over (preparing it on
// the writer meanwhile would wait for the transaction's own connection).
func TestStmtsTx(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	w := db.Writer()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := w.Tx(ctx, func(tx DBTX) error {
		if _, err := tx.ExecContext(ctx, qInsert, "a", 1); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, qInsert, "b", 2)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Len(); got != 1 {
		t.Fatalf("after the first transaction the cache holds %d statements, want 1", got)
	}
	// Now prepared: the transaction binds it to its connection.
	err = w.Tx(ctx, func(tx DBTX) error {
		_, err := tx.ExecContext(ctx, qInsert, "c", 3)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A failing transaction rolls back.
	boom := errors.New("boom")
	err = w.Tx(ctx, func(tx DBTX) error {
		if _, err := tx.ExecContext(ctx, qInsert, "d", 4); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	var n int
	if err := db.Reader().QueryRowContext(ctx, "SELECT count(*) FROM kv").Scan(&n); err != nil || n != 3 {
		t.Fatalf("%d rows (%v), want 3", n, err)
	}
}

// Observe sees every query with its sqlc name, in and out of transactions.
func TestStmtsObserve(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var mu sync.Mutex
	var names []string
	obs := func(_ context.Context, name string, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		names = append(names, name)
		if d < 0 || err != nil {
			t.Errorf("%s: %v, %v", name, d, err)
		}
	}
	db.SetObserve(obs)
	if _, err := db.Writer().ExecContext(ctx, qInsert, "a", 1); err != nil {
		t.Fatal(err)
	}
	if err := db.Writer().Tx(ctx, func(tx DBTX) error {
		_, err := tx.ExecContext(ctx, qInsert, "b", 2)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := db.Reader().QueryRowContext(ctx, qGet, "a").Scan(&v); err != nil {
		t.Fatal(err)
	}
	want := []string{"KVPut", "KVPut", "KVGet"}
	if len(names) != len(want) {
		t.Fatalf("observed %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("observed %q, want %q", names, want)
		}
	}
}

// Closing the database closes the statements; later queries fail cleanly.
func TestStmtsClosedWithDB(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	r := db.Reader()
	var v int
	_ = r.QueryRowContext(ctx, qGet, "x").Scan(&v)
	if r.Len() != 1 {
		t.Fatalf("cache holds %d statements, want 1", r.Len())
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if r.Len() != 0 {
		t.Errorf("cache holds %d statements after Close, want 0", r.Len())
	}
	if err := r.QueryRowContext(ctx, qGet, "x").Scan(&v); err == nil {
		t.Error("query after Close succeeded")
	}
	if _, err := r.QueryContext(ctx, qList, 1); err == nil {
		t.Error("query after Close succeeded")
	}
}
