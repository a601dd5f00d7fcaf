package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
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
	user int64 // whose page it is (kept bodies of signed-in pages); 0 for every visitor
}

type cachedPage struct {
	org     tenant.Org
	version tenant.Version
	day     string // the organization's day it was rendered on, if the page shows what is coming up
	at      time.Time
	body    []byte
	etag    string
}

// keptBodiesMax bounds the signed-in pages' kept bodies (2 to 6 KB each):
// one per member who opened their home since the organization last
// changed, one dashboard per organization.
const keptBodiesMax = 4096

// pageCache holds rendered pages (Server.pages) or pages' bodies
// (Server.bodies).
type pageCache struct {
	disabled bool // to measure what it saves (benchmarks), or turned off (Deps.KeepPages)
	max      int  // entries at most; 0 is pageCacheMax

	mu      sync.Mutex
	entries map[pageKey]*cachedPage
	hits    uint64
	misses  uint64
}

func (pc *pageCache) get(k pageKey, org tenant.Org, v tenant.Version, day string, now time.Time) (*cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.entries[k]
	if ok && (e.org != org || e.version != v || e.day != day || now.Sub(e.at) >= pageCacheTTL || now.Before(e.at)) {
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
	limit := pc.max
	if limit == 0 {
		limit = pageCacheMax
	}
	if len(pc.entries) >= limit {
		for old := range pc.entries { // map order: random enough
			delete(pc.entries, old)
			if len(pc.entries) < limit*9/10 {
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
	e, ok := s.pages.get(k, sc.Org, v, "", now)
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

// Signed-in pages whose body is costly and the same until the organization
// changes (the admin dashboard, a member's home) keep their rendered body
// in a second pageCache, Server.bodies, under the same rules as the
// anonymous pages (the same database version, the same registry entry,
// at most pageCacheTTL old) plus the organization's day, since they show
// what is coming up. Only the body is kept: the page shell around it (the
// user's menu, the CSRF token, a flash message) is rendered for every
// request. A body that shows a flash message's absence ("Welcome back")
// is kept only when there is none. A sign-in, a registration, a payment,
// a settings change (any write to the organization's database from this
// process) renders them anew at the next request.

// renderKept answers c with page p around the body of page k (kept, or
// made by body and kept). day is the organization's date the body
// depends on. An error from body is returned and nothing is kept.
func (s *Server) renderKept(c *fiber.Ctx, sc *tenant.Scope, k pageKey, day string, p page, body func() (templ.Component, error)) error {
	v := sc.Version() // before reading: a write meanwhile makes the entry stale
	now := s.now()
	if s.bodies.disabled {
		comp, err := body()
		if err != nil {
			return err
		}
		return s.render(c, fiber.StatusOK, k.name, componentPage{page: p, comp: comp})
	}
	e, ok := s.bodies.get(k, sc.Org, v, day, now)
	if !ok {
		comp, err := body()
		if err != nil {
			return err
		}
		buf := getBuffer()
		defer putBuffer(buf)
		if err := comp.Render(c.UserContext(), buf); err != nil {
			return fmt.Errorf("render %s: %w", k.name, err)
		}
		e = &cachedPage{org: sc.Org, version: v, day: day, at: now, body: append([]byte(nil), buf.Bytes()...)}
		if p.CSRF != "" && bytes.Contains(e.body, []byte(p.CSRF)) {
			// A form in a kept body would hand this visitor's token to
			// everyone the body is served to: serve it, never keep it.
			s.log.Error("a page's body carries the CSRF token: not kept (move the form to a partial or the shell)", "page", k.name)
		} else {
			s.bodies.put(k, e)
		}
	}
	return s.render(c, fiber.StatusOK, k.name, componentPage{page: p, comp: rawHTML(e.body)})
}

// componentPage is a page whose body is already a component (kept, or
// made for this request).
type componentPage struct {
	page
	comp templ.Component
}

func (v componentPage) body() templ.Component { return v.comp }

// PageCacheStats are the page cache's counters.
type PageCacheStats struct {
	Entries      int
	Hits, Misses uint64
}

// PageCacheStats returns the page cache's counters (tests, metrics).
func (s *Server) PageCacheStats() PageCacheStats { return s.pages.stats() }

// KeptBodyStats returns the counters of the signed-in pages' kept bodies.
func (s *Server) KeptBodyStats() PageCacheStats { return s.bodies.stats() }

func (pc *pageCache) stats() PageCacheStats {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return PageCacheStats{Entries: len(pc.entries), Hits: pc.hits, Misses: pc.misses}
}
