package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"sportsapp/app/account"
	"sportsapp/app/event"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

// 30 members register at once for an event with 10 places: exactly 10 get
// in, the others are told it is full, and nothing overbooks.
func TestEventCapacityUnderConcurrency(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	e := w.newEvent("Nationals", 10)
	players := make([]account.User, 30)
	for i := range players {
		players[i] = w.activeMember(fmt.Sprintf("p%02d@example.org", i))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(players))
	start := make(chan struct{})
	for i, u := range players {
		wg.Go(func() {
			<-start
			w.scope(w.a, func(sc *tenant.Scope) {
				_, errs[i] = w.srv.events.Register(context.Background(), sc, u, e.ID)
			})
		})
	}
	close(start)
	wg.Wait()
	ok, full := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case strings.Contains(err.Error(), "full"):
			full++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 10 || full != 20 {
		t.Fatalf("%d registered, %d refused as full; want 10 and 20", ok, full)
	}
	w.scope(w.a, func(sc *tenant.Scope) {
		got, _ := event.Get(context.Background(), sc, e.ID)
		if got.Taken != 10 {
			t.Fatalf("taken = %d", got.Taken)
		}
	})
}

func TestEventRegistrationRulesAndCSV(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	admin.get("/admin/events")
	// Validation: 422 with the errors, nothing created.
	bad := eventForm("")
	bad.Set("capacity", "0")
	if res := admin.post("/admin/events", bad, "HX-Request", "true"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad event: %d", res.StatusCode)
	}
	res := admin.post("/admin/events", eventForm("Eastern Regional"), "HX-Request", "true")
	if res.StatusCode != 200 || !strings.Contains(doc(t, res).Text(), "Eastern Regional") {
		t.Fatalf("create: %d", res.StatusCode)
	}
	var id int64
	w.scope(w.a, func(sc *tenant.Scope) {
		es, _ := event.Upcoming(context.Background(), sc, "0000-00-00", 10)
		id = es[0].ID
	})
	path := fmt.Sprintf("/events/%d/register", id)

	// Without an active membership: refused.
	mia := w.as(orgMember, "quadball-canada.localhost")
	mia.get("/events")
	if res := mia.post(path, nil, "HX-Request", "true"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("register without a membership: %d", res.StatusCode)
	}
	// With one: registered, then refused a second time.
	u := w.activeMember("quinn@example.org")
	quinn := w.browser("quadball-canada.localhost")
	quinn.setCookie("sid", w.session(w.a, u))
	quinn.get("/events")
	res = quinn.post(path, nil, "HX-Request", "true")
	if res.StatusCode != 200 || !strings.Contains(doc(t, res).Text(), "reference") {
		t.Fatalf("register: %d", res.StatusCode)
	}
	if res := quinn.post(path, nil, "HX-Request", "true"); res.StatusCode != http.StatusConflict {
		t.Fatalf("second registration: %d", res.StatusCode)
	}
	_, d := quinn.get("/events")
	if !strings.Contains(d.Text(), "Eastern Regional") || !strings.Contains(d.Text(), "pending") {
		t.Fatalf("member's registrations: %s", d.Find("main").Text())
	}

	// The admin's participant list, confirmation and CSV export.
	_, d = admin.get(fmt.Sprintf("/admin/events/%d", id))
	row := d.Find("tr[id^=registration-]")
	if row.Length() != 1 || !strings.Contains(row.Text(), "quinn@example.org") {
		t.Fatalf("participants: %s", d.Find("main").Text())
	}
	rid := strings.TrimPrefix(row.AttrOr("id", ""), "registration-")
	res = admin.post(fmt.Sprintf("/admin/events/%d/registrations/%s/confirm", id, rid), nil, "HX-Request", "true")
	if res.StatusCode != 200 || !strings.Contains(doc(t, res).Text(), "confirmed") {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, admin.base+fmt.Sprintf("/admin/events/%d/participants.csv", id), nil)
	res = admin.do(req)
	rows, err := csv.NewReader(res.Body).ReadAll()
	if ct := res.Header.Get("Content-Type"); err != nil || !strings.HasPrefix(ct, "text/csv") || len(rows) != 2 || rows[1][1] != "quinn@example.org" || rows[1][3] != "confirmed" {
		t.Fatalf("CSV export: %q %q %v", ct, rows, err)
	}
}

func TestParticipantsCSV(t *testing.T) {
	var b strings.Builder
	regs := []event.Registration{
		{MemberName: "Quinn Player", Email: "quinn@example.org", Kind: "individual", Status: "confirmed", FeeCents: 2500, Currency: "CAD", Reference: "E1-ABCD"},
		{MemberName: "=HYPERLINK(\"x\")", Email: "evil@example.org", Kind: "individual", Status: "pending", FeeCents: 2500, Currency: "CAD", Reference: "E1-EFGH"},
	}
	if err := event.WriteCSV(&b, regs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "name" || rows[1][1] != "quinn@example.org" || rows[1][4] != "25.00" || rows[1][3] != "confirmed" {
		t.Fatalf("csv: %q", rows)
	}
	if !strings.HasPrefix(rows[2][0], "'=") {
		t.Fatalf("formula not neutralized: %q", rows[2][0])
	}
}

// A captain registers their team at the team fee; a player of the team
// cannot; the team holds one place.
func TestTeamRegistration(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	e := w.newEvent("Team Cup", 5)
	captain := w.activeMember("captain@example.org")
	player := w.activeMember("player@example.org")
	var teamID int64
	w.scope(w.a, func(sc *tenant.Scope) {
		tm, err := w.srv.teams().Create(context.Background(), sc, account.ActorFor(captain, ""), team.Form{Name: "Toronto Raccoons", City: "Toronto", Province: "ON"})
		if err != nil {
			t.Fatal(err)
		}
		teamID = tm.ID
	})
	br := w.browser("quadball-canada.localhost")
	br.setCookie("sid", w.session(w.a, captain))
	_, d := br.get("/events")
	if d.Find(fmt.Sprintf(`#event-%d select[name="team"] option`, e.ID)).Text() != "Toronto Raccoons" {
		t.Fatalf("no team choice on the card: %s", d.Find("main").Text())
	}
	res := br.post(fmt.Sprintf("/events/%d/register", e.ID), url.Values{"team": {itoa(teamID)}}, "HX-Request", "true")
	if body := doc(t, res).Text(); res.StatusCode != 200 || !strings.Contains(body, "300.00 CAD") {
		t.Fatalf("team registration: %d %s", res.StatusCode, body)
	}
	if res := br.post(fmt.Sprintf("/events/%d/register", e.ID), url.Values{"team": {itoa(teamID)}}, "HX-Request", "true"); res.StatusCode != http.StatusConflict {
		t.Fatalf("team registered twice: %d", res.StatusCode)
	}
	w.scope(w.a, func(sc *tenant.Scope) {
		if _, err := w.srv.events.RegisterTeam(context.Background(), sc, player, e.ID, teamID); err == nil {
			t.Fatal("a non-captain registered the team")
		}
		got, _ := event.Get(context.Background(), sc, e.ID)
		if got.Taken != 1 {
			t.Fatalf("taken = %d", got.Taken)
		}
	})
}
