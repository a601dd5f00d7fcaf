package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/tenant"
)

func TestHostResolution(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	e.org("quadball-canada", "Quadball Canada")
	before := dbFiles(t, e.dir)
	tests := []struct {
		host string
		want int
	}{
		{"quadball-canada.localhost", 200},
		{"quadball-canada.localhost:8080", 200},
		{"QUADBALL-CANADA.LOCALHOST:8080", 200},
		{"admin.localhost:8080", 200},
		{"localhost:8080", 302},
		{"nosuch.localhost:8080", 404},
		{"www.localhost", 404},
		{"api.localhost", 404},
		{"static.localhost", 404},
		{"quadball-canada.example.com", 404},
		{"a.quadball-canada.localhost", 404},
		{"127.0.0.1:8080", 404},
		{"[::1]:8080", 404},
		{"..", 400},
		{"..localhost", 400},
		{"%2e%2e.localhost", 400},
		{"québec.localhost", 400},
		{strings.Repeat("a", 300) + ".localhost", 400},
		{"bad_host.localhost", 400},
		{"quadball-canada.localhost:1", 200},
		{"quadball-canada.localhost:65535", 200},
		{"quadball-canada.localhost:0", 400},
		{"quadball-canada.localhost:65536", 400},
		{"quadball-canada.localhost:99999", 400},
		{"quadball-canada.localhost:http", 400},
		{"[quadball-canada.localhost]:8080", 400},
	}
	for _, tt := range tests {
		res := e.get(tt.host, "/")
		if res.StatusCode != tt.want {
			t.Errorf("GET http://%s/ = %d, want %d", tt.host, res.StatusCode, tt.want)
		}
	}
	if after := dbFiles(t, e.dir); after != before {
		t.Fatalf("files changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestEmptyHostIsBadRequest(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	port := e.listen()
	// net/http always sends a Host; write the request by hand.
	res := rawGet(t, "127.0.0.1:"+port, "GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(res, "HTTP/1.1 400") {
		t.Fatalf("empty Host: %q", firstLine(res))
	}
}

// What fasthttp would quietly repair is refused, so that a proxy in front
// and the app cannot read one request as two different hosts: a second
// Host (fasthttp keeps the last; RFC 9112 wants a 400), userinfo (fasthttp
// drops it), a bad port, and an absolute-form target naming another host.
func TestAmbiguousHostIsBadRequest(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	e.org("quadball-canada", "Quadball Canada")
	e.org("rugby-bc", "Rugby BC")
	addr := "127.0.0.1:" + e.listen()
	tests := []struct {
		name, head string // request line and header fields
		want       string
	}{
		{"one Host", "GET / HTTP/1.1\r\nHost: quadball-canada.localhost", "200"},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: quadball-canada.localhost\r\nHost: rugby-bc.localhost", "400"},
		{"two equal Hosts", "GET / HTTP/1.1\r\nHost: quadball-canada.localhost\r\nHost: quadball-canada.localhost", "400"},
		{"two Hosts, other case", "GET / HTTP/1.1\r\nHost: quadball-canada.localhost\r\nhOST: rugby-bc.localhost", "400"},
		{"two Hosts apart", "GET / HTTP/1.1\r\nHost: rugby-bc.localhost\r\nAccept: */*\r\nHost: quadball-canada.localhost", "400"},
		{"an empty second Host", "GET / HTTP/1.1\r\nHost: quadball-canada.localhost\r\nHost: ", "400"},
		{"no Host", "GET / HTTP/1.0", "400"},
		{"userinfo", "GET / HTTP/1.1\r\nHost: evil.com@quadball-canada.localhost", "400"},
		{"userinfo and password", "GET / HTTP/1.1\r\nHost: user:pw@quadball-canada.localhost:8080", "400"},
		{"port 0", "GET / HTTP/1.1\r\nHost: quadball-canada.localhost:0", "400"},
		{"port 65536", "GET / HTTP/1.1\r\nHost: quadball-canada.localhost:65536", "400"},
		{"port 99999", "GET / HTTP/1.1\r\nHost: quadball-canada.localhost:99999", "400"},
		{"port not digits", "GET / HTTP/1.1\r\nHost: quadball-canada.localhost:8o8o", "400"},
		{"absolute form, same host", "GET http://quadball-canada.localhost/ HTTP/1.1\r\nHost: quadball-canada.localhost", "200"},
		{"absolute form, another host", "GET http://rugby-bc.localhost/ HTTP/1.1\r\nHost: quadball-canada.localhost", "400"},
		{"absolute form with userinfo", "GET http://evil.com@quadball-canada.localhost/ HTTP/1.1\r\nHost: quadball-canada.localhost", "400"},
	}
	for _, tt := range tests {
		res := rawGet(t, addr, tt.head+"\r\nConnection: close\r\n\r\n")
		if got := firstLine(res); !strings.HasPrefix(got, "HTTP/1.1 "+tt.want) {
			t.Errorf("%s: %q, want %s", tt.name, got, tt.want)
		}
		if tt.want == "200" && !strings.Contains(res, "<h1>Quadball Canada</h1>") {
			t.Errorf("%s: not Quadball Canada's page", tt.name)
		}
	}
}

func TestApexRedirectsToPlatformHost(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	res := e.get("localhost:8080", "/some/page?x=1")
	if got, want := res.Header.Get("Location"), "http://admin.localhost:8080/some/page?x=1"; got != want {
		t.Fatalf("Location = %q, want %q", got, want)
	}
	// An absolute-form target keeps only its path and query.
	raw := rawGet(t, "127.0.0.1:"+e.listen(), "GET http://localhost:8080/some/page?x=1 HTTP/1.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n")
	if want := "\r\nLocation: http://admin.localhost:8080/some/page?x=1\r\n"; !strings.Contains(raw, want) {
		t.Fatalf("absolute-form target: %q, want %q", raw, want)
	}
}

func TestEachHostShowsOnlyItsOwnOrg(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	e.org("quadball-canada", "Quadball Canada")
	e.org("quadball-alberta", "Quadball Alberta")
	for _, tt := range []struct{ host, want, not string }{
		{"quadball-canada.localhost", "Quadball Canada", "Alberta"},
		{"quadball-alberta.localhost", "Quadball Alberta", "Canada"},
	} {
		d := doc(t, e.get(tt.host, "/"))
		if got := d.Find("h1").Text(); got != tt.want {
			t.Errorf("%s: h1 = %q, want %q", tt.host, got, tt.want)
		}
		if html, _ := d.Html(); strings.Contains(html, tt.not) {
			t.Errorf("%s shows %q", tt.host, tt.not)
		}
	}
}

// The accessor a handler uses reaches the file of the org its Host named,
// and no other: each org's file carries a marker row that only it has.
func TestScopeReachesOnlyItsOwnFile(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	a := e.org("org-alpha", "Alpha")
	b := e.org("org-bravo", "Bravo")
	for _, o := range []tenant.Org{a, b} {
		h, err := e.pool.Acquire(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		db := h.DB().W
		db.Exec("CREATE TABLE marker (who TEXT)")
		db.Exec("INSERT INTO marker VALUES (?)", o.Slug)
		h.Release()
	}
	e.srv.App().Get("/probe", func(c *fiber.Ctx) error {
		sc, err := tenant.From(c.UserContext())
		if err != nil {
			return err
		}
		ident, err := sc.Q().OrgIdentity(c.UserContext())
		if err != nil {
			return err
		}
		var who string
		h, _ := e.pool.Acquire(c.UserContext(), sc.Org)
		defer h.Release()
		if err := h.DB().R.QueryRow("SELECT group_concat(who) FROM marker").Scan(&who); err != nil {
			return err
		}
		return c.SendString(ident.OrgID + " " + who)
	})
	for _, o := range []tenant.Org{a, b} {
		got := body(t, e.get(o.Slug+".localhost", "/probe"))
		if want := o.ID + " " + o.Slug; got != want {
			t.Errorf("%s: probe = %q, want %q", o.Slug, got, want)
		}
	}
	// The platform host has no org scope at all.
	if res := e.get("admin.localhost", "/probe"); res.StatusCode != 500 {
		t.Errorf("platform host probe = %d, want 500 (no org in context)", res.StatusCode)
	}
}

func TestConcurrentColdRequestsOpenOnce(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	o := e.org("cold-org", "Cold Org")
	port := e.listen()
	url := fmt.Sprintf("http://127.0.0.1:%s/", port)
	var wg sync.WaitGroup
	statuses := make([]int, 50)
	start := make(chan struct{})
	for i := range statuses {
		wg.Go(func() {
			<-start
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Host = o.Slug + ".localhost:" + port
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		})
	}
	close(start)
	wg.Wait()
	for i, s := range statuses {
		if s != 200 {
			t.Errorf("request %d: %d", i, s)
		}
	}
	if got := e.pool.Stats().Opens; got != 1 {
		t.Fatalf("org opened %d times, want 1", got)
	}
}

func TestSuspendedOrg(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	e.org("sleepy", "Sleepy League")
	if _, err := e.reg.SetStatus(context.Background(), "sleepy", tenant.StatusSuspended); err != nil {
		t.Fatal(err)
	}
	res := e.get("sleepy.localhost", "/")
	if res.StatusCode != 403 {
		t.Fatalf("status = %d, want 403", res.StatusCode)
	}
	if b := body(t, res); !strings.Contains(b, "suspended") {
		t.Fatalf("page does not say suspended:\n%s", b)
	}
	if e.pool.Stats().Opens != 0 {
		t.Fatal("a suspended org's database was opened")
	}
	// Reactivated: serves again at once (the resolver cache is invalidated).
	e.reg.SetStatus(context.Background(), "sleepy", tenant.StatusActive)
	if res := e.get("sleepy.localhost", "/"); res.StatusCode != 200 {
		t.Fatalf("after reactivation: %d", res.StatusCode)
	}
}

// Requests for two organizations alternating on one keep-alive connection
// each get their own organization. (Fiber reuses request buffers; a Host
// string kept beyond its request once turned into the other org's name.)
func TestAlternatingHostsOnOneConnection(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	names := map[string]string{"org-alpha": "Alpha League", "org-bravo": "Bravo League", "org-charlie": "Charlie League"}
	for slug, name := range names {
		e.org(slug, name)
	}
	br := e.browser("org-alpha.localhost") // one transport: connections are reused
	slugs := []string{"org-alpha", "org-bravo", "org-charlie"}
	for i := range 300 {
		slug := slugs[i%3]
		if i%7 == 0 {
			slug = slugs[(i/7)%3]
		}
		req, _ := http.NewRequest(http.MethodGet, "http://"+slug+".localhost:"+e.port+"/", nil)
		res := br.do(req)
		d := doc(t, res)
		if got := d.Find("h1").Text(); got != names[slug] {
			t.Fatalf("request %d to %s shows %q", i, slug, got)
		}
	}
}
