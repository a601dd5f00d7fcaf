package auth

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"sportsapp/app/apperr"
)

// ErrBusy is returned when a password hash or check could not start in
// time: too many are running and too many are already waiting. The web
// layer answers 503 with Retry-After; nothing crashes and nothing is
// half-done (no hash was computed, so nothing was written).
var ErrBusy = &apperr.Error{
	Code:       apperr.Unavailable,
	Message:    "The server is busy, try again in a few seconds.",
	RetryAfter: 5 * time.Second,
}

// Gate bounds how many argon2id computations run at once. Each one holds
// DefaultParams.Memory (19 MiB) for its whole run, so without a bound 64
// concurrent sign-ups took the server to 2 GB and made every one of them
// slow (issue 11). Callers beyond the slots wait in line, up to a queue
// length and a maximum wait; past either they get ErrBusy at once, so a
// flood costs a bounded amount of memory and a quick refusal.
type Gate struct {
	sem      *semaphore.Weighted
	queue    int64
	maxWait  time.Duration
	inUse    atomic.Int64
	waiting  atomic.Int64
	rejected atomic.Int64
}

// NewGate returns a gate of slots concurrent computations, at most queue
// callers waiting, each for at most maxWait.
func NewGate(slots, queue int, maxWait time.Duration) *Gate {
	return &Gate{sem: semaphore.NewWeighted(int64(max(slots, 1))), queue: int64(queue), maxWait: maxWait}
}

// DefaultGate sizes the gate for this machine: two slots per CPU the Go
// scheduler uses (a hash is CPU-bound, so more at once only adds memory and
// latency), 64 waiting, 5 seconds at most.
func DefaultGate() *Gate { return NewGate(2*runtime.GOMAXPROCS(0), 64, 5*time.Second) }

// Acquire takes a slot, waiting in line if needed. It fails with ErrBusy
// if the line is full, if the wait passes maxWait, or if ctx ends first.
// Call release exactly once when the computation is done.
func (g *Gate) Acquire(ctx context.Context) (release func(), err error) {
	if !g.sem.TryAcquire(1) {
		if g.waiting.Add(1) > g.queue {
			g.waiting.Add(-1)
			g.rejected.Add(1)
			return nil, ErrBusy
		}
		wctx, cancel := context.WithTimeout(ctx, g.maxWait)
		err := g.sem.Acquire(wctx, 1)
		cancel()
		g.waiting.Add(-1)
		if err != nil {
			g.rejected.Add(1)
			return nil, ErrBusy
		}
	}
	g.inUse.Add(1)
	return g.release, nil
}

func (g *Gate) release() {
	g.inUse.Add(-1)
	g.sem.Release(1)
}

// GateStats are a gate's counters, for monitoring.
type GateStats struct {
	InUse    int64 // computations running now
	Waiting  int64 // callers waiting for a slot now
	Rejected int64 // callers refused with ErrBusy since start
}

// Stats returns the gate's counters.
func (g *Gate) Stats() GateStats {
	return GateStats{InUse: g.inUse.Load(), Waiting: g.waiting.Load(), Rejected: g.rejected.Load()}
}

// gate is the gate every HashPassword, CheckPassword and SpendPasswordTime
// goes through: one per process, because the memory it protects is.
var gate atomic.Pointer[Gate]

func init() { gate.Store(DefaultGate()) }

// SetGate replaces the process's hashing gate and returns the previous one
// (a server may size it from its configuration; tests install a small one
// and fill it to see the busy path).
func SetGate(g *Gate) *Gate { return gate.Swap(g) }

// Stats returns the counters of the process's hashing gate, so monitoring
// can expose them.
func Stats() GateStats { return gate.Load().Stats() }

// gated runs fn in a slot of the process's gate.
func gated(ctx context.Context, fn func()) error {
	release, err := gate.Load().Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	fn()
	return nil
}
