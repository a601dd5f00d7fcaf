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
			if i == 0 {
				r.enforceL0(now)
			}
			if r.compactLevel(i, lvl) {
				next[i] = lvl.NextCompactionAt(now)
			} else {
				next[i] = now.Add(time.Second) // a database was not ready: retry soon
			}
		}
	}
}

// compactLevel runs level i (lvl) over every registered database that has
// something new for it; false if one was not ready yet.
//
// A held database is compacted at a level only when the level below it
// has data the level has not covered yet: the first level (L1) and the
// snapshot follow the syncs that produced new data (entry.shipped), each
// higher level follows the one below it (entry.covered). A level that finds
// nothing to do, or succeeds, records what it covered. Without this, every
// open organization cost a replica listing per level interval (every 30 s
// at L1) even when nobody wrote to it. Monitored databases (the platform)
// are written by other processes too, so they are always compacted.
func (r *Replicator) compactLevel(i int, lvl *litestream.CompactionLevel) (ready bool) {
	r.mu.Lock()
	type job struct {
		e   *entry
		src uint64 // what the level below holds (0: monitored, always run)
	}
	todo := make([]job, 0, len(r.byPath))
	for _, e := range r.byPath {
		if e.removing {
			continue
		}
		src, ok := e.compactSource(i, lvl)
		if ok {
			todo = append(todo, job{e, src})
		}
	}
	r.mu.Unlock()
	ready = true
	for _, j := range todo {
		e := j.e
		covered := false
		r.whileCompacting(e, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			r.compactions.Add(1)
			_, err := r.store.CompactDB(ctx, e.db, lvl)
			switch {
			case err == nil, errors.Is(err, litestream.ErrNoCompaction):
				covered = true
			case errors.Is(err, litestream.ErrCompactionTooEarly):
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
		}, func() {
			if covered && j.src > 0 {
				if i == 0 && j.src > e.coveredAt(0) {
					e.l0Due = time.Now().Add(r.store.L0Retention + l0Slack)
				}
				e.cover(i, j.src)
			}
		})
	}
	return ready
}

// whileCompacting runs work on e with e.compacting set, so no release of
// e overlaps it (waitCompactionLocked), unless e is being removed or the
// replicator closed; then, with r.mu held, done (if the work ran) records
// its outcome before waiters are woken.
func (r *Replicator) whileCompacting(e *entry, work, done func()) {
	r.mu.Lock()
	if e.removing || r.closed {
		r.mu.Unlock()
		return
	}
	e.compacting = true
	r.mu.Unlock()
	work()
	r.mu.Lock()
	e.compacting = false
	done()
	r.compactCond.Broadcast()
	r.mu.Unlock()
}

// compactSource says whether level i (lvl) has something new to compact in
// e, and what the level below it holds (0 for a monitored database, which
// is always compacted). r.mu is held.
func (e *entry) compactSource(i int, lvl *litestream.CompactionLevel) (src uint64, ok bool) {
	if e.monitored {
		return 0, true
	}
	src = e.shipped
	if i > 0 && lvl.Level != litestream.SnapshotLevel {
		src = e.coveredAt(i - 1)
	}
	return src, src > e.coveredAt(i)
}

func (e *entry) coveredAt(i int) uint64 {
	if i < len(e.covered) {
		return e.covered[i]
	}
	return 0
}

// cover records that level i compacted everything up to src. r.mu is held.
func (e *entry) cover(i int, src uint64) {
	for len(e.covered) <= i {
		e.covered = append(e.covered, 0)
	}
	e.covered[i] = src
}

// waitCompactionLocked waits until no compaction works on e. r.mu is held
// (and released while waiting); e.removing is already set, so no new one
// starts.
func (r *Replicator) waitCompactionLocked(e *entry) {
	for e.compacting {
		r.compactCond.Wait()
	}
}

// Compactions counts the compactions (and snapshots) run since start, one
// per database and level.
func (r *Replicator) Compactions() uint64 { return r.compactions.Load() }

// l0Slack is added to the L0 retention before enforcing it, so the files an
// L1 compaction covered are past retention when it runs.
const l0Slack = 15 * time.Second

// enforceL0 removes, from the replicas of the databases whose L1
// compaction covered new data at least the L0 retention ago, the L0 files
// that compaction made redundant (the store's own check would list every
// registered database's L0 files every 15 s). Monitored databases are
// checked at every call. Runs with the L1 level, never overlapping a
// release (compacting is set, as for a compaction).
func (r *Replicator) enforceL0(now time.Time) {
	r.mu.Lock()
	var todo []*entry
	for _, e := range r.byPath {
		if !e.removing && (e.monitored || (!e.l0Due.IsZero() && now.After(e.l0Due))) {
			todo = append(todo, e)
		}
	}
	r.mu.Unlock()
	for _, e := range todo {
		var err error
		r.whileCompacting(e, func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err = e.db.EnforceL0RetentionByTime(ctx); err != nil {
				r.log.Warn("replication L0 retention", "replica_name", e.name, "err", err)
			}
		}, func() {
			if err == nil && !e.l0Due.After(now) {
				e.l0Due = time.Time{}
			}
		})
	}
}
