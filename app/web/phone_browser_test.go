package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/account"
	"sportsapp/app/demo"
	"sportsapp/app/internal/browsertest"
	"sportsapp/app/tenant"
)

// phonePage is one page the phone crawl visits: the route pattern it covers
// and the concrete path (or "" for a pattern with nothing to visit, with
// the reason in skip).
type phonePage struct {
	pattern, path, skip string
}

// phonePages lists every page each persona can reach, per route pattern.
// TestPhonePagesCoverRoutes fails when a GET route is missing here, so a
// new page must be added to the crawl.
func phonePages(slug string, eventID, typeID int64) map[persona][]phonePage {
	ev, ty := strconv.FormatInt(eventID, 10), strconv.FormatInt(typeID, 10)
	memberPages := []phonePage{
		{"/", "/", ""},
		{"/membership", "/membership", ""},
		{"/events", "/events", ""},
		{"/events/:id", "/events/" + ev, ""},
		{"/teams", "/teams", ""},
		{"/teams/:slug", "/teams/" + slug, ""},
		{"/profile", "/profile", ""},
		{"/profile/details", "/profile/details", ""},
		{"/profile/export", "", "a download (JSON), not a page"},
		{"/profile/delete", "/profile/delete", ""},
	}
	return map[persona][]phonePage{
		anonymous: {
			{"/login", "/login", ""},
			{"/signup", "/signup", ""},
			{"/password/forgot", "/password/forgot", ""},
			{"/password/reset", "/password/reset?token=nosuch", ""},
			{"/invite", "/invite?token=nosuch", ""},
			{"/brand.css", "", "a stylesheet, not a page"},
		},
		orgMember: memberPages,
		thisOrgAdmin: append(memberPages[:len(memberPages):len(memberPages)],
			phonePage{"/admin", "/admin", ""},
			phonePage{"/admin/members", "/admin/members", ""},
			phonePage{"/admin/members/:id", "/admin/members/1", ""}, // Mia Member, the world's first user
			phonePage{"/admin/members.csv", "", "a download, not a page"},
			phonePage{"/admin/invitations", "/admin/invitations", ""},
			phonePage{"/admin/payments", "/admin/payments", ""},
			phonePage{"/admin/payments/history", "/admin/payments/history?season=", ""},
			phonePage{"/admin/analytics", "/admin/analytics", ""},
			phonePage{"/admin/analytics.csv", "", "a download, not a page"},
			phonePage{"/admin/teams", "/admin/teams", ""},
			phonePage{"/admin/teams/:slug/edit", "/admin/teams/" + slug + "/edit", ""},
			phonePage{"/admin/events", "/admin/events", ""},
			phonePage{"/admin/events/:id", "/admin/events/" + ev, ""},
			phonePage{"/admin/events/:id/edit", "/admin/events/" + ev + "/edit", ""},
			phonePage{"/admin/events/:id/participants.csv", "", "a download, not a page"},
			phonePage{"/admin/domains", "/admin/domains", ""},
			phonePage{"/admin/export", "/admin/export", ""},
			phonePage{"/admin/export.zip", "", "a download, not a page"},
			phonePage{"/admin/settings", "/admin/settings", ""},
			phonePage{"/admin/settings/history", "/admin/settings/history", ""},
			phonePage{"/admin/settings/history/:version", "/admin/settings/history/1", ""},
			phonePage{"/admin/membership-types/:id/edit", "/admin/membership-types/" + ty + "/edit", ""},
			phonePage{"/admin/membership-types/:id", "", "an htmx row of the settings page (a plain GET redirects there)"},
		),
		superPersona: {
			{"/", "/", ""},
			{"/console", "/console", ""},
			{"/console/system", "/console/system", ""},
			{"/analytics", "/analytics", ""},
			{"/analytics.csv", "", "a download, not a page"},
			{"/analytics/orgs/:slug", "/analytics/orgs/quadball-canada", ""},
			{"/console/new", "/console/new", ""},
			{"/console/orgs/:slug", "/console/orgs/quadball-canada", ""},
			{"/console/orgs/:slug/export", "", "a download, not a page"},
		},
	}
}

// Every GET route of the table is in the phone crawl.
func TestPhonePagesCoverRoutes(t *testing.T) {
	w := newWorld(t, envOptions{})
	covered := map[string]bool{}
	for p, pages := range phonePages("x", 1, 1) {
		for _, pg := range pages {
			host := "org"
			if p == superPersona || (p == anonymous && strings.HasPrefix(pg.pattern, "/console")) {
				host = "platform"
			}
			covered[host+" "+pg.pattern] = true
		}
	}
	for _, r := range w.srv.routes() {
		if r.method != get {
			continue
		}
		host := "org"
		if r.host == tenant.HostPlatform {
			host = "platform"
		}
		if r.host == tenant.HostPlatform && r.path == "/login" {
			continue // the platform's sign-in page is visited by signing in
		}
		if !covered[host+" "+r.path] {
			t.Errorf("GET %s on the %s host is not in phonePages: add it to the 390 px crawl", r.path, host)
		}
	}
}

// In Chromium at 390x844 (a phone): every page an anonymous visitor, a
// member, an admin and a super-admin can reach fits the width of the
// screen (nothing scrolls sideways), the navigation marks the current page
// and every page's menu is reachable.
func TestBrowserPhoneWidth(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	w.openRegistration()
	w.scope(w.a, func(sc *tenant.Scope) {
		if _, err := demo.Seed(context.Background(), sc, w.srv.settings, 60, 7); err != nil {
			t.Fatal(err)
		}
	})
	slug := w.phoneTeam()
	ev := w.newEvent("Provincial Championship Qualifier Weekend", 120)
	typeID := w.openRegistration()
	pages := phonePages(slug, ev.ID, typeID)

	org, plat := w.url("quadball-canada.localhost"), w.url("admin.localhost")
	for _, tt := range []struct {
		who            persona
		base, email    string
		password, wait string
	}{
		{anonymous, org, "", "", ""},
		{orgMember, org, "member@example.org", testPassword, `.menu-narrow summary`},
		{thisOrgAdmin, org, "admin@example.org", testPassword, `.menu-narrow summary`},
		{superPersona, plat, "ops@example.org", "operator password 1", `.menu-narrow summary`},
	} {
		t.Run(personaNames[tt.who], func(t *testing.T) {
			ctx := browsertest.New(t)
			browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844))
			if tt.email != "" {
				browsertest.SignIn(t, ctx, tt.base, tt.email, tt.password, tt.wait)
			}
			for _, pg := range pages[tt.who] {
				if pg.path == "" {
					continue
				}
				browsertest.Do(t, ctx, chromedp.Navigate(tt.base+pg.path), chromedp.WaitReady(`footer.site`))
				got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
				if err != nil {
					t.Fatal(err)
				}
				name := strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(personaNames[tt.who] + pg.path)
				browsertest.Screenshot(ctx, t, "phone-"+name)
				if got[0] > got[1] {
					wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](widest))
					t.Errorf("%s at 390 px: page is %d px wide for a %d px window; widest: %s", pg.path, got[0], got[1], wide)
				}
				if tt.who != anonymous && pg.path != "/" {
					cur, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('[aria-current="page"]')).map(a => a.getAttribute('href')).join(' ')`))
					if cur == "" {
						t.Errorf("%s: no link marked aria-current", pg.path)
					}
				}
			}
		})
	}
}

// widest names the elements that stick out of the window, for the failure message.
const widest = `Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-5).map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')`

// phoneTeam creates a team captained by the member of org A, with the
// admin invited, and returns its slug.
func (w *world) phoneTeam() string {
	w.t.Helper()
	w.teamActivate(w.member)
	slug, _ := w.teamFixture("Toronto Raccoons Development Squad", w.member, []account.User{w.admin}, []account.User{w.target})
	return slug
}
