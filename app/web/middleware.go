package web

import (
	"bytes"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/logging"
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
	// The request id rides in the context too, for the lines logged below
	// the HTTP layer (the slow-query log).
	c.SetUserContext(logging.WithRequestID(c.UserContext(), requestID(c)))
	c.Locals(localClientIP, s.clientAddr(c))
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
		slog.String("ip", ipOf(c)))
	return nil
}

// logPanic logs a handler's panic with its request id and stack; the
// recover middleware then turns it into a 500.
func (s *Server) logPanic(c *fiber.Ctx, v any) {
	s.log.LogAttrs(c.UserContext(), slog.LevelError, "panic",
		slog.String("request_id", requestID(c)),
		slog.String("org", orgSlug(c)),
		slog.String("path", c.Path()),
		slog.Any("panic", v),
		slog.String("stack", string(debug.Stack())))
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
	host, err := requestHost(c)
	if err != nil {
		return err
	}
	t, err := s.resolver.Resolve(c.UserContext(), host)
	if err != nil {
		return err
	}
	if t.Kind == tenant.HostApex {
		// The target's path and query only: an absolute-form target
		// (GET http://localhost/x) would otherwise be appended whole.
		return c.Redirect(s.hostURL(c, tenant.PlatformSubdomain)+string(c.Request().URI().RequestURI()), fiber.StatusFound)
	}
	if ok, err := s.primaryRedirect(c, t); ok {
		return err // <slug>.<base> of an org with a primary custom domain
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

// requestHost returns the host a request is for: its Host header or, from a
// trusted proxy only, X-Forwarded-Host (Fiber believes no one else's, as
// EnableTrustedProxyCheck is always on). It refuses (400) what a lenient
// parser quietly repairs and a proxy in front may read otherwise, since
// the two then route one request to different organizations: no Host or
// more than one (RFC 9112, 3.2; fasthttp keeps the last), more than one
// X-Forwarded-Host, userinfo in the Host or the target (fasthttp drops
// "evil.com@"), and an absolute-form target naming another host than Host.
// The result agrees with c.Hostname(), which the rest of the app reads.
func requestHost(c *fiber.Ctx) (string, error) {
	h := &c.Request().Header
	if hostFields(h.RawHeaders()) != 1 {
		return "", tenant.ErrBadHost
	}
	host := string(h.Host())
	if c.IsProxyTrusted() {
		switch fwd := h.PeekAll(fiber.HeaderXForwardedHost); {
		case len(fwd) > 1 || len(fwd) == 1 && bytes.IndexByte(fwd[0], ',') >= 0:
			return "", tenant.ErrBadHost
		case len(fwd) == 1 && len(fwd[0]) > 0:
			host = string(fwd[0])
		}
	}
	if u := c.Request().URI(); len(u.Username()) > 0 || len(u.Password()) > 0 || !strings.EqualFold(host, c.Hostname()) {
		return "", tenant.ErrBadHost
	}
	return host, nil
}

// hostFields counts the Host field lines of a raw request header block.
func hostFields(raw []byte) int {
	n := 0
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		if len(line) > 4 && line[4] == ':' && bytes.EqualFold(line[:4], []byte("host")) {
			n++
		}
	}
	return n
}
