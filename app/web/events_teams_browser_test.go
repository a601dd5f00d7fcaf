package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sportsapp/app/internal/browsertest"
)

// acceptConfirm makes the page's confirm() answer yes and remember the
// question (in sessionStorage: the answer may load another page), as a person clicking OK would.
var acceptConfirm = chromedp.Evaluate[chromedp.Void](`window.confirm = (q) => { sessionStorage.setItem('asked', q); return true; }`)

// asked is the last question confirm() was asked on the page.
func asked(t *testing.T, ctx context.Context) string {
	t.Helper()
	q, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem('asked') || ''`))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// setValue sets a form field's value (date inputs take no keystrokes in
// a fixed format).
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector(` + jsString(sel) + `).value = ` + jsString(value))
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// In Chromium, with htmx: an admin creates an event and changes it; a
// member registers, withdraws and registers again; the admin cancels the
// event after a confirmation naming it, and the member sees it cancelled.
func TestBrowserEventsFlow(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	w.teamActivate(w.member)
	base := w.url(orgHost)
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format("2006-01-02") }

	admin := browsertest.New(t)
	browsertest.SignIn(t, admin, base, "admin@example.org", testPassword, `a[href="/admin/payments"]`)
	browsertest.Do(t, admin,
		chromedp.Navigate(base+"/admin/events"),
		chromedp.WaitVisible(`#events-admin input[name="name"]`),
		chromedp.SendKeys(`#events-admin input[name="name"]`, "Winter Open"),
		setValue(`#events-admin input[name="starts_on"]`, day(30)),
		setValue(`#events-admin input[name="ends_on"]`, day(31)),
		chromedp.SendKeys(`#events-admin input[name="venue"]`, "Varsity Arena"),
		setValue(`#events-admin input[name="opens_on"]`, day(-1)),
		setValue(`#events-admin input[name="closes_on"]`, day(20)),
		setValue(`#events-admin input[name="individual_fee"]`, "25.00"),
		chromedp.Click(`#events-admin button[type="submit"]`),
		chromedp.WaitVisible(`#events-admin .notice.ok`),
	)
	if got := text(t, admin, `#events-admin .notice.ok`); !strings.Contains(got, "Created Winter Open") {
		t.Fatalf("after creating: %q", got)
	}
	browsertest.Do(t, admin,
		browsertest.Settled,
		chromedp.Click(`#events-upcoming a`),
		chromedp.WaitVisible(`#event-facts`),
		chromedp.Click(`#event-actions a[href$="/edit"]`),
		chromedp.WaitVisible(`#event-edit input[name="venue"]`),
		setValue(`#event-edit input[name="venue"]`, "Downsview Park"),
		setValue(`#event-edit input[name="capacity"]`, "0"),
		chromedp.Click(`#event-edit button[type="submit"]`),
		chromedp.WaitVisible(`#event-edit .notice.error`),
		browsertest.Settled,
		setValue(`#event-edit input[name="capacity"]`, "40"),
		chromedp.Click(`#event-edit button[type="submit"]`),
		chromedp.WaitVisible(`#event-facts`),
	)
	if got := text(t, admin, `#event-facts`); !strings.Contains(got, "Downsview Park") || !strings.Contains(got, "0 of 40 taken") {
		t.Fatalf("after the edit: %s", got)
	}
	eventURL, _ := chromedp.Run(admin, chromedp.Location())

	member := browsertest.New(t)
	browsertest.SignIn(t, member, base, "member@example.org", testPassword, `.menu-wide a[href="/events"]`)
	browsertest.Do(t, member,
		chromedp.Navigate(base+"/events"),
		chromedp.WaitVisible(`article:has(a[href^="/events/"]) button[type="submit"]`),
		chromedp.Click(`article button[type="submit"]`),
		chromedp.WaitVisible(`article .notice.ok`),
	)
	if got := text(t, member, `article .notice.ok`); !strings.Contains(got, "Registered") {
		t.Fatalf("after registering: %q", got)
	}
	browsertest.Do(t, member,
		browsertest.Settled,
		chromedp.Click(`article form[action$="/unregister"] button`),
		chromedp.WaitVisible(`article form[action$="/register"]`),
	)
	if got := text(t, member, `article .notice.ok`); !strings.Contains(got, "withdrawn") {
		t.Fatalf("after withdrawing: %q", got)
	}
	browsertest.Do(t, member,
		browsertest.Settled,
		chromedp.Click(`article form[action$="/register"] button`),
		chromedp.WaitVisible(`article form[action$="/unregister"]`),
	)

	browsertest.Do(t, admin,
		chromedp.Navigate(eventURL),
		chromedp.WaitVisible(`#event-actions`),
		acceptConfirm,
		chromedp.Click(`#event-actions form[action$="/cancel"] button`),
		chromedp.WaitVisible(`#alerts .notice.ok`),
	)
	if q := asked(t, admin); !strings.Contains(q, "Cancel Winter Open?") {
		t.Errorf("cancel asked %q", q)
	}
	if got := text(t, admin, `#alerts`); !strings.Contains(got, "Cancelled Winter Open") || !strings.Contains(got, "told by email") {
		t.Errorf("after cancelling: %q", got)
	}
	browsertest.Do(t, member,
		chromedp.Navigate(base+"/events"),
		chromedp.WaitVisible(`article mark`),
	)
	if got := text(t, member, `article`); !strings.Contains(got, "cancelled") || strings.Contains(got, "Withdraw") {
		t.Errorf("member's card after cancelling: %s", got)
	}
}

// In Chromium, with htmx: a member creates a team, invites a teammate,
// who accepts; the captain makes them captain too (confirmed, naming
// them) and then leaves the team.
func TestBrowserTeamsFlow(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	w.teamActivate(w.member)
	w.teamActivate(w.target)
	base := w.url(orgHost)

	captain := browsertest.New(t)
	browsertest.SignIn(t, captain, base, "member@example.org", testPassword, `.menu-wide a[href="/teams"]`)
	browsertest.Do(t, captain,
		chromedp.Navigate(base+"/teams"),
		chromedp.WaitVisible(`#team-create input[name="name"]`),
		chromedp.SendKeys(`#team-create input[name="name"]`, "Toronto Raccoons"),
		chromedp.SendKeys(`#team-create input[name="city"]`, "Toronto"),
		setValue(`#f-province`, "ON"),
	)
	browsertest.Do(t, captain,
		chromedp.Click(`#team-create button[type="submit"]`),
		chromedp.WaitVisible(`#roster input[name="email"]`),
	)
	browsertest.Do(t, captain,
		chromedp.SendKeys(`#roster input[name="email"]`, "target@example.org"),
		chromedp.Click(`#roster form[action$="/invite"] button[type="submit"]`),
		chromedp.WaitVisible(`#roster-invitations`),
	)
	if got := text(t, captain, `#roster-invitations`); !strings.Contains(got, "target@example.org") {
		t.Fatalf("pending invitations: %q", got)
	}
	teamURL, _ := chromedp.Run(captain, chromedp.Location())

	player := browsertest.New(t)
	browsertest.SignIn(t, player, base, "target@example.org", testPassword, `.menu-wide a[href="/teams"]`)
	browsertest.Do(t, player,
		chromedp.Navigate(base+"/teams"),
		chromedp.WaitVisible(`#team-invitations`),
		chromedp.Click(`#team-invitations form[action$="/accept"] button`),
		chromedp.WaitVisible(`#roster-members`),
	)
	if got := text(t, player, `#roster-members`); !strings.Contains(got, "Tom Target") {
		t.Fatalf("roster after accepting: %s", got)
	}

	browsertest.Do(t, captain,
		chromedp.Navigate(teamURL),
		chromedp.WaitVisible(`#leave-note`), // the only captain is not offered to leave
		acceptConfirm,
		chromedp.Click(`#roster-members tr:not(:has(small)) form[action$="/captain"] button`),
		chromedp.WaitVisible(`#roster form[action$="/leave"]`),
	)
	if q := asked(t, captain); !strings.Contains(q, "Make Tom Target a captain of Toronto Raccoons?") {
		t.Errorf("make captain asked %q", q)
	}
	browsertest.Do(t, captain,
		browsertest.Settled,
		chromedp.Click(`#roster form[action$="/leave"] button`),
		chromedp.WaitVisible(`#alerts .notice.ok`),
	)
	if q := asked(t, captain); !strings.Contains(q, "Leave Toronto Raccoons?") {
		t.Errorf("leave asked %q", q)
	}
	if got := text(t, captain, `#alerts`); !strings.Contains(got, "You left Toronto Raccoons.") {
		t.Errorf("after leaving: %q", got)
	}
}
