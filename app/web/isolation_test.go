package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"sportsapp/app/demo"
	"sportsapp/app/event"
	"sportsapp/app/tenant"
)

// Two organizations full of demo data: no page of one shows a row of the
// other. Demo emails carry their organization's slug, so a leak is visible
// as text.
func TestDemoDataStaysInItsOrganization(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	for _, o := range []tenant.Org{w.a, w.b} {
		w.membershipType(o, "Adult player", false)
		w.scope(o, func(sc *tenant.Scope) {
			if _, err := demo.Seed(context.Background(), sc, w.srv.settings, 60, 7); err != nil {
				t.Fatal(err)
			}
		})
	}
	check := func(o, other tenant.Org, session string) {
		br := w.browser(o.Slug + ".localhost")
		br.setCookie("sid", session)
		var pages []string
		for p := 1; p <= 4; p++ {
			pages = append(pages, fmt.Sprintf("/admin/members?page=%d", p))
		}
		pages = append(pages, "/admin", "/admin/payments", "/admin/events", "/admin/invitations", "/admin/teams", "/events", "/membership", "/teams", "/")
		w.scope(o, func(sc *tenant.Scope) {
			es, _ := event.Upcoming(context.Background(), sc, "0000-00-00", 20)
			for _, e := range es {
				pages = append(pages, fmt.Sprintf("/admin/events/%d", e.ID), fmt.Sprintf("/admin/events/%d/participants.csv", e.ID))
			}
			ts, _ := sc.Q().TeamList(context.Background(), 50)
			for _, tm := range ts {
				pages = append(pages, "/teams/"+tm.Slug, "/admin/teams/"+tm.Slug+"/edit")
			}
			if len(ts) == 0 {
				t.Fatal("demo data has no teams")
			}
		})
		own, foreign := "@"+o.Slug+".demo.example.org", "@"+other.Slug+".demo.example.org"
		sawOwn := false
		for _, p := range pages {
			body := fetchText(t, br, p)
			if strings.Contains(body, foreign) {
				t.Fatalf("%s%s shows a row of %s", o.Slug, p, other.Slug)
			}
			sawOwn = sawOwn || strings.Contains(body, own)
		}
		if !sawOwn {
			t.Fatalf("%s's pages show none of its own demo members: the test proves nothing", o.Slug)
		}
	}
	check(w.a, w.b, w.session(w.a, w.admin))
	check(w.b, w.a, w.session(w.b, w.bAd))
}

// fetchText returns a page's raw body, failing unless it is a 200.
func fetchText(t *testing.T, br *browser, path string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, br.base+path, nil)
	res := br.do(req)
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %v", path, res.StatusCode, err)
	}
	return string(b)
}
