package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
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
	Requests, Latency chart // the last hour, per minute
}

// Orders lists the orders of the busiest organizations table.
func (systemData) Orders() []string { return metrics.UsageOrders }

// MB formats a byte count for the template.
func (systemData) MB(n int64) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// chart is a small bar chart drawn as SVG by the template: one bar per
// minute, heights computed here so the template only places rectangles.
type chart struct {
	Bars    []bar
	Summary string // the text alternative: what the chart shows in words
}

// bar is one minute's bar in a 300x60 viewBox.
type bar struct {
	X, Y, H float64
	Alert   bool   // a minute with server errors
	Title   string // its tooltip: the minute and its value
}

// hourCharts turns the last hour into a requests chart and a mean latency
// chart.
func hourCharts(h []metrics.Minute) (reqs, lat chart) {
	var maxN int64
	var maxL time.Duration
	var total, errs int64
	for _, m := range h {
		maxN, maxL = max(maxN, m.Requests), max(maxL, m.Mean)
		total += m.Requests
		errs += m.Errors
	}
	const w, height = 5.0, 60.0
	for i, m := range h {
		x := float64(i) * w
		at := m.At.Format("15:04")
		if maxN > 0 {
			bh := height * float64(m.Requests) / float64(maxN)
			reqs.Bars = append(reqs.Bars, bar{X: x, Y: height - bh, H: bh, Alert: m.Errors > 0,
				Title: fmt.Sprintf("%s UTC: %d requests, %d server errors", at, m.Requests, m.Errors)})
		}
		if maxL > 0 {
			bh := height * float64(m.Mean) / float64(maxL)
			lat.Bars = append(lat.Bars, bar{X: x, Y: height - bh, H: bh,
				Title: fmt.Sprintf("%s UTC: mean %.1f ms", at, float64(m.Mean)/float64(time.Millisecond))})
		}
	}
	reqs.Summary = fmt.Sprintf("%d requests in the last hour, at most %d in one minute; %d server errors.", total, maxN, errs)
	lat.Summary = fmt.Sprintf("Mean latency per minute over the last hour: at most %.1f ms.", float64(maxL)/float64(time.Millisecond))
	if total == 0 {
		reqs.Summary, lat.Summary = "No requests in the last hour.", "No requests in the last hour."
	}
	return reqs, lat
}

// handleConsoleSystem shows the server's state to super-admins: request
// rate and latency, the pool, replication, slow queries and the busiest
// organizations. htmx polls get the partial.
func (s *Server) handleConsoleSystem(c *fiber.Ctx) error {
	var d systemData
	if s.metrics != nil {
		by := c.Query("by", metrics.ByRequests)
		if !metrics.ValidUsageOrder(by) {
			return apperr.Errorf(apperr.BadRequest, "Unknown order %q: use one of %s.", by, strings.Join(metrics.UsageOrders, ", "))
		}
		d = systemData{Enabled: true, Snapshot: s.metrics.SnapshotBy(by)}
		d.Requests, d.Latency = hourCharts(d.Hour)
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
