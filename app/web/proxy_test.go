package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// X-Forwarded-Host, -Proto and -For are believed from the trusted proxies
// only: never when none is configured, and not from another address when
// one is. app.Test sends every request from 0.0.0.0.
func TestForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	for _, tt := range []struct {
		name     string
		trusted  []string
		believed bool
	}{
		{"no proxy configured", nil, false},
		{"request from elsewhere", []string{"10.0.0.1", "192.168.0.0/16"}, false},
		{"request from the proxy", []string{"0.0.0.0"}, true},
		{"request from the proxy's range", []string{"10.0.0.1", "0.0.0.0/8"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnvWith(t, envOptions{TrustedProxies: tt.trusted})
			e.org("quadball-canada", "Quadball Canada")
			e.org("rugby-bc", "Rugby BC")
			e.srv.App().Get("/probe", func(c *fiber.Ctx) error {
				return c.SendString(ipOf(c) + " " + e.srv.hostURL(c, "admin"))
			})
			pick := func(believed, not string) string {
				if tt.believed {
					return believed
				}
				return not
			}

			// The organization comes from Host, or the proxy's X-Forwarded-Host.
			d := doc(t, e.get("quadball-canada.localhost", "/", "X-Forwarded-Host", "rugby-bc.localhost"))
			if got, want := d.Find("h1").Text(), pick("Rugby BC", "Quadball Canada"); got != want {
				t.Errorf("X-Forwarded-Host rugby-bc: h1 = %q, want %q", got, want)
			}
			d = doc(t, e.get("quadball-canada.localhost", "/login", "X-Forwarded-Host", "admin.localhost"))
			if got, want := d.Find("title").Text(), pick("Operator sign-in", "Sign in · Quadball Canada"); got != want {
				t.Errorf("X-Forwarded-Host admin: title = %q, want %q", got, want)
			}

			// The scheme of absolute links is http or https, nothing else.
			for _, proto := range []string{"javascript", "https", "HTTPS", "data", "https, javascript"} {
				res := e.get("localhost:8080", "/x", "X-Forwarded-Proto", proto)
				want := "http://admin.localhost:8080/x"
				if tt.believed && strings.HasPrefix(strings.ToLower(proto), "https") {
					want = "https://admin.localhost:8080/x"
				}
				if got := res.Header.Get("Location"); got != want {
					t.Errorf("X-Forwarded-Proto %q: Location = %q, want %q", proto, got, want)
				}
			}
			for _, h := range []string{"X-Forwarded-Protocol", "X-Url-Scheme"} {
				res := e.get("localhost:8080", "/x", h, "javascript")
				if got := res.Header.Get("Location"); !strings.HasPrefix(got, "http://") {
					t.Errorf("%s javascript: Location = %q", h, got)
				}
			}

			// The client's address (rate limits, audit log).
			got := body(t, e.get("quadball-canada.localhost:8080", "/probe",
				"X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "javascript"))
			if want := pick("203.0.113.9", "0.0.0.0") + " http://admin.localhost:8080"; got != want {
				t.Errorf("probe = %q, want %q", got, want)
			}
		})
	}
}

// The client's address behind a proxy that appends to X-Forwarded-For is
// the right-most entry that is not a trusted proxy: the left-most is
// whatever the client sent, so a rate limit keyed on it could be dodged by
// sending a new one with each attempt.
func TestClientAddressBehindAnAppendingProxy(t *testing.T) {
	e := newEnvWith(t, envOptions{TrustedProxies: []string{"0.0.0.0", "10.0.0.0/8"}})
	e.org("quadball-canada", "Quadball Canada")
	e.srv.App().Get("/probe", func(c *fiber.Ctx) error { return c.SendString(ipOf(c)) })
	for xff, want := range map[string]string{
		"203.0.113.9":                         "203.0.113.9",
		"198.51.100.7, 203.0.113.9":           "203.0.113.9",
		"198.51.100.7, 203.0.113.9, 10.1.2.3": "203.0.113.9",
		"10.9.9.9, 10.1.2.3":                  "10.9.9.9",
		"198.51.100.7, not-an-address":        "0.0.0.0",
		"::ffff:203.0.113.9":                  "203.0.113.9",
		"":                                    "0.0.0.0",
	} {
		if got := body(t, e.get("quadball-canada.localhost", "/probe", "X-Forwarded-For", xff)); got != want {
			t.Errorf("X-Forwarded-For %q: client %q, want %q", xff, got, want)
		}
	}
	// A new spoofed left-most entry per attempt does not reset the
	// per-client limit (different emails: the per-account one stays out).
	w := newWorld(t, envOptions{LoginAttempts: 3, TrustedProxies: []string{"127.0.0.1"}})
	limited := false
	for i := range 6 {
		res := w.signInFrom("quadball-canada.localhost", fmt.Sprintf("198.51.100.%d, 203.0.113.9", i), fmt.Sprintf("guess%d@example.org", i), "a wrong guess")
		if res.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("six sign-ins from one client with changing spoofed X-Forwarded-For entries were never limited")
	}
}

// From a trusted proxy, X-Forwarded-Host must name one host: a list, or
// two of the header, means someone before the proxy sent one too.
func TestForwardedHostMustBeSingle(t *testing.T) {
	e := newEnvWith(t, envOptions{TrustedProxies: []string{"0.0.0.0"}})
	e.org("quadball-canada", "Quadball Canada")
	e.org("rugby-bc", "Rugby BC")
	res := e.get("quadball-canada.localhost", "/", "X-Forwarded-Host", "rugby-bc.localhost, quadball-canada.localhost")
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("X-Forwarded-Host list: %d, want 400", res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.Host = "quadball-canada.localhost"
	req.Header.Add("X-Forwarded-Host", "rugby-bc.localhost")
	req.Header.Add("X-Forwarded-Host", "quadball-canada.localhost")
	if res := e.do(req); res.StatusCode != http.StatusBadRequest {
		t.Errorf("two X-Forwarded-Host: %d, want 400", res.StatusCode)
	}
	for _, h := range []string{"evil.com@rugby-bc.localhost", "rugby-bc.localhost:0", "..localhost"} {
		if res := e.get("quadball-canada.localhost", "/", "X-Forwarded-Host", h); res.StatusCode != http.StatusBadRequest {
			t.Errorf("X-Forwarded-Host %q: %d, want 400", h, res.StatusCode)
		}
	}
}
