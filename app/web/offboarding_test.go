package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sportsapp/app/account"
	"sportsapp/app/auth"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

// totals are the organization's accounting figures: they must not move
// when an account is erased.
type totals struct {
	Payments, PaymentCents, Received, Memberships, MembershipCents, Registrations, Users int64
}

func (w *world) totals(t *testing.T) totals {
	t.Helper()
	h, err := w.pool.Acquire(context.Background(), w.a)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	var x totals
	err = h.DB().R.QueryRow(`SELECT
		(SELECT count(*) FROM payments), (SELECT coalesce(sum(amount_cents), 0) FROM payments),
		(SELECT coalesce(sum(received_cents), 0) FROM payments WHERE status = 'confirmed'),
		(SELECT count(*) FROM memberships), (SELECT coalesce(sum(price_cents), 0) FROM memberships),
		(SELECT count(*) FROM event_registrations), (SELECT count(*) FROM users)`).Scan(
		&x.Payments, &x.PaymentCents, &x.Received, &x.Memberships, &x.MembershipCents, &x.Registrations, &x.Users)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// dump is every text value of org A's tables that hold people, for
// looking for an erased person's details.
func (w *world) dump(t *testing.T) string {
	t.Helper()
	h, err := w.pool.Acquire(context.Background(), w.a)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	var b strings.Builder
	for _, q := range []string{
		"SELECT email || ' ' || name FROM users",
		"SELECT phone || ' ' || emergency_name || ' ' || date_of_birth FROM member_profiles",
		"SELECT actor || ' ' || subject || ' ' || detail || ' ' || ip FROM audit_log",
		"SELECT email || ' ' || name FROM invitations",
		"SELECT decided_by FROM payments",
		"SELECT email FROM team_members",
	} {
		rows, err := h.DB().R.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			b.WriteString(s + "\n")
		}
		rows.Close()
	}
	return b.String()
}

// TestProfileExport: a member downloads their own data, and only theirs.
func TestProfileExport(t *testing.T) {
	w := newWorld(t, envOptions{})
	u := w.activeMember("active@example.org")
	other := w.activeMember("other@example.org")
	br := w.browser("quadball-canada.localhost")
	br.setCookie(auth.SessionCookie, w.session(w.a, u))
	res := download(br, "/profile/export")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", res.StatusCode, res.Header)
	}
	raw, _ := io.ReadAll(res.Body)
	var data struct {
		Account     map[string]any   `json:"account"`
		Profile     map[string]any   `json:"profile"`
		Memberships []map[string]any `json:"memberships"`
		Payments    []map[string]any `json:"payments"`
		Sessions    []map[string]any `json:"sessions"`
		Audit       []map[string]any `json:"audit_log"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	if data.Account["email"] != u.Email || data.Profile["phone"] != "4165550100" || len(data.Memberships) != 1 || len(data.Payments) != 1 || len(data.Sessions) == 0 {
		t.Errorf("export: %s", raw)
	}
	if data.Payments[0]["status"] != "confirmed" || len(data.Audit) == 0 {
		t.Errorf("payments or audit: %s", raw)
	}
	for _, leak := range []string{other.Email, w.admin.Email + `"`, "token_hash", "password", w.bAd.Email} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("the export holds %q: %s", leak, raw)
		}
	}
}

// TestProfileDelete: a wrong password changes nothing; the right one
// erases the person, ends their sessions (cached ones too) and leaves the
// organization's accounting totals as they were.
func TestProfileDelete(t *testing.T) {
	w := newWorld(t, envOptions{})
	u := w.activeMember("leaving@example.org")
	w.activeMember("staying@example.org")
	before := w.totals(t)

	br := w.browser("quadball-canada.localhost")
	br.setCookie(auth.SessionCookie, w.session(w.a, u))
	other := w.browser("quadball-canada.localhost") // a second device
	other.setCookie(auth.SessionCookie, w.session(w.a, u))
	if res, _ := other.get("/profile"); res.StatusCode != http.StatusOK { // cached now
		t.Fatalf("second device: %d", res.StatusCode)
	}
	_, d := br.get("/profile/delete")
	if d.Find(`input[name="password"]`).Length() != 1 {
		t.Fatal("no password field")
	}
	res := br.post("/profile/delete", url.Values{"password": {"wrong password!"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body(t, res), "password is incorrect") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	if !strings.Contains(w.dump(t), u.Email) {
		t.Fatal("a wrong password erased the account")
	}
	res = br.post("/profile/delete", url.Values{"password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || location(res) != "/" {
		t.Fatalf("delete: %d %s", res.StatusCode, location(res))
	}
	if after := w.totals(t); after != before {
		t.Errorf("accounting totals changed: %+v, were %+v", after, before)
	}
	dump := w.dump(t)
	for _, personal := range []string{u.Email, u.Name, "leaving"} {
		if strings.Contains(dump, personal) {
			t.Errorf("%q is still in the organization's database:\n%s", personal, dump)
		}
	}
	if !strings.Contains(dump, "staying@example.org") || !strings.Contains(dump, "Deleted member") {
		t.Errorf("dump:\n%s", dump)
	}
	if res, _ := other.get("/profile"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the other device's session still works: %d", res.StatusCode)
	}
	login := w.browser("quadball-canada.localhost")
	login.csrf()
	if res := login.post("/login", url.Values{"email": {u.Email}, "password": {testPassword}}); res.StatusCode == http.StatusSeeOther {
		t.Errorf("the erased account can still sign in")
	}
	if !strings.Contains(dump, "user.erase") && !strings.Contains(dump, "deleted-") {
		t.Errorf("no audit of the erasure:\n%s", dump)
	}
}

// TestAdminErasesOnRequest: the admin is asked to confirm, naming the
// member; then the account is erased and the erasure audited.
func TestAdminErasesOnRequest(t *testing.T) {
	w := newWorld(t, envOptions{})
	u := w.activeMember("asked@example.org")
	before := w.totals(t)
	adm := w.browser("quadball-canada.localhost")
	adm.setCookie(auth.SessionCookie, w.session(w.a, w.admin))
	_, d := adm.get("/admin/members")
	if d.Find(`form[action$="/erase"]`).Length() == 0 {
		t.Fatal("no delete button on the members list")
	}
	_, d = adm.get("/admin/members/" + itoa(u.ID))
	if d.Find(`form[action="/admin/members/`+itoa(u.ID)+`/erase"]`).Length() != 1 {
		t.Fatal("no delete button on the member's page")
	}
	res := adm.post("/admin/members/"+itoa(u.ID)+"/erase", nil)
	if b := body(t, res); res.StatusCode != http.StatusOK || !strings.Contains(b, "Delete the account of "+u.Name) {
		t.Fatalf("confirmation: %d", res.StatusCode)
	}
	if !strings.Contains(w.dump(t), u.Email) {
		t.Fatal("erased before confirmation")
	}
	res = adm.post("/admin/members/"+itoa(u.ID)+"/erase", url.Values{"confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d", res.StatusCode)
	}
	if strings.Contains(w.dump(t), u.Email) || w.totals(t) != before {
		t.Errorf("after erasure: %s", w.dump(t))
	}
	if res := adm.post("/admin/members/"+itoa(u.ID)+"/status", url.Values{"status": {"active"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("re-enable an erased account: %d", res.StatusCode)
	}
	if res := adm.post("/admin/members/"+itoa(w.admin.ID)+"/erase", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an admin erasing themselves here: %d", res.StatusCode)
	}
	if res := adm.post("/admin/members/999999/erase", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown member: %d", res.StatusCode)
	}
}

// TestErasedCaptainHandsOver: a team whose only captain deletes their
// account gets its longest-standing member as captain.
func TestErasedCaptainHandsOver(t *testing.T) {
	w := newWorld(t, envOptions{})
	captain := w.activeMember("captain@example.org")
	player := w.activeMember("player@example.org")
	ctx := context.Background()
	w.scope(w.a, func(sc *tenant.Scope) {
		tm, err := w.srv.teams().Create(ctx, sc, account.ActorFor(captain, ""), team.Form{Name: "Toronto Raccoons", City: "Toronto", Province: "ON"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.srv.teams().Invite(ctx, sc, account.ActorFor(captain, ""), tm.Slug, player.Email, "player"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.srv.teams().Accept(ctx, sc, player, tm.Slug); err != nil {
			t.Fatal(err)
		}
		if err := w.accounts.EraseOnRequest(ctx, sc, account.ActorFor(w.admin, ""), captain.ID); err != nil {
			t.Fatal(err)
		}
	})
	h, err := w.pool.Acquire(ctx, w.a)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	var roles string
	err = h.DB().R.QueryRow(`SELECT group_concat(u.email || ':' || m.role || ':' || m.status, ' ') FROM team_members m JOIN users u ON u.id = m.user_id`).Scan(&roles)
	if err != nil || !strings.Contains(roles, "player@example.org:captain:active") || !strings.Contains(roles, ":captain:removed") {
		t.Errorf("roster after the captain's erasure: %q %v", roles, err)
	}
}
