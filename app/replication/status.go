package replication

import (
	"path/filepath"
	"sort"
	"time"
)

// Status is the replication state of one database, cheap enough to compute
// for every organization on every health check: it reads only Litestream's
// in-memory and local state, never the replica.
type Status struct {
	// Name is the replica name ("platform", "orgs/<id>").
	Name string
	// Path is the absolute database file path.
	Path string
	// LastSync is when Litestream last confirmed the replica holds every
	// change it had picked up from the WAL (an upload, or a check that
	// found nothing to upload). Zero until the first success. A LastSync
	// much older than SyncInterval means replication is stuck.
	LastSync time.Time
	// Err is the last error Litestream logged for this database, or "" if
	// none, or if Litestream has since reported recovery.
	Err string
	// InSync is true when every change Litestream has picked up from the
	// WAL has been uploaded (LocalTXID == ReplicaTXID). Transactions
	// committed within the last SyncInterval may not have been picked up
	// yet; Litestream cannot tell those apart without reading the WAL, so
	// InSync means "nothing known is pending", which is as close as it
	// lets us get. Use Sync to be certain.
	InSync bool
	// LocalTXID is the last Litestream transaction written locally (one
	// per sync that found changes, not one per SQL transaction).
	LocalTXID uint64
	// ReplicaTXID is the last transaction known to be in the replica; 0
	// until the first upload and after an upload error.
	ReplicaTXID uint64
}

// Status reports every replicated database, by name.
func (r *Replicator) Status() []Status {
	r.mu.Lock()
	entries := make([]*entry, 0, len(r.byPath))
	for _, e := range r.byPath {
		entries = append(entries, e)
	}
	r.mu.Unlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })

	out := make([]Status, 0, len(entries))
	for _, e := range entries {
		out = append(out, r.statusOf(e))
	}
	return out
}

// StatusOf reports one database by its path (as given to Add); false if it
// is not replicated. Pages that show one organization's state use it
// rather than computing the whole fleet's.
func (r *Replicator) StatusOf(dbPath string) (Status, bool) {
	path, err := filepath.Abs(dbPath)
	if err != nil {
		return Status{}, false
	}
	r.mu.Lock()
	e, ok := r.byPath[path]
	r.mu.Unlock()
	if !ok {
		return Status{}, false
	}
	return r.statusOf(e), true
}

func (r *Replicator) statusOf(e *entry) Status {
	s := Status{Name: e.name, Path: e.path, LastSync: e.db.LastSuccessfulSyncAt()}
	pos, err := e.db.Pos()
	if err != nil {
		s.Err = err.Error()
	} else {
		s.LocalTXID = uint64(pos.TXID)
	}
	if e.db.Replica != nil {
		s.ReplicaTXID = uint64(e.db.Replica.Pos().TXID)
	}
	s.InSync = err == nil && s.LocalTXID > 0 && s.LocalTXID == s.ReplicaTXID
	if le, ok := r.sink.lastError(filepath.Base(e.path)); ok && s.Err == "" {
		s.Err = le.text
	}
	// A held database is synced when written (syncer.go), not polled: one
	// that is clean, uploaded and without error is in sync as of now, not
	// as of its last write (or an idle org would look stale to monitoring).
	r.mu.Lock()
	clean := !e.monitored && e.dirty == 0
	r.mu.Unlock()
	if clean && s.InSync && s.Err == "" && !s.LastSync.IsZero() {
		s.LastSync = time.Now()
	}
	return s
}
