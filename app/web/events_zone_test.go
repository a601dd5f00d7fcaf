package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"sportsapp/app/account"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// An event's registration days are shown in the organization's time zone
// as the admin entered them ("last day" included), on the admin's list,
// the admin's event page and the member's card: not the exclusive closing
// instant, and not in UTC, here on the day clocks go forward.
func TestEventDaysShownAsEntered(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	form := w.settingsForm()
	form.Set("timezone", "America/Toronto")
	w.scope(w.a, func(sc *tenant.Scope) {
		st, errs := settings.Parse(formOfValues(form))
		if errs != nil {
			t.Fatalf("%v", map[string]string(errs))
		}
		base, _ := strconv.ParseInt(form.Get("version"), 10, 64)
		if _, err := w.srv.settings.Save(context.Background(), sc, account.Actor{Label: "test"}, base, st); err != nil {
			t.Fatal(err)
		}
	})
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	ev := eventForm("Spring Cup")
	ev.Set("starts_on", "2099-03-20")
	ev.Set("ends_on", "2099-03-21")
	ev.Set("opens_on", "2026-11-01")
	ev.Set("closes_on", "2099-03-08") // DST starts in Toronto that day
	if res := admin.post("/admin/events", ev); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	_, d := admin.get("/admin/events")
	row := d.Find(`#events-admin tr:contains("Spring Cup") td[data-label="Registration"]`).Text()
	if row != "2026-11-01 to 2099-03-08" {
		t.Errorf("admin list: registration %q, want 2026-11-01 to 2099-03-08", row)
	}
	href, _ := d.Find(`#events-admin a:contains("Spring Cup")`).Attr("href")
	_, d = admin.get(href)
	if got := d.Find("hgroup p").Text(); !strings.Contains(got, "registration 2026-11-01 to 2099-03-08 (last day)") {
		t.Errorf("admin event page: %q", got)
	}
	_, d = w.as(orgMember, "quadball-canada.localhost").get("/events")
	if got := d.Find(`article:contains("Spring Cup")`).Text(); !strings.Contains(got, "2099-03-08") || strings.Contains(got, "2099-03-09") {
		t.Errorf("member card: %q", got)
	}
}
