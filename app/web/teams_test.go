package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/internal/smtptest"
	"sportsapp/app/membership"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

const teamHost = "quadball-canada.localhost"

// teamCaptains is the matrix row of captain-only team actions. The
// fixture (teamRequest) makes the org admin the team's captain and the
// member persona one of its players, who is refused. (The admin captains
// so that the CSRF test, which posts as the admin, gets through.)
var teamCaptains = row{toLogin, forbidden, allowed, toLogin, toLogin}

// teamRouteRows are the team rows of the route table. newTeamWorld mounts
// them only while routes.go does not have them yet.
func teamRouteRows(s *Server) []route {
	return []route{
		{get, "/teams", org, member, false, s.handleTeams},
		{post, "/teams", org, member, false, s.handleTeamCreate},
		{get, "/teams/:slug", org, member, false, s.handleTeam},
		{post, "/teams/:slug/invite", org, member, false, s.handleTeamInvite},
		{post, "/teams/:slug/members/:id/remove", org, member, false, s.handleTeamRemove},
		{post, "/teams/:slug/members/:id/captain", org, member, false, s.handleTeamCaptain},
		{post, "/teams/:slug/accept", org, member, false, s.handleTeamAccept},
		{post, "/teams/:slug/decline", org, member, false, s.handleTeamDecline},
		{post, "/teams/:slug/leave", org, member, false, s.handleTeamLeave},
		{get, "/admin/teams", org, orgAdmin, false, s.handleAdminTeams},
		{get, "/admin/teams/:slug/edit", org, orgAdmin, false, s.handleAdminTeamEdit},
		{post, "/admin/teams/:slug", org, orgAdmin, false, s.handleAdminTeamSave},
	}
}

// newTeamWorld is newWorld with the team routes served (mounted here
// before the first request if the route table lacks them).
func newTeamWorld(t *testing.T, opt envOptions) *world {
	t.Helper()
	if opt.LoginAttempts == 0 {
		opt.LoginAttempts = 1000
	}
	w := newWorld(t, opt)
	for _, r := range w.srv.routes() {
		if r.path == "/teams" {
			return w
		}
	}
	w.srv.mount(teamRouteRows(w.srv))
	return w
}

// teamActivate gives u an active membership in org A.
func (w *world) teamActivate(u account.User) {
	w.t.Helper()
	typeID := w.openRegistration()
	w.scope(w.a, func(sc *tenant.Scope) {
		ctx := context.Background()
		p := membership.Profile{DateOfBirth: "1990-01-01", Phone: "4165550100", EmergencyName: "E", EmergencyRelationship: "friend", EmergencyPhone: "4165550101"}
		if _, err := membership.SaveProfile(ctx, sc, u.ID, p, time.Now()); err != nil {
			w.t.Fatal(err)
		}
		// A membership already bought (pending) is the one confirmed.
		if _, err := w.srv.memberships.Buy(ctx, sc, u, typeID, true); err != nil && apperr.CodeOf(err) != apperr.Conflict {
			w.t.Fatal(err)
		}
		pending, err := membership.PendingPayments(ctx, sc)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, p := range pending {
			if p.Email == u.Email {
				if err := w.srv.memberships.Confirm(ctx, sc, account.Actor{Label: "test"}, p.PaymentID, "10.00"); err != nil {
					w.t.Fatal(err)
				}
			}
		}
	})
}

// teamFixture writes a team straight into org A (no membership needed):
// captain, active players and invited people. It returns the slug and
// each person's team_members row id.
func (w *world) teamFixture(name string, captain account.User, players, invited []account.User) (string, map[int64]int64) {
	w.t.Helper()
	slug := team.Slugify(name)
	ids := map[int64]int64{}
	w.scope(w.a, func(sc *tenant.Scope) {
		ctx := context.Background()
		now := time.Now().UTC()
		err := sc.Tx(ctx, func(q *orgdb.Queries) error {
			t, err := q.TeamCreate(ctx, orgdb.TeamCreateParams{Slug: slug, Name: name, NameKey: strings.ToLower(name), City: "Toronto", Province: "ON",
				CreatedAt: now, UpdatedAt: now})
			if err != nil {
				return err
			}
			add := func(u account.User, role, status string) error {
				m, err := q.TeamMemberCreate(ctx, orgdb.TeamMemberCreateParams{TeamID: t.ID, UserID: sql.NullInt64{Int64: u.ID, Valid: true},
					Email: u.Email, Role: role, Status: status, CreatedAt: now, UpdatedAt: now})
				ids[u.ID] = m.ID
				return err
			}
			if err := add(captain, team.RoleCaptain, team.StatusActive); err != nil {
				return err
			}
			for _, u := range players {
				if err := add(u, team.RolePlayer, team.StatusActive); err != nil {
					return err
				}
			}
			for _, u := range invited {
				if err := add(u, team.RolePlayer, team.StatusInvited); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			w.t.Fatal(err)
		}
	})
	return slug, ids
}

// teamRequest is the authorization matrix's request for a team route
// (called from (w *world) request).
func (w *world) teamRequest(r route, n int) (string, url.Values) {
	path, form := r.path, url.Values{}
	name := fmt.Sprintf("Matrix team %d", n)
	switch {
	case r.path == "/teams":
		form = url.Values{"name": {name}, "city": {"Ottawa"}, "province": {"ON"}}
	case strings.HasSuffix(r.path, "/accept") || strings.HasSuffix(r.path, "/decline"):
		slug, _ := w.teamFixture(name, w.target, nil, []account.User{w.member, w.admin})
		path = strings.Replace(path, ":slug", slug, 1)
	case strings.HasSuffix(r.path, "/leave"):
		slug, _ := w.teamFixture(name, w.target, []account.User{w.member, w.admin}, nil)
		path = strings.Replace(path, ":slug", slug, 1)
	case strings.HasPrefix(r.path, "/teams/:slug") || strings.HasPrefix(r.path, "/admin/teams/:slug"):
		slug, ids := w.teamFixture(name, w.admin, []account.User{w.member, w.target}, nil)
		path = strings.Replace(path, ":slug", slug, 1)
		path = strings.Replace(path, ":id", strconv.FormatInt(ids[w.target.ID], 10), 1)
		form = url.Values{"email": {fmt.Sprintf("recruit-%d@example.org", n)}, "role": {"player"},
			"name": {name + " renamed"}, "city": {"Ottawa"}, "province": {"ON"}}
	}
	return path, form
}

// teamBrowser is a browser on host signed in as u of org o.
func (w *world) teamBrowser(host string, o tenant.Org, u account.User) *browser {
	br := w.browser(host)
	br.csrf()
	br.setCookie(auth.SessionCookie, w.session(o, u))
	return br
}

// teamRowOf returns u's latest row on slug's team ("" status if none).
func (w *world) teamRowOf(slug string, u account.User) (id int64, role, status string) {
	w.t.Helper()
	w.scope(w.a, func(sc *tenant.Scope) {
		v, err := team.Page(context.Background(), sc, slug, u)
		if err != nil {
			w.t.Fatal(err)
		}
		role, status = v.MyRole, v.MyStatus
		for _, m := range v.Roster {
			if m.Self {
				id = m.ID
			}
		}
	})
	return id, role, status
}

// teamAudited reports whether org A's audit log has action on subject.
func (w *world) teamAudited(action, subject string) bool {
	found := false
	w.scope(w.a, func(sc *tenant.Scope) {
		rows, err := sc.Q().AuditList(context.Background(), orgdb.AuditListParams{Limit: 100})
		if err != nil {
			w.t.Fatal(err)
		}
		for _, r := range rows {
			if r.Action == action && r.Subject == subject {
				found = true
			}
		}
	})
	return found
}

func teamValues(name string) url.Values {
	return url.Values{"name": {name}, "city": {"Montréal"}, "province": {"QC"}, "colours": {"red and black"}}
}

func TestTeamCreateNeedsActiveMembership(t *testing.T) {
	w := newTeamWorld(t, envOptions{})
	mia := w.as(orgMember, teamHost)

	_, d := mia.get("/teams")
	if !strings.Contains(d.Find("#team-create").Text(), "need an active membership") {
		t.Fatalf("create section without a membership: %s", d.Find("#team-create").Text())
	}
	res := mia.post("/teams", teamValues("Montréal Lions"), "HX-Request", "true")
	if d := doc(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#team-create").Text(), "active membership") {
		t.Fatalf("create without a membership: %d", res.StatusCode)
	}
	// A pending membership is not enough.
	w.openRegistration()
	if res := mia.post("/profile/details", profileForm()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile: %d", res.StatusCode)
	}
	typeID := w.openRegistration()
	mia.post("/membership", url.Values{"type": {itoa(typeID)}, "waiver": {"on"}})
	if res := mia.post("/teams", teamValues("Montréal Lions")); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("create with a pending membership: %d", res.StatusCode)
	}

	w.teamActivate(w.member)
	bad := url.Values{"name": {"  "}, "city": {"Montréal"}, "province": {"XX"}, "colours": {strings.Repeat("x", 51)}}
	res = mia.post("/teams", bad, "HX-Request", "true")
	d = doc(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#team-create [aria-invalid=true]").Length() != 3 {
		t.Fatalf("invalid form: %d, %d invalid fields", res.StatusCode, d.Find("#team-create [aria-invalid=true]").Length())
	}
	res = mia.post("/teams", teamValues("Montréal  Lions"))
	if res.StatusCode != http.StatusSeeOther || location(res) != "/teams/montreal-lions" {
		t.Fatalf("create: %d %q", res.StatusCode, location(res))
	}
	_, d = mia.get("/teams/montreal-lions")
	if h := d.Find("h1").Text(); h != "Montréal Lions" {
		t.Fatalf("team page heading %q", h)
	}
	if !strings.Contains(d.Find("#alerts").Text(), "you are its captain") || !strings.Contains(d.Find("#roster-members").Text(), "captain") {
		t.Fatalf("team page: %s", d.Find("main").Text())
	}
	// Names are unique whatever their case; a name with the same slug gets a suffix.
	if res := mia.post("/teams", teamValues("MONTRÉAL LIONS"), "HX-Request", "true"); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(doc(t, res).Find("#team-create").Text(), "already has this name") {
		t.Fatalf("duplicate name: %d", res.StatusCode)
	}
	res = mia.post("/teams", teamValues("Montreal Lions!"), "HX-Request", "true")
	if res.StatusCode != http.StatusOK || res.Header.Get("HX-Redirect") != "/teams/montreal-lions-2" {
		t.Fatalf("second slug: %d %q", res.StatusCode, res.Header.Get("HX-Redirect"))
	}
	_, d = mia.get("/teams")
	if got := d.Find("#my-teams li").Length(); got != 2 {
		t.Fatalf("my teams: %d", got)
	}
}

func TestTeamInvitationAcceptAndDecline(t *testing.T) {
	w := newTeamWorld(t, envOptions{})
	slug, _ := w.teamFixture("Toronto Raccoons", w.member, nil, nil)
	captain := w.as(orgMember, teamHost)

	// Field errors, then invitations by email to two people with accounts.
	res := captain.post("/teams/"+slug+"/invite", url.Values{"email": {"not an email"}, "role": {"referee"}}, "HX-Request", "true")
	if d := doc(t, res); res.StatusCode != http.StatusUnprocessableEntity || d.Find("#roster [aria-invalid=true]").Length() != 2 {
		t.Fatalf("bad invitation: %d", res.StatusCode)
	}
	res = captain.post("/teams/"+slug+"/invite", url.Values{"email": {" Target@Example.org "}, "role": {"coach"}}, "HX-Request", "true")
	d := doc(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(d.Find("#roster-invitations").Text(), "target@example.org") {
		t.Fatalf("invite: %d %s", res.StatusCode, d.Find("#roster").Text())
	}
	if res := captain.post("/teams/"+slug+"/invite", url.Values{"email": {"target@example.org"}, "role": {"player"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("second invitation: %d", res.StatusCode)
	}
	if res := captain.post("/teams/"+slug+"/invite", url.Values{"email": {"admin@example.org"}, "role": {"player"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite admin: %d", res.StatusCode)
	}

	// Tom accepts from /teams; he is on the roster as coach.
	tom := w.teamBrowser(teamHost, w.a, w.target)
	_, d = tom.get("/teams")
	if !strings.Contains(d.Find("#team-invitations").Text(), "Toronto Raccoons") {
		t.Fatalf("invitation not shown: %s", d.Find("main").Text())
	}
	if _, d := tom.get("/teams/" + slug); d.Find(`form[action="/teams/`+slug+`/accept"]`).Length() != 1 {
		t.Fatal("no accept button on the team page")
	}
	res = tom.post("/teams/"+slug+"/accept", nil)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/teams/"+slug {
		t.Fatalf("accept: %d %q", res.StatusCode, location(res))
	}
	if _, role, status := w.teamRowOf(slug, w.target); role != "coach" || status != "active" {
		t.Fatalf("after accepting: %s %s", role, status)
	}
	if res := tom.post("/teams/"+slug+"/accept", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("accepting twice: %d", res.StatusCode)
	}

	// Ada declines; she can be invited again later.
	ada := w.as(thisOrgAdmin, teamHost)
	res = ada.post("/teams/"+slug+"/decline", nil, "HX-Request", "true")
	if res.StatusCode != http.StatusOK || res.Header.Get("HX-Redirect") != "/teams" {
		t.Fatalf("decline: %d", res.StatusCode)
	}
	if _, _, status := w.teamRowOf(slug, w.admin); status != "" {
		t.Fatalf("after declining: %q", status)
	}
	_, d = captain.get("/teams/" + slug)
	if strings.Contains(d.Find("#roster").Text(), "admin@example.org") || !strings.Contains(d.Find("#roster-members").Text(), "Tom Target") {
		t.Fatalf("roster after answers: %s", d.Find("#roster").Text())
	}
	if res := captain.post("/teams/"+slug+"/invite", url.Values{"email": {"admin@example.org"}, "role": {"player"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite again: %d", res.StatusCode)
	}
	if res := ada.post("/teams/"+slug+"/leave", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("leave before accepting: %d", res.StatusCode)
	}
}

// Someone without an account gets the organization's invitation by mail;
// the team invitation waits for their account and is theirs once they
// join. An open admin invitation is not replaced by a member one.
func TestTeamInvitationWithoutAccount(t *testing.T) {
	opt, smtp := withMail(t)
	w := newTeamWorld(t, opt)
	slug, _ := w.teamFixture("Halifax Herons", w.member, nil, nil)
	_, adminToken := w.invitation(w.a, "boss@example.org", account.RoleAdmin)
	captain := w.as(orgMember, teamHost)

	for _, email := range []string{"newbie@example.org", "boss@example.org"} {
		if res := captain.post("/teams/"+slug+"/invite", url.Values{"email": {email}, "role": {"player"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite %s: %d", email, res.StatusCode)
		}
	}
	smtp.Wait(t, 2, 10*time.Second) // the admin invitation and newbie's
	time.Sleep(200 * time.Millisecond)
	var newbieMail smtptest.Mail
	for _, m := range smtp.Messages() {
		if m.To[0] == "newbie@example.org" {
			newbieMail = m
		} else if !strings.Contains(m.Text, "as an administrator") {
			t.Fatalf("unexpected mail to %v: %s", m.To, m.Text)
		}
	}
	if n := len(smtp.Messages()); n != 2 {
		t.Fatalf("%d mails, want the admin invitation and newbie's", n)
	}
	_, d := captain.get("/teams/" + slug)
	if got := d.Find("#roster-invitations li").Length(); got != 2 {
		t.Fatalf("pending invitations: %d", got)
	}
	// Inviting the same address twice is refused.
	if res := captain.post("/teams/"+slug+"/invite", url.Values{"email": {"newbie@example.org"}, "role": {"coach"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("second invitation: %d", res.StatusCode)
	}

	// The newcomer follows the mailed link, creates the account and finds
	// the team invitation.
	link := smtptest.LinkIn(newbieMail.Text)
	newbie := w.browser(teamHost)
	newbie.get(pathOf(t, link))
	res := newbie.post("/invite", url.Values{"token": {tokenOf(link)}, "name": {"Nia Newbie"}, "password": {"newbie password 1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept account invitation: %d", res.StatusCode)
	}
	_, d = newbie.get("/teams")
	if !strings.Contains(d.Find("#team-invitations").Text(), "Halifax Herons") {
		t.Fatalf("team invitation not attached: %s", d.Find("main").Text())
	}
	if res := newbie.post("/teams/"+slug+"/accept", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.StatusCode)
	}

	// The admin invitation still works, as an admin invitation.
	boss := w.browser(teamHost)
	boss.get("/invite?token=" + adminToken)
	res = boss.post("/invite", url.Values{"token": {adminToken}, "name": {"Bo Boss"}, "password": {"boss password 12"}})
	if res.StatusCode != http.StatusSeeOther || location(res) != "/admin" {
		t.Fatalf("admin invitation: %d %q", res.StatusCode, location(res))
	}
	if res := boss.post("/teams/"+slug+"/accept", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("boss accepts: %d", res.StatusCode)
	}
	_, d = captain.get("/teams/" + slug)
	roster := d.Find("#roster-members").Text()
	if !strings.Contains(roster, "Nia Newbie") || !strings.Contains(roster, "Bo Boss") || d.Find("#roster-invitations li").Length() != 0 {
		t.Fatalf("roster: %s", d.Find("#roster").Text())
	}
}

// An invitation to an email that signs up on its own (not through the
// mailed link) is theirs too, and is not duplicated by a second invitation.
func TestTeamInvitationAttachedAtSignUp(t *testing.T) {
	w := newTeamWorld(t, envOptions{})
	slug, _ := w.teamFixture("Moncton Moose", w.member, nil, nil)
	captain := w.as(orgMember, teamHost)
	if res := captain.post("/teams/"+slug+"/invite", url.Values{"email": {"walkin@example.org"}, "role": {"player"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", res.StatusCode)
	}
	walkin := w.user(w.a, "walkin@example.org", "Wally Walkin", account.RoleMember, testPassword)
	if res := captain.post("/teams/"+slug+"/invite", url.Values{"email": {"walkin@example.org"}, "role": {"player"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("second invitation after sign-up: %d", res.StatusCode)
	}
	br := w.teamBrowser(teamHost, w.a, walkin)
	_, d := br.get("/teams")
	if got := d.Find("#team-invitations article").Length(); got != 1 {
		t.Fatalf("invitations: %d", got)
	}
	if res := br.post("/teams/"+slug+"/accept", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.StatusCode)
	}
}

func TestTeamLastCaptain(t *testing.T) {
	w := newTeamWorld(t, envOptions{})
	slug, ids := w.teamFixture("Calgary Mavericks", w.member, []account.User{w.target}, nil)
	mia := w.as(orgMember, teamHost)
	miaRow := strconv.FormatInt(ids[w.member.ID], 10)
	tomRow := strconv.FormatInt(ids[w.target.ID], 10)

	res := mia.post("/teams/"+slug+"/leave", nil, "HX-Request", "true")
	if d := doc(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(d.Find("#roster .notice.error").Text(), "needs a captain") {
		t.Fatalf("last captain leaves: %d", res.StatusCode)
	}
	res = mia.post("/teams/"+slug+"/members/"+miaRow+"/remove", nil)
	if d := doc(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(d.Find("#roster").Text(), "needs a captain") {
		t.Fatalf("last captain removes themselves: %d", res.StatusCode)
	}
	// Tom becomes captain (audited); then Mia may leave.
	res = mia.post("/teams/"+slug+"/members/"+tomRow+"/captain", nil, "HX-Request", "true")
	if d := doc(t, res); res.StatusCode != http.StatusOK || !strings.Contains(d.Find("#roster .notice.ok").Text(), "now a captain") {
		t.Fatalf("make captain: %d", res.StatusCode)
	}
	if !w.teamAudited("team.captain", slug) {
		t.Error("captain change not audited")
	}
	if res := mia.post("/teams/"+slug+"/members/"+tomRow+"/captain", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("captain twice: %d", res.StatusCode)
	}
	if res := mia.post("/teams/"+slug+"/leave", nil); res.StatusCode != http.StatusSeeOther || location(res) != "/teams" {
		t.Fatalf("leave: %d", res.StatusCode)
	}
	// Mia is no longer captain: she cannot act on the roster.
	if res := mia.post("/teams/"+slug+"/members/"+tomRow+"/remove", nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("former captain removes: %d", res.StatusCode)
	}
	tom := w.teamBrowser(teamHost, w.a, w.target)
	if res := tom.post("/teams/"+slug+"/leave", nil); res.StatusCode != http.StatusConflict {
		t.Fatalf("new last captain leaves: %d", res.StatusCode)
	}
}

// Only the team's captains act on its roster: not its players, not the
// captain of another team (not even with a row id of their own team).
func TestTeamRosterAuthorization(t *testing.T) {
	w := newTeamWorld(t, envOptions{})
	other := w.user(w.a, "other@example.org", "Otto Other", account.RoleMember, testPassword)
	slugA, idsA := w.teamFixture("Vancouver Storm", w.member, []account.User{w.target}, nil)
	slugB, idsB := w.teamFixture("Victoria Tide", other, []account.User{w.admin}, nil)
	tomRow := strconv.FormatInt(idsA[w.target.ID], 10)

	otto := w.teamBrowser(teamHost, w.a, other)
	tom := w.teamBrowser(teamHost, w.a, w.target)
	for _, br := range []*browser{otto, tom} {
		for _, p := range []string{"/members/" + tomRow + "/remove", "/members/" + tomRow + "/captain", "/invite"} {
			res := br.post("/teams/"+slugA+p, url.Values{"email": {"x@example.org"}, "role": {"player"}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
	}
	// A captain cannot reach another team's row through their own team.
	mia := w.as(orgMember, teamHost)
	adaRowB := strconv.FormatInt(idsB[w.admin.ID], 10)
	if res := mia.post("/teams/"+slugA+"/members/"+adaRowB+"/remove", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("row of another team: %d", res.StatusCode)
	}
	if _, _, status := w.teamRowOf(slugB, w.admin); status != "active" {
		t.Fatalf("other team's member: %q", status)
	}
	if _, _, status := w.teamRowOf(slugA, w.target); status != "active" {
		t.Fatalf("member after refused removals: %q", status)
	}
	// The captain removes Tom (audited); an invitation can be withdrawn too.
	if res := mia.post("/teams/"+slugA+"/members/"+tomRow+"/remove", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if _, _, status := w.teamRowOf(slugA, w.target); status != "" {
		t.Fatalf("after removal: %q", status)
	}
	if !w.teamAudited("team.remove", slugA) {
		t.Error("removal not audited")
	}
	if res := mia.post("/teams/nosuch/members/1/remove", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown team: %d", res.StatusCode)
	}
}

// Teammates see a teammate's email and phone only if they allow it;
// people not on the team never do.
func TestTeamRosterPrivacy(t *testing.T) {
	w := newTeamWorld(t, envOptions{})
	slug, _ := w.teamFixture("Quebec Nordiques", w.member, []account.User{w.target}, nil)
	w.scope(w.a, func(sc *tenant.Scope) {
		p := membership.Profile{DateOfBirth: "1990-01-01", Phone: "+1 416 555 0111", EmergencyName: "E", EmergencyRelationship: "friend",
			EmergencyPhone: "4165550101", ShowEmail: true}
		if _, err := membership.SaveProfile(context.Background(), sc, w.target.ID, p, time.Now()); err != nil {
			t.Fatal(err)
		}
	})
	_, d := w.as(orgMember, teamHost).get("/teams/" + slug)
	roster := d.Find("#roster-members").Text()
	if !strings.Contains(roster, "target@example.org") || strings.Contains(roster, "555 0111") {
		t.Fatalf("teammate sees: %s", roster)
	}
	_, d = w.as(thisOrgAdmin, teamHost).get("/teams/" + slug)
	roster = d.Find("#roster-members").Text()
	if !strings.Contains(roster, "Tom Target") || strings.Contains(roster, "target@example.org") || strings.Contains(roster, "555") {
		t.Fatalf("non-teammate sees: %s", roster)
	}
}

func TestAdminTeamEdit(t *testing.T) {
	w := newTeamWorld(t, envOptions{})
	slug, _ := w.teamFixture("Winnipeg Jets", w.member, nil, nil)
	w.teamFixture("Regina Riders", w.target, nil, nil)
	admin := w.as(thisOrgAdmin, teamHost)

	_, d := admin.get("/admin/teams")
	if d.Find("#teams [id^=team-]").Length() != 2 || !strings.Contains(d.Find("#team-"+slug).Text(), "Mia Member") {
		t.Fatalf("admin list: %s", d.Find("main").Text())
	}
	res, d := admin.get("/admin/teams/"+slug+"/edit", "HX-Request", "true")
	if res.StatusCode != 200 || d.Find("form#team-"+slug).Length() != 1 {
		t.Fatalf("edit form: %d", res.StatusCode)
	}
	form := url.Values{"name": {"Regina riders"}, "city": {"Winnipeg"}, "province": {"MB"}, "colours": {"blue"}}
	res = admin.post("/admin/teams/"+slug, form, "HX-Request", "true")
	if d := doc(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#team-"+slug).Text(), "already has this name") {
		t.Fatalf("rename to a taken name: %d", res.StatusCode)
	}
	form.Set("name", "Winnipeg Blue Jets")
	res = admin.post("/admin/teams/"+slug, form, "HX-Request", "true")
	d = doc(t, res)
	if res.StatusCode != 200 || !strings.Contains(d.Find("#team-"+slug).Text(), "Winnipeg Blue Jets") || !strings.Contains(d.Text(), "Saved.") {
		t.Fatalf("save: %d %s", res.StatusCode, d.Text())
	}
	if !w.teamAudited("team.update", slug) {
		t.Error("admin edit not audited")
	}
	// Without JavaScript: a page with the form, then a redirect.
	if res, d := admin.get("/admin/teams/" + slug + "/edit"); res.StatusCode != 200 || d.Find("nav[aria-label=Admin]").Length() != 1 {
		t.Fatalf("edit page: %d", res.StatusCode)
	}
	form.Set("colours", "blue and gold")
	if res := admin.post("/admin/teams/"+slug, form); res.StatusCode != http.StatusSeeOther || location(res) != "/admin/teams" {
		t.Fatalf("plain save: %d", res.StatusCode)
	}
	_, d = w.as(orgMember, teamHost).get("/teams/" + slug)
	if d.Find("h1").Text() != "Winnipeg Blue Jets" || !strings.Contains(d.Find("hgroup").Text(), "blue and gold") {
		t.Fatalf("team page after edit: %s", d.Find("hgroup").Text())
	}
	if res := admin.post("/admin/teams/nosuch", form); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown team: %d", res.StatusCode)
	}
}

// A team of org A is not visible on org B's host, even to B's admin.
func TestTeamIsolation(t *testing.T) {
	w := newTeamWorld(t, envOptions{})
	slug, _ := w.teamFixture("Edmonton Eagles", w.member, nil, nil)
	bea := w.teamBrowser("quadball-alberta.localhost", w.b, w.bAd)
	if res, _ := bea.get("/teams/" + slug); res.StatusCode != http.StatusNotFound {
		t.Fatalf("team of A on B's host: %d", res.StatusCode)
	}
	if res, _ := bea.get("/admin/teams/" + slug + "/edit"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("edit of A's team on B's host: %d", res.StatusCode)
	}
	res, d := bea.get("/admin/teams")
	if res.StatusCode != 200 || strings.Contains(d.Text(), "Edmonton") {
		t.Fatalf("B's admin list: %d %s", res.StatusCode, d.Find("main").Text())
	}
	if res := bea.post("/teams/"+slug+"/leave", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("leave A's team from B: %d", res.StatusCode)
	}
	if _, _, status := w.teamRowOf(slug, w.member); status != "active" {
		t.Fatalf("A's captain: %q", status)
	}
}

func TestTeamSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Montréal Lions": "montreal-lions", "  Toronto -- Raccoons!! ": "toronto-raccoons", "東京": "team",
		"Équipe 2 (B)": "equipe-2-b", strings.Repeat("ab ", 40): strings.TrimSuffix(strings.Repeat("ab-", 20), "-"),
	} {
		if got := team.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

// Samples of the team views for viewSamples (views_test.go).
var (
	teamSampleTeam   = team.Team{ID: 1, Slug: "toronto-raccoons", Name: "Toronto Raccoons", City: "Toronto", Province: "ON", Colours: "grey"}
	teamSampleCreate = teamCreateView{CSRF: "tok", CanCreate: true, Form: team.Form{Name: "X", Province: "QC"}, Errors: map[string]string{"name": "Taken.", "province": "Choose."},
		Error: "No.", Provinces: team.Provinces}
	teamSampleRoster = teamRosterView{CSRF: "tok", Email: "a@b.org", Role: "coach", Errors: map[string]string{"email": "Bad.", "role": "Bad."}, Message: "Sent.", Error: "No.",
		Team: team.View{Team: teamSampleTeam, MyRole: "captain", MyStatus: "active", IsCaptain: true,
			Roster: []team.Member{{ID: 1, Name: "Mia", Role: "captain", Status: "active", Email: "m@x.org", Phone: "416", Self: true},
				{ID: 2, Name: "Tom", Role: "player", Status: "active"}},
			Invitations: []team.Member{{ID: 3, Role: "player", Status: "invited", InvitedEmail: "n@x.org"}}}}
	teamSampleInvited = teamRosterView{CSRF: "tok", Team: team.View{Team: teamSampleTeam, MyRole: "player", MyStatus: "invited"}}
	teamSampleRow     = adminTeamRow{T: team.Summary{Team: teamSampleTeam, Members: 3, Captains: "Mia"}, CSRF: "tok", Message: "Saved."}
	teamSampleEdit    = adminTeamEdit{T: teamSampleRow.T, Form: teamSampleTeam.Form(), Errors: map[string]string{"name": "Taken.", "province": "Choose."}, CSRF: "tok", Provinces: team.Provinces}
)
