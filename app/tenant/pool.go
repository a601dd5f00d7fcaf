package tenant

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/sqlite"
)

// PoolOptions configures the pool of open organization databases.
type PoolOptions struct {
	// MaxOpen caps how many org databases stay open (default 256). It is a
	// soft cap: an org in use by a request is never closed, so the pool may
	// exceed the cap briefly and shrinks as soon as those requests finish.
	MaxOpen int
	// IdleTimeout closes an org database nobody used for this long
	// (default 10 minutes; negative disables idle closing).
	IdleTimeout time.Duration
	// Readers is the read pool size per org (default sqlite.DefaultReaders).
	Readers int
	// Logger receives open/close events (default slog.Default()).
	Logger *slog.Logger
	// OnOpen runs after an org's database is opened, before its first
	// request uses it (the server makes sure it is replicated). Its error
	// is logged, never returned to the request.
	OnOpen func(context.Context, Org) error
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

	mu          sync.Mutex
	entries     map[string]*entry // by org id
	lru         *list.List        // of *entry, most recent at the front
	maintenance map[string]bool   // org ids under exclusive maintenance (restore)
	closed      bool
	stats       PoolStats
}

// PoolStats counts what the pool has done (for tests, logs and metrics).
type PoolStats struct {
	Open      int   // databases open now
	Opens     int64 // files opened since start
	Evictions int64 // closed to stay under MaxOpen
	IdleClose int64 // closed after IdleTimeout
}

type entry struct {
	org      Org
	db       *sqlite.DB
	err      error
	ready    chan struct{} // closed when db or err is set
	refs     int
	lastUsed time.Time
	elem     *list.Element
}

// NewPool returns a pool opening the organization files that reg knows.
func NewPool(reg *Registry, opt PoolOptions) *Pool {
	if opt.MaxOpen <= 0 {
		opt.MaxOpen = 256
	}
	if opt.IdleTimeout == 0 {
		opt.IdleTimeout = 10 * time.Minute
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	p := &Pool{
		reg: reg, opt: opt, log: opt.Logger, now: time.Now,
		stop: make(chan struct{}), done: make(chan struct{}),
		entries: map[string]*entry{}, lru: list.New(), maintenance: map[string]bool{},
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
	if p.closed {
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	if p.maintenance[org.ID] {
		p.mu.Unlock()
		return nil, ErrMaintenance
	}
	e, ok := p.entries[org.ID]
	if !ok {
		e = &entry{org: org, ready: make(chan struct{}), refs: 1}
		p.entries[org.ID] = e
		p.mu.Unlock()
		return p.open(ctx, e)
	}
	e.refs++
	p.mu.Unlock()

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

// open opens e's file on behalf of every request waiting for it. It runs
// without the pool lock, so opening one org never delays requests to others.
func (p *Pool) open(ctx context.Context, e *entry) (*Handle, error) {
	// The open is shared: one waiter giving up must not fail the others.
	db, err := p.openFile(context.WithoutCancel(ctx), e.org)
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
		p.mu.Unlock()
		p.log.Error("open org database", "org", e.org.Slug, "org_id", e.org.ID, "err", err)
		return nil, err
	}
	e.lastUsed = p.now()
	e.elem = p.lru.PushFront(e)
	p.stats.Opens++
	victims := p.evictLocked()
	p.mu.Unlock()
	p.closeAll(victims, "evicted")
	return &Handle{pool: p, e: e}, nil
}

// openFile opens the org's database and checks that it is the org's file and
// at the current schema version. It never creates or migrates a file.
func (p *Pool) openFile(ctx context.Context, org Org) (*sqlite.DB, error) {
	path, err := p.reg.OrgPath(org.ID)
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, path, sqlite.Options{Readers: p.opt.Readers})
	if err != nil {
		return nil, err
	}
	if err := OrgMigrations.Check(ctx, db.R); err != nil {
		db.Close()
		return nil, fmt.Errorf("org %s: %w", org.Slug, err)
	}
	ident, err := orgdb.New(db.R).OrgIdentity(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("org %s: read identity: %w", org.Slug, err)
	}
	if ident.OrgID != org.ID {
		db.Close()
		return nil, fmt.Errorf("org %s: file %s belongs to org %s", org.Slug, path, ident.OrgID)
	}
	return db, nil
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

func (p *Pool) closeAll(es []*entry, why string) {
	for _, e := range es {
		if err := e.db.Close(); err != nil {
			p.log.Error("close org database", "org", e.org.Slug, "err", err)
		}
		p.log.Debug("org database closed", "org", e.org.Slug, "why", why)
	}
}

// release drops one reference; if the pool is over its cap, the released
// entry (or another idle one) may now be closed.
func (p *Pool) release(e *entry) {
	p.mu.Lock()
	e.refs--
	e.lastUsed = p.now()
	var victims []*entry
	if e.refs == 0 && e.elem != nil {
		victims = p.evictLocked()
	}
	p.mu.Unlock()
	p.closeAll(victims, "evicted")
}

// janitor closes databases left idle for longer than IdleTimeout.
func (p *Pool) janitor() {
	defer close(p.done)
	if p.opt.IdleTimeout < 0 {
		<-p.stop
		return
	}
	t := time.NewTicker(max(p.opt.IdleTimeout/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.closeIdle()
		}
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
	p.mu.Unlock()
	p.closeAll(victims, "idle")
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
		switch {
		case !ok:
			p.mu.Unlock()
			return fn(ctx)
		case e.refs == 0 && e.elem != nil:
			p.removeLocked(e)
			p.mu.Unlock()
			p.closeAll([]*entry{e}, "maintenance")
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
	p.mu.Unlock()
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

// Release gives the handle back; it is safe to call more than once.
func (h *Handle) Release() { h.once.Do(func() { h.pool.release(h.e) }) }
