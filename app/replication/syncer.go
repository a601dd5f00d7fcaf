package replication

import (
	"context"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"
)

// syncParallel bounds the databases the syncer ships at once (each ship
// waits for its upload).
const syncParallel = 8

// Wrote marks dbPath dirty: the syncer ships it within SyncInterval. The
// pool calls it (through Scope.W and Scope.Tx) for every write, so it must
// be cheap. Two syncs are owed: a write marked just before it commits
// (Scope.W marks before the statement runs) is caught by the second.
// Writing a database that is not held is a no-op (nothing replicates it;
// its holder ships it when it releases it).
func (r *Replicator) Wrote(dbPath string) {
	path := dbPath
	if !filepath.IsAbs(path) {
		var err error
		if path, err = filepath.Abs(dbPath); err != nil {
			return
		}
	}
	r.mu.Lock()
	if e := r.byPath[path]; e != nil && !e.monitored && !e.removing {
		e.dirty = 2
		r.dirty[path] = e
	}
	r.mu.Unlock()
}

// syncer ships dirty held databases every SyncInterval: Litestream turns
// their new WAL frames into an LTX file, which the syncer then uploads
// (held replicas have no upload loop of their own). Its cost follows the
// writes, not the number of open organizations.
func (r *Replicator) syncer() {
	defer close(r.done)
	t := time.NewTicker(r.cfg.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
		r.mu.Lock()
		todo := make([]*entry, 0, len(r.dirty))
		for _, e := range r.dirty {
			if !e.removing {
				todo = append(todo, e)
			}
		}
		r.mu.Unlock()
		if len(todo) == 0 {
			continue
		}
		var g errgroup.Group
		g.SetLimit(syncParallel)
		for _, e := range todo {
			g.Go(func() error {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				err := r.syncDB(ctx, e, true)
				r.mu.Lock()
				defer r.mu.Unlock()
				if err != nil {
					return nil // logged by Litestream (and the status); retried next tick
				}
				if e.dirty--; e.dirty <= 0 {
					e.dirty = 0
					e.checked = time.Now()
					if r.dirty[e.path] == e {
						delete(r.dirty, e.path)
					}
				}
				return nil
			})
		}
		_ = g.Wait()
	}
}

// syncDB has Litestream turn e's new WAL frames into an LTX file (and, with
// wait, waits for the replica to hold it), and counts in e.shipped any new
// data for the compactor (compact.go). The count follows the local LTX
// position rather than the sync's own result, so a sync whose wait failed
// after it wrote an LTX file is counted by the next one.
func (r *Replicator) syncDB(ctx context.Context, e *entry, wait bool) error {
	res, err := r.store.SyncDB(ctx, e.path, wait)
	if err != nil {
		return err
	}
	r.mu.Lock()
	if res.TXID != e.txid {
		e.txid = res.TXID
		e.shipped++
	}
	r.mu.Unlock()
	return nil
}
