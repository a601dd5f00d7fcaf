package tenant

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/sqlite"
)

// PoolOptions configures the pool of open organization databases.
type PoolOptions struct {
	// MaxOpen is how many org databases stay open (default DefaultMaxOpen:
	// derived from the process's file-descriptor limit). Past it, the least
	// recently used idle org is closed (in the background). An org in use by
	// a request is never closed, so the pool may pass MaxOpen briefly, up
	// to a hard limit (MaxOpen + MaxOpen/8 + 8, counting databases still
	// closing); at the hard limit a new org's request waits for a slot
	// instead of failing: a full pool degrades to slower cold opens, never
	// to "too many open files".
	MaxOpen int
	// IdleTimeout closes an org database nobody used for this long
	// (default 10 minutes; negative disables idle closing).
	IdleTimeout time.Duration
	// QuietAfter is how long an open org database goes unused before its
	// writer connection gives back the memory it can (SQLite's page
	// cache: PRAGMA shrink_memory), once per quiet spell; its readers
	// close after a minute unused anyway (default 30 s; negative never).
	// The page cache is most of what a big organization costs while open
	// (the demo org, 800 KB on disk: 1,078 KB open after reading all of
	// it, 487 KB shrunk); its next request reads its pages from the OS's
	// cache.
	QuietAfter time.Duration
	// Readers is the read pool size per org (default sqlite.DefaultReaders).
	Readers int
	// Logger receives open/close events (default slog.Default()).
	Logger *slog.Logger
	// OnOpen runs after an org's database is opened, before its first
	// request uses it. Its error is logged, never returned to the request.
	OnOpen func(context.Context, Org) error
	// OnFirstWrite, if set, runs before the first write to an opened
	// database (Scope.W, Scope.Tx; or right after a migration on open),
	// once per open, before any write lock is taken: the server starts
	// replicating the organization then, so an org that is only read costs
	// no replication at all (no Litestream connection, state or metrics).
	// An error is logged and the write goes ahead; the next write tries
	// again, and if none succeeds the pool calls OnShip once it has closed
	// the database, so no write escapes the replica.
	OnFirstWrite func(context.Context, Org) error
	// OnShip runs after the pool has closed a database that was written
	// while OnFirstWrite kept failing (the server ships it once).
	OnShip func(context.Context, Org) error
	// OnClose runs after the pool has closed an org's connections
	// (eviction, idle, maintenance), off the request path; the org cannot
	// be opened again until it returns (the server ships the last changes
	// and stops replicating it). With OnFirstWrite set, it runs only for a
	// database whose OnFirstWrite succeeded. Its error is logged. Close
	// does not call it: at shutdown the replicator's own Close ships
	// everything.
	OnClose func(context.Context, Org) error
	// OnOpened, if set, is told how long each successful cold open took
	// (open, migration if behind, identity check, OnOpen), off the pool
	// lock: the metrics' cold-open histogram and per-org counts.
	OnOpened func(Org, time.Duration)
	// OnWrite, if set, is told each time a request is about to write to an
	// org's database (Scope.W) or has committed a transaction (Scope.Tx):
	// replication ships dirty organizations instead of polling every open
	// one each second. It must be cheap; it runs on the request path.
	OnWrite func(Org)
	// Observe, if set, gives the statement caches of each org database it
	// opens their sqlite.Stmts.Observe hook (query metrics, slow-query log),
	// set before the database is handed to any request.
	Observe func(Org) func(ctx context.Context, name string, d time.Duration, err error)
}

// Pool keeps organization databases open on demand. The first request for
// an org opens its file (once, however many requests arrive together); later
// requests reuse it; the least recently used orgs are closed when the cap is
// passed, and idle ones after IdleTimeout, but never while a request holds
// them.
type Pool struct {
	reg  *Registry
	opt  PoolOptions
	log  *slog.Logger
	now  func() time.Time
	stop chan struct{}
	done chan struct{}

	hardMax int

	mu          sync.Mutex
	entries     map[string]*entry        // by org id (opening or open)
	lru         *list.List               // of *entry, most recent at the front
	maintenance map[string]bool          // org ids under exclusive maintenance (restore)
	closing     map[string]chan struct{} // org ids being closed in the background
	freed       chan struct{}            // closed (and replaced) when a slot frees up
	closers     sync.WaitGroup
	closed      bool
	stats       PoolStats
}

// PoolStats counts what the pool has done (for tests, logs and metrics).
type PoolStats struct {
	Open      int   // databases open now
	Closing   int   // databases being closed in the background now
	Waiting   int   // requests waiting for a slot now
	Opens     int64 // files opened since start
	Evictions int64 // closed to stay under MaxOpen
	IdleClose int64 // closed after IdleTimeout
	Shrinks   int64 // quiet databases whose page cache was freed (QuietAfter)
	Waits     int64 // requests that had to wait for a slot (pool full)
	Migrated  int64 // files migrated when opened (schema behind)
	// OpenTime is the total time spent opening files (cold opens).
	OpenTime time.Duration
}

type entry struct {
	org      Org
	db       *sqlite.DB
	err      error
	ready    chan struct{} // closed when db or err is set
	refs     int
	lastUsed time.Time
	elem     *list.Element
	shrunk   time.Time // lastUsed when the quiet shrink last ran

	// OnFirstWrite's state: written is set once it succeeded (the fast
	// path of every later write); fw serializes the attempts; unshipped
	// records a write made while it was failing.
	written   atomic.Bool
	fw        sync.Mutex
	unshipped bool
}

// NewPool returns a pool opening the organization files that reg knows.
func NewPool(reg *Registry, opt PoolOptions) *Pool {
	if opt.MaxOpen <= 0 {
		opt.MaxOpen = DefaultMaxOpen(opt.Readers)
	}
	if opt.IdleTimeout == 0 {
		opt.IdleTimeout = 10 * time.Minute
	}
	if opt.QuietAfter == 0 {
		opt.QuietAfter = 30 * time.Second
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	p := &Pool{
		reg: reg, opt: opt, log: opt.Logger, now: time.Now,
		hardMax: opt.MaxOpen + opt.MaxOpen/8 + 8,
		stop:    make(chan struct{}), done: make(chan struct{}),
		entries: map[string]*entry{}, lru: list.New(), maintenance: map[string]bool{},
		closing: map[string]chan struct{}{}, freed: make(chan struct{}),
	}
	go p.janitor()
	return p
}

// ErrPoolClosed is returned by Acquire after Close.
var ErrPoolClosed = apperr.Errorf(apperr.Unavailable, "The service is shutting down. Please try again in a moment.")

// ErrMaintenance is returned by Acquire while an organization's database is
// being replaced (a restore). Its requests get a 503; other organizations
// are untouched.
var ErrMaintenance = apperr.Errorf(apperr.Unavailable, "This organization's site is under maintenance for a few minutes. Please try again shortly.")

// Acquire returns a handle on org's database, opening it if needed. The
// caller must Release the handle; until then the database stays open.
func (p *Pool) Acquire(ctx context.Context, org Org) (*Handle, error) {
	p.mu.Lock()
	waited := false
	for {
		if p.closed {
			p.mu.Unlock()
			return nil, ErrPoolClosed
		}
		if p.maintenance[org.ID] {
			p.mu.Unlock()
			return nil, ErrMaintenance
		}
		if e, ok := p.entries[org.ID]; ok {
			e.refs++
			p.mu.Unlock()
			return p.await(ctx, e)
		}
		// Not open. Wait while a previous close of this org finishes (its
		// replication must be let go before it is taken again), and while
		// the pool is at its hard limit.
		var wait chan struct{}
		if ch, ok := p.closing[org.ID]; ok {
			wait = ch
		} else if len(p.entries)+len(p.closing) >= p.hardMax {
			p.closeLocked(p.evictLocked(), "evicted")
			if len(p.entries)+len(p.closing) >= p.hardMax {
				wait = p.freed
				if !waited {
					p.stats.Waits++
					waited = true
				}
				p.stats.Waiting++
			}
		}
		if wait == nil {
			break
		}
		full := wait == p.freed
		p.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			if full {
				p.mu.Lock()
				p.stats.Waiting--
				p.mu.Unlock()
			}
			return nil, ctx.Err()
		}
		p.mu.Lock()
		if full {
			p.stats.Waiting--
		}
	}
	e := &entry{org: org, ready: make(chan struct{}), refs: 1}
	p.entries[org.ID] = e
	p.mu.Unlock()
	return p.open(ctx, e)
}

// await waits for e (opened by another request) to be ready.
func (p *Pool) await(ctx context.Context, e *entry) (*Handle, error) {
	select {
	case <-e.ready:
	case <-ctx.Done():
		p.release(e)
		return nil, ctx.Err()
	}
	if e.err != nil {
		p.release(e)
		return nil, e.err
	}
	p.mu.Lock()
	if e.elem != nil {
		p.lru.MoveToFront(e.elem)
	}
	p.mu.Unlock()
	return &Handle{pool: p, e: e}, nil
}

// signalLocked wakes the requests waiting for a slot, if any.
func (p *Pool) signalLocked() {
	if p.stats.Waiting == 0 {
		return
	}
	close(p.freed)
	p.freed = make(chan struct{})
}

// open opens e's file on behalf of every request waiting for it. It runs
// without the pool lock, so opening one org never delays requests to others.
func (p *Pool) open(ctx context.Context, e *entry) (*Handle, error) {
	// The open is shared: one waiter giving up must not fail the others.
	start := time.Now()
	db, migrated, err := p.openFile(context.WithoutCancel(ctx), e.org)
	if err == nil && migrated {
		// The migration wrote: replicate what it wrote like any write.
		p.firstWrite(context.WithoutCancel(ctx), e)
	}
	if err == nil && p.opt.Observe != nil {
		// Before close(e.ready) publishes db: no query has used the caches.
		obs := p.opt.Observe(e.org)
		db.SetObserve(obs)
	}
	if err == nil && p.opt.OnOpen != nil {
		if herr := p.opt.OnOpen(context.WithoutCancel(ctx), e.org); herr != nil {
			p.log.Warn("after opening org database", "org", e.org.Slug, "err", herr)
		}
	}

	p.mu.Lock()
	e.db, e.err = db, err
	close(e.ready)
	if err != nil {
		delete(p.entries, e.org.ID)
		e.refs--
		p.signalLocked()
		p.mu.Unlock()
		p.log.Error("open org database", "org", e.org.Slug, "org_id", e.org.ID, "err", err)
		return nil, err
	}
	e.lastUsed = p.now()
	e.elem = p.lru.PushFront(e)
	took := time.Since(start)
	p.stats.Opens++
	p.stats.OpenTime += took
	p.closeLocked(p.evictLocked(), "evicted")
	p.mu.Unlock()
	if p.opt.OnOpened != nil {
		p.opt.OnOpened(e.org, took)
	}
	return &Handle{pool: p, e: e}, nil
}

// openFile opens the org's database and checks that it is the org's file.
// Its schema version is one read of the header (PRAGMA user_version); a
// file whose schema is behind is migrated here, once (the pool opens an
// org once however many requests arrive together), so `serve` need not
// migrate every organization before it listens.
func (p *Pool) openFile(ctx context.Context, org Org) (db *sqlite.DB, migrated bool, err error) {
	path, err := p.reg.OrgPath(org.ID)
	if err != nil {
		return nil, false, err
	}
	db, err = sqlite.Open(ctx, path, sqlite.Options{Readers: p.opt.Readers})
	if err != nil {
		return nil, false, err
	}
	fail := func(err error) (*sqlite.DB, bool, error) {
		db.Close()
		return nil, false, fmt.Errorf("org %s: %w", org.Slug, err)
	}
	// The writer is already connected (sqlite.Open pings it): checking on
	// it opens no second connection; readers connect when first needed.
	version, err := sqlite.Version(ctx, db.W)
	if err != nil {
		return fail(err)
	}
	switch latest := OrgMigrations.Latest(); {
	case version > latest:
		return fail(fmt.Errorf("schema version %d is newer than this release knows (%d): run a newer release", version, latest))
	case version < latest:
		from, to, err := OrgMigrations.Up(ctx, db.W)
		if err != nil {
			return fail(fmt.Errorf("migrate on open: %w", err))
		}
		p.mu.Lock()
		p.stats.Migrated++
		p.mu.Unlock()
		migrated = true
		if from != to {
			p.log.Info("org database migrated on open", "org", org.Slug, "from", from, "to", to)
		}
	}
	ident, err := orgdb.New(db.W).OrgIdentity(ctx)
	if err != nil {
		return fail(fmt.Errorf("read identity: %w", err))
	}
	if ident.OrgID != org.ID {
		return fail(fmt.Errorf("file %s belongs to org %s", path, ident.OrgID))
	}
	return db, migrated, nil
}

// firstWrite runs OnFirstWrite for e unless it already succeeded.
func (p *Pool) firstWrite(ctx context.Context, e *entry) {
	if p.opt.OnFirstWrite == nil || e.written.Load() {
		return
	}
	e.fw.Lock()
	defer e.fw.Unlock()
	if e.written.Load() {
		return
	}
	if err := p.opt.OnFirstWrite(ctx, e.org); err != nil {
		e.unshipped = true
		p.log.Error("before the first write to an org database (its writes are shipped when it closes)", "org", e.org.Slug, "err", err)
		return
	}
	e.written.Store(true)
}

// evictLocked removes least recently used, unused entries until the pool is
// within MaxOpen, and returns them to be closed outside the lock.
func (p *Pool) evictLocked() []*entry {
	var victims []*entry
	for el := p.lru.Back(); el != nil && p.lru.Len() > p.opt.MaxOpen; {
		e := el.Value.(*entry)
		prev := el.Prev()
		if e.refs == 0 {
			p.removeLocked(e)
			victims = append(victims, e)
			p.stats.Evictions++
		}
		el = prev
	}
	return victims
}

func (p *Pool) removeLocked(e *entry) {
	delete(p.entries, e.org.ID)
	p.lru.Remove(e.elem)
	e.elem = nil
}

// closeLocked closes es in the background, off the request path: their
// connections first, then OnClose (replication lets go of the file). Until
// that finishes the org counts against the hard limit and cannot be
// reopened. p.mu is held.
func (p *Pool) closeLocked(es []*entry, why string) {
	for _, e := range es {
		done := make(chan struct{})
		p.closing[e.org.ID] = done
		p.closers.Add(1)
		go func() {
			defer p.closers.Done()
			p.closeEntry(e, why)
			p.mu.Lock()
			delete(p.closing, e.org.ID)
			close(done)
			p.signalLocked()
			p.mu.Unlock()
		}()
	}
}

// closeEntry closes one org's connections and runs OnClose.
func (p *Pool) closeEntry(e *entry, why string) {
	if err := e.db.Close(); err != nil {
		p.log.Error("close org database", "org", e.org.Slug, "err", err)
	}
	e.fw.Lock()
	held := p.opt.OnFirstWrite == nil || e.written.Load()
	unshipped := e.unshipped && !held
	e.fw.Unlock()
	if p.opt.OnClose != nil && held {
		if err := p.opt.OnClose(context.Background(), e.org); err != nil {
			p.log.Warn("after closing org database", "org", e.org.Slug, "err", err)
		}
	}
	if p.opt.OnShip != nil && unshipped {
		if err := p.opt.OnShip(context.Background(), e.org); err != nil {
			p.log.Error("ship an org database written unreplicated", "org", e.org.Slug, "err", err)
		}
	}
	p.log.Debug("org database closed", "org", e.org.Slug, "why", why)
}

// release drops one reference; if the pool is over its cap, the released
// entry (or another idle one) may now be closed.
func (p *Pool) release(e *entry) {
	p.mu.Lock()
	e.lastUsed = p.now()
	p.unrefLocked(e)
	p.mu.Unlock()
}

// unrefLocked drops one reference without counting it as a use.
func (p *Pool) unrefLocked(e *entry) {
	e.refs--
	if e.refs == 0 && e.elem != nil {
		p.closeLocked(p.evictLocked(), "evicted")
		p.signalLocked()
	}
}

// janitor closes databases left idle for longer than IdleTimeout and
// shrinks those quiet for QuietAfter.
func (p *Pool) janitor() {
	defer close(p.done)
	every := time.Duration(0)
	if p.opt.IdleTimeout > 0 {
		every = p.opt.IdleTimeout / 4
	}
	if q := p.opt.QuietAfter / 2; q > 0 && (every == 0 || q < every) {
		every = q
	}
	if every == 0 {
		<-p.stop
		return
	}
	t := time.NewTicker(max(every, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			if p.opt.IdleTimeout > 0 {
				p.closeIdle()
			}
			if p.opt.QuietAfter > 0 {
				p.shrinkQuiet()
			}
		}
	}
}

// shrinkQuiet has the writer of every org database unused for QuietAfter
// (and not shrunk since its last use) free its page cache. Each is held
// while it shrinks, so it cannot be closed meanwhile; holding it is not a
// use (its idle time goes on).
func (p *Pool) shrinkQuiet() {
	cutoff := p.now().Add(-p.opt.QuietAfter)
	p.mu.Lock()
	var quiet []*entry
	for el := p.lru.Back(); el != nil; el = el.Prev() {
		e := el.Value.(*entry)
		if e.refs == 0 && e.db != nil && e.lastUsed.Before(cutoff) && !e.shrunk.Equal(e.lastUsed) {
			e.refs++
			e.shrunk = e.lastUsed
			quiet = append(quiet, e)
		}
	}
	p.mu.Unlock()
	for _, e := range quiet {
		if err := e.db.ShrinkMemory(context.Background()); err != nil {
			p.log.Warn("shrink a quiet org database's memory", "org", e.org.Slug, "err", err)
		}
		p.mu.Lock()
		p.unrefLocked(e)
		p.mu.Unlock()
	}
	if len(quiet) > 0 {
		p.mu.Lock()
		p.stats.Shrinks += int64(len(quiet))
		p.mu.Unlock()
	}
}

func (p *Pool) closeIdle() {
	cutoff := p.now().Add(-p.opt.IdleTimeout)
	p.mu.Lock()
	var victims []*entry
	for el := p.lru.Back(); el != nil; {
		e := el.Value.(*entry)
		prev := el.Prev()
		if e.refs == 0 && e.lastUsed.Before(cutoff) {
			p.removeLocked(e)
			victims = append(victims, e)
			p.stats.IdleClose++
		}
		el = prev
	}
	p.closeLocked(victims, "idle")
	p.mu.Unlock()
}

// Exclusive puts org into maintenance, waits until no request holds its
// database, closes it, and runs fn while no request can open it (they get
// ErrMaintenance). The organization serves again when fn returns, whatever
// it returns. It is how a restore replaces a live database file safely.
func (p *Pool) Exclusive(ctx context.Context, org Org, fn func(context.Context) error) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrPoolClosed
	}
	if p.maintenance[org.ID] {
		p.mu.Unlock()
		return apperr.Errorf(apperr.Conflict, "%s is already under maintenance.", org.Slug)
	}
	p.maintenance[org.ID] = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.maintenance, org.ID)
		p.mu.Unlock()
	}()
	// Wait for the requests under way, then close the database.
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		p.mu.Lock()
		e, ok := p.entries[org.ID]
		closing, isClosing := p.closing[org.ID]
		switch {
		case isClosing: // a background close (and its OnClose) must finish first
			p.mu.Unlock()
			select {
			case <-closing:
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		case !ok:
			p.mu.Unlock()
			return fn(ctx)
		case e.refs == 0 && e.elem != nil:
			p.removeLocked(e)
			p.mu.Unlock()
			p.closeEntry(e, "maintenance")
			return fn(ctx)
		}
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// InMaintenance reports whether org is under exclusive maintenance.
func (p *Pool) InMaintenance(orgID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maintenance[orgID]
}

// Stats returns a snapshot of the pool's counters.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Open = p.lru.Len()
	s.Closing = len(p.closing)
	return s
}

// IsOpen reports whether org's database is open now.
func (p *Pool) IsOpen(orgID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[orgID]
	return ok && e.elem != nil
}

// Close closes every database. Call it after the HTTP server has finished
// its requests (graceful shutdown); handles still held are closed anyway.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	var errs []error
	for el := p.lru.Front(); el != nil; el = el.Next() {
		e := el.Value.(*entry)
		if e.refs > 0 {
			p.log.Warn("closing org database still in use", "org", e.org.Slug, "refs", e.refs)
		}
		errs = append(errs, e.db.Close())
	}
	p.entries = map[string]*entry{}
	p.lru.Init()
	p.signalLocked()
	p.mu.Unlock()
	p.closers.Wait() // background closes under way finish first
	close(p.stop)
	<-p.done
	return errors.Join(errs...)
}

// Handle is a request's hold on an org database. It is not safe to use after
// Release.
type Handle struct {
	pool *Pool
	e    *entry
	once sync.Once
}

// Org returns the organization the handle belongs to.
func (h *Handle) Org() Org { return h.e.org }

// DB returns the org's database.
func (h *Handle) DB() *sqlite.DB { return h.e.db }

// BeforeWrite runs the pool's OnFirstWrite hook if this open of the
// database has not been written yet (Scope.W and Scope.Tx call it before
// writing). It is one atomic load once the hook has succeeded.
func (h *Handle) BeforeWrite(ctx context.Context) { h.pool.firstWrite(ctx, h.e) }

// Wrote tells the pool's OnWrite hook that the org's database is being or
// has been written.
func (h *Handle) Wrote() {
	if fn := h.pool.opt.OnWrite; fn != nil {
		fn(h.e.org)
	}
}

// Release gives the handle back; it is safe to call more than once.
func (h *Handle) Release() { h.once.Do(func() { h.pool.release(h.e) }) }

// MaxOpen is the pool's cap on open org databases (the option, or the
// default derived from the file limit).
func (p *Pool) MaxOpen() int { return p.opt.MaxOpen }
