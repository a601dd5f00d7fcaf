package web

import (
	"strings"
	"testing"

	"sportsapp/app/account"
)

// The only captain is not offered "Leave the team" (it would be refused)
// but told why; once a teammate is captain too, the button is there. A
// pending invitation shows who was invited.
func TestRosterOffersOnlyWhatWorks(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	slug, _ := w.teamFixture("Toronto Raccoons", w.member, []account.User{w.admin}, []account.User{w.target})
	mia := w.as(orgMember, "quadball-canada.localhost")
	_, d := mia.get("/teams/" + slug)
	if d.Find(`form[action$="/leave"]`).Length() != 0 {
		t.Error("the only captain is offered Leave")
	}
	if got := d.Find("#leave-note").Text(); !strings.Contains(got, "only captain") {
		t.Errorf("no reason given: %q", got)
	}
	if got := d.Find("#roster-invitations").Text(); !strings.Contains(got, "Tom Target") || !strings.Contains(got, "target@example.org") {
		t.Errorf("pending invitation shows %q", got)
	}
	_, d = w.as(thisOrgAdmin, "quadball-canada.localhost").get("/teams/" + slug)
	if d.Find(`form[action$="/leave"]`).Length() != 1 {
		t.Error("a player is not offered Leave")
	}
}
