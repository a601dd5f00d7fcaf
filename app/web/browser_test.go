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

	browsertest.SignIn(t, ctx, base, "admin@example.org", testPassword, `a[href="/admin/invitations"]`)
	heading := text(t, ctx, `h1`)
	if heading != "Quadball Canada administration" {
		t.Fatalf("after sign-in: h1 %q", heading)
	}
	browsertest.Screenshot(ctx, t, "admin-dashboard")
	browsertest.Do(t, ctx,
		chromedp.Click(`a[href="/admin/invitations"]`),
		chromedp.WaitVisible(`#invitations input[name="email"]`),
		chromedp.SendKeys(`#invitations input[name="email"]`, "new.member@example.org"),
		chromedp.SendKeys(`#invitations input[name="name"]`, "Nova Member"),
		browsertest.Settled,
		chromedp.Click(`#invitations button[type="submit"]`),
		chromedp.WaitVisible(`#invitations .notice.ok`),
	)
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
