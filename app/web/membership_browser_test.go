package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/internal/browsertest"
)

// In Chromium: a member completes the profile and buys the season's
// membership (htmx), then an admin, in another browser, confirms the
// payment and the member sees the membership active.
func TestBrowserBuyMembershipAndConfirm(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	w.openRegistration()
	base := w.url("quadball-canada.localhost")

	member := browsertest.New(t)
	browsertest.SignIn(t, member, base, "member@example.org", testPassword, `.menu-wide a[href="/membership"]`)
	browsertest.Do(t, member,
		chromedp.Navigate(base+"/profile/details"),
		chromedp.WaitVisible(`input[name="phone"]`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="date_of_birth"]').value = '1996-05-04'`),
		chromedp.SendKeys(`input[name="phone"]`, "+1 416 555 0100"),
		chromedp.SendKeys(`input[name="emergency_name"]`, "Pat Parent"),
		chromedp.SendKeys(`input[name="emergency_relationship"]`, "parent"),
		chromedp.SendKeys(`input[name="emergency_phone"]`, "416 555 0199"),
		chromedp.Submit(`input[name="phone"]`),
		chromedp.WaitVisible(`#membership input[name="waiver"]`),
		chromedp.Click(`#membership input[name="waiver"]`),
		browsertest.Settled,
		chromedp.Click(`#membership button[type="submit"]`),
		chromedp.WaitVisible(`#membership .notice.ok`),
	)
	browsertest.Screenshot(member, t, "membership-pending")
	section := text(t, member, `#membership`)
	if !strings.Contains(section, "pending") || !strings.Contains(section, "e-transfer") {
		t.Fatalf("after buying: %s", section)
	}
	ref := text(t, member, `#membership code`)

	admin := browsertest.New(t)
	browsertest.SignIn(t, admin, base, "admin@example.org", testPassword, `a[href="/admin/payments"]`)
	browsertest.Do(t, admin,
		chromedp.Navigate(base+"/admin/payments"),
		chromedp.WaitVisible(`#payments`),
	)
	if !strings.Contains(text(t, admin, `#payments`), ref) {
		t.Fatalf("payment %s not listed", ref)
	}
	browsertest.Do(t, admin,
		browsertest.Settled,
		chromedp.Click(`#payments button[type="submit"]`),
		chromedp.WaitVisible(`#payments strong.ok`),
	)
	browsertest.Screenshot(admin, t, "payment-confirmed")
	browsertest.Do(t, member,
		chromedp.Navigate(base+"/membership"),
		chromedp.WaitVisible(`#membership`),
	)
	if got := text(t, member, `#membership mark`); got != "active" {
		t.Fatalf("membership status after confirmation: %q", got)
	}
}
