package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sportsapp/app/mail"
)

// mailCatcher keeps the mail sent, for tests.
type mailCatcher struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (m *mailCatcher) Send(_ context.Context, msg mail.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

func (m *mailCatcher) to(addr string) []mail.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []mail.Message
	for _, msg := range m.sent {
		if msg.To == addr {
			out = append(out, msg)
		}
	}
	return out
}

const orgHost = "quadball-canada.localhost"

// An admin changes an event (not below the places taken), sees its venue,
// fees and registration window, cancels it after a confirmation naming it
// (the member registered is told by mail and can no longer register), and
// can delete only an event nobody registered for.
func TestEventEditCancelDelete(t *testing.T) {
	mails := &mailCatcher{}
	w := newWorld(t, envOptions{LoginAttempts: 1000, Mail: mails})
	e := w.newEvent("Spring Cup", 10)
	id := strconv.FormatInt(e.ID, 10)
	player := w.activeMember("player@example.org")
	pb := w.teamBrowser(orgHost, w.a, player)
	if res := pb.post("/events/"+id+"/register", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d", res.StatusCode)
	}
	admin := w.as(thisOrgAdmin, orgHost)

	// Edit: the form shows the event as entered; a capacity below the
	// places taken is refused and nothing changes.
	_, d := admin.get("/admin/events/" + id + "/edit")
	form := url.Values{}
	for _, f := range []string{"name", "starts_on", "ends_on", "venue", "opens_on", "closes_on", "capacity", "individual_fee", "team_fee"} {
		v, _ := d.Find(`#event-edit input[name="` + f + `"]`).Attr("value")
		form.Set(f, v)
	}
	form.Set("kind", "tournament")
	if form.Get("venue") != "Varsity Arena" || form.Get("individual_fee") != "25.00" {
		t.Fatalf("edit form: %v", form)
	}
	form.Set("capacity", "0")
	if res := admin.post("/admin/events/"+id, form); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("capacity 0: %d", res.StatusCode)
	}
	form.Set("venue", "Downsview Park")
	form.Set("capacity", "20")
	if res := admin.post("/admin/events/"+id, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	_, d = admin.get("/admin/events/" + id)
	facts := d.Find("#event-facts").Text()
	for _, want := range []string{"Downsview Park", "25.00 CAD each", "300.00 CAD a team", "1 of 20 taken", "(last day)"} {
		if !strings.Contains(facts, want) {
			t.Errorf("event page facts lack %q: %s", want, facts)
		}
	}
	if d.Find(`#event-actions form[action$="/delete"]`).Length() != 0 {
		t.Error("delete offered for an event with a registration")
	}

	// Delete with a registration: refused, saying why.
	res := admin.post("/admin/events/"+id+"/delete", url.Values{"confirm": {"yes"}})
	if b := body(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "cancel it instead") {
		t.Fatalf("delete with registrations: %d", res.StatusCode)
	}

	// Cancel: a plain post asks first, naming the event.
	res = admin.post("/admin/events/"+id+"/cancel", nil)
	if b := body(t, res); res.StatusCode != http.StatusOK || !strings.Contains(b, "Cancel Spring Cup?") {
		t.Fatalf("cancel without confirmation: %d", res.StatusCode)
	}
	if len(mails.to("player@example.org")) != 0 {
		t.Fatal("mail sent before the confirmation")
	}
	if res := admin.post("/admin/events/"+id+"/cancel", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.StatusCode)
	}
	got := mails.to("player@example.org")
	if len(got) != 1 || !strings.Contains(got[0].Subject, "Spring Cup") || !strings.Contains(got[0].Text, "/events/"+id) {
		t.Fatalf("cancellation mail: %+v", got)
	}
	_, d = pb.get("/events/" + id)
	if txt := d.Find("main").Text(); !strings.Contains(txt, "cancelled") || d.Find(`form[action$="/register"]`).Length() != 0 {
		t.Errorf("member's event page after cancelling: %s", txt)
	}
	// The member's home no longer lists it, neither as theirs nor as coming up.
	if _, d = pb.get("/"); strings.Contains(d.Find("main").Text(), "Spring Cup") {
		t.Errorf("member home lists the cancelled event: %s", d.Find("main").Text())
	}
	if res := admin.post("/admin/events/"+id, form); res.StatusCode != http.StatusConflict {
		t.Errorf("edit a cancelled event: %d", res.StatusCode)
	}

	// Delete an event nobody registered for: asked, then gone.
	other := w.newEvent("Empty Clinic", 5)
	oid := strconv.FormatInt(other.ID, 10)
	res = admin.post("/admin/events/"+oid+"/delete", nil)
	if b := body(t, res); !strings.Contains(b, "Delete Empty Clinic?") {
		t.Fatalf("delete without confirmation: %d", res.StatusCode)
	}
	if res := admin.post("/admin/events/"+oid+"/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if res, _ := admin.get("/admin/events/" + oid); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleted event: %d", res.StatusCode)
	}
}

// A member sees an event's own page from the list; before registration
// opens the card says when it does, in words; a pending registration can
// be withdrawn.
func TestEventMemberPageAndWithdraw(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	admin := w.as(thisOrgAdmin, orgHost)
	later := eventForm("Summer Camp")
	later.Set("opens_on", "2099-05-01")
	later.Set("closes_on", "2099-05-20")
	later.Set("starts_on", "2099-06-01")
	later.Set("ends_on", "2099-06-02")
	if res := admin.post("/admin/events", later); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	e := w.newEvent("Spring Cup", 10)
	id := strconv.FormatInt(e.ID, 10)
	player := w.activeMember("player@example.org")
	pb := w.teamBrowser(orgHost, w.a, player)
	_, d := pb.get("/events")
	if note := d.Find(`article:contains("Summer Camp")`).Text(); !strings.Contains(note, "Registration opens 1 May 2099.") {
		t.Errorf("card before opening: %s", note)
	}
	href, _ := d.Find(`article:contains("Spring Cup") header a`).Attr("href")
	if href != "/events/"+id {
		t.Fatalf("link to the event page: %q", href)
	}
	res, d := pb.get(href)
	if res.StatusCode != http.StatusOK || !strings.Contains(d.Find("#event-details").Text(), "Varsity Arena") {
		t.Fatalf("event page: %d %s", res.StatusCode, d.Find("main").Text())
	}
	if res := pb.post("/events/"+id+"/register", url.Values{"detail": {"1"}}); res.StatusCode != http.StatusSeeOther || location(res) != "/events/"+id {
		t.Fatalf("register from the event page: %d %s", res.StatusCode, location(res))
	}
	_, d = pb.get(href)
	if !strings.Contains(d.Find("#event-mine").Text(), "pending") {
		t.Errorf("own registration not shown: %s", d.Find("main").Text())
	}
	res = pb.post("/events/"+id+"/unregister", nil, "HX-Request", "true")
	if b := body(t, res); res.StatusCode != http.StatusOK || !strings.Contains(b, "withdrawn") || !strings.Contains(b, "Register myself") {
		t.Fatalf("withdraw: %d %s", res.StatusCode, b)
	}
	if res := pb.post("/events/"+id+"/unregister", nil); res.StatusCode != http.StatusConflict {
		t.Errorf("withdraw twice: %d", res.StatusCode)
	}
}
