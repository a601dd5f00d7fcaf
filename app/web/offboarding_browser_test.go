package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/internal/browsertest"
)

// In Chromium: a member finds "Delete my account" on their profile, is
// refused with a wrong password, deletes the account with the right one
// and lands signed out on the home page; then the operator schedules the
// deletion of a suspended organization (hx-confirm) and sees its date.
func TestBrowserOffboarding(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	base := w.url("quadball-canada.localhost")
	ctx := browsertest.New(t)
	browsertest.SignIn(t, ctx, base, "member@example.org", testPassword, `#home-teams`)
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/profile"),
		chromedp.WaitVisible(`a[href="/profile/export"]`),
		chromedp.Click(`a[href="/profile/delete"]`),
		chromedp.WaitVisible(`input[name="password"]`),
		chromedp.SendKeys(`input[name="password"]`, "not my password"),
		chromedp.Submit(`input[name="password"]`),
		chromedp.WaitVisible(`.notice.error`),
	)
	if msg := text(t, ctx, `.notice.error`); !strings.Contains(msg, "incorrect") {
		t.Fatalf("wrong password: %q", msg)
	}
	browsertest.Do(t, ctx,
		chromedp.SendKeys(`input[name="password"]`, testPassword),
		chromedp.Submit(`input[name="password"]`),
		chromedp.WaitVisible(`#alerts .notice.ok`),
	)
	if msg := text(t, ctx, `#alerts`); !strings.Contains(msg, "Your account is deleted") {
		t.Fatalf("after deletion: %q", msg)
	}
	browsertest.Screenshot(ctx, t, "account-deleted")
	if strings.Contains(w.dump(t), "member@example.org") {
		t.Error("the member's email is still in the database")
	}

	if _, err := w.reg.SetStatus(t.Context(), "quadball-alberta", "suspended"); err != nil {
		t.Fatal(err)
	}
	w.superAdmin("ops2@example.org", "operator password 2")
	pbase := w.url("admin.localhost")
	op := browsertest.New(t)
	browsertest.SignIn(t, op, pbase, "ops2@example.org", "operator password 2", `a[href="/console/new"][role="button"]`)
	browsertest.Do(t, op,
		chromedp.Navigate(pbase+"/console/orgs/quadball-alberta"),
		chromedp.WaitVisible(`#offboarding form[action$="/delete"] button`),
		acceptConfirm,
		chromedp.Click(`#offboarding form[action$="/delete"] button`),
		chromedp.WaitVisible(`#offboarding form[action$="/delete/cancel"]`),
	)
	if q := asked(t, op); !strings.Contains(q, "Delete Quadball Alberta?") {
		t.Errorf("confirmation asked %q", q)
	}
	if msg := text(t, op, `#offboarding`); !strings.Contains(msg, "Deletion scheduled for") {
		t.Fatalf("console: %q", msg)
	}
	browsertest.Screenshot(op, t, "org-deletion-scheduled")
}
