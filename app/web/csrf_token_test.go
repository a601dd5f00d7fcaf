package web

import (
	"net/http"
	"net/url"
	"testing"

	"sportsapp/app/auth"
)

// clientEntries counts what the server keeps in memory per client: the
// rate limiter's counters and the sign-in throttle's accounts. (CSRF
// tokens are stateless: there is nothing of theirs to count.)
func (s *Server) clientEntries() int { return s.limits.Len() + s.signins.Len() }

// signedIn returns a browser on org A signed in as u (without a password)
// that has read its CSRF token from a page.
func (w *world) signedIn(email string) *browser {
	w.t.Helper()
	br := w.browser("quadball-canada.localhost")
	switch email {
	case "member@example.org":
		br.setCookie(auth.SessionCookie, w.session(w.a, w.member))
	case "target@example.org":
		br.setCookie(auth.SessionCookie, w.session(w.a, w.target))
	default:
		w.t.Fatalf("no persona %s", email)
	}
	if res, _ := br.get("/profile"); res.StatusCode != http.StatusOK || br.token == "" {
		w.t.Fatalf("profile of %s: %d, token %q", email, res.StatusCode, br.token)
	}
	return br
}

// A cookie and token taken from another organization's page (a sibling
// subdomain can plant cookies for the parent domain) do not verify here.
func TestCSRFTokenOfAnotherOrgIsRefused(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	other := w.browser("quadball-alberta.localhost")
	token := other.csrf()
	br := w.browser("quadball-canada.localhost")
	br.setCookie("csrf", other.cookie("csrf"))
	before := w.state()
	res := br.postRaw("/login", url.Values{"_csrf": {token}, "email": {"member@example.org"}, "password": {testPassword}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in with another org's token: %d, want 403", res.StatusCode)
	}
	if br.cookie(auth.SessionCookie) != "" || w.state() != before {
		t.Fatal("the refused sign-in started a session")
	}
}

// A token (and cookie) taken from another person's session in the same
// organization does not verify for this session.
func TestCSRFTokenOfAnotherSessionIsRefused(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	attacker := w.signedIn("target@example.org")
	victim := w.signedIn("member@example.org")
	victim.setCookie("csrf", attacker.cookie("csrf"))
	before := w.state()
	res := victim.postRaw("/profile", url.Values{"_csrf": {attacker.token}, "name": {"Pwned"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("another session's token: %d, want 403", res.StatusCode)
	}
	if w.state() != before {
		t.Fatal("the refused request changed the database")
	}
	// Each with its own token goes through.
	if res := victim.post("/profile", url.Values{"name": {"Mia Renamed"}}); res.StatusCode == http.StatusForbidden {
		t.Fatal("the victim's own token was refused")
	}
}

// "Origin: null" (a sandboxed frame, a data: page) is another origin, even
// with a valid token.
func TestCSRFRefusesOriginNull(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	br := w.signedIn("member@example.org")
	before := w.state()
	res := br.post("/profile", url.Values{"name": {"From a sandbox"}}, "Origin", "null")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("Origin: null: %d, want 403", res.StatusCode)
	}
	if w.state() != before {
		t.Fatal("the refused request changed the database")
	}
}

// Signing in and signing out each give a new token; the one from before no
// longer verifies.
func TestCSRFTokenChangesAtSignInAndOut(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	for _, tt := range []struct{ host, email, password, home string }{
		{"quadball-canada.localhost", "member@example.org", testPassword, "/"},
		{"admin.localhost", "ops@example.org", "operator password 1", "/console"},
	} {
		br := w.browser(tt.host)
		anonymous := br.csrf()
		if res := br.post("/login", url.Values{"email": {tt.email}, "password": {tt.password}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: sign-in: %d", tt.host, res.StatusCode)
		}
		br.get(tt.home)
		session := br.token
		if session == anonymous {
			t.Fatalf("%s: the token did not change at sign-in", tt.host)
		}
		if res := br.postRaw("/logout", url.Values{"_csrf": {anonymous}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: the token from before sign-in still works: %d", tt.host, res.StatusCode)
		}
		if res := br.postRaw("/logout", url.Values{"_csrf": {session}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: sign-out: %d", tt.host, res.StatusCode)
		}
		br.token = ""
		after := br.csrf()
		if after == session || after == anonymous {
			t.Errorf("%s: the token did not change at sign-out", tt.host)
		}
		for name, old := range map[string]string{"before sign-in": anonymous, "of the session": session} {
			res := br.postRaw("/login", url.Values{"_csrf": {old}, "email": {tt.email}, "password": {tt.password}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: the token %s works after sign-out: %d", tt.host, name, res.StatusCode)
			}
		}
	}
}

// Anonymous GETs store nothing on the server: 10,000 of them, without
// cookies, each get a token and leave the server's per-client entries as
// they were. (Fiber's CSRF middleware stored one token per cookieless GET
// for 12 hours: +92 MB in 20 s.)
func TestCSRFAnonymousFloodStoresNothing(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	br := w.browser("quadball-canada.localhost")
	br.http.Jar = nil // a fresh visitor every time
	before := w.srv.clientEntries()
	for i := range 10_000 {
		req, _ := http.NewRequest(http.MethodGet, br.base+"/login", nil)
		res, err := br.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if i%1000 == 0 && (res.StatusCode != http.StatusOK || len(res.Cookies()) == 0) {
			t.Fatalf("GET %d: %d, cookies %v", i, res.StatusCode, res.Cookies())
		}
	}
	if after := w.srv.clientEntries(); after != before {
		t.Fatalf("server-side entries: %d before, %d after 10,000 anonymous GETs", before, after)
	}
}
