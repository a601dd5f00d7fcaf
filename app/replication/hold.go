package replication

import (
	"context"

	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Replication follows use: an organization's database is replicated while
// something holds it (the pool has it open, a CLI command works on it
// through the server, onboarding has just created it), and let go after a
// final sync when the last holder releases it. The cost of replication is
// then proportional to the organizations in use, not to every file on disk
// (issue 12): Litestream's connection, descriptors, goroutines and
// monitor ticks exist only for held databases.
//
// A release never drops changes: the final sync must succeed before the
// database is unregistered; if it fails (the replica is down), the
// database stays registered - Litestream keeps retrying on its own - and
// the release is retried with a backoff until it succeeds or the database
// is held again.

const (
	// releaseSyncTimeout bounds one final sync attempt.
	releaseSyncTimeout = 30 * time.Second
	// releaseRetryMin and releaseRetryMax bound the backoff between
	// attempts to release a database whose final sync failed.
	releaseRetryMin = 5 * time.Second
	releaseRetryMax = 5 * time.Minute
)

// Retain starts replicating dbPath under the replica name, or adds a hold
// on it if it is already replicated. Each Retain must be paired with one
// Release. A database being released when Retain arrives is waited for
// and registered again.
//
// Unlike Add, Retain does not read the file's header: its callers have
// just opened the file through SQLite (the pool) or created it, and a cold
// open must stay cheap. It only checks that the file exists.
func (r *Replicator) Retain(ctx context.Context, name, dbPath string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	path, err := filepath.Abs(dbPath)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("replicate %s: %w", path, err)
	}
	for {
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return ErrClosed
		}
		e := r.byPath[path]
		if e == nil {
			e, err = r.registerLocked(name, path, false)
			if err == nil {
				e.holds = 1
			}
			r.mu.Unlock()
			return err
		}
		if !e.removing {
			if e.name != name {
				r.mu.Unlock()
				return fmt.Errorf("replicate %s as %q: already replicated as %q", path, name, e.name)
			}
			e.holds++
			if e.retry != nil { // a failed release is pending: held again, so cancel it
				e.retry.Stop()
				e.retry, e.backoff = nil, 0
			}
			r.mu.Unlock()
			return nil
		}
		gone := e.gone
		r.mu.Unlock()
		select {
		case <-gone:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Release drops one hold on dbPath. When it was the last one (and the
// database is not pinned by Add), it ships every change to the replica and
// stops replicating the database, freeing Litestream's connection and
// descriptors. The caller must have closed its own connections to the file
// first: Litestream's descriptor on the database is closed here, and
// closing a descriptor drops every POSIX lock this process holds on the
// file (docs/architecture.md).
//
// If the final sync fails, the database stays registered (nothing is
// lost: Litestream keeps shipping it) and the release is retried later;
// the error is returned for the caller to log.
func (r *Replicator) Release(ctx context.Context, dbPath string) error {
	path, err := filepath.Abs(dbPath)
	if err != nil {
		return err
	}
	r.mu.Lock()
	e := r.byPath[path]
	if e == nil || e.removing {
		r.mu.Unlock()
		return nil
	}
	if e.holds > 0 {
		e.holds--
	}
	if e.holds > 0 || e.pinned || r.closed {
		r.mu.Unlock()
		return nil
	}
	e.removing = true
	r.mu.Unlock()
	return r.unregister(ctx, e)
}

// unregister ships e's last changes and stops replicating it, or, when
// the final sync fails, keeps it registered and schedules a retry.
func (r *Replicator) unregister(ctx context.Context, e *entry) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseSyncTimeout)
	err := r.syncDB(sctx, e, true)
	cancel()
	if err != nil {
		r.mu.Lock()
		e.removing = false
		e.backoff = min(max(2*e.backoff, releaseRetryMin), releaseRetryMax)
		if !r.closed {
			e.retry = time.AfterFunc(e.backoff, func() { r.retryRelease(e) })
		}
		r.mu.Unlock()
		return fmt.Errorf("final sync of %q before releasing it failed; it stays replicated and the release is retried: %w", e.name, err)
	}
	r.mu.Lock()
	r.waitCompactionLocked(e)
	r.mu.Unlock()
	err = r.store.UnregisterDB(context.WithoutCancel(ctx), e.path)
	r.forget(e)
	if err != nil {
		return fmt.Errorf("stop replicating %q (%s): %w", e.name, e.path, err)
	}
	return nil
}

// retryRelease tries again to release e, unless it was held again or
// removed since.
func (r *Replicator) retryRelease(e *entry) {
	r.mu.Lock()
	if r.closed || e.removing || e.holds > 0 || e.pinned || r.byPath[e.path] != e {
		r.mu.Unlock()
		return
	}
	e.retry = nil
	e.removing = true
	r.mu.Unlock()
	if err := r.unregister(context.Background(), e); err != nil {
		r.log.Warn("release replication", "replica_name", e.name, "err", err)
	}
}

// Held reports how many holds dbPath has and whether it is replicated at
// all (tests, status).
func (r *Replicator) Held(dbPath string) (holds int, replicated bool) {
	path, err := filepath.Abs(dbPath)
	if err != nil {
		return 0, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.byPath[path]
	if e == nil {
		return 0, false
	}
	return e.holds, true
}

// Ship replicates dbPath once: it holds the database, waits until the
// replica has every change committed so far, and lets it go (unless
// something else holds it). It is for a file changed outside the pool: an
// organization just created, a database just restored, a CLI command's
// writes with no server running.
func (r *Replicator) Ship(ctx context.Context, name, dbPath string) error {
	if err := r.Retain(ctx, name, dbPath); err != nil {
		return err
	}
	serr := r.Sync(ctx, dbPath)
	rerr := r.Release(ctx, dbPath)
	if serr != nil {
		return serr
	}
	return rerr
}
