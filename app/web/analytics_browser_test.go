package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/internal/browsertest"
)

// In Chromium: a super-admin opens the analytics page, sees both
// organizations and the charts, narrows the table with the search (htmx
// swaps the figures and pushes the URL), switches to weekly figures, and
// sorts by members.
func TestBrowserPlatformAnalytics(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	seedAnalytics(t, w)
	platform := w.url("admin.localhost")
	ctx := browsertest.New(t)
	browsertest.SignIn(t, ctx, platform, "ops@example.org", "operator password 1", `#orgs`)
	browsertest.Do(t, ctx,
		chromedp.Navigate(platform+"/analytics"),
		chromedp.WaitVisible(`#analytics-orgs`),
		chromedp.WaitVisible(`#chart-members svg rect`),
	)
	table := text(t, ctx, `#analytics-orgs tbody`)
	if !strings.Contains(table, "Quadball Canada") || !strings.Contains(table, "Quadball Alberta") {
		t.Fatalf("table:\n%s", table)
	}
	browsertest.Screenshot(ctx, t, "analytics-platform")

	browsertest.Do(t, ctx,
		setAndLeave("analytics-q", "alberta"),
		chromedp.WaitNotPresent(`#analytics-orgs tr[data-org="quadball-canada"]`),
		browsertest.Settled,
		chromedp.WaitVisible(`#analytics-orgs tr[data-org="quadball-alberta"]`),
	)
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "q=alberta") {
		t.Errorf("location %q does not carry the filter", loc)
	}
	if href, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#analytics a[download]').getAttribute('href')`)); !strings.Contains(href, "q=alberta") {
		t.Errorf("CSV link %q lacks the filter", href)
	}

	browsertest.Do(t, ctx,
		setAndLeave("analytics-q", ""),
		chromedp.WaitVisible(`#analytics-orgs tr[data-org="quadball-canada"]`),
		browsertest.Settled,
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('select[name="period"]'); s.value = 'week'; s.dispatchEvent(new Event('change', {bubbles: true})) })()`),
		chromedp.WaitVisible(`#chart-members[data-period="week"]`),
		browsertest.Settled,
	)
	if summary := text(t, ctx, `#chart-members p`); !strings.Contains(summary, "by week") {
		t.Errorf("after choosing weekly: %q", summary)
	}

	browsertest.Do(t, ctx,
		chromedp.Click(`#analytics-orgs th a[href*="sort=members"]`),
		chromedp.WaitVisible(`#analytics-orgs th[aria-sort="descending"]`),
		browsertest.Settled,
	)
	first, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#analytics-orgs tbody tr').dataset.org`))
	if first != "quadball-canada" {
		t.Errorf("sorted by members, first %q, want quadball-canada (the larger)", first)
	}
	browsertest.Screenshot(ctx, t, "analytics-platform-sorted")
}

// At phone width (390 px) the analytics pages with real figures fit: no
// horizontal scrolling on the org admin's page, the super-admin's page and
// the drill-down.
func TestBrowserAnalyticsPhoneWidth(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	seedAnalytics(t, w)
	for _, tt := range []struct {
		base, email, password string
		paths                 []string
	}{
		{w.url("quadball-canada.localhost"), "admin@example.org", testPassword, []string{"/admin/analytics", "/admin/analytics?period=week"}},
		{w.url("admin.localhost"), "ops@example.org", "operator password 1", []string{"/analytics", "/analytics?period=week", "/analytics/orgs/quadball-canada"}},
	} {
		ctx := browsertest.New(t)
		browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844))
		browsertest.SignIn(t, ctx, tt.base, tt.email, tt.password, `.menu-narrow summary`)
		for _, p := range tt.paths {
			browsertest.Do(t, ctx, chromedp.Navigate(tt.base+p), chromedp.WaitVisible(`#analytics`))
			got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if err != nil {
				t.Fatal(err)
			}
			if got[0] > got[1] {
				t.Errorf("%s: %d px wide in a %d px window", p, got[0], got[1])
			}
			browsertest.Screenshot(ctx, t, "analytics-phone"+strings.ReplaceAll(strings.ReplaceAll(p, "/", "-"), "?", "-"))
		}
	}
}
