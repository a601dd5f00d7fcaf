package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sportsapp/app/account"
	"sportsapp/app/tenant"
)

// The pages people meet without having done anything wrong say what
// happened, are styled (their stylesheet loads on that host, under the
// same CSP) and lead somewhere that works, never back to themselves.
func TestErrorPagesExplain(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	if _, err := w.reg.SetStatus(context.Background(), "quadball-alberta", tenant.StatusSuspended); err != nil {
		t.Fatal(err)
	}
	_, token := w.invitation(w.a, "joiner@example.org", account.RoleMember)
	joiner := w.browser("quadball-canada.localhost")
	joiner.csrf()
	if res := joiner.post("/invite", url.Values{"token": {token}, "name": {"Jo"}, "password": {"joiner password 1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.StatusCode)
	}
	for _, tt := range []struct {
		name, host, path string
		status           int
		heading          string
		links            []string // hrefs the page offers
		noLinks          []string // hrefs that would lead back to the same page
	}{
		{"unknown host", "nosuch.localhost", "/", 404, "No organization at this address",
			[]string{"http://admin.localhost/"}, []string{"/", "/login"}},
		{"unknown host, any page", "nosuch.localhost", "/events", 404, "No organization at this address",
			[]string{"http://admin.localhost/"}, []string{"/", "/login"}},
		{"suspended organization", "quadball-alberta.localhost", "/login", 403, "Quadball Alberta is suspended",
			[]string{"http://admin.localhost/"}, []string{"/", "/login"}},
		{"used invitation", "quadball-canada.localhost", "/invite?token=" + url.QueryEscape(token), 404, "This invitation link no longer works",
			[]string{"/login", "/password/forgot"}, nil},
		{"used reset link", "quadball-canada.localhost", "/password/reset?token=nosuch", 404, "This reset link no longer works",
			[]string{"/password/forgot"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := w.get(tt.host, tt.path)
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
			d := doc(t, res)
			if res.StatusCode != tt.status || strings.TrimSpace(d.Find("h1").Text()) != tt.heading {
				t.Fatalf("%d %q, want %d %q", res.StatusCode, d.Find("h1").Text(), tt.status, tt.heading)
			}
			hrefs := map[string]bool{}
			d.Find("a[href]").Each(func(_ int, a *goquerySel) { h, _ := a.Attr("href"); hrefs[h] = true })
			for _, h := range tt.links {
				if !hrefs[h] {
					t.Errorf("no link to %s (links: %v)", h, hrefs)
				}
			}
			for _, h := range tt.noLinks {
				if hrefs[h] {
					t.Errorf("links to %s, which is this same page again", h)
				}
			}
			// Its stylesheets and icon load on the same host.
			d.Find(`link[rel=stylesheet], link[rel=icon]`).Each(func(_ int, l *goquerySel) {
				href, _ := l.Attr("href")
				r := w.get(tt.host, href)
				if r.StatusCode != 200 {
					t.Errorf("%s on %s: %d", href, tt.host, r.StatusCode)
				}
			})
			if d.Find(`link[rel=icon]`).Length() != 1 {
				t.Error("no favicon")
			}
		})
	}
}
