package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sportsapp/app/tenant"
)

func TestConsoleListAndSearch(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	for i := range 60 {
		w.org(fmt.Sprintf("league-%02d", i), fmt.Sprintf("League %02d", i))
	}
	ops := w.as(superPersona, "admin.localhost")
	res, d := ops.get("/console")
	if res.StatusCode != 200 || d.Find("#orgs tbody tr").Length() != consolePageSize {
		t.Fatalf("console: %d, %d rows", res.StatusCode, d.Find("#orgs tbody tr").Length())
	}
	if !strings.Contains(d.Text(), "62 organizations") {
		t.Errorf("total missing")
	}
	_, d = ops.get("/console?q=canada", "HX-Request", "true")
	rows := d.Find("tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "Quadball Canada") || !strings.Contains(rows.Text(), "3") {
		t.Fatalf("search: %q", rows.Text())
	}
	if d.Find("header.site").Length() != 0 || d.Find("section#orgs").Length() != 1 {
		t.Error("htmx search returned a whole page")
	}
}

func TestConsoleLifecycle(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	ops := w.as(superPersona, "admin.localhost")
	ops.get("/console/orgs/quadball-alberta")

	// Suspend: the org's host shows the suspended page; data is kept.
	res := ops.post("/console/orgs/quadball-alberta/suspend", url.Values{"confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("suspend: %d", res.StatusCode)
	}
	if res := w.browser("quadball-alberta.localhost"); true {
		r, d := res.get("/")
		if r.StatusCode != http.StatusForbidden || !strings.Contains(d.Text(), "suspended") {
			t.Fatalf("suspended host: %d", r.StatusCode)
		}
	}
	res = ops.post("/console/orgs/quadball-alberta/activate", nil)
	if r, _ := w.browser("quadball-alberta.localhost").get("/"); res.StatusCode != http.StatusSeeOther || r.StatusCode != 200 {
		t.Fatalf("activate: %d, host %d", res.StatusCode, r.StatusCode)
	}

	// Resend the admin invitation: the link is shown once (no SMTP here).
	res = ops.post("/console/orgs/quadball-alberta/invitations/resend", url.Values{"email": {"new.boss@alberta.example.org"}})
	d := doc(t, res)
	link := d.Find("code.link").Text()
	if res.StatusCode != 200 || !strings.Contains(link, "/invite?token=") {
		t.Fatalf("resend: %d %q", res.StatusCode, link)
	}
	invitee := w.browser("quadball-alberta.localhost")
	if r, _ := invitee.get(pathOf(t, link)); r.StatusCode != 200 {
		t.Fatalf("resent link: %d", r.StatusCode)
	}
	// Revoke it: the link stops working.
	id := ""
	d.Find("form[action*='/revoke']").Each(func(_ int, f *goquerySel) {
		id = strings.Split(strings.TrimPrefix(f.AttrOr("action", ""), "/console/orgs/quadball-alberta/invitations/"), "/")[0]
	})
	if id == "" {
		t.Fatal("no revoke button")
	}
	if res := ops.post("/console/orgs/quadball-alberta/invitations/"+id+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if r, _ := invitee.get(pathOf(t, link)); r.StatusCode != http.StatusNotFound {
		t.Fatalf("revoked link: %d", r.StatusCode)
	}

	// Every console action is in the platform audit log, shown on the page.
	_, d = ops.get("/console/orgs/quadball-alberta")
	text := d.Text()
	for _, a := range []string{"org.suspend", "org.activate", "invitation.resend", "invitation.revoke"} {
		if !strings.Contains(text, auditAction(a)) {
			t.Errorf("audit lacks %s", a)
		}
	}
	entries, _ := w.reg.AuditEntries(context.Background(), tenant.Org{ID: w.b.ID}, 10)
	if len(entries) != 4 || entries[0].Actor != "ops@example.org" {
		t.Errorf("platform audit: %+v", entries)
	}
	if res, _ := ops.get("/console/orgs/nosuch"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown org page: %d", res.StatusCode)
	}
}

// The wizard over plain HTTP: step validation, back without loss, create.
func TestWizardOverHTTP(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	ops := w.as(superPersona, "admin.localhost")
	_, d := ops.get("/console/new")
	form := url.Values{}
	d.Find("#wizard input").Each(func(_ int, in *goquerySel) {
		if name, ok := in.Attr("name"); ok && name != "_csrf" {
			form.Set(name, in.AttrOr("value", ""))
		}
	})
	form.Set("name", "Quadball Nova Scotia")
	form.Set("action", "next")
	res := ops.post("/console/new/step", form, "HX-Request", "true")
	d = doc(t, res)
	if res.StatusCode != 200 || d.Find(`input[name="slug"][type="hidden"]`).AttrOr("value", "") != "quadball-nova-scotia" {
		t.Fatalf("step 1 -> 2: %d", res.StatusCode)
	}
	form.Set("slug", "quadball-nova-scotia")
	form.Set("step", "2")
	form.Set("season_end", "1999-01-01")
	res = ops.post("/console/new/step", form, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Text(), "must end after it starts") {
		t.Fatalf("invalid step 2: %d", res.StatusCode)
	}
	form.Set("season_end", "2027-08-31")
	form.Set("admin_email", "chair@qns.example.org")
	form.Set("step", "4")
	res = ops.post("/console/new", form, "HX-Request", "true")
	d = doc(t, res)
	if res.StatusCode != 200 || !strings.Contains(d.Text(), "Quadball Nova Scotia is ready") {
		t.Fatalf("create: %d %s", res.StatusCode, d.Text())
	}
	if _, err := w.reg.BySlug(context.Background(), "quadball-nova-scotia"); err != nil {
		t.Fatal(err)
	}
	// The same again: the address is taken now; back to step 1 with the reason.
	res = ops.post("/console/new", form, "HX-Request", "true")
	d = doc(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#slug-msg").Text(), "already taken") {
		t.Fatalf("duplicate: %d %q", res.StatusCode, d.Find("#slug-msg").Text())
	}
}
