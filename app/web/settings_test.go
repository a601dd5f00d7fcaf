package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSettingsSaveOverHTTP(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	ann := w.as(thisOrgAdmin, "quadball-canada.localhost")
	ann.get("/admin/settings")
	form := w.settingsForm()
	form.Set("contact_email", "info@quadball.ca")

	// Invalid: 422, every error shown, nothing saved.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("season_end", "2000-01-01")
	bad.Set("brand_color", "pink")
	res := ann.post("/admin/settings", bad, "HX-Request", "true")
	d := doc(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#e-season_end").Length() != 1 || d.Find("#e-brand_color").Length() != 1 {
		t.Fatalf("invalid save: %d", res.StatusCode)
	}
	if w.settingsVersion() != 0 {
		t.Fatal("invalid input was saved")
	}

	// Plain form post: 303 and a flash on the next page.
	res = ann.post("/admin/settings", form)
	if res.StatusCode != http.StatusSeeOther || w.settingsVersion() != 1 {
		t.Fatalf("plain save: %d, version %d", res.StatusCode, w.settingsVersion())
	}
	if _, d := ann.get("/admin/settings"); !strings.Contains(d.Find("#alerts").Text(), "version 1") {
		t.Error("no confirmation after a plain save")
	}

	// Two admins open version 1; the second save is a 409 that shows the
	// first one's change and keeps the second one's input.
	form.Set("version", "1")
	first, second := url.Values{}, url.Values{}
	for k, v := range form {
		first[k], second[k] = v, append([]string(nil), v...)
	}
	first.Set("currency", "USD")
	second.Set("season_name", "Bob's season")
	ann.post("/admin/settings", first, "HX-Request", "true")
	res = ann.post("/admin/settings", second, "HX-Request", "true")
	d = doc(t, res)
	conflict := d.Find("#settings-conflict").Text()
	if res.StatusCode != http.StatusConflict || !strings.Contains(conflict, "Currency: CAD → USD") {
		t.Fatalf("conflict: %d %q", res.StatusCode, conflict)
	}
	if got := d.Find(`input[name="season_name"]`).AttrOr("value", ""); got != "Bob's season" {
		t.Errorf("the second admin's input was lost: %q", got)
	}
	if got := d.Find(`input[name="version"]`).AttrOr("value", ""); got != "2" {
		t.Errorf("version after conflict = %q, want 2", got)
	}
	if w.settingsVersion() != 2 {
		t.Fatalf("version %d after a conflict, want 2", w.settingsVersion())
	}

	// Per-field validation returns only that field.
	res = ann.post("/admin/settings/validate/brand_color", url.Values{"brand_color": {"nope"}}, "HX-Request", "true")
	d = doc(t, res)
	if d.Find("#field-brand_color #e-brand_color").Length() != 1 || d.Find("form").Length() != 0 {
		t.Fatalf("field validation: %d", res.StatusCode)
	}
	if res := ann.post("/admin/settings/validate/nosuch", url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown field: %d", res.StatusCode)
	}
}

func TestMembershipTypesInline(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	ann := w.as(thisOrgAdmin, "quadball-canada.localhost")
	ann.get("/admin/settings")
	res := ann.post("/admin/membership-types", url.Values{"name": {"Adult"}, "price": {"1,234.5"}, "active": {"on"}}, "HX-Request", "true")
	d := doc(t, res)
	if res.StatusCode != 200 || !strings.Contains(d.Find("#membership-types").Text(), "1,234.50 CAD") {
		t.Fatalf("add: %d %s", res.StatusCode, d.Find("#membership-types").Text())
	}
	id := strings.TrimPrefix(d.Find(".type-row[id^=type-]").AttrOr("id", ""), "type-")
	res = ann.post("/admin/membership-types", url.Values{"name": {"Bad"}, "price": {"200000"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad price: %d", res.StatusCode)
	}
	res, d = ann.get("/admin/membership-types/"+id+"/edit", "HX-Request", "true")
	if d.Find(`form#type-`+id+` input[name="price"]`).AttrOr("value", "") != "1234.50" {
		t.Fatalf("edit row: %d", res.StatusCode)
	}
	res = ann.post("/admin/membership-types/"+id, url.Values{"name": {"Adult"}, "price": {"80"}, "active": {"on"}}, "HX-Request", "true")
	d = doc(t, res)
	if res.StatusCode != 200 || !strings.Contains(d.Text(), "80.00 CAD") {
		t.Fatalf("save row: %d %s", res.StatusCode, d.Text())
	}
	res = ann.post("/admin/membership-types/"+id+"/archive", nil, "HX-Request", "true")
	d = doc(t, res)
	if !strings.Contains(d.Text(), "archived") || d.Find(`button`).Text() != "Restore" {
		t.Fatalf("archive: %d %s", res.StatusCode, d.Text())
	}
}
