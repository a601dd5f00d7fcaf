package web

import (
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
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`input[name="email"]`),
		chromedp.SendKeys(`input[name="email"]`, "admin@example.org"),
		chromedp.SendKeys(`input[name="password"]`, testPassword),
		chromedp.Submit(`input[name="password"]`),
		chromedp.WaitVisible(`a[href="/admin/settings"]`),
		chromedp.Navigate(base+"/admin/settings"),
		chromedp.WaitVisible(`#s-season_end`),
	)
	if err != nil {
		t.Fatal(err)
	}
	// A season end before its start: the field's message appears on leaving it.
	err = chromedp.Do(ctx,
		chromedp.SetValue(`#s-season_start`, "2027-01-10"),
		chromedp.SetValue(`#s-season_end`, "2026-12-01"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('s-season_end').dispatchEvent(new Event('change', {bubbles: true}))`),
		chromedp.WaitVisible(`#e-season_end`),
	)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(ctx, t, "settings-invalid")
	if msg := text(t, ctx, `#e-season_end`); !strings.Contains(msg, "must end after it starts") {
		t.Fatalf("message %q", msg)
	}
	if n := w.settingsVersion(); n != 0 {
		t.Fatalf("validation saved something: version %d", n)
	}
	// Fix it and save.
	err = chromedp.Do(ctx,
		chromedp.SetValue(`#s-season_end`, "2027-07-31"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('s-season_end').dispatchEvent(new Event('change', {bubbles: true}))`),
		chromedp.WaitNotPresent(`#e-season_end`),
		chromedp.Click(`#settings-form button[type="submit"]`),
		chromedp.WaitVisible(`#settings-form .notice.ok`),
	)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(ctx, t, "settings-saved")
	if msg := text(t, ctx, `#settings-form .notice.ok`); !strings.Contains(msg, "saved as version 1") {
		t.Fatalf("confirmation %q", msg)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/settings/history"),
		chromedp.WaitVisible(`#history`),
	)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(ctx, t, "settings-history")
	h := text(t, ctx, `#history`)
	for _, want := range []string{"Version 1", "admin@example.org", "Season ends", "2027-07-31", "Season starts", "2027-01-10"} {
		if !strings.Contains(h, want) {
			t.Errorf("history lacks %q:\n%s", want, h)
		}
	}
}
