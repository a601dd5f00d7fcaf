package web

import (
	"fmt"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/tenant"
)

// The organization's brand colour reaches its pages as CSS custom
// properties in /brand.css, a stylesheet of its own host: the CSP allows
// styles from 'self' only, so no inline style can carry it. The colour is
// adjusted until text in it (links) and white text on it (buttons) keep a
// WCAG AA contrast of 4.5:1, on the light theme and on the dark one.

// minContrast is WCAG 2's AA contrast for body text.
const minContrast = 4.5

// darkBackground is Pico's dark theme background (#13171f).
var darkBackground = rgb{0x13, 0x17, 0x1f}

type rgb struct{ r, g, b float64 }

// parseHex reads #rrggbb.
func parseHex(s string) (rgb, bool) {
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, false
	}
	n, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return rgb{}, false
	}
	return rgb{float64(n >> 16 & 0xff), float64(n >> 8 & 0xff), float64(n & 0xff)}, true
}

func (c rgb) hex() string {
	return fmt.Sprintf("#%02x%02x%02x", int(math.Round(c.r)), int(math.Round(c.g)), int(math.Round(c.b)))
}

// luminance is the WCAG relative luminance.
func (c rgb) luminance() float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrast is the WCAG contrast ratio of two colours (1 to 21).
func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// mix moves c a fraction t of the way to d.
func mix(c, d rgb, t float64) rgb {
	return rgb{c.r + (d.r-c.r)*t, c.g + (d.g-c.g)*t, c.b + (d.b-c.b)*t}
}

// readableOn returns c, or c moved toward toward (black or white) just far
// enough to reach minContrast against bg.
func readableOn(c, bg, toward rgb) rgb {
	for i := 0; i <= 100; i++ {
		m := mix(c, toward, float64(i)/100)
		if contrast(m, bg) >= minContrast {
			return m
		}
	}
	return toward
}

// brandCSS is the stylesheet for a brand colour; "" for none or a colour
// that cannot be read (Pico's own colours stay).
func brandCSS(colour string) string {
	c, ok := parseHex(colour)
	if !ok {
		return ""
	}
	white, black := rgb{255, 255, 255}, rgb{0, 0, 0}
	light := readableOn(c, white, black)         // links on white, white text on buttons
	dark := readableOn(c, darkBackground, white) // links on the dark theme
	darkInverse := "#fff"
	if contrast(dark, white) < minContrast {
		darkInverse = "#000" // a light brand colour on dark: black text on its buttons
	}
	vars := func(p rgb, inverse string) string {
		return fmt.Sprintf("--pico-primary: %[1]s; --pico-primary-background: %[1]s; --pico-primary-border: %[1]s; --pico-primary-underline: %[1]s80; --pico-primary-hover: %[2]s; --pico-primary-hover-background: %[2]s; --pico-primary-hover-border: %[2]s; --pico-primary-hover-underline: %[2]s; --pico-primary-focus: %[1]s50; --pico-primary-inverse: %[3]s;",
			p.hex(), mix(p, black, 0.15).hex(), inverse)
	}
	return fmt.Sprintf("/* brand colour %s, adjusted for a contrast of at least %.1f:1 */\n"+
		":root:not([data-theme=dark]), [data-theme=light] { %s }\n"+
		"@media only screen and (prefers-color-scheme: dark) { :root:not([data-theme]) { %s } }\n"+
		"[data-theme=dark] { %s }\n",
		colour, minContrast, vars(light, "#fff"), vars(dark, darkInverse), vars(dark, darkInverse))
}

// handleBrandCSS serves the organization's brand stylesheet. Browsers
// revalidate it on each page (no-cache) and get a 304 while the colour
// is unchanged, so a new colour shows on the next page.
func (s *Server) handleBrandCSS(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return err
	}
	etag := `"` + st.BrandColor + `"`
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Type("css", "utf-8")
	return c.SendString(brandCSS(st.BrandColor))
}
