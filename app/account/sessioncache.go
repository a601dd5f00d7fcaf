package account

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"

	"sportsapp/app/tenant"
)

// Session lookups are cached so that a signed-in request does not read
// SQLite to learn who it is. What is cached, and when it stops being
// believed:
//
//   - an entry says that a session token (by its hash) of one open
//     organization database belongs to an active user, with the user's
//     fields, the session's expiry and when it was last touched;
//   - it is believed for SessionCacheTTL at most, and never past the
//     session's expiry or past the hour after which SessionUser pushes the
//     expiry forward (then the database is read and written as before);
//   - every change that ends sessions or changes what a session says
//     forgets the entries in this process right after it commits: signing
//     out (and the sign-in that replaces a session), a password change or
//     reset, a role or status change, a renamed user, an invitation
//     accepted by an existing account. The next request reads the
//     database, so a disabled or demoted user is seen at once;
//   - the key holds the organization's id and the open database
//     (tenant.Instance), so a file replaced by a restore and opened again
//     starts with no entries, and no entry can answer for another
//     organization;
//   - a lookup that read the database while an invalidation ran does not
//     store what it read (a generation counter), so a stale answer cannot
//     be cached after the change;
//   - unknown tokens are never cached (a flood of random cookies costs
//     database reads, not memory), and the cache holds at most
//     sessionCacheMax entries.
//
// A change made by another process (the CLI, or SQL by hand) is seen after
// SessionCacheTTL at most.

// SessionCacheTTL is how long a cached session lookup is believed.
const SessionCacheTTL = 30 * time.Second

// sessionCacheMax bounds the cache (about 300 bytes an entry).
const sessionCacheMax = 20000

// sessionKey identifies one session of one open organization database. It
// can only be made from a scope (keyFor), so no lookup or invalidation can
// leave the organization out.
type sessionKey struct {
	org  string
	inst tenant.Instance
	hash [sha256.Size]byte
}

func keyFor(sc *tenant.Scope, tokenHash []byte) sessionKey {
	k := sessionKey{org: sc.Org.ID, inst: sc.Instance()}
	copy(k.hash[:], tokenHash)
	return k
}

type sessionEntry struct {
	user       User
	expiresAt  time.Time // the session's
	lastSeenAt time.Time // the session's, as last written
	cachedAt   time.Time
}

// sessionCache is the Service's cache of session lookups; its zero value
// is ready.
type sessionCache struct {
	gen atomic.Uint64 // bumped by every invalidation

	mu      sync.Mutex
	entries map[sessionKey]sessionEntry
	hits    uint64
	misses  uint64
}

// get returns the entry for k if it may still be believed at now.
func (c *sessionCache) get(k sessionKey, now time.Time) (sessionEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if ok && (now.Sub(e.cachedAt) >= SessionCacheTTL || now.Before(e.cachedAt)) {
		delete(c.entries, k)
		ok = false
	}
	if ok {
		c.hits++
	} else {
		c.misses++
	}
	return e, ok
}

// put stores e for k unless an invalidation ran since gen was read.
func (c *sessionCache) put(k sessionKey, e sessionEntry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if c.entries == nil {
		c.entries = map[sessionKey]sessionEntry{}
	}
	if len(c.entries) >= sessionCacheMax {
		c.shrinkLocked(e.cachedAt)
	}
	c.entries[k] = e
}

// shrinkLocked drops the entries past their TTL and, if that is not enough,
// a tenth of the others (in map order, which is random enough).
func (c *sessionCache) shrinkLocked(now time.Time) {
	for k, e := range c.entries {
		if now.Sub(e.cachedAt) >= SessionCacheTTL {
			delete(c.entries, k)
		}
	}
	drop := len(c.entries) - sessionCacheMax*9/10
	for k := range c.entries {
		if drop <= 0 {
			break
		}
		delete(c.entries, k)
		drop--
	}
}

// forget drops one session.
func (c *sessionCache) forget(k sessionKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	delete(c.entries, k)
}

// forgetUser drops every session of user userID in org orgID, whichever
// database instance it was read from.
func (c *sessionCache) forgetUser(orgID string, userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	for k, e := range c.entries {
		if k.org == orgID && e.user.ID == userID {
			delete(c.entries, k)
		}
	}
}

// forgetOrg drops every session of org orgID.
func (c *sessionCache) forgetOrg(orgID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	for k := range c.entries {
		if k.org == orgID {
			delete(c.entries, k)
		}
	}
}

// SessionCacheStats are the session cache's counters.
type SessionCacheStats struct {
	Entries      int
	Hits, Misses uint64
}

// SessionCacheStats returns the session cache's counters (tests, metrics).
func (s *Service) SessionCacheStats() SessionCacheStats {
	c := &s.sessions
	c.mu.Lock()
	defer c.mu.Unlock()
	return SessionCacheStats{Entries: len(c.entries), Hits: c.hits, Misses: c.misses}
}

// ForgetOrg drops what the session cache holds for the organization with
// id orgID (after its database was replaced; keys carry the open database
// too, so this only frees the memory sooner).
func (s *Service) ForgetOrg(orgID string) { s.sessions.forgetOrg(orgID) }

// forgetUser drops the cached sessions of userID in sc's organization:
// every change to a user or to their sessions calls it after committing.
func (s *Service) forgetUser(sc *tenant.Scope, userID int64) {
	s.sessions.forgetUser(sc.Org.ID, userID)
}
