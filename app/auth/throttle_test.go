package auth

import (
	"fmt"
	"testing"
	"time"
)

// clock is a fake clock tests move by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time             { return c.t }
func (c *clock) add(d time.Duration)        { c.t = c.t.Add(d) }
func newClock() *clock                      { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }
func allowed(th *Throttle, key string) bool { return th.Attempt(key) == 0 }

func TestThrottleLocksAfterMaxAttempts(t *testing.T) {
	c := newClock()
	th := NewThrottle(3, 15*time.Minute, 10*time.Minute, 100, c.now)
	key := SignInKey("org1", "member@example.org")
	for i := range 3 {
		if !allowed(th, key) {
			t.Fatalf("attempt %d refused", i+1)
		}
		c.add(time.Minute)
	}
	// Locked for 10 minutes from the third attempt (2 minutes ago).
	if got, want := th.Attempt(key), 9*time.Minute; got != want {
		t.Fatalf("4th attempt: wait %v, want %v", got, want)
	}
	// The same email, however written, is the same key; another place or
	// another email is not.
	if allowed(th, SignInKey("org1", "  MEMBER@Example.org ")) {
		t.Error("the same email in capitals got through")
	}
	if !allowed(th, SignInKey("org2", "member@example.org")) || !allowed(th, SignInKey("org1", "other@example.org")) {
		t.Error("another org or another email was refused")
	}
	c.add(9 * time.Minute)
	if !allowed(th, key) {
		t.Fatal("refused after the lockout")
	}
}

func TestThrottleWindow(t *testing.T) {
	c := newClock()
	th := NewThrottle(3, 15*time.Minute, 10*time.Minute, 100, c.now)
	key := SignInKey("org1", "member@example.org")
	for range 2 {
		th.Attempt(key)
	}
	c.add(15 * time.Minute) // the window is over: a fresh budget
	for i := range 3 {
		if !allowed(th, key) {
			t.Fatalf("attempt %d of the new window refused", i+1)
		}
	}
	if allowed(th, key) {
		t.Fatal("4th attempt in the window got through")
	}
}

func TestThrottleSuccessClears(t *testing.T) {
	c := newClock()
	th := NewThrottle(3, 15*time.Minute, 10*time.Minute, 100, c.now)
	key := SignInKey("org1", "member@example.org")
	for range 2 {
		th.Attempt(key)
	}
	th.Attempt(key) // the third succeeds...
	th.Succeeded(key)
	for i := range 3 { // ...so the count starts again
		if !allowed(th, key) {
			t.Fatalf("attempt %d after a success refused", i+1)
		}
	}
}

// A flood of distinct emails keeps the throttle at its size.
func TestThrottleIsBounded(t *testing.T) {
	th := NewThrottle(3, time.Hour, time.Hour, 1000, nil)
	for i := range 10_000 {
		th.Attempt(SignInKey("org1", fmt.Sprintf("random%d@example.org", i)))
	}
	if got := th.Len(); got != 1000 {
		t.Fatalf("Len = %d after 10,000 emails, want 1000", got)
	}
}
