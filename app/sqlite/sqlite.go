// Package sqlite opens SQLite database files the one way this application
// uses them, and migrates them with goose from the embedded schema.
//
// Every file is opened as two database/sql pools over modernc.org/sqlite
// (pure Go, no cgo):
//
//   - a writer with exactly one connection whose transactions start with
//     BEGIN IMMEDIATE, so writers queue on the Go side instead of failing
//     with SQLITE_BUSY when a deferred transaction tries to upgrade its lock;
//   - a small pool of readers marked query_only, which in WAL mode read a
//     consistent snapshot without ever blocking the writer.
//
// The pragmas are set in the DSN so that every new connection gets them,
// including connections database/sql opens long after start-up:
//
//   - journal_mode(WAL): readers and the writer do not block each other, and
//     Litestream replicates by shipping WAL frames;
//   - busy_timeout(5000): a connection waits up to 5 s for a lock held by
//     another connection (a checkpoint, the migrate command) instead of
//     returning "database is locked" to a user;
//   - foreign_keys(1): SQLite leaves them off by default;
//   - synchronous(NORMAL): durable across application crashes and safe in
//     WAL mode; only an OS crash can lose the last transactions, which the
//     replica covers.
//
// _time_format=sqlite stores time.Time as "2006-01-02 15:04:05.999999999-07:00",
// a format SQLite's date functions read and that sorts correctly; the
// application always writes UTC, so comparisons in SQL are plain string
// comparisons that agree with time order.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DefaultReaders is the size of the read pool per database when the caller
// does not choose one: enough for a few concurrent requests on one org
// without holding many file descriptors per open org.
const DefaultReaders = 4

// ReaderIdleTime is how long an unused read connection stays open.
const ReaderIdleTime = time.Minute

// Options controls how a file is opened.
type Options struct {
	// Readers is the maximum number of read connections (DefaultReaders if 0).
	Readers int
	// Create allows the file to be created. Org files are opened without it,
	// so no request can ever create a database file.
	Create bool
}

// DB is one SQLite file opened as a single writer and a bounded reader pool.
type DB struct {
	Path string
	// W is the writer: one connection, immediate transactions.
	W *sql.DB
	// R is the read pool: query_only connections.
	R *sql.DB

	stmts dbStmts // prepared statements of R and W (stmtcache.go)
}

// ErrNotExist is returned by Open when the file does not exist and
// Options.Create is false.
var ErrNotExist = errors.New("database file does not exist")

// DSN returns the modernc.org/sqlite data source name for path with the
// application's pragmas. mode is "rwc", "rw" or "ro".
func DSN(path, mode string, readOnly bool) string {
	var b strings.Builder
	b.WriteString("file:")
	b.WriteString(escapePath(path))
	b.WriteString("?mode=")
	b.WriteString(mode)
	b.WriteString("&_txlock=immediate")
	b.WriteString("&_time_format=sqlite")
	b.WriteString("&_pragma=busy_timeout(5000)")
	b.WriteString("&_pragma=journal_mode(WAL)")
	b.WriteString("&_pragma=foreign_keys(1)")
	b.WriteString("&_pragma=synchronous(NORMAL)")
	if readOnly {
		b.WriteString("&_pragma=query_only(1)")
	}
	return b.String()
}

// InspectDSN returns a data source name that opens path read-only with no
// pragma that could write (no journal-mode switch), for looking at a file
// that may be live in this or another process: its header, its schema
// version, PRAGMA quick_check.
func InspectDSN(path string) string {
	return "file:" + escapePath(path) + "?mode=ro&_pragma=busy_timeout(5000)"
}

// escapePath percent-encodes the characters that end the path part of an
// SQLite URI filename.
func escapePath(p string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return r.Replace(p)
}

// Open opens path as a writer and a reader pool and checks that the file is
// usable (the first connection runs the pragmas).
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if !opt.Create {
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%s: %w", path, ErrNotExist)
			}
			return nil, err
		}
	}
	readers := opt.Readers
	if readers <= 0 {
		readers = DefaultReaders
	}
	mode := "rw"
	if opt.Create {
		mode = "rwc"
	}
	w, err := sql.Open("sqlite", DSN(path, mode, false))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// The writer connects first: it may create the file and switch it to WAL.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", DSN(path, "rw", true))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	// Readers connect on first use and close after a minute unused, so an
	// open but quiet organization holds only its writer (and replication)
	// descriptors: the pool's cap can then be sized for thousands of orgs.
	r.SetConnMaxIdleTime(ReaderIdleTime)
	return &DB{Path: path, W: w, R: r}, nil
}

// ShrinkMemory has the writer connection free the memory SQLite can give
// back (its page cache; PRAGMA shrink_memory). The pool calls it on a
// database left quiet; the next query reads its pages again.
func (db *DB) ShrinkMemory(ctx context.Context) error {
	_, err := db.W.ExecContext(ctx, "PRAGMA shrink_memory")
	return err
}

// Close closes the prepared statements and both pools. A clean close of the
// last connection checkpoints the WAL into the main file.
func (db *DB) Close() error {
	return errors.Join(db.closeStmts(), db.R.Close(), db.W.Close())
}

// Tx runs fn in an immediate transaction on the writer, committing if fn
// returns nil and rolling back otherwise.
func (db *DB) Tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// Files returns the paths that together hold a database's state: the main
// file, its WAL and its shared-memory index.
func Files(path string) []string {
	return []string{path, path + "-wal", path + "-shm"}
}

// QuickCheck runs PRAGMA quick_check on the file at path through a
// read-only connection and returns an error listing what it found, or nil
// when the file is sound. It is safe next to a live server: it goes through
// SQLite (never a plain descriptor, see docs/architecture.md) and writes
// nothing, so it can neither checkpoint nor delete the WAL.
func QuickCheck(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", InspectDSN(path))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("quick_check %s: %w", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("quick_check %s: %w", path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("quick_check %s: %s", path, strings.Join(problems, "; "))
	}
	return nil
}
