package web

import (
	"context"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sportsapp/app/account"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

var primaryOf = regexp.MustCompile(`--pico-primary: (#[0-9a-f]{6});`)

// Whatever colour an admin picks, links in it and white text on its
// buttons stay readable (4.5:1) on the light theme and on the dark one;
// a colour that is already readable is used as it is.
func TestBrandColourContrast(t *testing.T) {
	if got := contrast(rgb{255, 255, 255}, rgb{0, 0, 0}); math.Abs(got-21) > 0.01 {
		t.Fatalf("contrast(white, black) = %v", got)
	}
	white := rgb{255, 255, 255}
	for _, colour := range []string{"#ffff00", "#ffffff", "#000000", "#1f6feb", "#0a3d91", "#e91e63", "#7fffd4", "#808080"} {
		css := brandCSS(colour)
		m := primaryOf.FindAllStringSubmatch(css, -1)
		if len(m) != 3 {
			t.Fatalf("%s: %d primaries in\n%s", colour, len(m), css)
		}
		light, _ := parseHex(m[0][1])
		dark, _ := parseHex(m[1][1])
		if c := contrast(light, white); c < minContrast-0.05 {
			t.Errorf("%s: light theme primary %s has contrast %.2f with white", colour, m[0][1], c)
		}
		if c := contrast(dark, darkBackground); c < minContrast-0.05 {
			t.Errorf("%s: dark theme primary %s has contrast %.2f with the background", colour, m[1][1], c)
		}
	}
	if m := primaryOf.FindStringSubmatch(brandCSS("#0a3d91")); m[1] != "#0a3d91" {
		t.Errorf("a readable colour was changed to %s", m[1])
	}
	if brandCSS("red") != "" || brandCSS("") != "" {
		t.Error("an unreadable colour gave a stylesheet")
	}
}

// The saved colour reaches the organization's pages through /brand.css
// (same origin, so the CSP stays style-src 'self'), revalidated on each page.
func TestBrandColourOnPages(t *testing.T) {
	w := newWorld(t, envOptions{})
	form := w.settingsForm()
	form.Set("brand_color", "#c2185b")
	w.scope(w.a, func(sc *tenant.Scope) {
		st, errs := settings.Parse(formOfValues(form))
		if errs != nil {
			t.Fatalf("%v", map[string]string(errs))
		}
		base, _ := strconv.ParseInt(form.Get("version"), 10, 64)
		if _, err := w.srv.settings.Save(context.Background(), sc, account.Actor{Label: "test"}, base, st); err != nil {
			t.Fatal(err)
		}
	})
	res := w.get("quadball-canada.localhost", "/login")
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	if d := doc(t, res); d.Find(`link[rel=stylesheet][href="/brand.css"]`).Length() != 1 {
		t.Fatal("the page does not load /brand.css")
	}
	res = w.get("quadball-canada.localhost", "/brand.css")
	b := body(t, res)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || !strings.Contains(b, "--pico-primary: #c2185b;") {
		t.Fatalf("brand.css: %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	if res := w.get("quadball-canada.localhost", "/brand.css", "If-None-Match", res.Header.Get("ETag")); res.StatusCode != http.StatusNotModified {
		t.Errorf("unchanged colour: %d, want 304", res.StatusCode)
	}
	if d := doc(t, w.get("admin.localhost", "/login")); d.Find(`link[href="/brand.css"]`).Length() != 0 {
		t.Error("the platform's pages load an organization's brand")
	}
}
