package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"sportsapp/app/account"
	"sportsapp/app/auth"
	"sportsapp/app/event"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

const qcHost = "quadball-canada.localhost"

// The anonymous home page is rendered once and then served from memory,
// the same bytes with an ETag, and carries nothing of one visitor: no CSRF
// token, no session, no flash.
func TestAnonymousHomeIsCached(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	e.org("quadball-canada", "Quadball Canada")
	first := e.get(qcHost, "/")
	b1 := body(t, first)
	second := e.get(qcHost, "/")
	b2 := body(t, second)
	if first.StatusCode != 200 || second.StatusCode != 200 || b1 != b2 {
		t.Fatalf("two anonymous visits: %d, %d, same page %v", first.StatusCode, second.StatusCode, b1 == b2)
	}
	if st := e.srv.PageCacheStats(); st.Hits != 1 || st.Misses != 1 {
		t.Errorf("cache: %+v, want 1 miss then 1 hit", st)
	}
	if !strings.Contains(b1, "<h1>Quadball Canada</h1>") || htmxToken(t, b1) != "" {
		t.Errorf("the cached page is not the anonymous home without a token:\n%s", b1)
	}
	etag := second.Header.Get("ETag")
	if etag == "" || etag != first.Header.Get("ETag") {
		t.Fatalf("ETags %q and %q", first.Header.Get("ETag"), etag)
	}
	if cc := second.Header.Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	if v := strings.Join(second.Header.Values("Vary"), ","); !strings.Contains(v, "Cookie") || !strings.Contains(v, "HX-Request") {
		t.Errorf("Vary %q, want Cookie and HX-Request", v)
	}
	// Revalidation: 304 with no body; another ETag gets the page.
	res := e.get(qcHost, "/", "If-None-Match", etag)
	if res.StatusCode != http.StatusNotModified || body(t, res) != "" || res.Header.Get("ETag") != etag {
		t.Errorf("If-None-Match %s: %d with ETag %q", etag, res.StatusCode, res.Header.Get("ETag"))
	}
	if res := e.get(qcHost, "/", "If-None-Match", `"stale"`); res.StatusCode != 200 {
		t.Errorf("If-None-Match with another ETag: %d", res.StatusCode)
	}
	// HEAD is served from the cache too.
	req, _ := http.NewRequest(http.MethodHead, "/", nil)
	req.Host = qcHost
	if res := e.do(req); res.StatusCode != 200 || res.Header.Get("ETag") != etag {
		t.Errorf("HEAD: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}
}

// A signed-in member, a stale session cookie and a flash message all get
// the page rendered for them, never the cached one nor into the cache.
func TestPersonalPagesBypassTheCache(t *testing.T) {
	w := newWorld(t, envOptions{})
	e := w.env
	e.get(qcHost, "/") // cache the anonymous page
	before := e.srv.PageCacheStats()

	sid := w.session(w.a, w.member)
	res := e.get(qcHost, "/", "Cookie", auth.SessionCookie+"="+sid)
	page := body(t, res)
	if !strings.Contains(page, "Welcome back, Mia Member") || res.Header.Get("ETag") != "" {
		t.Errorf("member: ETag %q, page without the member's home", res.Header.Get("ETag"))
	}
	if htmxToken(t, page) == "" {
		t.Error("the member's page has no CSRF token")
	}
	res = e.get(qcHost, "/", "Cookie", auth.SessionCookie+"=stale-token")
	if res.StatusCode != 200 || res.Header.Get("ETag") != "" {
		t.Errorf("stale session cookie: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}
	res = e.get(qcHost, "/", "Cookie", flashName+"="+url.QueryEscape("You are signed out."))
	if !strings.Contains(body(t, res), "You are signed out.") || res.Header.Get("ETag") != "" {
		t.Error("the flash message is not shown, or the page came from the cache")
	}
	if after := e.srv.PageCacheStats(); after.Hits != before.Hits || after.Entries != before.Entries {
		t.Errorf("cache used by personal requests: %+v -> %+v", before, after)
	}
}

// Any change this process writes to the organization's database (settings,
// membership types, events) makes the next anonymous request render the
// page again; other organizations keep theirs.
func TestPageCacheFollowsWrites(t *testing.T) {
	w := newWorld(t, envOptions{})
	e := w.env
	ctx := context.Background()
	by := account.Actor{Label: "test"}
	changes := []struct {
		name string
		do   func(sc *tenant.Scope) error
	}{
		{"settings saved", func(sc *tenant.Scope) error {
			st, err := w.srv.settings.Get(ctx, sc)
			if err != nil {
				return err
			}
			form := st.Form()
			form[settings.FSeasonName] = "Season " + strconv.FormatInt(st.Version+1, 10)
			parsed, errs := settings.Parse(form)
			if errs != nil {
				t.Fatalf("%v", map[string]string(errs))
			}
			_, err = w.srv.settings.Save(ctx, sc, by, st.Version, parsed)
			return err
		}},
		{"membership type added", func(sc *tenant.Scope) error {
			_, err := w.srv.settings.CreateType(ctx, sc, by, settingsTypeForm("Junior", "5"))
			return err
		}},
		{"event created", func(sc *tenant.Scope) error {
			f := eventForm("Summer Cup")
			_, err := w.srv.events.Create(ctx, sc, by, event.Form{Name: f.Get("name"), Kind: f.Get("kind"), Venue: f.Get("venue"),
				StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"), OpensOn: f.Get("opens_on"), ClosesOn: f.Get("closes_on"),
				Capacity: "10", IndividualFee: "25", TeamFee: "300"})
			return err
		}},
	}
	e.get("quadball-alberta.localhost", "/")
	for _, ch := range changes {
		e.get(qcHost, "/")
		before := e.srv.PageCacheStats()
		if e.get(qcHost, "/"); e.srv.PageCacheStats().Hits != before.Hits+1 {
			t.Fatalf("%s: the page is not cached before the change", ch.name)
		}
		w.scope(w.a, func(sc *tenant.Scope) {
			if err := ch.do(sc); err != nil {
				t.Fatal(err)
			}
		})
		before = e.srv.PageCacheStats()
		e.get(qcHost, "/")
		if after := e.srv.PageCacheStats(); after.Misses != before.Misses+1 {
			t.Errorf("%s: the next request was answered from the cache", ch.name)
		}
	}
	before := e.srv.PageCacheStats()
	res := e.get("quadball-alberta.localhost", "/")
	if after := e.srv.PageCacheStats(); after.Hits != before.Hits+1 || !strings.Contains(body(t, res), "<h1>Quadball Alberta</h1>") {
		t.Errorf("the other organization's page: hits %d -> %d", before.Hits, after.Hits)
	}
}

// An entry is not served for another state of the organization in the
// registry (renamed, suspended), nor after its TTL.
func TestPageCacheEntryValidity(t *testing.T) {
	var pc pageCache
	org := tenant.Org{ID: "id-1", Slug: "qc", Name: "Quadball Canada", Status: tenant.StatusActive}
	k := pageKey{org: org.ID, name: "home/org", path: "/"}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	var v tenant.Version
	pc.put(k, &cachedPage{org: org, version: v, at: now, body: []byte("page")})
	if _, ok := pc.get(k, org, v, "", now.Add(pageCacheTTL-time.Second)); !ok {
		t.Fatal("a fresh entry was not served")
	}
	renamed := org
	renamed.Name = "Quadball Canada (QC)"
	if _, ok := pc.get(k, renamed, v, "", now); ok {
		t.Error("served for a renamed organization")
	}
	pc.put(k, &cachedPage{org: org, version: v, day: "2026-11-29", at: now, body: []byte("page")})
	if _, ok := pc.get(k, org, v, "2026-11-30", now); ok {
		t.Error("served on the next day")
	}
	pc.put(k, &cachedPage{org: org, version: v, at: now, body: []byte("page")})
	if _, ok := pc.get(k, org, v, "", now.Add(pageCacheTTL)); ok {
		t.Error("served after its TTL")
	}
}

// htmxToken is the CSRF token a page gives htmx (the body's hx-headers).
func htmxToken(t *testing.T, page string) string {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := doc.Find("body").Attr("hx-headers")
	if !ok {
		t.Fatal("the page's body has no hx-headers")
	}
	var h map[string]string
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		t.Fatalf("hx-headers %q: %v", raw, err)
	}
	return h["X-CSRF-Token"]
}

// A signed-in page's kept body is served to the same person (the member
// home) or the same organization's admins (the dashboard) until the
// organization's database changes, always inside a page shell rendered
// for the request: another member never gets someone's home, a second
// admin sees their own menu, a flash message is never kept, and a write
// shows at the next request.
func TestKeptBodiesOfSignedInPages(t *testing.T) {
	w := newWorld(t, envOptions{})
	e := w.env
	second := e.user(w.a, "second@example.org", "Sam Second", account.RoleAdmin, testPassword)
	member, target := w.session(w.a, w.member), w.session(w.a, w.target)
	admin, admin2 := w.session(w.a, w.admin), w.session(w.a, second)
	cookie := func(sid string) []string { return []string{"Cookie", auth.SessionCookie + "=" + sid} }
	get := func(path, sid string, more ...string) string {
		t.Helper()
		res := e.get(qcHost, path, append(cookie(sid), more...)...)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return body(t, res)
	}
	counts := func() (hits, misses uint64) { st := e.srv.KeptBodyStats(); return st.Hits, st.Misses }

	get("/", member)
	h0, m0 := counts()
	page := get("/", member)
	if h, m := counts(); h != h0+1 || m != m0 || !strings.Contains(page, "Welcome back, Mia Member.") {
		t.Fatalf("the member's second visit: hits %d -> %d, misses %d -> %d", h0, h, m0, m)
	}
	if page := get("/", target); !strings.Contains(page, "Welcome back, Tom Target.") || strings.Contains(page, "Mia Member") {
		t.Error("another member got the first one's home")
	}

	get("/admin", admin)
	h0, _ = counts()
	page = get("/admin", admin2)
	if h, _ := counts(); h != h0+1 {
		t.Errorf("the second admin's dashboard was not the kept one (hits %d -> %d)", h0, h)
	}
	if !strings.Contains(page, "Sam Second") || strings.Contains(page, "Ada Admin") || htmxToken(t, page) == "" {
		t.Error("the kept dashboard was not shown in the second admin's own page shell")
	}

	h0, m0 = counts()
	page = get("/", member, "Cookie", flashName+"="+url.QueryEscape("Saved."))
	if h, m := counts(); h != h0 || m != m0 || !strings.Contains(page, "Saved.") || strings.Contains(page, "Welcome back") {
		t.Errorf("with a flash message: hits %d -> %d, misses %d -> %d (want neither)", h0, h, m0, m)
	}

	w.newEvent("Summer Cup", 10)
	_, m0 = counts()
	if page := get("/", member); !strings.Contains(page, "Summer Cup") {
		t.Error("the member's home does not show the event created since")
	}
	if page := get("/admin", admin); !strings.Contains(page, "Summer Cup") {
		t.Error("the dashboard does not show the event created since")
	}
	if _, m := counts(); m != m0+2 {
		t.Errorf("after a write: misses %d -> %d, want both pages rendered anew", m0, m)
	}
}

// A body that carries the request's CSRF token (a form added to a kept
// page) is served but never kept: it would give one person's token to
// everyone the body is served to.
func TestKeptBodyWithATokenIsNotKept(t *testing.T) {
	w := newWorld(t, envOptions{})
	e := w.env
	app := fiber.New()
	var fctx fasthttp.RequestCtx
	c := app.AcquireCtx(&fctx)
	defer app.ReleaseCtx(c)
	e.scope(w.a, func(sc *tenant.Scope) {
		p := page{Title: "T", CSRF: "token-of-one-visitor"}
		k := pageKey{org: sc.Org.ID, name: "test/form", path: "/form", user: 1}
		form := templ.Raw(`<form method="post"><input type="hidden" name="_csrf" value="token-of-one-visitor"></form>`)
		if err := e.srv.renderKept(c, sc, k, "2026-11-30", p, func() (templ.Component, error) { return form, nil }); err != nil {
			t.Fatal(err)
		}
	})
	if !strings.Contains(string(fctx.Response.Body()), "token-of-one-visitor") {
		t.Error("the page was not served")
	}
	if st := e.srv.KeptBodyStats(); st.Entries != 0 {
		t.Errorf("kept %d bodies carrying a token", st.Entries)
	}
}
