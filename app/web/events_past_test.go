package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/tenant"
)

// The admin's events page separates past events from upcoming ones.
func TestAdminEventsPastSeparated(t *testing.T) {
	w := newWorld(t, envOptions{})
	w.newEvent("Spring Open", 50)
	w.scope(w.a, func(sc *tenant.Scope) {
		past := time.Now().AddDate(0, -2, 0)
		if _, err := sc.W().EventCreate(context.Background(), orgdb.EventCreateParams{Name: "Old Cup", Kind: "tournament",
			StartsOn: past.Format("2006-01-02"), EndsOn: past.AddDate(0, 0, 1).Format("2006-01-02"),
			RegistrationOpensAt: past.AddDate(0, -1, 0), RegistrationClosesAt: past.AddDate(0, 0, -3), Capacity: 10, Currency: "CAD",
			CreatedAt: past, UpdatedAt: past}); err != nil {
			t.Fatal(err)
		}
	})
	_, d := w.as(thisOrgAdmin, "quadball-canada.localhost").get("/admin/events")
	up, past := d.Find("#events-upcoming").Text(), d.Find("#events-past").Text()
	if !strings.Contains(up, "Spring Open") || strings.Contains(up, "Old Cup") {
		t.Errorf("upcoming: %q", up)
	}
	if !strings.Contains(past, "Old Cup") || strings.Contains(past, "Spring Open") {
		t.Errorf("past: %q", past)
	}
}
