package replication

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
)

// Errors callers may test for with errors.Is.
var (
	// ErrClosed is returned by Add and Sync after Close.
	ErrClosed = errors.New("replicator is closed")
	// ErrNotReplicated is returned by Sync for a path that was never added
	// (or was removed), so a caller cannot mistake "nothing happened" for a
	// successful backup.
	ErrNotReplicated = errors.New("database is not replicated")
)

// Replicator ships the WAL of every added database to the replica target,
// in process, through one Litestream Store.
//
// One Store for the whole fleet matters: its compaction and snapshot
// monitors are one goroutine per level that walks every database in turn,
// instead of a set of goroutines per organization.
type Replicator struct {
	cfg    Config
	target Target
	store  *litestream.Store
	sink   *errorSink
	log    *slog.Logger

	mu     sync.Mutex
	closed bool
	byPath map[string]*entry
	byName map[string]string // replica name -> absolute path
	dirty  map[string]*entry // held databases written since their last sync
	stop   chan struct{}
	done   chan struct{}

	compactCond *sync.Cond    // signalled when a compaction of an entry ends
	compactDone chan struct{} // closed when the compactor has stopped
	compactions atomic.Uint64 // CompactDB calls (Compactions)
}

// entry is one replicated database.
type entry struct {
	name     string
	path     string
	db       *litestream.DB
	removing bool
	// gone is closed when a removal finishes, so that a Retain arriving
	// during one waits and registers the file again instead of failing.
	gone chan struct{}
	// pinned entries (Add) stay until Remove or Close; others (Retain)
	// stay while holds > 0.
	pinned bool
	holds  int
	// retry is the pending retry of a Release whose final sync failed.
	retry   *time.Timer
	backoff time.Duration
	// Held databases are not polled by Litestream's per-database monitor
	// (a sync every second for every open org is most of an idle server's
	// CPU); the syncer ships them when they are dirty (Wrote). dirty counts
	// the syncs still owed; checked is when one last found nothing pending.
	monitored bool
	dirty     int
	checked   time.Time
	// compacting is set while the compactor works on the entry (compact.go).
	compacting bool
	// shipped counts the syncs of a held database that produced new data
	// (from 1: what it held when registered), and covered, by compaction
	// level, the count that level last compacted: a level runs only when
	// the level below it has something newer, so an open organization
	// nobody writes costs no compaction (no replica listing) at all.
	shipped uint64
	covered []uint64
	txid    uint64 // the local LTX position after the last sync (syncDB)
	// l0Due is when the L0 files an L1 compaction covered are old enough
	// for L0 retention to remove them (zero: nothing owed; enforceL0).
	l0Due time.Time
}

// New validates cfg and starts an empty replicator; databases are added
// with Add. It does no network I/O, so a replica server that is down at
// start-up delays backups (logged, retried) but never the application.
func New(cfg Config) (*Replicator, error) {
	cfg = cfg.withDefaults()
	target, err := ParseTarget(cfg.URL)
	if err != nil {
		return nil, err
	}
	sink := newErrorSink()
	logger := slog.New(&logHandler{next: cfg.Logger.Handler(), sink: sink})

	store := litestream.NewStore(nil, litestream.DefaultCompactionLevels)
	store.Logger = logger
	store.SnapshotInterval = cfg.SnapshotInterval
	store.SnapshotRetention = cfg.Retention
	// Compaction and snapshots run in this package's compactor, which
	// never overlaps a release of the same database (compact.go).
	store.CompactionMonitorEnabled = false
	// L0 retention too (enforceL0): the store's own check lists the L0
	// files of every registered database every 15 s.
	store.L0RetentionCheckInterval = 0
	if err := store.Open(context.Background()); err != nil {
		return nil, fmt.Errorf("start replication: %w", err)
	}
	r := &Replicator{
		cfg:    cfg,
		target: target,
		store:  store,
		sink:   sink,
		log:    cfg.Logger,
		byPath: map[string]*entry{},
		byName: map[string]string{},
		dirty:  map[string]*entry{},
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	r.compactCond = sync.NewCond(&r.mu)
	r.compactDone = make(chan struct{})
	go r.syncer()
	if cfg.ShipOnly {
		close(r.compactDone)
	} else {
		levels := []*litestream.CompactionLevel{}
		for _, lvl := range litestream.DefaultCompactionLevels {
			if lvl.Level != 0 {
				levels = append(levels, lvl)
			}
		}
		go r.compactor(append(levels, store.SnapshotLevel()))
	}
	return r, nil
}

// Target returns the parsed replica target (for logs and the restore CLI).
func (r *Replicator) Target() Target { return r.target }

// Add starts replicating the database file at dbPath under the replica
// name (e.g. "platform" or "orgs/<org-id>", relative to the URL's prefix).
//
// It is idempotent for the same path and name, refuses to point two files
// at one replica name (their histories would interleave), and works while
// the application has the file open and is writing: Litestream opens its
// own connection and only ever takes SQLite's normal locks. Add returns
// before the first upload; the first sync happens within SyncInterval and
// its failures are logged and retried.
func (r *Replicator) Add(ctx context.Context, name, dbPath string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	path, err := filepath.Abs(dbPath)
	if err != nil {
		return err
	}
	if err := checkDatabaseFile(ctx, path); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	if e := r.byPath[path]; e != nil {
		switch {
		case e.removing:
			return fmt.Errorf("add %s: it is being removed from replication; try again", path)
		case e.name != name:
			return fmt.Errorf("add %s as %q: already replicated as %q", path, name, e.name)
		}
		e.pinned = true
		return nil
	}
	e, err := r.registerLocked(name, path, true)
	if err != nil {
		return err
	}
	e.pinned = true
	return nil
}

// registerLocked starts replicating path under name, polled by
// Litestream's monitor if monitored (a database other processes write, like
// the platform's) or shipped by the syncer when dirty. r.mu is held.
func (r *Replicator) registerLocked(name, path string, monitored bool) (*entry, error) {
	if other, ok := r.byName[name]; ok {
		return nil, fmt.Errorf("add %s: replica name %q is already used by %s", path, name, other)
	}
	client, err := r.target.client(name)
	if err != nil {
		return nil, err
	}
	db := litestream.NewDB(path)
	if monitored {
		db.MonitorInterval = r.cfg.SyncInterval
	} else {
		db.MonitorInterval = 0 // shipped by the syncer when dirty
	}
	rep := litestream.NewReplicaWithClient(db, client)
	rep.SyncInterval = r.cfg.SyncInterval
	// A held database's replica has no upload loop of its own (one that
	// woke every second for every open organization, and logged through a
	// fresh slog.With each time: most of an idle server's CPU); the syncer
	// uploads when it ships the database (syncDB with wait).
	rep.MonitorEnabled = monitored
	if fc, ok := client.(*file.ReplicaClient); ok {
		fc.Replica = rep // lets it copy the database's file modes to the replica
	}
	db.Replica = rep

	base := filepath.Base(path)
	r.sink.setName(base, name)
	if err := r.store.RegisterDB(db); err != nil {
		r.sink.setName(base, "")
		return nil, fmt.Errorf("replicate %s as %q: %w", path, name, err)
	}
	e := &entry{name: name, path: path, db: db, gone: make(chan struct{}), monitored: monitored, shipped: 1}
	if !monitored {
		// A first sync soon after registration ships whatever a previous
		// run left unshipped (a crash) and starts Litestream's read lock.
		e.dirty = 1
		r.dirty[path] = e
	}
	r.byPath[path] = e
	r.byName[name] = path
	r.log.Debug("replication added", "replica_name", name, "path", path, "url", r.target.URL(name))
	return e, nil
}

// Remove stops replicating dbPath after a final sync (given up when ctx
// ends, or after Litestream's 30 s shutdown retry window) and closes
// Litestream's connection and file handles, so the file can be moved aside
// and replaced (restore). Removing a path that is not replicated is a no-op.
//
// Litestream's local state, the ".<file>-litestream" directory next to the
// database, stays; move it aside with the file (see LocalFiles) so a
// restored file starts a fresh local history.
func (r *Replicator) Remove(ctx context.Context, dbPath string) error {
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
	e.removing = true
	if e.retry != nil {
		e.retry.Stop()
	}
	r.waitCompactionLocked(e)
	r.mu.Unlock()

	err = r.store.UnregisterDB(ctx, path)
	r.forget(e)
	if err != nil {
		return fmt.Errorf("stop replicating %q (%s): %w", e.name, path, err)
	}
	return nil
}

// forget drops a removed entry and wakes whoever waits for it to go.
func (r *Replicator) forget(e *entry) {
	r.mu.Lock()
	delete(r.byPath, e.path)
	delete(r.byName, e.name)
	delete(r.dirty, e.path)
	r.mu.Unlock()
	r.sink.setName(filepath.Base(e.path), "")
	close(e.gone)
}

// Sync ships every transaction committed to dbPath before the call and
// waits until the replica has it. Tests use it instead of sleeping, and the
// application can call it before a risky operation or at shutdown.
func (r *Replicator) Sync(ctx context.Context, dbPath string) error {
	path, err := filepath.Abs(dbPath)
	if err != nil {
		return err
	}
	r.mu.Lock()
	closed, e := r.closed, r.byPath[path]
	r.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if e == nil || e.removing {
		return fmt.Errorf("sync %s: %w", path, ErrNotReplicated)
	}
	if err := r.syncDB(ctx, e, true); err != nil {
		return fmt.Errorf("sync %q (%s): %w", e.name, path, err)
	}
	return nil
}

// Close syncs every database one last time and stops replication. It is
// safe to call more than once.
//
// At shutdown, close the application's databases first and the replicator
// last. In the other order the application's connection is the last one
// to close, SQLite checkpoints and deletes the WAL behind Litestream's
// back, and on the next start Litestream uploads a full snapshot of every
// database instead of only the new changes (TestRestartShipsOnlyChanges).
func (r *Replicator) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	paths := make([]string, 0, len(r.byPath))
	for p, e := range r.byPath {
		if e.retry != nil {
			e.retry.Stop()
		}
		if !e.removing {
			paths = append(paths, p)
		}
	}
	r.mu.Unlock()
	// Ship what is pending first: the last seconds of changes before a
	// shutdown must reach the replica too.
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		if _, err := r.store.SyncDB(ctx, p, true); err != nil {
			r.log.Warn("final sync before shutdown", "path", p, "err", err)
		}
	}
	close(r.stop)
	<-r.done
	<-r.compactDone
	if err := r.store.Close(ctx); err != nil {
		return fmt.Errorf("close replication: %w", err)
	}
	return nil
}
