package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/domain"
	"sportsapp/app/tenant"
)

func init() {
	d := domain.Domain{Name: "register.quadball.test", Token: "abcdefghijklmnopqrstuvwxyz", Status: domain.StatusPending,
		Result: "the record was found but its value is wrong", CheckedAt: time.Now()}
	v := domain.Domain{Name: "quadball.test", Status: domain.StatusVerified, Primary: true, MissingSince: time.Now()}
	section := domainsView{page: signedIn, Target: "quadball-canada.localhost", Domains: []domain.Domain{d, v},
		Domain: "bad", Errors: map[string]string{"domain": "Bad."}, Notice: "Done."}
	viewSamples["admin/domains"] = section
	viewSamples["admin/_domains"] = section
	viewSamples["console/_domains"] = consoleOrgView{page: superPage, Org: tenant.Org{Name: "Quadball Canada", Slug: "quadball-canada"},
		Domains: []consoleDomain{{Domain: d}, {Domain: v, Flagged: true}}}
}

// domainOf adds a domain to org for the matrix (verified when asked) and
// returns its name.
func (w *world) domainOf(o tenant.Org, n int, verified bool) string {
	w.t.Helper()
	ctx := context.Background()
	// A primary made by an earlier cell would redirect the subdomain.
	list, _ := w.domains.List(ctx, o)
	for _, d := range list {
		if d.Primary {
			if err := w.domains.Remove(ctx, domain.Actor{Label: "test"}, o, d.Name); err != nil {
				w.t.Fatal(err)
			}
		}
	}
	d, err := w.domains.Add(ctx, domain.Actor{Label: "test"}, o, fmt.Sprintf("cell-%d.example.org", n))
	if err != nil {
		w.t.Fatal(err)
	}
	if verified {
		w.dns.SetTXT(d.RecordName(), d.Token)
		if _, out, err := w.domains.Check(ctx, domain.Actor{Label: "test"}, o, d.Name); err != nil || out != domain.Verified {
			w.t.Fatalf("verify %s: %v %v", d.Name, out, err)
		}
	}
	return d.Name
}

func (e *env) orgAudit(o tenant.Org) []orgdb.AuditLog {
	e.t.Helper()
	var out []orgdb.AuditLog
	e.scope(o, func(sc *tenant.Scope) {
		var err error
		if out, err = sc.Q().AuditList(context.Background(), orgdb.AuditListParams{Limit: 100}); err != nil {
			e.t.Fatal(err)
		}
	})
	return out
}

func hasAudit(list []orgdb.AuditLog, action, subject string) bool {
	for _, a := range list {
		if a.Action == action && a.Subject == subject {
			return true
		}
	}
	return false
}

// TestDomainFlow is the "done when" without Caddy: an admin adds
// register.quadball.test, sees the TXT record, the DNS server serves it,
// Check now verifies it, and the domain serves Quadball Canada; then
// primary, the redirects, suspension and removal.
func TestDomainFlow(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	htmx := []string{"HX-Request", "true"}

	res, doc := admin.get("/admin/domains")
	if res.StatusCode != 200 || doc.Find("#domains").Length() != 1 {
		t.Fatalf("GET /admin/domains: %d", res.StatusCode)
	}
	res = admin.post("/admin/domains", url.Values{"domain": {"Register.Quadball.TEST."}}, htmx...)
	page := body(t, res)
	if res.StatusCode != 200 || !strings.Contains(page, "_sportsapp-challenge.register.quadball.test") || !strings.Contains(page, "data-copy=") {
		t.Fatalf("add: %d\n%s", res.StatusCode, page)
	}
	d, err := w.domains.Get(context.Background(), "register.quadball.test")
	if err != nil || !strings.Contains(page, d.Token) {
		t.Fatalf("token not shown: %v", err)
	}

	// Bad input: 422 with the field's message, nothing stored.
	bad := map[string]string{
		"register.quadball.test":     "already added to this organization",
		"quadball-alberta.localhost": "belong to the platform",
		"admin.localhost":            "belong to the platform",
		"192.0.2.1":                  "IP address",
		"register.example.org:8443":  "without http://, a port or a path",
		"register.example.org/join":  "without http://, a port or a path",
		"no spaces.example.org":      "not a valid domain name",
	}
	for in, msg := range bad {
		res := admin.post("/admin/domains", url.Values{"domain": {in}}, htmx...)
		if b := body(t, res); res.StatusCode != 422 || !strings.Contains(b, msg) || !strings.Contains(b, `aria-invalid="true"`) {
			t.Errorf("add %q: %d, want 422 with %q", in, res.StatusCode, msg)
		}
	}
	other := w.browser("quadball-alberta.localhost")
	other.setCookie("sid", w.session(w.b, w.bAd))
	res = other.post("/admin/domains", url.Values{"domain": {"register.quadball.test"}}, htmx...)
	if b := body(t, res); res.StatusCode != 422 || !strings.Contains(b, "already used by another organization") {
		t.Errorf("claim by another org: %d", res.StatusCode)
	}
	if all, _ := w.domains.All(context.Background()); len(all) != 1 {
		t.Fatalf("%d domains stored, want 1", len(all))
	}

	custom := w.browser("register.quadball.test")
	if res, _ := custom.get("/"); res.StatusCode != 404 {
		t.Fatalf("pending domain serves: %d", res.StatusCode)
	}

	// Check now: missing, wrong value, then verified.
	check := func(want string) {
		t.Helper()
		res := admin.post("/admin/domains/register.quadball.test/check", nil, htmx...)
		if b := body(t, res); res.StatusCode != 200 || !strings.Contains(b, want) {
			t.Fatalf("check: %d, want %q in\n%s", res.StatusCode, want, b)
		}
	}
	check("the record was not found yet")
	w.dns.SetTXT(d.RecordName(), "not-the-token")
	check("the record was found but its value is wrong")
	w.dns.SetTXT(d.RecordName(), d.Token)
	check("it does not point at the platform yet: create register.quadball.test CNAME quadball-canada.localhost")
	w.dns.SetCNAME("register.quadball.test", "quadball-canada.localhost")
	res = admin.post("/admin/domains/register.quadball.test/check", nil, htmx...)
	if b := body(t, res); !strings.Contains(b, "verified") || strings.Contains(b, "does not point") {
		t.Fatalf("with the CNAME: %s", b)
	}

	res, doc = custom.get("/")
	if res.StatusCode != 200 || !strings.Contains(doc.Text(), "Quadball Canada") {
		t.Fatalf("verified domain: %d", res.StatusCode)
	}
	// The subdomain still serves until a primary is chosen.
	if res, _ := admin.get("/admin/domains"); res.StatusCode != 200 {
		t.Fatalf("subdomain before primary: %d", res.StatusCode)
	}
	res = admin.post("/admin/domains/register.quadball.test/primary", nil, htmx...)
	if res.StatusCode != 200 {
		t.Fatalf("primary: %d", res.StatusCode)
	}
	sub := w.browser("quadball-canada.localhost")
	res, _ = sub.get("/events?season=2027")
	if want := "http://register.quadball.test:" + w.port + "/events?season=2027"; res.StatusCode != 301 || location(res) != want {
		t.Fatalf("GET on the subdomain: %d %q, want 301 %q", res.StatusCode, location(res), want)
	}
	res = sub.postRaw("/login", url.Values{"email": {"a@b.org"}})
	if res.StatusCode != 308 || !strings.HasPrefix(location(res), "http://register.quadball.test:") {
		t.Fatalf("POST on the subdomain: %d %q, want 308", res.StatusCode, location(res))
	}
	// Links in mail use the primary domain (the link is shown: no mail server).
	onCustom := w.browser("register.quadball.test")
	onCustom.setCookie("sid", w.session(w.a, w.admin))
	res = onCustom.post("/admin/invitations", url.Values{"email": {"new@example.org"}, "role": {"member"}}, htmx...)
	if b := body(t, res); res.StatusCode != 200 || !strings.Contains(b, "http://register.quadball.test/invite?token=") {
		t.Fatalf("invitation link does not use the primary domain: %d\n%s", res.StatusCode, b)
	}
	// The console links to the primary domain.
	op := w.browser("admin.localhost")
	op.setCookie("psid", w.superSession(w.super))
	if _, doc := op.get("/console/orgs/quadball-canada"); doc.Find(`a[href="http://register.quadball.test:`+w.port+`/"]`).Length() == 0 {
		t.Error("the console does not link to the primary domain")
	}
	// The other org is not redirected.
	if res, _ := w.browser("quadball-alberta.localhost").get("/"); res.StatusCode != 200 {
		t.Fatalf("other org: %d", res.StatusCode)
	}

	// Suspended: 403 on the custom domain too.
	if _, err := w.reg.SetStatus(context.Background(), w.a.Slug, tenant.StatusSuspended); err != nil {
		t.Fatal(err)
	}
	if res, _ := custom.get("/"); res.StatusCode != 403 {
		t.Fatalf("suspended org on its domain: %d", res.StatusCode)
	}
	if _, err := w.reg.SetStatus(context.Background(), w.a.Slug, tenant.StatusActive); err != nil {
		t.Fatal(err)
	}

	// Removal, from the custom domain itself (signed in there).
	res = onCustom.post("/admin/domains/register.quadball.test/remove", nil)
	if res.StatusCode != 303 {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if res, _ := custom.get("/"); res.StatusCode != 404 {
		t.Fatalf("removed domain: %d", res.StatusCode)
	}
	if res, _ := sub.get("/"); res.StatusCode != 200 {
		t.Fatalf("subdomain after the primary was removed: %d", res.StatusCode)
	}
	audit := w.orgAudit(w.a)
	for _, action := range []string{"domain.add", "domain.verify", "domain.primary", "domain.remove"} {
		if !hasAudit(audit, action, "register.quadball.test") {
			t.Errorf("no %s in the org's audit log", action)
		}
	}
	plat, err := w.reg.AuditEntries(context.Background(), w.a, 50)
	if err != nil || len(plat) < 4 {
		t.Errorf("platform audit: %d entries, %v", len(plat), err)
	}
}

// TestDomainIsolation: a verified domain of org A never serves org B, also
// after A removes it and B claims and verifies it.
func TestDomainIsolation(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	ctx := context.Background()
	by := domain.Actor{Label: "test"}
	d, err := w.domains.Add(ctx, by, w.a, "shared.example.org")
	if err != nil {
		t.Fatal(err)
	}
	w.dns.SetTXT(d.RecordName(), d.Token)
	if _, out, _ := w.domains.Check(ctx, by, w.a, d.Name); out != domain.Verified {
		t.Fatal(out)
	}
	host := w.browser("shared.example.org")
	if _, doc := host.get("/"); !strings.Contains(doc.Text(), "Quadball Canada") || strings.Contains(doc.Text(), "Quadball Alberta") {
		t.Fatal("A's domain does not serve A")
	}
	// B signed in cannot use A's domain with its cookie.
	host.setCookie("sid", w.session(w.b, w.bAd))
	if res, _ := host.get("/admin"); res.StatusCode == 200 {
		t.Fatal("B's admin session works on A's domain")
	}
	if err := w.domains.Remove(ctx, by, w.a, d.Name); err != nil {
		t.Fatal(err)
	}
	d2, err := w.domains.Add(ctx, by, w.b, "shared.example.org")
	if err != nil {
		t.Fatal(err)
	}
	// Pending for B: serves nobody (A's token no longer counts).
	if res, _ := w.browser("shared.example.org").get("/"); res.StatusCode != 404 {
		t.Fatalf("claimed, not verified: %d", res.StatusCode)
	}
	if _, out, _ := w.domains.Check(ctx, by, w.b, d2.Name); out != domain.WrongValue {
		t.Fatalf("A's old record verified B's claim: %v", out)
	}
	w.dns.SetTXT(d2.RecordName(), d2.Token)
	if _, out, _ := w.domains.Check(ctx, by, w.b, d2.Name); out != domain.Verified {
		t.Fatal(out)
	}
	if _, doc := w.browser("shared.example.org").get("/"); !strings.Contains(doc.Text(), "Quadball Alberta") || strings.Contains(doc.Text(), "Quadball Canada") {
		t.Fatal("B's domain does not serve B")
	}
	// The console lists B's domain and an operator can remove it.
	op := w.browser("admin.localhost")
	op.setCookie("psid", w.superSession(w.super))
	if _, doc := op.get("/console/orgs/quadball-alberta"); !strings.Contains(doc.Find("#org-domains").Text(), "shared.example.org") {
		t.Fatal("the console does not list the org's domain")
	}
	// An admin of A cannot check, promote or remove B's domain.
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	for _, action := range []string{"check", "primary", "remove"} {
		if res := admin.post("/admin/domains/shared.example.org/"+action, nil); res.StatusCode != 404 {
			t.Errorf("A's admin %s on B's domain: %d, want 404", action, res.StatusCode)
		}
	}
	if res := op.post("/console/orgs/quadball-alberta/domains/shared.example.org/remove", nil); res.StatusCode != 303 {
		t.Fatalf("operator removes: %d", res.StatusCode)
	}
	if res, _ := w.browser("shared.example.org").get("/"); res.StatusCode != 404 {
		t.Fatalf("removed by an operator, still serves: %d", res.StatusCode)
	}
	if !hasAudit(w.orgAudit(w.b), "domain.remove", "shared.example.org") {
		t.Error("the operator's removal is not in the org's audit log")
	}
}

func TestTLSAsk(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	ctx := context.Background()
	by := domain.Actor{Label: "test"}
	verified, _ := w.domains.Add(ctx, by, w.a, "register.quadball.test")
	w.dns.SetTXT(verified.RecordName(), verified.Token)
	if _, out, _ := w.domains.Check(ctx, by, w.a, verified.Name); out != domain.Verified {
		t.Fatal(out)
	}
	if _, err := w.domains.Add(ctx, by, w.a, "pending.quadball.test"); err != nil {
		t.Fatal(err)
	}
	suspended := w.org("suspended-league", "Suspended League")
	sd, _ := w.domains.Add(ctx, by, suspended, "suspended.example.org")
	w.dns.SetTXT(sd.RecordName(), sd.Token)
	if _, out, _ := w.domains.Check(ctx, by, suspended, sd.Name); out != domain.Verified {
		t.Fatal(out)
	}
	if _, err := w.reg.SetStatus(ctx, suspended.Slug, tenant.StatusSuspended); err != nil {
		t.Fatal(err)
	}
	cases := map[string]int{
		"quadball-canada.localhost":  200,
		"Quadball-Canada.localhost.": 200,
		"register.quadball.test":     200,
		"REGISTER.quadball.test.":    200,
		"pending.quadball.test":      404,
		"unknown.example.org":        404,
		"nosuch.localhost":           404,
		"suspended-league.localhost": 404,
		"suspended.example.org":      404,
		"a.b.localhost":              404,
		"admin.localhost":            404,
		"":                           400,
		"bad name":                   400,
		"register.quadball.test:443": 400,
		"http://x.org/":              400,
		"café.example.org":           400,
	}
	// From loopback (a real listener), with any Host.
	for _, host := range []string{"quadball-canada.localhost", "unknown.example.org", "127.0.0.1"} {
		br := w.browser(host)
		for d, want := range cases {
			res, _ := br.get("/tls/ask?domain=" + url.QueryEscape(d))
			if res.StatusCode != want {
				t.Errorf("Host %s, ask %q: %d, want %d", host, d, res.StatusCode, want)
			}
		}
	}
	// From anyone else: 404, whatever the question.
	req := httptest.NewRequest(http.MethodGet, "http://quadball-canada.localhost/tls/ask?domain=register.quadball.test", nil)
	req.RemoteAddr = "203.0.113.9:4000"
	if res := w.do(req); res.StatusCode != 404 {
		t.Errorf("ask from a remote address: %d, want 404", res.StatusCode)
	}
}
