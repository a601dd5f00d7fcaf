package web

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sportsapp/app/account"
	"sportsapp/app/auth"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/event"
	"sportsapp/app/membership"
	"sportsapp/app/settings"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

// getAs requests path on the warm site's org with a session cookie,
// through app.Test.
func (w *warmSite) getAs(t *testing.T, path, sid string) *goquery.Document {
	t.Helper()
	res := w.get("quadball-canada.localhost", path, "Cookie", auth.SessionCookie+"="+sid)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return doc(t, res)
}

// lines returns the trimmed text of each element sel matches in d.
func lines(d *goquery.Selection, sel string) []string {
	var out []string
	d.Find(sel).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Text()), " "))
	})
	return out
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// The dashboard reads its figures and lists in three queries and shows
// what the one-query-per-figure code showed: each figure is compared with
// the query that used to compute it, on the demo organization with
// invitations in every state.
func TestAdminDashboardFiguresInThreeQueries(t *testing.T) {
	w := newWarmSite(t)
	ctx := context.Background()
	// Invitations: two pending, one revoked, one accepted, one expired.
	for i := range 5 {
		id, _ := w.invitation(w.org, fmt.Sprintf("invitee-%d@example.org", i), account.RoleMember)
		w.scope(w.org, func(sc *tenant.Scope) {
			switch i {
			case 2:
				if err := w.accounts.RevokeInvitation(ctx, sc, account.Actor{Label: "test"}, id); err != nil {
					t.Fatal(err)
				}
			case 3:
				if _, err := sc.W().InvitationAccept(ctx, orgdb.InvitationAcceptParams{AcceptedAt: sql.NullTime{Time: time.Now().UTC(), Valid: true}, ID: id}); err != nil {
					t.Fatal(err)
				}
			case 4:
				h, _ := w.pool.Acquire(ctx, w.org)
				defer h.Release()
				if _, err := h.DB().W.ExecContext(ctx, `UPDATE invitations SET expires_at = ? WHERE id = ?`, time.Now().UTC().Add(-time.Hour), id); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	w.getAs(t, "/admin", w.adminSID) // warm: statements prepared, session touched

	qc := w.countQueries(t)
	d := w.getAs(t, "/admin", w.adminSID)
	queries := qc.take()

	figures := map[string]string{}
	d.Find("article").Each(func(_ int, a *goquery.Selection) {
		if big := a.Find("p.big"); big.Length() == 1 {
			figures[strings.TrimSpace(a.Find("header").Text())] = strings.TrimSpace(big.Text())
		}
	})
	var want map[string]string
	var upcoming, recent, audit []string
	w.scope(w.org, func(sc *tenant.Scope) {
		q := sc.Q()
		st, err := w.srv.settings.Get(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		today := st.Today(time.Now()).Format(settings.DateLayout)
		members, _ := q.UserSearchCount(ctx, "")
		admins, _ := q.UserCountActiveAdmins(ctx)
		active, _ := q.MembershipActiveCount(ctx, today)
		payments, _ := q.PaymentPendingCount(ctx)
		teams, _ := q.TeamCount(ctx)
		invs, err := account.RecentInvitations(ctx, sc, 100)
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, inv := range invs {
			if inv.State(time.Now()) == "pending" {
				pending++
			}
		}
		want = map[string]string{
			"Active memberships": fmt.Sprint(active), "Payments to confirm": fmt.Sprint(payments),
			"Teams": fmt.Sprint(teams), "Admins": fmt.Sprint(admins), "Pending invitations": fmt.Sprint(pending),
		}
		if got := d.Find(`article a[href="/admin/members"]`).First().Text(); got != fmt.Sprintf("Members (%d)", members) {
			t.Errorf("members link %q, want %d members", got, members)
		}
		evs, err := event.Upcoming(ctx, sc, today, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			upcoming = append(upcoming, fmt.Sprintf("%s · %s · %d/%d", e.Name, e.StartsOn, e.Taken, e.Capacity))
		}
		regs, err := q.EventRegistrationsRecent(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range regs {
			recent = append(recent, fmt.Sprintf("%s → %s %s", r.MemberName, r.EventName, r.Status))
		}
		entries, err := q.AuditList(ctx, orgdb.AuditListParams{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range entries {
			audit = append(audit, strings.Join(strings.Fields(fmt.Sprintf("%s UTC %s %s %s %s %s", a.At.Format("2006-01-02 15:04"), a.Actor, auditAction(a.Action), a.Subject, a.Detail, a.Ip)), " "))
		}
	})
	if want["Pending invitations"] != "2" {
		t.Fatalf("the old count finds %s pending invitations, want 2", want["Pending invitations"])
	}
	for k, v := range want {
		if figures[k] != v {
			t.Errorf("%s: %q, want %q", k, figures[k], v)
		}
	}
	articles := d.Find("article")
	upcomingBox := articles.FilterFunction(func(_ int, a *goquery.Selection) bool { return a.Find("header").Text() == "Upcoming events" })
	recentBox := articles.FilterFunction(func(_ int, a *goquery.Selection) bool { return a.Find("header").Text() == "Recent registrations" })
	sameLines(t, "upcoming events", lines(upcomingBox, "p"), upcoming)
	sameLines(t, "recent registrations", lines(recentBox, "p"), recent)
	var auditRows []string
	d.Find("table#audit tbody tr").Each(func(_ int, tr *goquery.Selection) {
		auditRows = append(auditRows, strings.Join(strings.Fields(strings.Join(lines(tr, "td"), " ")), " "))
	})
	sameLines(t, "audit", auditRows, audit)
	if len(recent) == 0 || len(audit) == 0 || len(upcoming) == 0 {
		t.Errorf("a list is empty (upcoming %d, recent %d, audit %d): the comparison proves little", len(upcoming), len(recent), len(audit))
	}
	if len(queries) > 3 {
		t.Errorf("GET /admin ran %d queries, want at most 3 (the session from the cache): %q", len(queries), queries)
	}
}

// The member's home reads three times and shows what the old per-section
// queries showed.
func TestMemberHomeInThreeQueries(t *testing.T) {
	w := newWarmSite(t)
	ctx := context.Background()
	w.getAs(t, "/", w.memberSID)

	qc := w.countQueries(t)
	d := w.getAs(t, "/", w.memberSID)
	queries := qc.take()

	var regs, teams []string
	var upcoming string
	var latest membership.Membership
	w.scope(w.org, func(sc *tenant.Scope) {
		st, err := w.srv.settings.Get(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		today := st.Today(time.Now()).Format(settings.DateLayout)
		u := w.user0(t, sc)
		rs, err := event.ForUser(ctx, sc, u, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			regs = append(regs, fmt.Sprintf("%s (%s): %s", r.EventName, r.StartsOn, r.Status))
		}
		evs, err := event.Upcoming(ctx, sc, today, 3)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range evs {
			names = append(names, fmt.Sprintf("%s (%s)", e.Name, e.StartsOn))
		}
		upcoming = "Coming up: " + strings.Join(names, ", ") + "."
		ms, err := membership.Memberships(ctx, sc, u)
		if err != nil || len(ms) == 0 {
			t.Fatalf("memberships: %v, %d", err, len(ms))
		}
		latest = ms[0]
		places, err := team.Mine(ctx, sc, u)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range places {
			teams = append(teams, p.Team.Name)
		}
	})
	box := d.Find("#home-events")
	got := lines(box, "p")
	if len(got) < 2 {
		t.Fatalf("events box: %q", got)
	}
	sameLines(t, "registrations", got[:len(regs)], regs)
	if got[len(regs)] != upcoming {
		t.Errorf("upcoming: %q, want %q", got[len(regs)], upcoming)
	}
	if m := strings.Join(strings.Fields(d.Find("#home-membership").Text()), " "); !strings.Contains(m, latest.TypeName+", "+latest.SeasonName+": "+latest.Status) {
		t.Errorf("membership box %q, want %s, %s: %s", m, latest.TypeName, latest.SeasonName, latest.Status)
	}
	teamsText := d.Find("#home-teams").Text()
	for _, name := range teams {
		if !strings.Contains(teamsText, name) {
			t.Errorf("teams box %q lacks %s", teamsText, name)
		}
	}
	if len(regs) == 0 || len(teams) == 0 {
		t.Errorf("the member has %d registrations and %d teams: the comparison proves little", len(regs), len(teams))
	}
	if len(queries) > 3 {
		t.Errorf("GET / ran %d queries, want at most 3 (the session from the cache): %q", len(queries), queries)
	}
}

// user0 returns the id of the warm site's member.
func (w *warmSite) user0(t *testing.T, sc *tenant.Scope) int64 {
	t.Helper()
	u, err := w.accounts.SessionUser(context.Background(), sc, w.memberSID)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
