package auth

import (
	"crypto/sha256"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Throttle slows down password guessing against one account, from however
// many addresses the guesses come (a botnet gets no more tries than one
// client): after max attempts on a key within window, further attempts are
// refused for lockout. A successful sign-in clears the key.
//
// It is kept in memory and bounded: at most size keys (the least recently
// used are forgotten first), each a fixed-size hash, so a flood of random
// emails cannot grow it. Forgetting is the lenient side: a forgotten key
// starts again with a fresh budget, never locked by mistake.
type Throttle struct {
	max     int
	window  time.Duration
	lockout time.Duration
	now     func() time.Time

	mu   sync.Mutex // makes each Attempt's read-modify-write atomic
	keys *lru.Cache[string, *attempts]
}

type attempts struct {
	n           int       // attempts since `since`
	since       time.Time // start of the current window
	lockedUntil time.Time
}

// NewThrottle returns a throttle allowing maxAttempts per key within
// window, then refusing for lockout, remembering at most size keys. now is
// the clock (nil: time.Now).
func NewThrottle(maxAttempts int, window, lockout time.Duration, size int, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	keys, _ := lru.New[string, *attempts](max(size, 1))
	return &Throttle{max: maxAttempts, window: window, lockout: lockout, now: now, keys: keys}
}

// SignInKey is the throttle key of a sign-in: the place (an organization's
// id, or "platform") and the email, trimmed and lower-cased as accounts
// store it, hashed so that every key has the same small size.
func SignInKey(place, email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return place + "|" + string(sum[:])
}

// Attempt records an attempt on key and returns 0 if it may go ahead, or
// how long until the key may try again. The attempt that reaches max goes
// ahead and starts the lockout for the ones after it.
func (t *Throttle) Attempt(key string) (wait time.Duration) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.keys.Get(key)
	switch {
	case !ok:
		a = &attempts{since: now}
		t.keys.Add(key, a)
	case now.Before(a.lockedUntil):
		return a.lockedUntil.Sub(now)
	case !a.lockedUntil.IsZero() || now.Sub(a.since) >= t.window:
		*a = attempts{since: now} // the lockout or the window is over
	}
	a.n++
	if a.n >= t.max {
		a.lockedUntil = now.Add(t.lockout)
	}
	return 0
}

// Succeeded clears key after a successful sign-in (or a password reset,
// which proves the person owns the email).
func (t *Throttle) Succeeded(key string) { t.keys.Remove(key) }

// Len returns how many keys the throttle remembers.
func (t *Throttle) Len() int { return t.keys.Len() }
