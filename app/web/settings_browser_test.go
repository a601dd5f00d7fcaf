package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/internal/browsertest"
)

// In Chromium: an admin opens the settings, enters a season end before its
// start and sees the message before saving, fixes it, saves, sees the
// confirmation, and the history shows the change.
func TestBrowserSettings(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	base := w.url("quadball-canada.localhost")
	ctx := browsertest.New(t)
	browsertest.SignIn(t, ctx, base, "admin@example.org", testPassword, `a[href="/admin/settings"]`)
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/admin/settings"),
		chromedp.WaitVisible(`#s-season_end`),
		browsertest.Trace,
	)
	// A season end before its start: the field's message appears on leaving it.
	browsertest.Do(t, ctx,
		setAndLeave("s-season_start", "2027-01-10"),
		setAndLeave("s-season_end", "2026-12-01"),
		chromedp.WaitVisible(`#e-season_end`),
	)
	browsertest.Screenshot(ctx, t, "settings-invalid")
	if msg := text(t, ctx, `#e-season_end`); !strings.Contains(msg, "must end after it starts") {
		t.Fatalf("message %q", msg)
	}
	if n := w.settingsVersion(); n != 0 {
		t.Fatalf("validation saved something: version %d", n)
	}
	// Fix it and save.
	browsertest.Do(t, ctx,
		setAndLeave("s-season_end", "2027-07-31"),
		chromedp.WaitNotPresent(`#e-season_end`),
		browsertest.Settled,
		chromedp.Click(`#settings-form button[type="submit"]`),
		chromedp.WaitVisible(`#settings-form .notice.ok`),
	)
	browsertest.Screenshot(ctx, t, "settings-saved")
	if msg := text(t, ctx, `#settings-form .notice.ok`); !strings.Contains(msg, "saved as version 1") {
		t.Fatalf("confirmation %q", msg)
	}
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/admin/settings/history"),
		chromedp.WaitVisible(`#history`),
	)
	browsertest.Screenshot(ctx, t, "settings-history")
	h := text(t, ctx, `#history`)
	for _, want := range []string{"Version 1", "admin@example.org", "Season ends", "2027-07-31", "Season starts", "2027-01-10"} {
		if !strings.Contains(h, want) {
			t.Errorf("history lacks %q:\n%s", want, h)
		}
	}
}

// setAndLeave sets an input's value and fires one change event, as a
// person typing a date and leaving the field does.
func setAndLeave(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(browsertest.Settled, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const el = document.getElementById(%q); el.value = %q; el.dispatchEvent(new Event('change', {bubbles: true})) })()`, id, value)))
}
