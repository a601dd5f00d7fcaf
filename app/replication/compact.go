package replication

import (
	"context"
	"errors"
	"time"

	"github.com/benbjohnson/litestream"
)

// The replicator runs Litestream's compaction and snapshots itself instead
// of letting the store's monitors do it. Litestream v0.5.18's monitors walk
// the registered databases without coordinating with UnregisterDB: a
// snapshot of a database being released reads its file handle while Close
// clears it (a data race the race detector reports, and a failed
// snapshot). Databases now come and go with the pool, so the compactor
// marks the entry it works on, and unregistering one waits for that mark
// to clear; releases never overlap a compaction of the same database.

// compactor compacts every registered database at each level's interval
// (L1 30 s, L2 5 min, L3 1 h) and snapshots it at SnapshotInterval,
// enforcing snapshot retention.
func (r *Replicator) compactor(levels []*litestream.CompactionLevel) {
	defer close(r.compactDone)
	next := make([]time.Time, len(levels))
	now := time.Now()
	for i, lvl := range levels {
		next[i] = lvl.NextCompactionAt(now)
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
		now := time.Now()
		for i, lvl := range levels {
			if now.Before(next[i]) {
				continue
			}
			if r.compactLevel(lvl) {
				next[i] = lvl.NextCompactionAt(now)
			} else {
				next[i] = now.Add(time.Second) // a database was not ready: retry soon
			}
		}
	}
}

// compactLevel runs one level over every registered database; false if
// one was not ready yet.
func (r *Replicator) compactLevel(lvl *litestream.CompactionLevel) (ready bool) {
	r.mu.Lock()
	todo := make([]*entry, 0, len(r.byPath))
	for _, e := range r.byPath {
		if !e.removing {
			todo = append(todo, e)
		}
	}
	r.mu.Unlock()
	ready = true
	for _, e := range todo {
		r.mu.Lock()
		if e.removing || r.closed {
			r.mu.Unlock()
			continue
		}
		e.compacting = true
		r.mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		_, err := r.store.CompactDB(ctx, e.db, lvl)
		switch {
		case err == nil, errors.Is(err, litestream.ErrNoCompaction), errors.Is(err, litestream.ErrCompactionTooEarly):
		case errors.Is(err, litestream.ErrDBNotReady):
			ready = false
		default:
			r.log.Warn("replication compaction", "replica_name", e.name, "level", lvl.Level, "err", err)
		}
		if lvl.Level == litestream.SnapshotLevel {
			if err := r.store.EnforceSnapshotRetention(ctx, e.db); err != nil {
				r.log.Warn("replication retention", "replica_name", e.name, "err", err)
			}
		}
		cancel()

		r.mu.Lock()
		e.compacting = false
		r.compactCond.Broadcast()
		r.mu.Unlock()
	}
	return ready
}

// waitCompactionLocked waits until no compaction works on e. r.mu is held
// (and released while waiting); e.removing is already set, so no new one
// starts.
func (r *Replicator) waitCompactionLocked(e *entry) {
	for e.compacting {
		r.compactCond.Wait()
	}
}
