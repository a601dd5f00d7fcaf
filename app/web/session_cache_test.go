package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"sportsapp/app/account"
	"sportsapp/app/auth"
	"sportsapp/app/tenant"
)

// The session cache never outlives a change: a member disabled, or whose
// role changes, is treated accordingly by their very next request, well
// within the cache's TTL (SessionCacheTTL).
func TestSessionChangesSeenByTheNextRequest(t *testing.T) {
	w := newWorld(t, envOptions{})
	ctx := context.Background()
	host := "quadball-canada.localhost"
	as := func(sid, path string) *http.Response {
		t.Helper()
		return w.get(host, path, "Cookie", auth.SessionCookie+"="+sid)
	}
	signedIn := func(res *http.Response) bool {
		t.Helper()
		return res.StatusCode == 200 && strings.Contains(body(t, res), `action="/logout"`)
	}
	by := account.ActorFor(w.admin, "127.0.0.1")

	t.Run("disabled", func(t *testing.T) {
		sid := w.session(w.a, w.member)
		if res := as(sid, "/"); !signedIn(res) {
			t.Fatal("not signed in before")
		}
		w.scope(w.a, func(sc *tenant.Scope) {
			if _, err := w.accounts.SetStatus(ctx, sc, by, w.member.ID, account.StatusDisabled); err != nil {
				t.Fatal(err)
			}
		})
		res := as(sid, "/")
		if signedIn(res) {
			t.Fatal("a disabled member is still signed in")
		}
		if !strings.Contains(res.Header.Get("Set-Cookie"), auth.SessionCookie+"=;") {
			t.Errorf("the dead session's cookie is not cleared: %q", res.Header.Get("Set-Cookie"))
		}
	})

	t.Run("role changed", func(t *testing.T) {
		sid := w.session(w.a, w.target)
		if res := as(sid, "/admin"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a member on /admin: %d, want 403", res.StatusCode)
		}
		w.scope(w.a, func(sc *tenant.Scope) {
			if _, err := w.accounts.SetRole(ctx, sc, by, w.target.ID, account.RoleAdmin); err != nil {
				t.Fatal(err)
			}
		})
		// The role change ends the sessions: the cached member session
		// does not answer (it would still say 403), the request is
		// anonymous and sent to sign in.
		res := as(sid, "/admin")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(location(res), "/login") {
			t.Fatalf("after the role change: %d to %q, want a 303 to /login", res.StatusCode, location(res))
		}
	})

	t.Run("signed out", func(t *testing.T) {
		sid := w.session(w.a, w.admin)
		if res := as(sid, "/admin"); res.StatusCode != 200 {
			t.Fatalf("admin on /admin: %d", res.StatusCode)
		}
		w.scope(w.a, func(sc *tenant.Scope) {
			if err := w.accounts.SignOut(ctx, sc, sid); err != nil {
				t.Fatal(err)
			}
		})
		if res := as(sid, "/admin"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("after signing out: %d, want a 303 to /login", res.StatusCode)
		}
	})
}

// A signed-in page answered from the session cache reads no session from
// the database.
func TestSessionCacheSparesTheLookup(t *testing.T) {
	w := newWarmSite(t)
	w.getAs(t, "/", w.memberSID)
	qc := w.countQueries(t)
	w.getAs(t, "/", w.memberSID)
	for _, q := range qc.take() {
		if q == "SessionByTokenHash" {
			t.Fatal("the second request read its session from the database")
		}
	}
}
