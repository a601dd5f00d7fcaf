package web

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/superadmin"
	"sportsapp/app/tenant"
)

const (
	localUser  = "user"  // account.User signed in on an org host
	localAdmin = "admin" // superadmin.Admin signed in on the platform host
	localCSRF  = "csrf"  // the CSRF token for forms and htmx
	formCSRF   = "_csrf" // the form field carrying it
	headerCSRF = "X-CSRF-Token"
	flashName  = "flash"
)

// cookieName returns the name of a cookie. Over TLS it gets the __Host-
// prefix, which browsers accept only without a Domain attribute and with
// Secure: a sibling subdomain (another organization) cannot plant it.
func (s *Server) cookieName(base string) string {
	if s.secure {
		return "__Host-" + base
	}
	return base
}

// setCookie sets a host-only, HttpOnly, SameSite=Lax cookie (Secure over
// TLS). maxAge 0 makes a browser-session cookie; negative deletes it.
func (s *Server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	ck := &fiber.Cookie{
		Name: s.cookieName(name), Value: value, Path: "/",
		HTTPOnly: true, Secure: s.secure, SameSite: fiber.CookieSameSiteLaxMode,
	}
	switch {
	case maxAge > 0:
		ck.MaxAge = int(maxAge.Seconds())
		ck.Expires = time.Now().Add(maxAge)
	case maxAge < 0:
		ck.MaxAge = -1
		ck.Expires = time.Unix(1, 0)
	default:
		ck.SessionOnly = true
	}
	c.Cookie(ck)
}

func (s *Server) cookie(c *fiber.Ctx, name string) string { return c.Cookies(s.cookieName(name)) }

// errCSRF is what a state-changing request without a valid token gets.
var errCSRF = apperr.Errorf(apperr.Forbidden, "This form has expired or did not come from this site. Reload the page and try again.")

// sameOrigin refuses state-changing requests that a browser says came from
// another origin. It complements the CSRF token: another organization's
// page, on a sibling subdomain, is same-site for cookies but not
// same-origin. "Origin: null" (a sandboxed frame, a data: or file: page, a
// cross-origin redirect) is another origin too.
func sameOrigin(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	self := scheme(c) + "://" + c.Hostname()
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		if !strings.EqualFold(o, self) {
			return errCSRF
		}
	} else if r := c.Get(fiber.HeaderReferer); r != "" {
		u, err := url.Parse(r)
		if err != nil || !strings.EqualFold(u.Scheme+"://"+u.Host, self) {
			return errCSRF
		}
	}
	return c.Next()
}

// loadSession reads the session cookie of the request's host: an org
// user's on an org host, a super-admin's on the platform host. An invalid
// cookie is dropped and the request continues signed out.
func (s *Server) loadSession(c *fiber.Ctx) error {
	t, _ := targetOf(c)
	switch t.Kind {
	case tenant.HostOrg:
		token := s.cookie(c, auth.SessionCookie)
		if token == "" {
			break
		}
		sc, err := tenant.From(c.UserContext())
		if err != nil {
			return err
		}
		u, err := s.accounts.SessionUser(c.UserContext(), sc, token)
		if errors.Is(err, account.ErrNoSession) {
			s.setCookie(c, auth.SessionCookie, "", -1)
			break
		}
		if err != nil {
			return err
		}
		c.Locals(localUser, u)
	case tenant.HostPlatform:
		token := s.cookie(c, auth.PlatformSessionCookie)
		if token == "" {
			break
		}
		a, err := s.super.SessionAdmin(c.UserContext(), token)
		if errors.Is(err, superadmin.ErrNoSession) {
			s.setCookie(c, auth.PlatformSessionCookie, "", -1)
			break
		}
		if err != nil {
			return err
		}
		c.Locals(localAdmin, a)
	}
	return c.Next()
}

// currentUser returns the signed-in org user, if any.
func currentUser(c *fiber.Ctx) (account.User, bool) {
	u, ok := c.Locals(localUser).(account.User)
	return u, ok
}

// currentAdmin returns the signed-in super-admin, if any.
func currentAdmin(c *fiber.Ctx) (superadmin.Admin, bool) {
	a, ok := c.Locals(localAdmin).(superadmin.Admin)
	return a, ok
}

// signIn sets the session cookie for a new session token. The CSRF token
// changes with the session; the anonymous CSRF cookie is renewed too, so
// the token from before signing in is not the one after signing out.
func (s *Server) signIn(c *fiber.Ctx, name, token string) {
	s.setCookie(c, name, token, auth.SessionTTL)
	s.newCSRFBinding(c)
}

// signOut clears the session cookie and gives the browser a new anonymous
// CSRF cookie, so no token from the session works afterwards.
func (s *Server) signOut(c *fiber.Ctx, name string) {
	s.setCookie(c, name, "", -1)
	s.newCSRFBinding(c)
}

// client describes the request's origin for sessions and the audit log.
func client(c *fiber.Ctx) account.Client {
	return account.Client{IP: ipOf(c), UserAgent: c.Get(fiber.HeaderUserAgent)}
}

// actor is the signed-in user as the audit log records them.
func actor(c *fiber.Ctx) account.Actor {
	u, _ := currentUser(c)
	return account.ActorFor(u, ipOf(c))
}

// flash sets a one-time message shown on the next page.
func (s *Server) flash(c *fiber.Ctx, msg string) {
	s.setCookie(c, flashName, url.QueryEscape(msg), time.Minute)
}

// takeFlash returns and clears the pending flash message.
func (s *Server) takeFlash(c *fiber.Ctx) string {
	v := s.cookie(c, flashName)
	if v == "" {
		return ""
	}
	s.setCookie(c, flashName, "", -1)
	msg, _ := url.QueryUnescape(v)
	if len(msg) > 300 {
		msg = msg[:300]
	}
	return msg
}

// redirect sends the browser to path after a POST: a 303 for plain
// requests, an HX-Redirect for htmx so the whole page changes.
func redirect(c *fiber.Ctx, path string) error {
	if isHTMX(c) {
		c.Set(hxRedirect, path)
		return c.Status(fiber.StatusOK).Send(nil)
	}
	return c.Redirect(path, fiber.StatusSeeOther)
}

// safeNext returns next if it is a plain local path, else fallback, so the
// sign-in forms cannot be used to send people to another site.
func safeNext(next, fallback string) string {
	if !localPath(next) {
		return fallback
	}
	return next
}

// localPath reports whether p is a plain path on this host: one "/", then
// printable ASCII with no backslash, no percent-encoded slash, backslash or
// control character, and no empty or dot segment in the path. Browsers
// repair what they are given in a Location (they drop tabs and newlines,
// read "\" as "/", and "/\t/evil.com" or "/.//evil.com" end up as
// "//evil.com", another host), so anything unusual is refused, not cleaned.
func localPath(p string) bool {
	if len(p) == 0 || p[0] != '/' || len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return false
	}
	for i := 0; i < len(p); i++ {
		if b := p[i]; b <= ' ' || b >= 0x7f || b == '\\' {
			return false
		}
	}
	for i := 0; i+3 <= len(p); i++ {
		if p[i] != '%' {
			continue
		}
		// an encoded slash, backslash or control character
		switch h := strings.ToLower(p[i+1 : i+3]); {
		case h == "2f", h == "5c", h == "7f", h[0] == '0', h[0] == '1':
			return false
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	segs := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	for i, seg := range segs {
		seg = strings.ReplaceAll(strings.ToLower(seg), "%2e", ".")
		if seg == "." || seg == ".." || seg == "" && i < len(segs)-1 {
			return false
		}
	}
	return true
}
