package web

import "github.com/gofiber/fiber/v2"

// htmx request and response headers, in one place.
const (
	hxRequest  = "HX-Request"
	hxRetarget = "HX-Retarget"
	hxReswap   = "HX-Reswap"
	hxRedirect = "HX-Redirect"
)

// isHTMX reports whether the request was made by htmx, which wants a partial
// rather than a whole page.
func isHTMX(c *fiber.Ctx) bool {
	return c.Get(hxRequest) == "true"
}
