package web

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/account"
	"sportsapp/app/internal/browsertest"
)

// inView is true when the focused element is a notice and lies within the
// window: the message of an action is where the person is looking.
const inView = `(() => { const e = document.activeElement; if (!e || !e.classList.contains('notice')) return 'focus on ' + (e ? e.tagName + '.' + e.className : 'nothing'); const r = e.getBoundingClientRect(); return (r.top >= 0 && r.bottom <= window.innerHeight) ? 'ok' : 'out of view: ' + Math.round(r.top) + '..' + Math.round(r.bottom); })()`

// In Chromium at phone size: saving the settings and creating an event
// (htmx) put their confirmation next to the button, focused and in view,
// not at the top of a page scrolled away; so does a refusal.
func TestBrowserFeedbackNextToTheButton(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	base := w.url("quadball-canada.localhost")
	ctx := browsertest.New(t)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844))
	browsertest.SignIn(t, ctx, base, "admin@example.org", testPassword, `.menu-narrow summary`)
	check := func(what string) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](inView))
		if err != nil {
			t.Fatal(err)
		}
		if got != "ok" {
			t.Errorf("%s: %s", what, got)
		}
	}
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/admin/settings"),
		chromedp.WaitVisible(`#settings-form button[type="submit"]`),
		browsertest.Settled,
		chromedp.Click(`#settings-form button[type="submit"]`),
		chromedp.WaitVisible(`#settings-form .notice.ok`),
		browsertest.Settled,
	)
	check("settings saved")
	browsertest.Do(t, ctx,
		setAndLeave("s-season_end", "2000-01-01"),
		browsertest.Settled,
		chromedp.Click(`#settings-form button[type="submit"]`),
		chromedp.WaitVisible(`#settings-form .notice.error`),
		browsertest.Settled,
	)
	check("settings refused (422)")

	form := eventForm("Autumn Classic")
	browsertest.Do(t, ctx, chromedp.Navigate(base+"/admin/events"), chromedp.WaitVisible(`#f-name`), browsertest.Settled)
	for _, f := range []string{"name", "venue", "capacity", "individual_fee", "team_fee", "starts_on", "ends_on", "opens_on", "closes_on"} {
		browsertest.Do(t, ctx, setAndLeave("f-"+f, form.Get(f)))
	}
	browsertest.Do(t, ctx,
		browsertest.Settled,
		chromedp.Click(`#events-admin button[type="submit"]`),
		chromedp.WaitVisible(`#events-admin .notice.ok`),
		browsertest.Settled,
	)
	check("event created")
}

// A refusal in a team's roster (the only captain leaving, 409) carries
// autofocus, so htmx moves focus, and the view, to it.
func TestRosterRefusalIsFocused(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	slug, _ := w.teamFixture("Toronto Raccoons", w.member, []account.User{w.target}, nil)
	mia := w.as(orgMember, "quadball-canada.localhost")
	res := mia.post("/teams/"+slug+"/leave", nil, "HX-Request", "true")
	d := doc(t, res)
	if _, ok := d.Find("#roster .notice.error").Attr("autofocus"); res.StatusCode != http.StatusConflict || !ok {
		t.Fatalf("sole captain leaves: %d, focused notice %v", res.StatusCode, ok)
	}
}
