package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// useGate installs g as the process's gate for the test.
func useGate(t *testing.T, g *Gate) {
	t.Helper()
	prev := SetGate(g)
	t.Cleanup(func() { SetGate(prev) })
}

func TestGateRefusesWhenFullAndQueueFull(t *testing.T) {
	g := NewGate(1, 0, time.Hour)
	release, err := g.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Acquire(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("second Acquire on a full gate with no queue: %v, want ErrBusy", err)
	}
	if got, want := g.Stats(), (GateStats{InUse: 1, Waiting: 0, Rejected: 1}); got != want {
		t.Fatalf("Stats = %+v, want %+v", got, want)
	}
	release()
	release, err = g.Acquire(ctx)
	if err != nil {
		t.Fatalf("Acquire after release: %v", err)
	}
	release()
}

func TestGateWaitIsBounded(t *testing.T) {
	g := NewGate(1, 1, 10*time.Millisecond)
	release, _ := g.Acquire(ctx)
	defer release()
	if _, err := g.Acquire(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("Acquire past maxWait: %v, want ErrBusy", err)
	}
	// A request whose context ends stops waiting too.
	g = NewGate(1, 1, time.Hour)
	release2, _ := g.Acquire(ctx)
	defer release2()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.Acquire(cctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("Acquire with an ended context: %v, want ErrBusy", err)
	}
	if got := g.Stats(); got.Rejected != 1 || got.Waiting != 0 {
		t.Fatalf("Stats = %+v", got)
	}
}

func TestGateWaiterGetsTheFreedSlot(t *testing.T) {
	g := NewGate(1, 1, time.Hour)
	release, _ := g.Acquire(ctx)
	done := make(chan error)
	go func() {
		r, err := g.Acquire(ctx)
		if err == nil {
			r()
		}
		done <- err
	}()
	for g.Stats().Waiting != 1 {
		time.Sleep(time.Millisecond)
	}
	// The line is full now: a third caller is refused at once.
	if _, err := g.Acquire(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("Acquire with a full line: %v, want ErrBusy", err)
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("waiter: %v", err)
	}
	if got, want := g.Stats(), (GateStats{Rejected: 1}); got != want {
		t.Fatalf("Stats = %+v, want %+v", got, want)
	}
}

func TestGateBoundsConcurrency(t *testing.T) {
	g := NewGate(3, 100, time.Minute)
	var running, peak atomic.Int64
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			release, err := g.Acquire(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			release()
		})
	}
	wg.Wait()
	if p := peak.Load(); p > 3 {
		t.Fatalf("%d ran at once through a gate of 3", p)
	}
}

// Hashing, checking and the unknown-email path all go through the gate, so
// a full gate refuses each of them the same way.
func TestPasswordFunctionsAreGated(t *testing.T) {
	h, err := HashPassword(ctx, "a password")
	if err != nil {
		t.Fatal(err)
	}
	g := NewGate(1, 0, time.Hour)
	useGate(t, g)
	release, _ := g.Acquire(ctx)
	defer release()
	if _, err := HashPassword(ctx, "a password"); !errors.Is(err, ErrBusy) {
		t.Errorf("HashPassword on a full gate: %v", err)
	}
	if _, err := CheckPassword(ctx, h, "a password"); !errors.Is(err, ErrBusy) {
		t.Errorf("CheckPassword on a full gate: %v", err)
	}
	if err := SpendPasswordTime(ctx, "a password"); !errors.Is(err, ErrBusy) {
		t.Errorf("SpendPasswordTime on a full gate: %v", err)
	}
	if got := Stats().Rejected; got != 3 {
		t.Errorf("Stats().Rejected = %d, want 3", got)
	}
}
