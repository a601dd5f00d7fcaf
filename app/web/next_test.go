package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// offSite are next values that a browser, or a server that "cleans" the
// path, can turn into another host: each must fall back to the default page.
var offSite = []string{
	"//evil.com",
	"///evil.com",
	"https://evil.com",
	"javascript:alert(1)",
	"evil.com",
	"/\t/evil.com",    // ?next=/%09/evil.com: browsers drop the tab
	"/\t\\evil.com",   // ?next=/%09%5Cevil.com
	"/\\evil.com",     // a backslash is a slash to browsers
	"/%5Cevil.com",    // decoded once more by whoever comes next
	"/%5cevil.com",    // in lower case
	"/%2F/evil.com",   // an encoded slash
	"/%2f%2fevil.com", // in lower case
	"/%09/evil.com",   // an encoded tab
	"/ /evil.com",     // a space
	"/.//evil.com",    // "//evil.com" once the dot segment goes
	"/%2e//evil.com",  // the same, encoded
	"/admin/..//evil.com",
	"/\x0b/evil.com", // a vertical tab
	"/\r\n/evil.com",
	"/\x7f/evil.com",
	"/\u3002evil.com", // no unicode at all
	"",
}

// local are next values that stay on this host and are kept.
var local = []string{
	"/",
	"/admin",
	"/profile/",
	"/admin/members?page=2",
	"/events?q=a%20b#top",
	"/teams/falcons",
}

func TestSafeNext(t *testing.T) {
	for _, next := range offSite {
		if got := safeNext(next, "/home"); got != "/home" {
			t.Errorf("safeNext(%q) = %q, want the fallback", next, got)
		}
	}
	for _, next := range local {
		if got := safeNext(next, "/home"); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
}

// The sign-in pages of both kinds of host send people to their default page
// whatever off-site next they are given: a signed-in visitor of the org's
// form, an org member signing in, and an operator signing in.
func TestLoginNextStaysOnSite(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	signedIn := w.as(orgMember, "quadball-canada.localhost")
	for _, next := range offSite {
		res := signedIn.roundTrip(http.MethodGet, "/login?next="+url.QueryEscape(next), nil)
		if got := location(res); res.StatusCode != http.StatusSeeOther || got != "/" {
			t.Errorf("org GET /login?next=%q (signed in) = %d %q, want 303 /", next, res.StatusCode, got)
		}

		br := w.browser("quadball-canada.localhost")
		res = br.roundTrip(http.MethodPost, "/login", url.Values{"email": {"member@example.org"}, "password": {testPassword}, "next": {next}})
		if got := location(res); res.StatusCode != http.StatusSeeOther || got != "/" {
			t.Errorf("org POST /login next=%q = %d %q, want 303 /", next, res.StatusCode, got)
		}

		op := w.browser("admin.localhost")
		res = op.roundTrip(http.MethodPost, "/login", url.Values{"email": {"ops@example.org"}, "password": {"operator password 1"}, "next": {next}})
		if got := location(res); res.StatusCode != http.StatusSeeOther || got != "/console" {
			t.Errorf("platform POST /login next=%q = %d %q, want 303 /console", next, res.StatusCode, got)
		}
	}
	// A local next is still honoured.
	if res := signedIn.roundTrip(http.MethodGet, "/login?next=/events", nil); location(res) != "/events" {
		t.Errorf("org GET /login?next=/events (signed in) went to %q", location(res))
	}
}

// roundTrip sends one request with the browser's cookies (and CSRF token
// for a form) straight through its transport: http.Client refuses a
// Location with a control character before a test could look at it.
func (c *browser) roundTrip(method, path string, form url.Values) *http.Response {
	c.t.Helper()
	var req *http.Request
	if form == nil {
		req, _ = http.NewRequest(method, c.base+path, nil)
	} else {
		form.Set("_csrf", c.csrf())
		req, _ = http.NewRequest(method, c.base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, ck := range c.jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	res, err := c.http.Transport.RoundTrip(req)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { res.Body.Close() })
	return res
}
