package web

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/tenant"
)

func TestStaticFilesAreCachedLong(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	e.org("quadball-canada", "Quadball Canada")
	d := doc(t, e.get("quadball-canada.localhost", "/"))
	src, _ := d.Find(`script[src*="htmx"]`).Attr("src")
	if !strings.Contains(src, "?v=") {
		t.Fatalf("htmx URL %q carries no content hash", src)
	}
	for _, host := range []string{"quadball-canada.localhost", "admin.localhost"} {
		res := e.get(host, src)
		if res.StatusCode != 200 {
			t.Fatalf("%s%s: %d", host, src, res.StatusCode)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("Cache-Control = %q", cc)
		}
		if b := body(t, res); !strings.Contains(b, "htmx") {
			t.Error("not htmx")
		}
	}
	// Also on a host with no organization: its 404 page needs its
	// stylesheet (the files are the same for every host).
	if res := e.get("nosuch.localhost", src); res.StatusCode != 200 {
		t.Errorf("static on an unknown host = %d, want 200", res.StatusCode)
	}
	if res := e.get("admin.localhost", "/static/embed.go"); res.StatusCode != 404 {
		t.Errorf("embed.go served: %d", res.StatusCode)
	}
}

func TestErrorPages(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	e.org("quadball-canada", "Quadball Canada")
	e.srv.App().Get("/boom", func(c *fiber.Ctx) error { panic("kaboom") })

	res := e.get("quadball-canada.localhost", "/no/such/page")
	d := doc(t, res)
	if res.StatusCode != 404 || d.Find("h1").Text() != "Page not found" {
		t.Fatalf("404 page: %d %q", res.StatusCode, d.Find("h1").Text())
	}
	if d.Find(".brand").Text() != "Quadball Canada" {
		t.Error("404 page on an org host lacks the org's layout")
	}

	res = e.get("quadball-canada.localhost", "/boom")
	b := body(t, res)
	if res.StatusCode != 500 || !strings.Contains(b, "Something went wrong") || strings.Contains(b, "kaboom") {
		t.Fatalf("500 page: %d\n%s", res.StatusCode, b)
	}

	// htmx gets a partial aimed at the alert region, not a whole page.
	res = e.get("quadball-canada.localhost", "/no/such/page", "HX-Request", "true")
	b = body(t, res)
	if res.StatusCode != 404 || res.Header.Get("HX-Retarget") != "#alerts" || strings.Contains(b, "<html") {
		t.Fatalf("htmx 404: %d retarget=%q\n%s", res.StatusCode, res.Header.Get("HX-Retarget"), b)
	}

	// A route of the platform host does not exist on an org host, and vice versa.
	if res := e.get("admin.localhost", "/no/such/page"); res.StatusCode != 404 {
		t.Errorf("platform 404 = %d", res.StatusCode)
	}
}

// The platform's home lists no organization to anonymous visitors;
// operators are sent to the console, which lists them all.
func TestPlatformHomeListsNoOrgs(t *testing.T) {
	w := newWorld(t, envOptions{})
	d := doc(t, w.get("admin.localhost:8080", "/"))
	if strings.Contains(d.Text(), "Quadball Canada") || d.Find(`a[href*="quadball"]`).Length() != 0 {
		t.Error("an organization is listed to an anonymous visitor")
	}
	_, d = w.as(superPersona, "admin.localhost").get("/")
	if d.Find(`main a[href="/console"]`).Length() != 1 {
		t.Error("an operator is not pointed to the console")
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	res := e.get("admin.localhost", "/")
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if res.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("missing X-Request-Id")
	}
}
