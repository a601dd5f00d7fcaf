package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/membership"
	"sportsapp/app/tenant"
)

// The whole membership flow over HTTP: profile, purchase (pending with a
// reference), a second purchase refused, the admin confirms, active.
func TestMembershipPurchaseAndConfirmation(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	typeID := w.openRegistration()
	mia := w.as(orgMember, "quadball-canada.localhost")

	// No profile yet: the page asks for it and buying is refused.
	_, d := mia.get("/membership")
	if !strings.Contains(d.Find("#membership").Text(), "complete your member profile") {
		t.Fatalf("membership page without a profile: %s", d.Find("#membership").Text())
	}
	res := mia.post("/membership", url.Values{"type": {itoa(typeID)}, "waiver": {"on"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("buy without a profile: %d", res.StatusCode)
	}
	// Invalid profile, then a good one.
	bad := profileForm()
	bad.Set("phone", "12")
	if res := mia.post("/profile/details", bad); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad profile: %d", res.StatusCode)
	}
	if res := mia.post("/profile/details", profileForm()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile: %d", res.StatusCode)
	}
	// The waiver must be accepted.
	if res := mia.post("/membership", url.Values{"type": {itoa(typeID)}}, "HX-Request", "true"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("buy without the waiver: %d", res.StatusCode)
	}
	res = mia.post("/membership", url.Values{"type": {itoa(typeID)}, "waiver": {"on"}}, "HX-Request", "true")
	d = doc(t, res)
	section := d.Find("#membership").Text()
	if res.StatusCode != 200 || !strings.Contains(section, "pending") || !strings.Contains(section, "10.00 CAD") {
		t.Fatalf("buy: %d %s", res.StatusCode, section)
	}
	ref := d.Find("#membership code").First().Text()
	if !strings.HasPrefix(ref, "M") {
		t.Fatalf("reference %q", ref)
	}
	// A second purchase for the same season is refused, even straight to the service.
	if res := mia.post("/membership", url.Values{"type": {itoa(typeID)}, "waiver": {"on"}}, "HX-Request", "true"); res.StatusCode == 200 && strings.Contains(doc(t, res).Text(), "reserved") {
		t.Fatal("second purchase accepted")
	}
	w.scope(w.a, func(sc *tenant.Scope) {
		if _, err := w.srv.memberships.Buy(context.Background(), sc, w.member, typeID, true); err == nil || !strings.Contains(err.Error(), "already have") {
			t.Fatalf("double purchase: %v", err)
		}
	})
	// A later fee change does not rewrite what was sold.
	w.scope(w.a, func(sc *tenant.Scope) {
		w.srv.settings.UpdateType(context.Background(), sc, account.Actor{Label: "test"}, typeID, settingsTypeForm("Adult player", "99.00"))
	})

	// The admin confirms the payment; the membership becomes active.
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	_, d = admin.get("/admin/payments")
	row := d.Find("tr[id^=payment-]:contains('" + ref + "')")
	if row.Length() != 1 {
		t.Fatalf("payment %s not listed: %s", ref, d.Find("main").Text())
	}
	id := strings.TrimPrefix(row.AttrOr("id", ""), "payment-")
	res = admin.post("/admin/payments/"+id+"/confirm", url.Values{"received": {"ten"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad amount: %d", res.StatusCode)
	}
	res = admin.post("/admin/payments/"+id+"/confirm", url.Values{"received": {"10.00"}}, "HX-Request", "true")
	if res.StatusCode != 200 || !strings.Contains(doc(t, res).Text(), "active") {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	if res := admin.post("/admin/payments/"+id+"/confirm", url.Values{"received": {"10.00"}}, "HX-Request", "true"); res.StatusCode != http.StatusConflict {
		t.Fatalf("second confirmation: %d", res.StatusCode)
	}
	_, d = mia.get("/membership")
	got := d.Find("#membership").Text()
	if !strings.Contains(got, "active") || !strings.Contains(got, "10.00 CAD") || strings.Contains(got, "99.00") {
		t.Fatalf("member sees: %s", got)
	}
	_, d = admin.get("/admin")
	if !strings.Contains(d.Text(), "Confirmed a payment") {
		t.Error("confirmation not audited")
	}
}

func TestMembershipClosedAndSeasonOver(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	typeID := w.membershipType(w.a, "Adult player", false)
	w.scope(w.a, func(sc *tenant.Scope) {
		membership.SaveProfile(context.Background(), sc, w.member.ID, membership.Profile{DateOfBirth: "1990-01-01", Phone: "4165550100",
			EmergencyName: "E", EmergencyRelationship: "friend", EmergencyPhone: "4165550101"}, time.Now())
	})
	mia := w.as(orgMember, "quadball-canada.localhost")
	// Defaults: registration closed.
	_, d := mia.get("/membership")
	if !strings.Contains(d.Find("#membership").Text(), "Registration is closed") {
		t.Fatalf("closed: %s", d.Find("#membership").Text())
	}
	res := mia.post("/membership", url.Values{"type": {itoa(typeID)}, "waiver": {"on"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Text(), "Registration is closed") {
		t.Fatalf("buy while closed: %d", res.StatusCode)
	}
	// A season that ended.
	form := w.settingsForm()
	form.Set("season_start", "2020-09-01")
	form.Set("season_end", "2021-08-31")
	form.Set("registration_open", "on")
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	admin.get("/admin/settings")
	if res := admin.post("/admin/settings", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d", res.StatusCode)
	}
	res = mia.post("/membership", url.Values{"type": {itoa(typeID)}, "waiver": {"on"}}, "HX-Request", "true")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Text(), "season is over") {
		t.Fatalf("buy after the season: %d", res.StatusCode)
	}
	w.scope(w.a, func(sc *tenant.Scope) {
		if ms, _ := membership.Memberships(context.Background(), sc, w.member.ID); len(ms) != 0 {
			t.Fatalf("memberships created: %+v", ms)
		}
	})
}
