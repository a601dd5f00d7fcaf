package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/internal/browsertest"
)

// In Chromium: a super-admin walks the whole onboarding wizard, with a
// validation error and a step back, creates Quadball Saskatchewan, then the
// invited admin follows the link, sets a password and lands in the new
// organization's admin area, where the checklist shows the invitation
// accepted.
func TestBrowserOnboardingWizard(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	platform := w.url("admin.localhost")
	ctx := browsertest.New(t)
	browsertest.SignIn(t, ctx, platform, "ops@example.org", "operator password 1", `#orgs`)
	browsertest.Do(t, ctx,
		chromedp.Navigate(platform+"/console/new"),
		chromedp.WaitVisible(`#wizard input[name="name"]`),
		// Step 1: the address is suggested from the name...
		chromedp.SendKeys(`#wizard input[name="name"]`, "Quadball Saskatchewan"),
		chromedp.Click(`#f-slug`),
		chromedp.WaitVisible(`#slug-msg.ok`),
	)
	if v, _ := chromedp.Run(ctx, chromedp.Value(`#f-slug`)); v != "quadball-saskatchewan" {
		t.Fatalf("suggested address %q", v)
	}
	// ...then a reserved address is refused as it is typed.
	browsertest.Do(t, ctx,
		browsertest.Settled,
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-slug').value = ''`),
		chromedp.SendKeys(`#f-slug`, "admin"),
		chromedp.WaitVisible(`#slug-msg.error`),
	)
	if msg := text(t, ctx, `#slug-msg`); !strings.Contains(msg, "reserved") {
		t.Fatalf("live slug check: %q", msg)
	}
	browsertest.Do(t, ctx,
		browsertest.Settled,
		chromedp.Click(`button[value="next"]`),
		chromedp.WaitVisible(`#wizard .notice.error`),
	)
	browsertest.Screenshot(ctx, t, "wizard-step1-error")
	if got := text(t, ctx, `ol.steps li.current`); got != "Name and address" {
		t.Fatalf("moved on despite the error: %q", got)
	}
	browsertest.Do(t, ctx,
		browsertest.Settled,
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-slug').value = ''`),
		chromedp.SendKeys(`#f-slug`, "quadball-saskatchewan"),
		chromedp.WaitVisible(`#slug-msg.ok`),
		browsertest.Settled,
		chromedp.Click(`button[value="next"]`),
		chromedp.WaitVisible(`#wizard input[name="type_price"]`),
	)
	// Step 2: change the fee.
	browsertest.Do(t, ctx,
		browsertest.Settled,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#wizard input[name="type_price"]').value = '65.00'`),
		browsertest.Settled,
		chromedp.Click(`button[value="next"]`),
		chromedp.WaitVisible(`#wizard input[name="admin_email"]`),
		// Step 3
		chromedp.SendKeys(`#wizard input[name="admin_name"]`, "Alex Admin"),
		chromedp.SendKeys(`#wizard input[name="admin_email"]`, "alex@quadball-sk.ca"),
		browsertest.Settled,
		chromedp.Click(`button[value="next"]`),
		chromedp.WaitVisible(`#create-org`),
	)
	browsertest.Screenshot(ctx, t, "wizard-review")
	review := text(t, ctx, `table.review`)
	for _, want := range []string{"Quadball Saskatchewan", "65.00 CAD", "alex@quadball-sk.ca"} {
		if !strings.Contains(review, want) {
			t.Errorf("review lacks %q:\n%s", want, review)
		}
	}
	// Back a step: nothing typed is lost.
	browsertest.Do(t, ctx,
		browsertest.Settled,
		chromedp.Click(`button[value="back"]`),
		chromedp.WaitVisible(`#wizard input[name="admin_email"]`),
	)
	if v, _ := chromedp.Run(ctx, chromedp.Value(`#wizard input[name="admin_email"]`)); v != "alex@quadball-sk.ca" {
		t.Fatalf("after going back, admin email = %q", v)
	}
	browsertest.Do(t, ctx,
		browsertest.Settled,
		chromedp.Click(`button[value="next"]`),
		chromedp.WaitVisible(`#create-org`),
		browsertest.Settled,
		chromedp.Click(`#create-org`),
		chromedp.WaitVisible(`#invite-link`),
	)
	browsertest.Screenshot(ctx, t, "wizard-created")
	link := text(t, ctx, `#invite-link`)

	// The invited admin, in the same browser (cookies are per host).
	org := w.url("quadball-saskatchewan.localhost")
	browsertest.Do(t, ctx,
		chromedp.Navigate(org+pathOf(t, link)),
		chromedp.WaitVisible(`input[name="password"]`),
		chromedp.SendKeys(`input[name="password"]`, "alex's long password"),
		chromedp.Submit(`input[name="password"]`),
		chromedp.WaitVisible(`#checklist`),
	)
	browsertest.Screenshot(ctx, t, "wizard-admin-dashboard")
	if h1 := text(t, ctx, `h1`); h1 != "Quadball Saskatchewan administration" {
		t.Fatalf("landed on %q", h1)
	}
	if cl := text(t, ctx, `#checklist li.done`); !strings.Contains(cl, "First admin accepted the invitation") {
		t.Fatalf("checklist done items: %q", cl)
	}
}
