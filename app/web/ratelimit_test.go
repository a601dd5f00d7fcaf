package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// loginToken gets the sign-in page of host and returns its cookies (as a
// Cookie header) and CSRF token, to replay on requests sent with app.Test.
func loginToken(t *testing.T, e *env, host string) (cookies, token string) {
	t.Helper()
	res := e.get(host, "/login")
	var parts []string
	for _, ck := range res.Cookies() {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	token, _ = doc(t, res).Find(`input[name="_csrf"]`).Attr("value")
	if token == "" {
		t.Fatal("no CSRF token on /login")
	}
	return strings.Join(parts, "; "), token
}

// The per-client sign-in limit is keyed on the organization the Host
// resolves to, the route and the client address: spelling the same host or
// path differently (ports, trailing dot, no port, /login/, /LOGIN, a
// rotating X-Forwarded-Host) gets no fresh budget. Issue 11: 300 attempts
// in 19 s by rotating the port.
func TestSignInLimitIgnoresHostAndPathSpelling(t *testing.T) {
	for _, tt := range []struct{ name, host string }{
		{"organization", "quadball-canada.localhost"},
		{"platform", "admin.localhost"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, envOptions{LoginAttempts: 10})
			cookies, token := loginToken(t, w.env, tt.host)
			n := 0
			attempt := func(host, path string, hdr ...string) int {
				n++ // a new email each time: only the per-client limit applies
				form := url.Values{"_csrf": {token}, "email": {fmt.Sprintf("guess%d@example.org", n)}, "password": {"wrong"}}
				req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
				req.Host = host
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Cookie", cookies)
				for i := 0; i+1 < len(hdr); i += 2 {
					req.Header.Set(hdr[i], hdr[i+1])
				}
				return w.do(req).StatusCode
			}
			for i := range 10 {
				if got := attempt(tt.host, "/login"); got != http.StatusUnauthorized {
					t.Fatalf("attempt %d: %d, want 401", i+1, got)
				}
			}
			type variant struct {
				name, host, path string
				hdr              []string
			}
			variants := []variant{
				{"trailing dot", tt.host + ".", "/login", nil},
				{"trailing dot and port", tt.host + ".:8080", "/login", nil},
				{"no port", tt.host, "/login", nil},
				{"capitals", strings.ToUpper(tt.host), "/login", nil},
				{"/login/", tt.host, "/login/", nil},
				{"/LOGIN", tt.host, "/LOGIN", nil},
			}
			for p := 1; p <= 30; p++ {
				variants = append(variants,
					variant{"port " + strconv.Itoa(p), tt.host + ":" + strconv.Itoa(p), "/login", nil},
					variant{"X-Forwarded-Host port " + strconv.Itoa(p), tt.host, "/login", []string{"X-Forwarded-Host", tt.host + ":" + strconv.Itoa(p)}})
			}
			for _, v := range variants {
				if got := attempt(v.host, v.path, v.hdr...); got != http.StatusTooManyRequests {
					t.Errorf("%s (Host %q, %s): %d, want 429", v.name, v.host, v.path, got)
				}
			}
		})
	}
}

// signInFrom signs in on host with a fresh browser whose requests come
// (through the trusted loopback proxy) from ip.
func (w *world) signInFrom(host, ip, email, password string) *http.Response {
	w.t.Helper()
	br := w.browser(host)
	return br.post("/login", url.Values{"email": {email}, "password": {password}}, "X-Forwarded-For", ip)
}

// errorMessage returns the message of an error page.
func errorMessage(t *testing.T, res *http.Response) string {
	t.Helper()
	return strings.TrimSpace(doc(t, res).Find("#error p").Eq(1).Text())
}

// Sign-ins for one account are limited whatever address they come from, a
// success clears the count, and an unknown email is treated exactly like a
// known one.
func TestSignInLimitPerAccount(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000, TrustedProxies: []string{"127.0.0.1"}})
	const org = "quadball-canada.localhost"
	ip := 0
	next := func() string { ip++; return fmt.Sprintf("203.0.113.%d", ip) }

	locked := map[string]*http.Response{}
	for _, email := range []string{"member@example.org", "nobody@example.org"} {
		for i := range 5 {
			if res := w.signInFrom(org, next(), email, "a wrong guess"); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%s, attempt %d: %d, want 401", email, i+1, res.StatusCode)
			}
		}
		// The right password, from yet another address, is refused too.
		res := w.signInFrom(org, next(), email, testPassword)
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("%s, 6th attempt: %d, want 429", email, res.StatusCode)
		}
		locked[email] = res
	}
	known, unknown := locked["member@example.org"], locked["nobody@example.org"]
	for _, res := range []*http.Response{known, unknown} {
		if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 15*60 {
			t.Errorf("Retry-After %q, want 1 to 900 seconds", res.Header.Get("Retry-After"))
		}
	}
	if known.Header.Get("Retry-After") != unknown.Header.Get("Retry-After") {
		t.Errorf("Retry-After differs: known %q, unknown %q", known.Header.Get("Retry-After"), unknown.Header.Get("Retry-After"))
	}
	km, um := errorMessage(t, known), errorMessage(t, unknown)
	if !strings.Contains(km, "Too many sign-in attempts for this email address") || km != um {
		t.Errorf("messages: known %q, unknown %q; want the same clear message", km, um)
	}
	// Spelled differently, the email is still the same account.
	if res := w.signInFrom(org, next(), "  MEMBER@Example.org ", testPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the locked email in capitals: %d, want 429", res.StatusCode)
	}
	// Other accounts, and the same email in another organization, are not
	// affected.
	if res := w.signInFrom(org, next(), "admin@example.org", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another account: %d, want 303", res.StatusCode)
	}
	if res := w.signInFrom("quadball-alberta.localhost", next(), "member@example.org", "a wrong guess"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the same email in another organization: %d, want 401", res.StatusCode)
	}
	// A successful sign-in clears the count: 4 failures and a success,
	// twice over, is never locked.
	for round := range 2 {
		for range 4 {
			w.signInFrom(org, next(), "target@example.org", "a wrong guess")
		}
		if res := w.signInFrom(org, next(), "target@example.org", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("round %d: sign-in after 4 failures: %d, want 303", round+1, res.StatusCode)
		}
	}
	// The super-admin sign-in is limited the same way.
	for range 5 {
		w.signInFrom("admin.localhost", next(), "ops@example.org", "a wrong guess")
	}
	if res := w.signInFrom("admin.localhost", next(), "ops@example.org", "operator password 1"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("super-admin, 6th attempt: %d, want 429", res.StatusCode)
	}
}
