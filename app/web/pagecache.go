package web

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/auth"
	"sportsapp/app/tenant"
)

// Anonymous public pages (today the organization's home page as a visitor
// sees it) are rendered once and served from memory to every anonymous
// visitor, with an ETag, until the organization changes. See
// docs/caching.md.
//
// What is cached is the same for every anonymous visitor, and nothing
// else is: the page is rendered with no user, no flash message and no CSRF
// token. The layout puts the token in hx-headers for htmx requests; the
// visitor's home page makes none (no form, no htmx, only links to pages
// that carry their own token), so it goes without. A visitor with a
// session cookie or a flash message gets the page rendered for them, and
// so does any other method than GET and HEAD. Pages with a form (sign-in,
// sign-up, password reset) carry a per-visitor token and are never cached.
//
// An entry is used only while:
//   - the organization's database is at the version it was rendered from
//     (tenant.Version: the same open file, no statement run on its writer
//     since), so a saved setting, membership type or event, or any other
//     write from this process, is seen by the next request;
//   - the registry still says the same about the organization (its name,
//     slug and status are part of the entry);
//   - pageCacheTTL has not passed, for changes made by another process.

// pageCacheTTL bounds how long a cached page is served without a change
// this process can see (the CLI writing to the org's file).
const pageCacheTTL = time.Minute

// pageCacheMax bounds the entries (a page is about 5 KB).
const pageCacheMax = 10000

// pageKey names one cached page of one organization.
type pageKey struct {
	org  string // the organization's id
	name string // the template
	path string
}

type cachedPage struct {
	org     tenant.Org
	version tenant.Version
	at      time.Time
	body    []byte
	etag    string
}

// pageCache holds the rendered anonymous pages.
type pageCache struct {
	disabled bool // to measure what it saves (benchmarks)

	mu      sync.Mutex
	entries map[pageKey]*cachedPage
	hits    uint64
	misses  uint64
}

func (pc *pageCache) get(k pageKey, org tenant.Org, v tenant.Version, now time.Time) (*cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.entries[k]
	if ok && (e.org != org || e.version != v || now.Sub(e.at) >= pageCacheTTL || now.Before(e.at)) {
		delete(pc.entries, k)
		ok = false
	}
	if ok {
		pc.hits++
	} else {
		pc.misses++
	}
	return e, ok
}

func (pc *pageCache) put(k pageKey, e *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.entries == nil {
		pc.entries = map[pageKey]*cachedPage{}
	}
	if len(pc.entries) >= pageCacheMax {
		for old := range pc.entries { // map order: random enough
			delete(pc.entries, old)
			if len(pc.entries) < pageCacheMax*9/10 {
				break
			}
		}
	}
	pc.entries[k] = e
}

// cacheableAnonymous reports whether c may be answered from the page
// cache: a GET or HEAD with neither a session cookie nor a flash message.
func (s *Server) cacheableAnonymous(c *fiber.Ctx) bool {
	if s.pages.disabled {
		return false
	}
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		return false
	}
	return s.cookie(c, auth.SessionCookie) == "" && s.cookie(c, flashName) == ""
}

// publicPage is the layout data of a page cached for every anonymous
// visitor: nothing that belongs to one of them.
func (s *Server) publicPage(c *fiber.Ctx, title string) page {
	p := page{Title: title, Path: c.Path()}
	if t, ok := targetOf(c); ok && t.Kind == tenant.HostOrg {
		p.SiteName, p.IsOrg = t.Org.Name, true
	}
	return p
}

// renderPublic answers c with the page name for anonymous visitors of sc's
// organization, from the cache or rendered with view (built with
// publicPage) and cached; an error from view is returned and nothing is
// cached. It sets an ETag and answers a matching If-None-Match with 304
// Not Modified.
func (s *Server) renderPublic(c *fiber.Ctx, sc *tenant.Scope, name string, view func() (any, error)) error {
	k := pageKey{org: sc.Org.ID, name: name, path: c.Path()}
	v := sc.Version() // before rendering: a write during it makes the entry stale
	now := s.now()
	e, ok := s.pages.get(k, sc.Org, v, now)
	if !ok {
		data, err := view()
		if err != nil {
			return err
		}
		buf := getBuffer()
		defer putBuffer(buf)
		if err := s.renderHTML(buf, name, data); err != nil {
			return err
		}
		sum := sha256.Sum256(buf.Bytes())
		e = &cachedPage{org: sc.Org, version: v, at: now, body: append([]byte(nil), buf.Bytes()...),
			etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		s.pages.put(k, e)
	}
	c.Vary(hxRequest)
	c.Vary(fiber.HeaderCookie) // signed in, the same URL is another page
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderETag, e.etag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), e.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Type("html", "utf-8")
	c.Status(fiber.StatusOK).Response().SetBody(e.body)
	return nil
}

// etagMatches reports whether an If-None-Match header names etag (or is
// "*"). Weak comparison, as RFC 9110 asks for If-None-Match.
func etagMatches(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// PageCacheStats are the page cache's counters.
type PageCacheStats struct {
	Entries      int
	Hits, Misses uint64
}

// PageCacheStats returns the page cache's counters (tests, metrics).
func (s *Server) PageCacheStats() PageCacheStats {
	s.pages.mu.Lock()
	defer s.pages.mu.Unlock()
	return PageCacheStats{Entries: len(s.pages.entries), Hits: s.pages.hits, Misses: s.pages.misses}
}
