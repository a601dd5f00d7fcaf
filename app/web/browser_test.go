package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/internal/browsertest"
)

// In Chromium: an admin of Quadball Canada signs in on the org's host,
// reaches the admin area and invites a member through the htmx form.
func TestBrowserAdminInvitesMember(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	base := w.url("quadball-canada.localhost")
	ctx := browsertest.New(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`input[name="email"]`),
		chromedp.SendKeys(`input[name="email"]`, "admin@example.org"),
		chromedp.SendKeys(`input[name="password"]`, testPassword),
		chromedp.Submit(`input[name="password"]`),
		chromedp.WaitVisible(`a[href="/admin/invitations"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	heading := text(t, ctx, `h1`)
	if heading != "Quadball Canada administration" {
		t.Fatalf("after sign-in: h1 %q", heading)
	}
	browsertest.Screenshot(ctx, t, "admin-dashboard")
	err = chromedp.Do(ctx,
		chromedp.Click(`a[href="/admin/invitations"]`),
		chromedp.WaitVisible(`#invitations input[name="email"]`),
		chromedp.SendKeys(`#invitations input[name="email"]`, "new.member@example.org"),
		chromedp.SendKeys(`#invitations input[name="name"]`, "Nova Member"),
		chromedp.Click(`#invitations button[type="submit"]`),
		chromedp.WaitVisible(`#invitations .notice.ok`),
	)
	if err != nil {
		t.Fatal(err)
	}
	sent, rows := text(t, ctx, `#invitations .notice.ok`), text(t, ctx, `#invitations tbody`)
	browsertest.Screenshot(ctx, t, "admin-invited")
	if !strings.Contains(sent, "Invitation sent to new.member@example.org") {
		t.Errorf("confirmation %q", sent)
	}
	if !strings.Contains(rows, "new.member@example.org") || !strings.Contains(rows, "pending") {
		t.Errorf("invitation list %q", rows)
	}
	// The form was swapped by htmx, not a full page load: the URL is unchanged.
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/admin/invitations") {
		t.Errorf("location %q", loc)
	}
}

// text returns the text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}
