package web

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/tenant"
)

const (
	localTarget    = "target"    // tenant.Target of the request's Host
	localRequestID = "requestid" // set by fiber's requestid middleware
)

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

func targetOf(c *fiber.Ctx) (tenant.Target, bool) {
	t, ok := c.Locals(localTarget).(tenant.Target)
	return t, ok
}

func orgSlug(c *fiber.Ctx) string {
	if t, ok := targetOf(c); ok && t.Kind == tenant.HostOrg {
		return t.Org.Slug
	}
	return "-"
}

// logRequests writes one structured line per request, with the request id
// and the org slug. It runs the error handler itself so that the line
// carries the final status.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("request_id", requestID(c)),
		slog.String("org", orgSlug(c)),
		slog.String("method", c.Method()),
		slog.String("host", c.Hostname()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Duration("dur", time.Since(start)),
		slog.String("ip", c.IP()))
	return nil
}

// securityHeaders sets conservative defaults on every response: no
// framing, no MIME sniffing, same-origin referrers, and a content security
// policy that allows only this origin's scripts and styles.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	return c.Next()
}

// resolveHost maps the Host header to the platform or an organization. A
// malformed Host is a 400 and an unknown one a 404; neither falls back to a
// default organization, and nothing here can create a file. The bare base
// domain is sent on to the platform host.
func (s *Server) resolveHost(c *fiber.Ctx) error {
	t, err := s.resolver.Resolve(c.UserContext(), c.Hostname())
	if err != nil {
		return err
	}
	if t.Kind == tenant.HostApex {
		return c.Redirect(s.hostURL(c, tenant.PlatformSubdomain)+c.OriginalURL(), fiber.StatusFound)
	}
	c.Locals(localTarget, t)
	return c.Next()
}

// errSuspended is shown on a suspended organization's host.
var errSuspended = apperr.Errorf(apperr.Forbidden,
	"This organization's registration site is suspended. Its data is kept safe; contact the organization or the platform's operators for more information.")

// orgScope opens the request's organization database (through the pool) and
// puts its scope in the request context for the handlers; the pool handle is
// released when the request ends. Platform-host requests pass through
// without any org scope.
func (s *Server) orgScope(c *fiber.Ctx) error {
	t, _ := targetOf(c)
	if t.Kind != tenant.HostOrg {
		return c.Next()
	}
	if t.Org.Status == tenant.StatusSuspended {
		return errSuspended
	}
	h, err := s.pool.Acquire(c.UserContext(), t.Org)
	if err != nil {
		return err
	}
	defer h.Release()
	c.SetUserContext(tenant.WithScope(c.UserContext(), tenant.NewScope(h)))
	return c.Next()
}
