package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkLimitParam compares a query with a bare "LIMIT ?" and the same
// query with "LIMIT CAST(? AS INTEGER)", run unprepared (the driver
// prepares it on every call), through Stmts with the same limit every time,
// and through Stmts with the limit alternating between two values (as
// event.Upcoming is called with 3 by the home page and 5 by the admin
// dashboard). SQLite plans a bare LIMIT parameter with its bound value and
// re-prepares the statement inside sqlite3_step whenever that value
// changes, and after every fresh prepare: see Stmts.
func BenchmarkLimitParam(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "t.db"), Options{Create: true, Readers: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.W.Exec(`CREATE TABLE ev (id INTEGER PRIMARY KEY, starts TEXT NOT NULL, ends TEXT NOT NULL, name TEXT NOT NULL);
		CREATE INDEX ev_ends ON ev (ends)`); err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		d := fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%28)
		if _, err := db.W.Exec(`INSERT INTO ev (starts, ends, name) VALUES (?, ?, ?)`, d, d, fmt.Sprint("event ", i)); err != nil {
			b.Fatal(err)
		}
	}
	queries := map[string]string{
		"bare": `SELECT id, name FROM ev WHERE ends >= ? ORDER BY starts, id LIMIT ?`,
		"cast": `SELECT id, name FROM ev WHERE ends >= ? ORDER BY starts, id LIMIT CAST(? AS INTEGER)`,
	}
	run := func(b *testing.B, q func() (*sql.Rows, error)) {
		for b.Loop() {
			rows, err := q()
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	}
	for _, name := range []string{"bare", "cast"} {
		query := queries[name]
		b.Run(name+"/unprepared", func(b *testing.B) {
			run(b, func() (*sql.Rows, error) { return db.R.QueryContext(ctx, query, "2026-06-01", 3) })
		})
		b.Run(name+"/stmts", func(b *testing.B) {
			run(b, func() (*sql.Rows, error) { return db.Reader().QueryContext(ctx, query, "2026-06-01", 3) })
		})
		b.Run(name+"/stmts-alternating", func(b *testing.B) {
			n := 0
			run(b, func() (*sql.Rows, error) { n++; return db.Reader().QueryContext(ctx, query, "2026-06-01", 3+n%2) })
		})
	}
}
