package tenant

import (
	"context"
	"errors"
	"sync"
	"testing"

	"sportsapp/app/db/orgdb"
)

// hookLog records the replication hooks a pool calls, by org slug.
type hookLog struct {
	mu                  sync.Mutex
	first, closed, ship map[string]int
	failFirst           bool
}

func newHookLog() *hookLog {
	return &hookLog{first: map[string]int{}, closed: map[string]int{}, ship: map[string]int{}}
}

func (l *hookLog) options() PoolOptions {
	return PoolOptions{
		MaxOpen: 1,
		OnFirstWrite: func(_ context.Context, o Org) error {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.first[o.Slug]++
			if l.failFirst {
				return errors.New("replica unreachable")
			}
			return nil
		},
		OnClose: func(_ context.Context, o Org) error {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.closed[o.Slug]++
			return nil
		},
		OnShip: func(_ context.Context, o Org) error {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.ship[o.Slug]++
			return nil
		},
	}
}

func (l *hookLog) counts(slug string) [3]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return [3]int{l.first[slug], l.closed[slug], l.ship[slug]}
}

// use acquires org, runs fn on its scope, and releases it.
func use(t *testing.T, p *Pool, o Org, fn func(*Scope)) {
	t.Helper()
	h, err := p.Acquire(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	fn(NewScope(h))
	h.Release()
}

// An org that is only read never starts replication; the first write of
// each open does, once, and only a replicated org is released at close; a
// write made while the hook fails is shipped at close instead.
func TestReplicationFromTheFirstWrite(t *testing.T) {
	ctx := context.Background()
	reg := newRegistry(t)
	orgs := createOrgs(t, reg, 2)
	a, b := orgs[0], orgs[1]
	l := newHookLog()
	p := newPool(t, reg, l.options())
	read := func(sc *Scope) {
		if _, err := sc.Q().OrgIdentity(ctx); err != nil {
			t.Fatal(err)
		}
	}
	write := func(sc *Scope) {
		if err := sc.Tx(ctx, func(q *orgdb.Queries) error { _, err := q.OrgIdentity(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		sc.W()
	}
	evict := func(o Org) { // MaxOpen 1: opening the other org closes o
		other := b
		if o == b {
			other = a
		}
		use(t, p, other, read)
		// Waits for o's background close (and its hooks) to finish.
		if err := p.Exclusive(ctx, o, func(context.Context) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}

	use(t, p, a, read)
	use(t, p, a, read)
	evict(a)
	if got := l.counts(a.Slug); got != [3]int{0, 0, 0} {
		t.Fatalf("read only: first write, close, ship = %v, want none", got)
	}

	use(t, p, a, write)
	use(t, p, a, write)
	evict(a)
	if got := l.counts(a.Slug); got != [3]int{1, 1, 0} {
		t.Fatalf("written twice: first write, close, ship = %v, want 1, 1, 0", got)
	}

	l.mu.Lock()
	l.failFirst = true
	l.mu.Unlock()
	use(t, p, a, write)
	evict(a)
	if got := l.counts(a.Slug); got[0] < 2 || got[1] != 1 || got[2] != 1 {
		t.Fatalf("written while the hook fails: first write, close, ship = %v, want retries, no close, one ship", got)
	}
}
