package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sportsapp/app/auth"
)

// fillHashingGate installs a one-slot hashing gate with no queue and takes
// its slot, as 64 concurrent sign-ups would; the returned func frees it.
func fillHashingGate(t *testing.T) (release func()) {
	t.Helper()
	g := auth.NewGate(1, 0, time.Hour)
	prev := auth.SetGate(g)
	t.Cleanup(func() { auth.SetGate(prev) })
	release, err := g.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return release
}

// With every hashing slot taken and the line full, sign-up and sign-in
// (known email or not) answer 503 with Retry-After and a clear message,
// write nothing, and work again once a slot frees up.
func TestBusyHashingIsServiceUnavailable(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	br := w.browser("quadball-canada.localhost")
	br.csrf()
	signup := url.Values{"name": {"Nora New"}, "email": {"nora@example.org"}, "password": {"a long enough password"}}
	release := fillHashingGate(t)
	before := w.state()
	for _, tt := range []struct {
		name string
		path string
		form url.Values
		hdr  []string
	}{
		{"sign-up", "/signup", signup, nil},
		{"sign-up (htmx)", "/signup", signup, []string{"HX-Request", "true"}},
		{"sign-in, known email", "/login", url.Values{"email": {"member@example.org"}, "password": {testPassword}}, nil},
		{"sign-in, unknown email", "/login", url.Values{"email": {"nobody@example.org"}, "password": {testPassword}}, nil},
	} {
		res := br.post(tt.path, tt.form, tt.hdr...)
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s: status %d, want 503", tt.name, res.StatusCode)
		}
		if got := res.Header.Get("Retry-After"); got != "5" {
			t.Errorf("%s: Retry-After %q, want 5", tt.name, got)
		}
		if b := body(t, res); !strings.Contains(b, "The server is busy, try again in a few seconds.") {
			t.Errorf("%s: the page does not say the server is busy:\n%s", tt.name, b)
		}
	}
	if after := w.state(); after != before {
		t.Error("a refused request changed the database")
	}
	if got := auth.Stats().Rejected; got != 4 {
		t.Errorf("auth.Stats().Rejected = %d, want 4", got)
	}
	release()
	if res := br.post("/signup", signup); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up once a slot is free: %d, want 303", res.StatusCode)
	}
}
