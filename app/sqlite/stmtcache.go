package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DBTX is the interface sqlc generates for its queries (orgdb.DBTX,
// platformdb.DBTX): a *sql.DB, a *sql.Tx, or a statement cache.
type DBTX interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	PrepareContext(context.Context, string) (*sql.Stmt, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// Stmts runs queries through prepared statements kept for the life of a
// *sql.DB, so that a query is parsed and planned by SQLite once per
// connection instead of on every call. It implements sqlc's DBTX, so
// orgdb.New(stmts) works as orgdb.New(db) does.
//
// Each distinct query string is prepared once with PrepareContext on first
// use and its *sql.Stmt kept. database/sql does the rest: a Stmt is safe
// for concurrent use, prepares itself on each connection of the pool the
// first time it runs there, and keeps those per-connection statements
// (the modernc driver keeps the SQLite statement of a single-statement
// query and resets it between runs). A query string is a fixed sqlc
// constant, so the cache holds one entry per query the program has, not
// per call.
//
// Transactions go through Tx, which uses tx.StmtContext on the cached
// statements. A query a transaction runs before it was ever prepared runs
// unprepared (the writer's only connection is the transaction's, so it
// cannot be prepared on the pool then) and is prepared after the
// transaction ends.
//
// Statements re-prepared inside sqlite3_step: SQLite re-prepares a
// statement on its next step when it expired, after a schema change
// (SQLITE_SCHEMA: our migrations run before serving; Litestream's
// CREATE TABLE IF NOT EXISTS runs once at start and its _litestream_seq
// updates are plain writes) or when a parameter whose value the planner
// used is bound to a different value. This SQLite reads the value bound to
// a bare "LIMIT ?" when planning (sqlite3ExprIsInteger, for the LIMIT
// register and the row estimate) and marks the parameter, so a statement
// prepared per call was prepared twice (prepare, bind, expire, prepare
// again in step), and a cached one is prepared again each time the limit
// differs from its previous run on that connection. Our queries write
// LIMIT CAST(? AS INTEGER), which the planner does not look into
// (TestNoBareLimitParameter keeps it so). A "col = ?" term in a join or an
// ORDER BY query is marked too, but only a change to or from 0 or 1
// expires it, and the driver leaves integer bindings in place between
// runs, so ids re-prepare only when they cross 1. No ANALYZE runs, so
// STAT4 samples never make range parameters plan-dependent either.
//
// A statement must not run again in the same transaction while rows it
// returned are still open (the second run would reset the first's
// cursor); sqlc's functions always read and close their rows before
// returning, so this cannot happen through them.
type Stmts struct {
	db *sql.DB

	// Observe, if set, is called after every query with the query's
	// context (so a slow-query line can carry the request id), its sqlc
	// name (see QueryName), how long it took and its error (a QueryRow
	// that finds nothing reports nil: sql.ErrNoRows only comes out of
	// Scan). Set it before the first query; it is nil by default, which
	// costs a nil check. Per-query metrics hang here.
	Observe func(ctx context.Context, name string, d time.Duration, err error)

	writes  atomic.Uint64 // statements run (see Writes)
	noCount bool          // reads on the writer: they change nothing, count nothing

	mu     sync.RWMutex
	stmts  map[string]*cachedStmt
	closed bool
}

// Writes counts the statements run through the cache, and the
// transactions committed through Tx, each counted once it ran. On the
// writer's cache it changes whenever the database may have changed in this
// process, so a cache of something derived from the database (a rendered
// page) can tell it is stale by comparing counts read before computing it.
func (c *Stmts) Writes() uint64 { return c.writes.Load() }

type cachedStmt struct {
	st   *sql.Stmt
	name string
}

func (c *Stmts) count() {
	if !c.noCount {
		c.writes.Add(1)
	}
}

// NewStmts returns an empty statement cache over db.
func NewStmts(db *sql.DB) *Stmts {
	return &Stmts{db: db, stmts: map[string]*cachedStmt{}}
}

// DB returns the database the statements are prepared on.
func (c *Stmts) DB() *sql.DB { return c.db }

// errStmtsClosed is returned once the cache (its database) is closed.
var errStmtsClosed = errors.New("sqlite: statement cache is closed")

// stmt returns the cached statement for query, preparing it on first use.
func (c *Stmts) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	c.mu.RLock()
	s, ok := c.stmts[query]
	closed := c.closed
	c.mu.RUnlock()
	if ok {
		return s, nil
	}
	if closed {
		return nil, errStmtsClosed
	}
	// Prepared outside the lock: it may wait for a connection, and other
	// queries must not wait behind it. Two callers may prepare the same
	// query at once; the first to store it wins and the other closes its
	// copy.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		st.Close()
		return nil, errStmtsClosed
	}
	if s, ok := c.stmts[query]; ok {
		st.Close()
		return s, nil
	}
	s = &cachedStmt{st: st, name: QueryName(query)}
	c.stmts[query] = s
	return s, nil
}

// cached returns the statement for query if it was prepared already.
func (c *Stmts) cached(query string) (*cachedStmt, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s, ok := c.stmts[query]
	return s, ok
}

func (c *Stmts) observe(ctx context.Context, name string, start time.Time, err error) {
	if c.Observe != nil {
		c.Observe(ctx, name, time.Since(start), err)
	}
}

// observeQuery is observe for a query whose name was not looked up yet.
func (c *Stmts) observeQuery(ctx context.Context, query string, start time.Time, err error) {
	if c.Observe != nil {
		c.Observe(ctx, QueryName(query), time.Since(start), err)
	}
}

// ExecContext runs query (a statement that returns no rows) prepared.
func (c *Stmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	defer c.count() // after the statement: a count read before it is stale now
	start := time.Now()
	s, err := c.stmt(ctx, query)
	if err != nil {
		c.observeQuery(ctx, query, start, err)
		return nil, err
	}
	res, err := s.st.ExecContext(ctx, args...)
	c.observe(ctx, s.name, start, err)
	return res, err
}

// QueryContext runs query prepared and returns its rows.
func (c *Stmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	// sqlc's :one and :many writes (RETURNING) come this way; the write
	// commits when the rows are closed, a moment after the count moves.
	defer c.count()
	start := time.Now()
	s, err := c.stmt(ctx, query)
	if err != nil {
		c.observeQuery(ctx, query, start, err)
		return nil, err
	}
	rows, err := s.st.QueryContext(ctx, args...)
	c.observe(ctx, s.name, start, err)
	return rows, err
}

// QueryRowContext runs query prepared and returns its first row. A failure
// to prepare is returned by the Row's Scan, as database/sql does.
func (c *Stmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	defer c.count()
	start := time.Now()
	s, err := c.stmt(ctx, query)
	if err != nil {
		c.observeQuery(ctx, query, start, err)
		// A Row carrying the error: QueryRowContext on a closed DB fails
		// the same way at Scan.
		return c.db.QueryRowContext(ctx, query, args...)
	}
	row := s.st.QueryRowContext(ctx, args...)
	c.observe(ctx, s.name, start, row.Err())
	return row
}

// PrepareContext returns the cached statement for query. The caller must
// not close it: it belongs to the cache (sqlc's generated code never calls
// PrepareContext unless asked to emit prepared queries).
func (c *Stmts) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.st, nil
}

// Tx runs fn in a transaction on the cache's database (an immediate one on
// the writer, which the DSN's _txlock sets), committing if fn returns nil
// and rolling back otherwise. fn's DBTX runs the cached statements inside
// the transaction.
func (c *Stmts) Tx(ctx context.Context, fn func(DBTX) error) error {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &txStmts{c: c, tx: tx}
	if err := fn(t); err != nil {
		err = errors.Join(err, tx.Rollback())
		c.prepareMissed(ctx, t.missed)
		return err
	}
	err = tx.Commit()
	c.count() // after the commit: a count read before it is stale now
	c.prepareMissed(ctx, t.missed)
	return err
}

// prepareMissed prepares the queries a transaction ran unprepared, now
// that the connection is free, so that the next transaction finds them.
// A failure is not the transaction's: the query simply runs unprepared
// again next time.
func (c *Stmts) prepareMissed(ctx context.Context, missed []string) {
	for _, q := range missed {
		_, _ = c.stmt(context.WithoutCancel(ctx), q)
	}
}

// Close closes every cached statement. Queries after Close fail.
func (c *Stmts) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}

// Len returns how many statements are cached (tests, metrics).
func (c *Stmts) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.stmts)
}

// txStmts is the DBTX of one transaction: the cached statements bound to
// the transaction's connection (tx.StmtContext reuses the statement
// already prepared on that connection), each bound once per transaction.
type txStmts struct {
	c      *Stmts
	tx     *sql.Tx
	bound  map[string]*sql.Stmt
	missed []string
}

// stmt returns query's statement bound to the transaction, or nil if the
// query was never prepared (it then runs unprepared, and is prepared
// after the transaction).
func (t *txStmts) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := t.bound[query]; ok {
		return st
	}
	s, ok := t.c.cached(query)
	if !ok {
		t.missed = append(t.missed, query)
		return nil
	}
	st := t.tx.StmtContext(ctx, s.st)
	if t.bound == nil {
		t.bound = map[string]*sql.Stmt{}
	}
	t.bound[query] = st
	return st
}

func (t *txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	start := time.Now()
	var res sql.Result
	var err error
	if st := t.stmt(ctx, query); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = t.tx.ExecContext(ctx, query, args...)
	}
	t.c.observeQuery(ctx, query, start, err)
	return res, err
}

func (t *txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	start := time.Now()
	var rows *sql.Rows
	var err error
	if st := t.stmt(ctx, query); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = t.tx.QueryContext(ctx, query, args...)
	}
	t.c.observeQuery(ctx, query, start, err)
	return rows, err
}

func (t *txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	start := time.Now()
	var row *sql.Row
	if st := t.stmt(ctx, query); st != nil {
		row = st.QueryRowContext(ctx, args...)
	} else {
		row = t.tx.QueryRowContext(ctx, query, args...)
	}
	t.c.observeQuery(ctx, query, start, row.Err())
	return row
}

// PrepareContext prepares query on the transaction (closed with it).
func (t *txStmts) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st, nil
	}
	return t.tx.PrepareContext(ctx, query)
}

// QueryName returns the name sqlc gives a query in the comment it starts
// with ("-- name: SessionByTokenHash :one" gives "SessionByTokenHash"), or
// "" for a query written by hand. Metrics and logs identify queries by it.
func QueryName(query string) string {
	const prefix = "-- name: "
	if !strings.HasPrefix(query, prefix) {
		return ""
	}
	rest := query[len(prefix):]
	if i := strings.IndexAny(rest, " \n"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// dbStmts are a DB's two statement caches, made on first use so that
// opening a database costs nothing more.
type dbStmts struct {
	once sync.Once
	r, w *Stmts
	// wr runs reads on the writer's connection (Reader); it counts no
	// writes, so caches keyed on Writer().Writes stay valid.
	wr *Stmts
	// readers is set once a reader connection has been seen: from then on
	// reads always go to the read pool.
	readers atomic.Bool
}

func (db *DB) initStmts() {
	db.stmts.once.Do(func() {
		db.stmts.r, db.stmts.w = NewStmts(db.R), NewStmts(db.W)
		db.stmts.wr = NewStmts(db.W)
		db.stmts.wr.noCount = true
	})
}

// Reader returns the prepared statements read-only queries should run
// through: the read pool's, except while no reader has connected yet and
// the writer is idle, when reads run on the writer's connection, which is
// already open and has already parsed the schema. A cold organization's
// first requests then open one connection instead of two (each parses
// the 60-odd tables and indexes: about half of a cold open's CPU), and an
// organization that never has two requests at once never opens a reader.
// The first read that finds the writer busy connects a reader, and reads
// use the read pool from then on.
func (db *DB) Reader() *Stmts {
	db.initStmts()
	if db.stmts.readers.Load() {
		return db.stmts.r
	}
	if db.R.Stats().OpenConnections > 0 || db.W.Stats().InUse > 0 {
		db.stmts.readers.Store(true)
		return db.stmts.r
	}
	return db.stmts.wr
}

// SetObserve sets the Observe hook of every statement cache of db (see
// Stmts.Observe); call it before the first query.
func (db *DB) SetObserve(fn func(ctx context.Context, name string, d time.Duration, err error)) {
	db.initStmts()
	db.stmts.r.Observe, db.stmts.w.Observe, db.stmts.wr.Observe = fn, fn, fn
}

// Writer returns the prepared statements of the writer: lone writes, and
// transactions through its Tx.
func (db *DB) Writer() *Stmts {
	db.initStmts()
	return db.stmts.w
}

// closeStmts closes both caches (before their pools close).
func (db *DB) closeStmts() error {
	db.initStmts()
	return errors.Join(db.stmts.r.Close(), db.stmts.wr.Close(), db.stmts.w.Close())
}
