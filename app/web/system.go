package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/metrics"
	"sportsapp/app/tenant"
)

// localRoute holds the route pattern of the request ("/teams/:slug"),
// set by mount, for metrics: the raw path would make a series per id.
const localRoute = "route"

// routeOf returns the request's route pattern: the route table's path,
// "/static" for assets, or "unmatched" (404s, refused Hosts).
func routeOf(c *fiber.Ctx) string {
	if r, ok := c.Locals(localRoute).(string); ok {
		return r
	}
	if strings.HasPrefix(c.Path(), "/static/") {
		return "/static"
	}
	return "unmatched"
}

// observe records every request in the metrics. It runs outside
// logRequests, which has already run the error handler, so the status is
// the one the client gets.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	var id, slug string
	if t, ok := targetOf(c); ok && t.Kind == tenant.HostOrg {
		id, slug = t.Org.ID, t.Org.Slug
	}
	s.metrics.Request(routeOf(c), c.Method(), c.Response().StatusCode(), time.Since(start), id, slug)
	return err
}

// systemView is the console's system page.
type systemView struct {
	page
	System systemData
}

// systemData is the partial the page polls every 5 seconds.
type systemData struct {
	Enabled bool
	metrics.Snapshot
}

// handleConsoleSystem shows the server's state to super-admins: request
// rate and latency, the pool, replication, slow queries and the busiest
// organizations. htmx polls get the partial.
func (s *Server) handleConsoleSystem(c *fiber.Ctx) error {
	var d systemData
	if s.metrics != nil {
		d = systemData{Enabled: true, Snapshot: s.metrics.Snapshot()}
	}
	if isHTMX(c) {
		return s.render(c, fiber.StatusOK, "console/_system", d)
	}
	return s.render(c, fiber.StatusOK, "console/system", systemView{page: s.pageFor(c, "System"), System: d})
}

// MS formats a duration in milliseconds for the template.
func (systemData) MS(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// Rate formats requests per second for the template.
func (systemData) Rate(f float64) string { return fmt.Sprintf("%.2f", f) }

// Age formats seconds as a duration for the template.
func (systemData) Age(sec float64) string {
	return (time.Duration(sec) * time.Second).Round(time.Second).String()
}
