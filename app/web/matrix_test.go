package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sportsapp/app/account"
	"sportsapp/app/auth"
	"sportsapp/app/tenant"
)

// outcome is what a persona gets from a route.
type outcome string

const (
	allowed   outcome = "allowed"   // the handler ran (any status but the ones below)
	toLogin   outcome = "login"     // redirected to the host's sign-in page
	forbidden outcome = "forbidden" // 403
	notFound  outcome = "notfound"  // 404
	crashed   outcome = "crashed"   // any 5xx: never an expected outcome
)

// persona is who makes a request in the matrix.
type persona int

const (
	anonymous persona = iota
	orgMember
	thisOrgAdmin
	otherOrgAdmin // quadball-alberta's admin, replaying its cookie here
	superPersona  // a super-admin, replaying the platform cookie here
)

var personaNames = [...]string{"anonymous", "member", "admin", "other-org-admin", "super-admin"}

// row is the expected outcome for each persona, in persona order.
type row [5]outcome

var (
	everyone   = row{allowed, allowed, allowed, allowed, allowed}
	members    = row{toLogin, allowed, allowed, toLogin, toLogin}
	adminsOnly = row{toLogin, forbidden, allowed, toLogin, toLogin}
	operators  = row{toLogin, toLogin, toLogin, toLogin, allowed}
)

// matrix is the authorization matrix: one row per route of the route table,
// written out by hand. TestAuthorizationMatrix fails for a route without a
// row, so a new route cannot ship without deciding who may use it.
var matrix = map[string]row{
	"GET org /":                                             everyone,
	"GET org /brand.css":                                    everyone,
	"GET org /login":                                        everyone,
	"POST org /login":                                       everyone,
	"POST org /logout":                                      members,
	"GET org /signup":                                       everyone,
	"POST org /signup":                                      everyone,
	"GET org /password/forgot":                              everyone,
	"POST org /password/forgot":                             everyone,
	"GET org /password/reset":                               everyone,
	"POST org /password/reset":                              everyone,
	"GET org /invite":                                       everyone,
	"POST org /invite":                                      everyone,
	"GET org /profile":                                      members,
	"POST org /profile":                                     members,
	"POST org /profile/password":                            members,
	"GET org /profile/details":                              members,
	"POST org /profile/details":                             members,
	"GET org /profile/export":                               members,
	"GET org /profile/delete":                               members,
	"POST org /profile/delete":                              members,
	"GET org /membership":                                   members,
	"POST org /membership":                                  members,
	"GET org /events":                                       members,
	"GET org /events/:id":                                   members,
	"POST org /events/:id/register":                         members,
	"POST org /events/:id/unregister":                       members,
	"GET org /teams":                                        members,
	"POST org /teams":                                       members,
	"GET org /teams/:slug":                                  members,
	"POST org /teams/:slug/invite":                          teamCaptains,
	"POST org /teams/:slug/members/:id/remove":              teamCaptains,
	"POST org /teams/:slug/members/:id/captain":             teamCaptains,
	"POST org /teams/:slug/accept":                          members,
	"POST org /teams/:slug/decline":                         members,
	"POST org /teams/:slug/leave":                           members,
	"GET org /admin/teams":                                  adminsOnly,
	"GET org /admin/teams/:slug/edit":                       adminsOnly,
	"POST org /admin/teams/:slug":                           adminsOnly,
	"GET org /admin/events":                                 adminsOnly,
	"POST org /admin/events":                                adminsOnly,
	"GET org /admin/events/:id":                             adminsOnly,
	"GET org /admin/events/:id/edit":                        adminsOnly,
	"POST org /admin/events/:id":                            adminsOnly,
	"POST org /admin/events/:id/cancel":                     adminsOnly,
	"POST org /admin/events/:id/delete":                     adminsOnly,
	"POST org /admin/events/:id/registrations/:rid/confirm": adminsOnly,
	"GET org /admin/events/:id/participants.csv":            adminsOnly,
	"GET org /admin/analytics":                              adminsOnly,
	"GET org /admin/analytics.csv":                          adminsOnly,
	"GET org /admin/payments":                               adminsOnly,
	"GET org /admin/payments/history":                       adminsOnly,
	"POST org /admin/payments/:id/confirm":                  adminsOnly,
	"POST org /admin/payments/:id/reject":                   adminsOnly,
	"GET org /admin":                                        adminsOnly,
	"GET org /admin/members":                                adminsOnly,
	"GET org /admin/members.csv":                            adminsOnly,
	"GET org /admin/members/:id":                            adminsOnly,
	"POST org /admin/members/:id/role":                      adminsOnly,
	"POST org /admin/members/:id/status":                    adminsOnly,
	"POST org /admin/members/:id/erase":                     adminsOnly,
	"GET org /admin/export":                                 adminsOnly,
	"GET org /admin/export.zip":                             adminsOnly,
	"GET org /admin/invitations":                            adminsOnly,
	"POST org /admin/invitations":                           adminsOnly,
	"POST org /admin/invitations/:id/revoke":                adminsOnly,
	"GET org /admin/settings":                               adminsOnly,
	"POST org /admin/settings":                              adminsOnly,
	"POST org /admin/settings/validate/:field":              adminsOnly,
	"GET org /admin/settings/history":                       adminsOnly,
	"GET org /admin/settings/history/:version":              adminsOnly,
	"POST org /admin/membership-types":                      adminsOnly,
	"GET org /admin/membership-types/:id":                   adminsOnly,
	"GET org /admin/membership-types/:id/edit":              adminsOnly,
	"POST org /admin/membership-types/:id":                  adminsOnly,
	"POST org /admin/membership-types/:id/archive":          adminsOnly,
	"POST org /admin/membership-types/:id/restore":          adminsOnly,
	"GET org /admin/domains":                                adminsOnly,
	"POST org /admin/domains":                               adminsOnly,
	"POST org /admin/domains/:name/check":                   adminsOnly,
	"POST org /admin/domains/:name/primary":                 adminsOnly,
	"POST org /admin/domains/:name/remove":                  adminsOnly,

	"GET platform /":                                           everyone,
	"GET platform /login":                                      everyone,
	"POST platform /login":                                     everyone,
	"POST platform /logout":                                    operators,
	"GET platform /console":                                    operators,
	"GET platform /analytics":                                  operators,
	"GET platform /analytics.csv":                              operators,
	"GET platform /analytics/orgs/:slug":                       operators,
	"GET platform /console/system":                             operators,
	"GET platform /console/new":                                operators,
	"POST platform /console/new/step":                          operators,
	"POST platform /console/new/slug":                          operators,
	"POST platform /console/new":                               operators,
	"GET platform /console/orgs/:slug":                         operators,
	"POST platform /console/orgs/:slug/suspend":                operators,
	"POST platform /console/orgs/:slug/activate":               operators,
	"GET platform /console/orgs/:slug/export":                  operators,
	"POST platform /console/orgs/:slug/delete":                 operators,
	"POST platform /console/orgs/:slug/delete/cancel":          operators,
	"POST platform /console/orgs/:slug/invitations/resend":     operators,
	"POST platform /console/orgs/:slug/invitations/:id/revoke": operators,
	"POST platform /console/orgs/:slug/domains/:name/remove":   operators,
}

func routeKey(r route) string {
	host := "org"
	if r.host == tenant.HostPlatform {
		host = "platform"
	}
	return r.method + " " + host + " " + r.path
}

// request is what the matrix sends for one route: the concrete path and
// form, prepared fresh for each cell so that one cell's effects (a used
// token, a signed-out session) cannot change another's outcome.
func (w *world) request(r route, n int) (string, url.Values) {
	path := r.path
	form := url.Values{}
	switch {
	case strings.HasPrefix(r.path, "/teams") || strings.HasPrefix(r.path, "/admin/teams"):
		path, form = w.teamRequest(r, n)
	case strings.HasPrefix(r.path, "/admin/members/:id"):
		path = strings.Replace(path, ":id", strconv.FormatInt(w.target.ID, 10), 1)
		form.Set("role", "member")
		form.Set("status", "active")
	case r.path == "/admin/invitations/:id/revoke":
		id, _ := w.invitation(w.a, fmt.Sprintf("revoke-%d@example.org", n), account.RoleMember)
		path = strings.Replace(path, ":id", strconv.FormatInt(id, 10), 1)
	case r.path == "/admin/invitations":
		form.Set("email", fmt.Sprintf("invitee-%d@example.org", n))
		form.Set("role", "member")
	case r.path == "/invite":
		_, token := w.invitation(w.a, fmt.Sprintf("joiner-%d@example.org", n), account.RoleMember)
		if r.method == http.MethodGet {
			path += "?token=" + token
		}
		form.Set("token", token)
		form.Set("name", "Joiner")
		form.Set("password", "joiner password 1")
	case r.path == "/password/reset":
		token := w.resetToken(w.a, w.target)
		if r.method == http.MethodGet {
			path += "?token=" + token
		}
		form.Set("token", token)
		form.Set("password", "a brand new password")
	case r.path == "/admin/domains":
		form.Set("domain", fmt.Sprintf("matrix-%d.example.org", n))
	case strings.HasPrefix(r.path, "/admin/domains/:name"):
		path = strings.Replace(path, ":name", w.domainOf(w.a, n, strings.HasSuffix(r.path, "/primary")), 1)
	case r.path == "/admin/settings/validate/:field":
		path = strings.Replace(path, ":field", "season_end", 1)
	case r.path == "/admin/settings/history/:version":
		path = strings.Replace(path, ":version", "1", 1)
	case r.path == "/admin/settings":
		form = w.settingsForm()
	case r.path == "/admin/membership-types":
		form.Set("name", fmt.Sprintf("Type %d", n))
		form.Set("price", "10.00")
	case strings.HasPrefix(r.path, "/admin/membership-types/:id"):
		id := w.membershipType(w.a, fmt.Sprintf("Matrix type %d", n), strings.HasSuffix(r.path, "/restore"))
		path = strings.Replace(path, ":id", strconv.FormatInt(id, 10), 1)
		form.Set("name", fmt.Sprintf("Matrix type %d renamed", n))
		form.Set("price", "12.00")
	case r.path == "/analytics/orgs/:slug":
		path = strings.Replace(path, ":slug", w.b.Slug, 1)
	case strings.HasPrefix(r.path, "/console/orgs/:slug/domains/:name"):
		path = strings.Replace(path, ":slug", w.b.Slug, 1)
		path = strings.Replace(path, ":name", w.domainOf(w.b, n, false), 1)
	case strings.HasPrefix(r.path, "/console/orgs/:slug"):
		path = strings.Replace(path, ":slug", w.b.Slug, 1)
		if strings.Contains(path, ":id") {
			id, _ := w.invitation(w.b, fmt.Sprintf("admin-%d@alberta.example.org", n), account.RoleAdmin)
			path = strings.Replace(path, ":id", strconv.FormatInt(id, 10), 1)
		}
		form.Set("email", fmt.Sprintf("boss-%d@alberta.example.org", n))
	case r.path == "/console/new/step" || r.path == "/console/new" || r.path == "/console/new/slug":
		for k, v := range wizardValues(nil, true) {
			form.Set(k, v)
		}
		form.Set("step", "1")
		form.Set("action", "next")
		form.Set("name", fmt.Sprintf("League %d", n))
		form.Set("slug", fmt.Sprintf("league-%d", n))
		form.Set("admin_email", fmt.Sprintf("admin-%d@league.example.org", n))
	case strings.HasPrefix(r.path, "/admin/payments/:id"):
		path = strings.Replace(path, ":id", strconv.FormatInt(w.pendingPayment(n), 10), 1)
		form.Set("received", "10.00")
	case strings.HasPrefix(r.path, "/events/:id") || strings.HasPrefix(r.path, "/admin/events/:id"):
		eventID, regID := w.eventWithRegistration(n)
		path = strings.Replace(path, ":id", strconv.FormatInt(eventID, 10), 1)
		path = strings.Replace(path, ":rid", strconv.FormatInt(regID, 10), 1)
	case r.path == "/admin/events":
		for k, v := range eventForm(fmt.Sprintf("Cup %d", n)) {
			form[k] = v
		}
	case r.path == "/profile/details":
		form = profileForm()
	case r.path == "/membership":
		form.Set("type", "1")
		form.Set("waiver", "on")
	case r.path == "/login":
		form.Set("email", "nobody@example.org")
		form.Set("password", "wrong password")
	case r.path == "/signup":
		form.Set("name", "New Person")
		form.Set("email", fmt.Sprintf("new-%d@example.org", n))
		form.Set("password", "new person password")
	case r.path == "/password/forgot":
		form.Set("email", "member@example.org")
	case r.path == "/profile":
		form.Set("name", "Renamed")
	case r.path == "/profile/password":
		form.Set("current_password", "not the password")
		form.Set("new_password", "another new password")
	}
	return path, form
}

// as returns a browser on host carrying p's credentials: its own session
// cookie where it has one, and the cookie of another host replayed here
// for the other org's admin and the super-admin.
func (w *world) as(p persona, host string) *browser {
	br := w.browser(host)
	br.csrf()
	var token string
	switch p {
	case orgMember:
		token = w.session(w.a, w.member)
	case thisOrgAdmin:
		token = w.session(w.a, w.admin)
	case otherOrgAdmin:
		token = w.session(w.b, w.bAd)
	case superPersona:
		token = w.superSession(w.super)
	}
	if token != "" {
		// Under both cookie names: a token is only valid in its own store.
		br.setCookie(auth.SessionCookie, token)
		br.setCookie(auth.PlatformSessionCookie, token)
	}
	return br
}

// outcomeOf classifies a response. A 5xx is its own outcome, not
// "allowed": a protected route that crashes did not prove it checks access,
// and no row of the matrix expects a crash.
func outcomeOf(res *http.Response) outcome {
	switch {
	case res.StatusCode >= 500:
		return crashed
	case res.StatusCode == http.StatusForbidden:
		return forbidden
	case res.StatusCode == http.StatusNotFound:
		return notFound
	case strings.HasPrefix(location(res), "/login"):
		return toLogin
	}
	return allowed
}

func TestAuthorizationMatrix(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	cells, n := 0, 0
	for _, r := range w.srv.routes() {
		want, ok := matrix[routeKey(r)]
		if !ok {
			t.Errorf("route %q has no row in the authorization matrix", routeKey(r))
			continue
		}
		host := "quadball-canada.localhost"
		if r.host == tenant.HostPlatform {
			host = "admin.localhost"
		}
		for p := anonymous; p <= superPersona; p++ {
			n++
			// The request's data first: preparing it may undo an earlier
			// cell's effect on the host (a primary domain redirects it).
			path, form := w.request(r, n)
			br := w.as(p, host)
			var res *http.Response
			if r.method == http.MethodGet {
				res, _ = br.get(path)
			} else {
				res = br.post(path, form)
			}
			if got := outcomeOf(res); got != want[p] {
				t.Errorf("%s as %s: %s (status %d, location %q), want %s",
					routeKey(r), personaNames[p], got, res.StatusCode, location(res), want[p])
			}
			cells++
		}
	}
	if len(matrix) != len(w.srv.routes()) {
		t.Errorf("matrix has %d rows for %d routes: remove rows of deleted routes", len(matrix), len(w.srv.routes()))
	}
	t.Logf("authorization matrix: %d routes x %d personas = %d cells", len(w.srv.routes()), len(personaNames), cells)
}
