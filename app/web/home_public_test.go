package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// An anonymous visitor of an organization's host sees the current season,
// the membership types with their prices, the upcoming events and a
// contact address. The page is cached, yet every change to what it shows
// (an event edited, cancelled or deleted, the settings, a membership type)
// is on the next visit, with another ETag.
func TestPublicHome(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	typeID := w.openRegistration()
	form := w.settingsForm()
	form.Set("contact_email", "info@quadball.example.org")
	admin := w.as(thisOrgAdmin, orgHost)
	if res := admin.post("/admin/settings", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", res.StatusCode)
	}
	cup := w.newEvent("Spring Cup", 10)
	clinic := w.newEvent("Referee Clinic", 10)

	var etags []string
	visit := func() string {
		t.Helper()
		res := w.get(orgHost, "/")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("public home: %d", res.StatusCode)
		}
		etags = append(etags, res.Header.Get("ETag"))
		d := doc(t, res)
		return strings.Join(strings.Fields(d.Find("#public-home").Text()+" "+d.Find("#public-contact").Text()), " ")
	}
	changed := func(what string) {
		t.Helper()
		if n := len(etags); etags[n-1] == etags[n-2] {
			t.Errorf("after %s the ETag is still %s", what, etags[n-1])
		}
	}
	page := visit()
	for _, want := range []string{"Adult player", "10.00 CAD", "Spring Cup", "Referee Clinic", "Varsity Arena", "Registration is open until", "info@quadball.example.org"} {
		if !strings.Contains(page, want) {
			t.Errorf("public home lacks %q: %s", want, page)
		}
	}
	if visit(); etags[1] != etags[0] {
		t.Fatalf("nothing changed, yet ETags %v", etags)
	}

	edit := eventForm("Spring Cup")
	edit.Set("venue", "Downsview Park")
	if res := admin.post("/admin/events/"+strconv.FormatInt(cup.ID, 10), edit); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	if page := visit(); !strings.Contains(page, "Downsview Park") {
		t.Errorf("edited venue not shown: %s", page)
	}
	changed("an edit")
	if res := admin.post("/admin/events/"+strconv.FormatInt(cup.ID, 10)+"/cancel", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.StatusCode)
	}
	if page := visit(); strings.Contains(page, "Spring Cup") {
		t.Errorf("cancelled event still shown: %s", page)
	}
	changed("a cancellation")
	if res := admin.post("/admin/events/"+strconv.FormatInt(clinic.ID, 10)+"/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if page := visit(); strings.Contains(page, "Referee Clinic") || !strings.Contains(page, "No event announced yet") {
		t.Errorf("deleted event still shown: %s", page)
	}
	changed("a deletion")
	if res := admin.post("/admin/membership-types/"+strconv.FormatInt(typeID, 10), url.Values{"name": {"Adult player"}, "price": {"55.00"}, "active": {"on"}}); res.StatusCode >= 400 {
		t.Fatalf("type save: %d", res.StatusCode)
	}
	if page := visit(); !strings.Contains(page, "55.00 CAD") {
		t.Errorf("new price not shown: %s", page)
	}
	changed("a new price")
	form = w.settingsForm()
	form.Set("contact_email", "hello@quadball.example.org")
	if res := admin.post("/admin/settings", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", res.StatusCode)
	}
	if page := visit(); !strings.Contains(page, "hello@quadball.example.org") {
		t.Errorf("new contact not shown: %s", page)
	}
	changed("the settings")
}
