package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/auth"
	"sportsapp/app/internal/smtptest"
	"sportsapp/app/mail"
	"sportsapp/app/tenant"
)

// withMail returns env options whose mail goes through the production
// outbox and SMTP sender to a real SMTP server on loopback.
func withMail(t *testing.T) (envOptions, *smtptest.Server) {
	t.Helper()
	srv := smtptest.Start(t)
	sender, err := mail.New(srv.URL(), "no-reply@localhost", quiet)
	if err != nil {
		t.Fatal(err)
	}
	outbox := mail.NewOutbox(sender, quiet, 10)
	t.Cleanup(func() { outbox.Close(context.Background()) })
	return envOptions{Mail: outbox, LoginAttempts: 1000}, srv
}

// pathOf turns a link from a mail into a path on the test server (mail
// links carry the public port, the test server listens elsewhere).
func pathOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		t.Fatalf("bad link %q", link)
	}
	return u.RequestURI()
}

func TestSignInAndOut(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	br := w.browser("quadball-canada.localhost")
	br.get("/login")
	res := br.post("/login", url.Values{"email": {"  MEMBER@example.org "}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || location(res) != "/" {
		t.Fatalf("sign-in: %d %q", res.StatusCode, location(res))
	}
	first := br.cookie(auth.SessionCookie)
	if first == "" {
		t.Fatal("no session cookie")
	}
	for _, ck := range res.Cookies() {
		if ck.Name == auth.SessionCookie && (!ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Domain != "") {
			t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, host-only", ck)
		}
	}
	_, d := br.get("/profile")
	if got := d.Find(`input[name="name"]`).AttrOr("value", ""); got != "Mia Member" {
		t.Fatalf("profile shows %q", got)
	}

	// Signing in again rotates: a new token, and the old one is dead.
	br.post("/login", url.Values{"email": {"member@example.org"}, "password": {testPassword}})
	second := br.cookie(auth.SessionCookie)
	if second == "" || second == first {
		t.Fatal("sign-in did not rotate the session token")
	}
	stale := w.browser("quadball-canada.localhost")
	stale.setCookie(auth.SessionCookie, first)
	if res, _ := stale.get("/profile"); !strings.HasPrefix(location(res), "/login") {
		t.Fatalf("old token still valid: %d", res.StatusCode)
	}

	res = br.post("/logout", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	again := w.browser("quadball-canada.localhost")
	again.setCookie(auth.SessionCookie, second)
	if res, _ := again.get("/profile"); !strings.HasPrefix(location(res), "/login") {
		t.Fatal("session survived sign-out")
	}
}

// Wrong password and unknown email give the same answer, and so do reset
// requests for known and unknown emails.
func TestNoUserEnumeration(t *testing.T) {
	opt, smtp := withMail(t)
	w := newWorld(t, opt)
	br := w.browser("quadball-canada.localhost")
	body := func(res *http.Response, sel string) string {
		t.Helper()
		d := doc(t, res)
		return strings.TrimSpace(d.Find(sel).Text())
	}
	wrong := br.post("/login", url.Values{"email": {"member@example.org"}, "password": {"nope nope nope"}})
	unknown := br.post("/login", url.Values{"email": {"ghost@example.org"}, "password": {"nope nope nope"}})
	if wrong.StatusCode != unknown.StatusCode {
		t.Errorf("statuses differ: %d vs %d", wrong.StatusCode, unknown.StatusCode)
	}
	if a, b := body(wrong, ".notice"), body(unknown, ".notice"); a != b || a == "" {
		t.Errorf("messages differ: %q vs %q", a, b)
	}
	known := br.post("/password/forgot", url.Values{"email": {"member@example.org"}})
	ghost := br.post("/password/forgot", url.Values{"email": {"ghost@example.org"}})
	ka := strings.ReplaceAll(body(known, "article"), "member@example.org", "X")
	gb := strings.ReplaceAll(body(ghost, "article"), "ghost@example.org", "X")
	if known.StatusCode != ghost.StatusCode || ka != gb {
		t.Errorf("reset answers differ:\n%d %q\n%d %q", known.StatusCode, ka, ghost.StatusCode, gb)
	}
	msgs := smtp.Wait(t, 1, 10*time.Second)
	time.Sleep(200 * time.Millisecond)
	if n := len(smtp.Messages()); n != 1 || msgs[0].To[0] != "member@example.org" {
		t.Fatalf("%d mails, first to %v; want exactly one, to the member", n, msgs[0].To)
	}
}

// The whole reset flow: ask, receive the mail on a real SMTP server, follow
// the link, set a password, be signed in; the link then no longer works and
// the old password neither.
func TestPasswordResetByMail(t *testing.T) {
	opt, smtp := withMail(t)
	w := newWorld(t, opt)
	old := w.session(w.a, w.member) // a session on another device
	br := w.browser("quadball-canada.localhost")
	br.get("/password/forgot")
	br.post("/password/forgot", url.Values{"email": {"member@example.org"}})
	m := smtp.Wait(t, 1, 10*time.Second)[0]
	link := smtptest.LinkIn(m.Text)
	if !strings.HasPrefix(link, "http://quadball-canada.localhost/password/reset?token=") {
		t.Fatalf("link %q does not use the org's host", link)
	}
	res, d := br.get(pathOf(t, link))
	if res.StatusCode != 200 || d.Find(`input[name="token"]`).Length() != 1 {
		t.Fatalf("reset page: %d", res.StatusCode)
	}
	// A bad password is refused and does not use up the link.
	res = br.post("/password/reset", url.Values{"token": {tokenOf(link)}, "password": {"short"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", res.StatusCode)
	}
	res = br.post("/password/reset", url.Values{"token": {tokenOf(link)}, "password": {"my new long password"}})
	if res.StatusCode != http.StatusSeeOther || br.cookie(auth.SessionCookie) == "" {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if res, _ := br.get(pathOf(t, link)); res.StatusCode != http.StatusNotFound {
		t.Errorf("used link: %d, want 404", res.StatusCode)
	}
	other := w.browser("quadball-canada.localhost")
	other.setCookie(auth.SessionCookie, old)
	if res, _ := other.get("/profile"); !strings.HasPrefix(location(res), "/login") {
		t.Error("a session from before the reset survived")
	}
	fresh := w.browser("quadball-canada.localhost")
	if res := fresh.post("/login", url.Values{"email": {"member@example.org"}, "password": {testPassword}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password: %d", res.StatusCode)
	}
	if res := fresh.post("/login", url.Values{"email": {"member@example.org"}, "password": {"my new long password"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("new password: %d", res.StatusCode)
	}
}

// An admin invites by email through the admin area; the invitee follows
// the link from the received mail, sets a password and lands signed in;
// the link works once.
func TestInvitationByMail(t *testing.T) {
	opt, smtp := withMail(t)
	w := newWorld(t, opt)
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	admin.get("/admin/invitations")
	res := admin.post("/admin/invitations", url.Values{"email": {"New.Admin@Example.org"}, "name": {"Nia"}, "role": {"admin"}}, "HX-Request", "true")
	if res.StatusCode != 200 {
		t.Fatalf("invite: %d", res.StatusCode)
	}
	m := smtp.Wait(t, 1, 10*time.Second)[0]
	if m.To[0] != "new.admin@example.org" || !strings.Contains(m.Subject, "Quadball Canada") {
		t.Fatalf("mail to %v, subject %q", m.To, m.Subject)
	}
	link := smtptest.LinkIn(m.Text)
	invitee := w.browser("quadball-canada.localhost")
	res, d := invitee.get(pathOf(t, link))
	if res.StatusCode != 200 || !strings.Contains(d.Text(), "new.admin@example.org") {
		t.Fatalf("invitation page: %d", res.StatusCode)
	}
	res = invitee.post("/invite", url.Values{"token": {tokenOf(link)}, "name": {"Nia Admin"}, "password": {"nia's long password"}})
	if res.StatusCode != http.StatusSeeOther || location(res) != "/admin" {
		t.Fatalf("accept: %d %q", res.StatusCode, location(res))
	}
	if res, _ := invitee.get("/admin"); res.StatusCode != 200 {
		t.Fatalf("new admin cannot reach /admin: %d", res.StatusCode)
	}
	if res, _ := w.browser("quadball-canada.localhost").get(pathOf(t, link)); res.StatusCode != http.StatusNotFound {
		t.Errorf("used invitation: %d", res.StatusCode)
	}
	// The acceptance is in the audit log.
	_, d = admin.get("/admin")
	if !strings.Contains(d.Text(), auditAction("invitation.accept")) || !strings.Contains(d.Text(), auditAction("invitation.create")) {
		t.Error("audit log lacks the invitation")
	}
}

func TestSessionExpiresAndDisabledUsers(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	now := time.Now()
	w.accounts.Now = func() time.Time { return now }
	token := w.session(w.a, w.member)
	br := w.browser("quadball-canada.localhost")
	br.setCookie(auth.SessionCookie, token)
	if res, _ := br.get("/profile"); res.StatusCode != 200 {
		t.Fatalf("fresh session: %d", res.StatusCode)
	}
	now = now.Add(auth.SessionTTL + time.Minute)
	if res, _ := br.get("/profile"); !strings.HasPrefix(location(res), "/login") {
		t.Fatalf("expired session: %d", res.StatusCode)
	}
	now = time.Now()

	// Disabling ends the sessions and refuses sign-in.
	token = w.session(w.a, w.target)
	victim := w.browser("quadball-canada.localhost")
	victim.setCookie(auth.SessionCookie, token)
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	admin.get("/admin/members")
	res := admin.post("/admin/members/"+itoa(w.target.ID)+"/status", url.Values{"status": {"disabled"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if res, _ := victim.get("/profile"); !strings.HasPrefix(location(res), "/login") {
		t.Fatal("disabled user's session still works")
	}
	res = w.browser("quadball-canada.localhost").post("/login", url.Values{"email": {"target@example.org"}, "password": {testPassword}})
	if res.StatusCode == http.StatusSeeOther {
		t.Fatal("disabled user signed in")
	}
}

// A role change ends the member's sessions (privilege change rotates).
func TestRoleChangeEndsSessions(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	token := w.session(w.a, w.target)
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	admin.get("/admin/members")
	res := admin.post("/admin/members/"+itoa(w.target.ID)+"/role", url.Values{"role": {"admin"}}, "HX-Request", "true")
	d := doc(t, res)
	if res.StatusCode != 200 || d.Find(`select[name="role"] option[selected]`).Text() != "admin" {
		t.Fatalf("role change: %d", res.StatusCode)
	}
	br := w.browser("quadball-canada.localhost")
	br.setCookie(auth.SessionCookie, token)
	if res, _ := br.get("/profile"); !strings.HasPrefix(location(res), "/login") {
		t.Fatal("session survived a role change")
	}
	// An admin cannot demote themselves, and the last admin stays.
	res = admin.post("/admin/members/"+itoa(w.admin.ID)+"/role", url.Values{"role": {"member"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("self demotion: %d", res.StatusCode)
	}
}

func TestLastAdminStays(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	w.scope(w.a, func(sc *tenant.Scope) {
		_, err := w.accounts.SetRole(context.Background(), sc, account.Actor{Label: "cli"}, w.admin.ID, account.RoleMember)
		if err == nil || !strings.Contains(err.Error(), "at least one active admin") {
			t.Fatalf("demoting the last admin: %v", err)
		}
	})
}

func TestLoginIsRateLimited(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 5})
	br := w.browser("quadball-canada.localhost")
	br.csrf()
	for i := range 5 {
		if res := br.post("/login", url.Values{"email": {"member@example.org"}, "password": {"guess"}}); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, res.StatusCode)
		}
	}
	res := br.post("/login", url.Values{"email": {"member@example.org"}, "password": {testPassword}})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("6th attempt: %d, want 429", res.StatusCode)
	}
	// Per organization: the other org's sign-in is not affected.
	other := w.browser("quadball-alberta.localhost")
	if res := other.post("/login", url.Values{"email": {"admin@alberta.example.org"}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("other org: %d", res.StatusCode)
	}
}

func TestSuperAdminSignsInOnPlatformHostOnly(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	br := w.browser("admin.localhost")
	br.get("/login")
	res := br.post("/login", url.Values{"email": {"ops@example.org"}, "password": {"operator password 1"}})
	if res.StatusCode != http.StatusSeeOther || location(res) != "/console" {
		t.Fatalf("platform sign-in: %d %q", res.StatusCode, location(res))
	}
	if res, d := br.get("/console"); res.StatusCode != 200 || !strings.Contains(d.Text(), "quadball-canada") {
		t.Fatalf("console: %d", res.StatusCode)
	}
	// The same credentials mean nothing on an org host.
	org := w.browser("quadball-canada.localhost")
	if res := org.post("/login", url.Values{"email": {"ops@example.org"}, "password": {"operator password 1"}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("super-admin credentials on an org host: %d", res.StatusCode)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Behind a trusted proxy the client's address comes from X-Forwarded-For,
// so each client has its own sign-in limit; without one the header is
// ignored and cannot be used to dodge the limit.
func TestRateLimitUsesTrustedProxyOnly(t *testing.T) {
	for _, tt := range []struct {
		name    string
		trusted []string
		limited bool // is the second "client" limited by the first one's attempts?
	}{
		{"no proxy configured", nil, true},
		{"loopback proxy trusted", []string{"127.0.0.1"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, envOptions{LoginAttempts: 2, TrustedProxies: tt.trusted})
			br := w.browser("quadball-canada.localhost")
			br.csrf()
			for range 2 {
				br.post("/login", url.Values{"email": {"x@example.org"}, "password": {"nope"}}, "X-Forwarded-For", "203.0.113.1")
			}
			res := br.post("/login", url.Values{"email": {"x@example.org"}, "password": {"nope"}}, "X-Forwarded-For", "203.0.113.2")
			if got := res.StatusCode == http.StatusTooManyRequests; got != tt.limited {
				t.Fatalf("second client limited = %v (status %d), want %v", got, res.StatusCode, tt.limited)
			}
		})
	}
}
