package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/internal/browsertest"
)

// In Chromium: each wizard step is an entry of the browser's history, so
// the Back button returns to the step before with what was typed in it;
// and the "please correct" banner goes once the highlighted field is
// fixed.
func TestBrowserWizardHistoryAndBanner(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	platform := w.url("admin.localhost")
	ctx := browsertest.New(t)
	browsertest.SignIn(t, ctx, platform, "ops@example.org", "operator password 1", `#orgs`)
	browsertest.Do(t, ctx,
		chromedp.Navigate(platform+"/console/new"),
		chromedp.WaitVisible(`#wizard input[name="name"]`),
		chromedp.SendKeys(`#wizard input[name="name"]`, "Quadball Yukon"),
		chromedp.Click(`#f-slug`),
		chromedp.WaitVisible(`#slug-msg.ok`),
		browsertest.Settled,
		chromedp.Click(`button[value="next"]`),
		chromedp.WaitVisible(`#wizard input[name="type_price"]`),
		browsertest.Settled,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#wizard input[name="type_price"]').value = ''`),
		chromedp.SendKeys(`#wizard input[name="type_price"]`, "70.00"),
		chromedp.Click(`button[value="next"]`),
		chromedp.WaitVisible(`#wizard input[name="admin_email"]`),
		browsertest.Settled,
	)
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/console/new?step=3") {
		t.Fatalf("step 3 at %s", loc)
	}
	// The browser's Back button: step 2, with the fee typed there.
	browsertest.Do(t, ctx,
		chromedp.NavigateBack(),
		chromedp.WaitVisible(`#wizard input[name="type_price"]`),
	)
	if v, _ := chromedp.Run(ctx, chromedp.Value(`#wizard input[name="type_price"]`)); v != "70.00" {
		t.Errorf("back at step 2, fee %q", v)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/console/new?step=2") {
		t.Errorf("step 2 at %s", loc)
	}
	// Back again: step 1, with the name.
	browsertest.Do(t, ctx,
		chromedp.NavigateBack(),
		chromedp.WaitVisible(`#wizard input[name="name"]`),
	)
	if v, _ := chromedp.Run(ctx, chromedp.Value(`#wizard input[name="name"]`)); v != "Quadball Yukon" {
		t.Errorf("back at step 1, name %q", v)
	}
	// A missing name: the banner, until the name is typed again.
	browsertest.Do(t, ctx,
		browsertest.Settled,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#wizard input[name="name"]').value = ''`),
		chromedp.Click(`button[value="next"]`),
		chromedp.WaitVisible(`#wizard [data-correct]`),
		browsertest.Settled,
		chromedp.SendKeys(`#wizard input[name="name"]`, "Quadball Yukon"),
		chromedp.WaitNotPresent(`#wizard [data-correct]`),
	)
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#wizard [aria-invalid="true"]').length`)); n != 0 {
		t.Errorf("%d fields still marked after the fix", n)
	}
	// And the wizard goes on from there.
	browsertest.Do(t, ctx,
		browsertest.Settled,
		chromedp.Click(`button[value="next"]`),
		chromedp.WaitVisible(`#wizard input[name="type_price"]`),
	)
}
