package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{auditAction("invitation.accept"), "Accepted an invitation"},
		{auditAction("user.role"), "Changed a role"},
		{auditAction("thing.do_it"), "Thing: do it"},
		{auditAction(""), ""},
		{membershipName("Adult player"), "Adult player membership"},
		{membershipName("Adult membership"), "Adult membership"},
		{membershipName("Youth Membership"), "Youth Membership"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	// Every code the code base writes has words.
	for code, words := range auditWords {
		if words == "" || strings.Contains(words, ".") {
			t.Errorf("%s: %q", code, words)
		}
	}
}

// A brand-new account is welcomed once, not also "back"; the audit log on
// the dashboard speaks words.
func TestWelcomeOnceAndAuditWords(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	br := w.browser("quadball-canada.localhost")
	br.csrf()
	res := br.post("/signup", url.Values{"name": {"Nora New"}, "email": {"nora@example.org"}, "password": {"a long enough password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	_, d := br.get(location(res))
	if txt := d.Find("main").Text(); !strings.Contains(txt, "Your account is ready") || strings.Contains(txt, "Welcome back") {
		t.Errorf("after sign-up: %s", txt)
	}
	if _, d = br.get("/"); !strings.Contains(d.Find("main").Text(), "Welcome back") {
		t.Error("no welcome back on the next visit")
	}
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	admin.post("/admin/members/"+itoa(w.target.ID)+"/status", url.Values{"status": {"disabled"}}, "HX-Request", "true")
	_, d = admin.get("/admin")
	if got := d.Find(`td[data-label="What"]`).First().Text(); got != "Disabled an account" {
		t.Errorf("audit action shown as %q", got)
	}
}
