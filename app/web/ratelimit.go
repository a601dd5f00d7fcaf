package web

import (
	"fmt"
	"math"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	lru "github.com/hashicorp/golang-lru/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/tenant"
)

// Sign-in throttling per account (see auth.Throttle): five attempts on one
// email in one organization within 15 minutes, from any address, then 15
// minutes of refusals. Enough for a person who mistypes, far too few to
// guess a password. At most signInKeys emails are remembered (about 10 MB).
const (
	signInAttempts = 5
	signInWindow   = 15 * time.Minute
	signInLockout  = 15 * time.Minute
	signInKeys     = 65536
	limiterKeys    = 65536 // per-client counters kept by the rate limiter
)

// errTooMany is the answer to too many sign-in or reset attempts.
var errTooMany = fiber.NewError(fiber.StatusTooManyRequests, "Too many attempts. Please wait a minute and try again.")

// place names what a request's host resolved to, for rate-limit keys: the
// organization's immutable id, or "platform". Every spelling of one host
// (port, trailing dot, capitals, a forwarded host) is the same place.
func place(c *fiber.Ctx) string {
	if t, ok := targetOf(c); ok && t.Kind == tenant.HostOrg {
		return "org:" + t.Org.ID
	}
	return "platform"
}

// rateLimit limits attempts on one route per place and client address
// (ipOf: the forwarded address only when it comes from a trusted proxy):
// 10 a minute by default, enough for a person, too few for guessing
// passwords. route is the route's pattern from the route table, so that
// /login, /login/ and /LOGIN, which Fiber all routes there, share a budget.
func (s *Server) rateLimit(route string) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          s.limitMax,
		Expiration:   time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string { return place(c) + "|" + route + "|" + clientIP(c) },
		LimitReached: func(c *fiber.Ctx) error { return errTooMany },
		Storage:      s.limits,
	})
}

// clientIP is ipOf(c) cut to the length of an address, so that keys stay
// small whatever a (trusted) proxy header holds.
func clientIP(c *fiber.Ctx) string {
	ip := ipOf(c)
	if len(ip) > 64 {
		ip = ip[:64]
	}
	return ip
}

// signInKey is the per-account throttle key of a sign-in with email.
func signInKey(c *fiber.Ctx, email string) string { return auth.SignInKey(place(c), email) }

// checkSignIn counts a sign-in attempt for email on this host and refuses
// it while that account is locked. Unknown emails are counted the same way,
// so the refusal does not tell whether an account exists.
func (s *Server) checkSignIn(c *fiber.Ctx, email string) error {
	wait := s.signins.Attempt(signInKey(c, email))
	if wait <= 0 {
		return nil
	}
	minutes := int(math.Ceil(wait.Minutes()))
	unit := "minutes"
	if minutes == 1 {
		unit = "minute"
	}
	return &apperr.Error{
		Code: apperr.TooMany,
		Message: fmt.Sprintf("Too many sign-in attempts for this email address. To protect the account, signing in with it is paused for %d %s; please try again later.",
			minutes, unit),
		RetryAfter: wait,
	}
}

// signInSucceeded clears the throttle of email on this host.
func (s *Server) signInSucceeded(c *fiber.Ctx, email string) {
	s.signins.Succeeded(signInKey(c, email))
}

// boundedStore is the rate limiter's storage: Fiber's default keeps every
// key for its expiry however many arrive, this one keeps at most size keys
// (the least recently used go first), so a flood of addresses cannot grow
// memory without bound.
type boundedStore struct {
	keys *lru.Cache[string, storeEntry] // safe for concurrent use
}

type storeEntry struct {
	val []byte
	exp time.Time // zero: never
}

func newBoundedStore(size int) *boundedStore {
	keys, _ := lru.New[string, storeEntry](size)
	return &boundedStore{keys: keys}
}

// Get returns the value of key, or nil if it is unknown or expired.
func (b *boundedStore) Get(key string) ([]byte, error) {
	e, ok := b.keys.Get(key)
	if !ok {
		return nil, nil
	}
	if !e.exp.IsZero() && !time.Now().Before(e.exp) {
		b.keys.Remove(key)
		return nil, nil
	}
	return e.val, nil
}

// Set stores val under key for exp (0: no expiry).
func (b *boundedStore) Set(key string, val []byte, exp time.Duration) error {
	e := storeEntry{val: append([]byte(nil), val...)}
	if exp > 0 {
		e.exp = time.Now().Add(exp)
	}
	b.keys.Add(key, e)
	return nil
}

// Delete removes key.
func (b *boundedStore) Delete(key string) error { b.keys.Remove(key); return nil }

// Reset removes every key.
func (b *boundedStore) Reset() error { b.keys.Purge(); return nil }

// Close does nothing: the store is only memory.
func (b *boundedStore) Close() error { return nil }

// Len returns how many keys the store holds.
func (b *boundedStore) Len() int { return b.keys.Len() }
