package replication

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"

	"sportsapp/app/sqlite"
)

// Errors callers may test for with errors.Is.
var (
	// ErrNoBackup means the replica holds nothing under the name: a wrong
	// org id, a wrong URL or prefix, or a database never replicated.
	ErrNoBackup = errors.New("no backup")
	// ErrOutsideWindow means the timestamp is older than anything retained
	// or in the future; the error is a *WindowError that names the window.
	ErrOutsideWindow = errors.New("timestamp outside the restorable window")
)

// WindowError is returned by Restore for a timestamp the replica cannot
// serve; it names the window that exists so the operator can pick again.
type WindowError struct {
	At, Earliest, Latest time.Time
}

// Error names the requested time and the window, in the format Describe
// prints, so the operator can copy a valid time from the message.
func (e *WindowError) Error() string {
	return fmt.Sprintf("no backup at %s: the replica holds %s to %s",
		e.At.UTC().Format(time.RFC3339Nano), e.Earliest.Format(timeFormat), e.Latest.Format(timeFormat))
}

// Unwrap makes errors.Is(err, ErrOutsideWindow) true.
func (e *WindowError) Unwrap() error { return ErrOutsideWindow }

// Restore writes the database stored under the replica name to outputPath,
// which must not exist, at the latest state or, if at is non-zero, as it
// was at that time.
//
// Timestamp semantics: the result holds every transaction that Litestream
// had picked up from the WAL at or before at (millisecond precision). A
// transaction is picked up within SyncInterval of its commit, so one
// committed less than a second before at may be missing; older than the
// level-0 retention (5 min) the precision is the 30 s of level 1. A time
// after the newest change but not in the future restores the newest state
// (the database did not change in between, or the changes never reached
// the replica; Restore logs which time it restored). A time before the
// oldest retained snapshot, or in the future, fails with a *WindowError.
//
// The result is checked with PRAGMA integrity_check before Restore
// returns; on any failure (including a corrupt or missing object in the
// replica) nothing is left at outputPath.
func Restore(ctx context.Context, cfg Config, name, outputPath string, at time.Time) (err error) {
	cfg = cfg.withDefaults()
	target, err := ParseTarget(cfg.URL)
	if err != nil {
		return err
	}
	client, err := target.client(name)
	if err != nil {
		return err
	}
	out, err := filepath.Abs(outputPath)
	if err != nil {
		return err
	}
	for _, p := range outputFiles(out) {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("restore %q to %s: %s already exists; move it aside first", name, out, p)
		} else if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore %q to %s: %w", name, out, err)
		}
	}

	info, err := describe(ctx, target, client, name, !at.IsZero())
	if err != nil {
		return fmt.Errorf("restore %q: %w", name, err)
	}
	if info.Empty() {
		return fmt.Errorf("restore %q: %w at %s", name, ErrNoBackup, info.URL)
	}

	opt := litestream.NewRestoreOptions()
	opt.OutputPath = out
	opt.IntegrityCheck = litestream.IntegrityCheckNone // integrityCheck below is the full check, logged our way
	state := info.Latest
	if !at.IsZero() {
		at = at.UTC()
		if at.Before(info.Earliest) || at.After(time.Now()) {
			return &WindowError{At: at, Earliest: info.Earliest, Latest: info.Latest}
		}
		// Litestream includes files created strictly before the timestamp;
		// its timestamps have millisecond precision, so the next millisecond
		// makes "at or before at" exact.
		opt.Timestamp = at.Truncate(time.Millisecond).Add(time.Millisecond)
		if at.Before(state) {
			state = at
		}
	}

	defer func() {
		if err != nil {
			removeOutputs(out)
		}
	}()
	rep := litestream.NewReplicaWithClient(nil, client)
	if err := rep.Restore(ctx, opt); err != nil {
		if errors.Is(err, litestream.ErrTxNotAvailable) && !at.IsZero() {
			return &WindowError{At: at, Earliest: info.Earliest, Latest: info.Latest}
		}
		return fmt.Errorf("restore %q from %s: %w", name, info.URL, err)
	}
	if err := integrityCheck(ctx, out); err != nil {
		return fmt.Errorf("restore %q: %s failed its integrity check: %w", name, out, err)
	}
	cfg.Logger.Info("database restored", "replica_name", name, "url", info.URL, "output", out,
		"requested", at, "state_as_of", state, "latest", info.Latest)
	return nil
}

// outputFiles are the paths a restore to out creates or that SQLite would
// read with it: a stale -wal next to the new file would be replayed into it.
func outputFiles(out string) []string {
	return append(sqlite.Files(out), out+".tmp")
}

// removeOutputs deletes whatever a failed restore left. Restore checked
// that none of these existed before it started, so nothing else is lost.
func removeOutputs(out string) {
	for _, p := range outputFiles(out) {
		_ = os.Remove(p)
	}
}

// integrityCheck runs PRAGMA integrity_check on the restored file and
// requires its single "ok" row. It opens the file like the application
// does, then removes the -wal and -shm the check created, so the result is
// one self-contained file.
func integrityCheck(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", sqlite.DSN(path, "rw", true))
	if err != nil {
		return err
	}
	defer func() {
		_ = db.Close()
		_ = os.Remove(path + "-wal")
		_ = os.Remove(path + "-shm")
	}()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		problems = append(problems, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return fmt.Errorf("integrity_check: %v", problems)
	}
	return nil
}
