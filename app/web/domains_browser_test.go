package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sportsapp/app/internal/browsertest"
)

// In Chromium: Quadball Canada's admin adds register.quadball.test, sees a
// wrong spelling refused next to the field, sees the TXT record with copy
// buttons, presses Check now before and after the DNS server has the record,
// and the domain is verified and serves the organization.
func TestBrowserDomains(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	base := w.url("quadball-canada.localhost")
	ctx := browsertest.New(t)
	browsertest.SignIn(t, ctx, base, "admin@example.org", testPassword, `a[href="/admin/domains"]`)
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/admin/domains"),
		chromedp.WaitVisible(`#f-domain`),
		setAndLeave("f-domain", "admin.localhost"),
		chromedp.Click(`#domains form[action="/admin/domains"] button[type="submit"]`),
		chromedp.WaitVisible(`#f-domain-error`),
	)
	if msg := text(t, ctx, `#f-domain-error`); !strings.Contains(msg, "belong to the platform") {
		t.Fatalf("message %q", msg)
	}
	browsertest.Do(t, ctx,
		setAndLeave("f-domain", "Register.Quadball.Test"),
		chromedp.Click(`#domains form[action="/admin/domains"] button[type="submit"]`),
		chromedp.WaitVisible(`[id="domain-register.quadball.test"]`),
	)
	browsertest.Screenshot(ctx, t, "domains-added")
	d, err := w.domains.Get(context.Background(), "register.quadball.test")
	if err != nil {
		t.Fatal(err)
	}
	card := text(t, ctx, `[id="domain-register.quadball.test"]`)
	for _, want := range []string{"_sportsapp-challenge.register.quadball.test", d.Token, "pending", "Copy"} {
		if !strings.Contains(card, want) {
			t.Errorf("the domain's card lacks %q:\n%s", want, card)
		}
	}
	checkNow := chromedp.Click(`[id="domain-register.quadball.test"] form[action$="/check"] button`)
	// The card's "Last check" line appears once the swap is done (the
	// notice of the add is already on the page).
	browsertest.Do(t, ctx, browsertest.Settled, checkNow, browsertest.Settled,
		chromedp.WaitVisible(`[id="domain-register.quadball.test"] p.muted`))
	if msg := text(t, ctx, `#domains .notice.ok`); !strings.Contains(msg, "not found yet") {
		t.Fatalf("before the record: %q", msg)
	}
	w.dns.SetTXT(d.RecordName(), d.Token)
	w.dns.SetCNAME(d.Name, "quadball-canada.localhost")
	browsertest.Do(t, ctx, browsertest.Settled, checkNow, browsertest.Settled,
		chromedp.WaitVisible(`[id="domain-register.quadball.test"] form[action$="/primary"]`))
	browsertest.Screenshot(ctx, t, "domains-verified")
	if msg := text(t, ctx, `#domains .notice.ok`); !strings.Contains(msg, "register.quadball.test: verified") {
		t.Fatalf("after the record: %q", msg)
	}
	if _, doc := w.browser("register.quadball.test").get("/"); !strings.Contains(doc.Text(), "Quadball Canada") {
		t.Fatal("the verified domain does not serve Quadball Canada")
	}
}
