package web

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/demo"
	"sportsapp/app/event"
	"sportsapp/app/internal/browsertest"
	"sportsapp/app/tenant"
)

// screenPages are the main pages in docs/screens/, by who sees them. The
// names are the files' (docs/screens/README.md lists them).
var screenPages = []struct {
	who        persona
	name, path string
}{
	{anonymous, "org-home", "/"},
	{anonymous, "sign-in", "/login"},
	{orgMember, "member-home", "/"},
	{orgMember, "events", "/events"},
	{orgMember, "teams", "/teams"},
	{thisOrgAdmin, "admin-dashboard", "/admin"},
	{thisOrgAdmin, "admin-members", "/admin/members"},
	{thisOrgAdmin, "admin-payments", "/admin/payments"},
	{thisOrgAdmin, "admin-events", "/admin/events"},
	{thisOrgAdmin, "admin-settings", "/admin/settings"},
	{superPersona, "console", "/console"},
}

// TestScreens saves PNG screenshots of the main pages, with demo data, at
// 1280x900 (a desktop) and 390x844 (a phone), into the directory named by
// SPORTSAPP_SCREENS (make screens: docs/screens). Without it the test is
// skipped, so the test suite does not rewrite the pictures.
func TestScreens(t *testing.T) {
	dir := os.Getenv("SPORTSAPP_SCREENS")
	if dir == "" {
		t.Skip("set SPORTSAPP_SCREENS to a directory (make screens)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	w.openRegistration()
	w.scope(w.a, func(sc *tenant.Scope) {
		if _, err := demo.Seed(context.Background(), sc, w.srv.settings, 60, 7); err != nil {
			t.Fatal(err)
		}
	})
	form := w.settingsForm()
	form.Set("contact_email", "info@quadball-canada.example.org")
	if res := w.as(thisOrgAdmin, orgHost).post("/admin/settings", form); res.StatusCode >= 400 {
		t.Fatalf("settings: %d", res.StatusCode)
	}
	w.phoneTeam() // the member captains a team (and holds an active membership)
	w.scope(w.a, func(sc *tenant.Scope) {
		ctx := context.Background()
		events, err := event.Upcoming(ctx, sc, "0000-00-00", 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if _, err := w.srv.events.Register(ctx, sc, w.member, e.ID); err == nil {
				break
			}
		}
	})

	org, plat := w.url(orgHost), w.url("admin.localhost")
	sizes := []struct {
		name          string
		width, height int64
	}{{"1280", 1280, 900}, {"390", 390, 844}}
	signIn := map[persona][3]string{
		orgMember:    {org, "member@example.org", testPassword},
		thisOrgAdmin: {org, "admin@example.org", testPassword},
		superPersona: {plat, "ops@example.org", "operator password 1"},
	}
	for _, size := range sizes {
		for _, who := range []persona{anonymous, orgMember, thisOrgAdmin, superPersona} {
			ctx := browsertest.New(t)
			browsertest.Do(t, ctx, chromedp.EmulateViewport(size.width, size.height))
			base := org
			if s, ok := signIn[who]; ok {
				base = s[0]
				browsertest.SignIn(t, ctx, s[0], s[1], s[2], `footer.site`)
			}
			for _, p := range screenPages {
				if p.who != who {
					continue
				}
				browsertest.Do(t, ctx, chromedp.Navigate(base+p.path), chromedp.WaitReady(`footer.site`))
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, p.name+"-"+size.name+".png")
				if err := os.WriteFile(file, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", file)
			}
		}
	}
}
