package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/auth"
)

// csrfCookie holds an anonymous visitor's CSRF binding: 32 random bytes,
// host-only, set once. Signed-in visitors are bound to their session
// instead.
const csrfCookie = "csrf"

// csrfProtection checks every state-changing request (anything but GET,
// HEAD, OPTIONS and TRACE) for a token in the X-CSRF-Token header (htmx) or
// the _csrf form field (plain forms), and puts the request's token in
// Locals(localCSRF) for the templates.
//
// The token is stateless: HMAC-SHA256, under the server's key, of the place
// (the organization's id, or "platform") and what the visitor is bound to,
// their session cookie when signed in, else the anonymous csrf cookie. So
// nothing is stored per visitor (a flood of cookieless GETs costs no
// memory), a token from another organization's page or from another
// person's session does not verify, and a new session (sign-in) or a new
// anonymous cookie (sign-out) means a new token. It runs after loadSession,
// which says whether the session is valid.
func (s *Server) csrfProtection(c *fiber.Ctx) error {
	binding, ok := s.csrfBinding(c)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		if !ok {
			binding = s.newCSRFBinding(c)
		}
		c.Locals(localCSRF, s.csrfToken(c, binding))
		return c.Next()
	}
	if !ok {
		return errCSRF
	}
	want := s.csrfToken(c, binding)
	got := c.Get(headerCSRF)
	if got == "" {
		got = c.FormValue(formCSRF)
	}
	if !hmac.Equal([]byte(got), []byte(want)) {
		return errCSRF
	}
	c.Locals(localCSRF, want)
	return c.Next()
}

// csrfBinding returns what the request's token is bound to: the session
// cookie of a signed-in user or super-admin, else a well-formed anonymous
// csrf cookie. ok is false when there is neither.
func (s *Server) csrfBinding(c *fiber.Ctx) (binding string, ok bool) {
	if _, ok := currentUser(c); ok {
		return "session\x00" + s.cookie(c, auth.SessionCookie), true
	}
	if _, ok := currentAdmin(c); ok {
		return "session\x00" + s.cookie(c, auth.PlatformSessionCookie), true
	}
	v := s.cookie(c, csrfCookie)
	if b, err := base64.RawURLEncoding.DecodeString(v); err != nil || len(b) != 32 {
		return "", false
	}
	return "anonymous\x00" + v, true
}

// newCSRFBinding gives the visitor a new anonymous csrf cookie (a new
// token) and returns its binding. Signing in and out call it too, so the
// token a visitor had before never works after.
func (s *Server) newCSRFBinding(c *fiber.Ctx) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	v := base64.RawURLEncoding.EncodeToString(b)
	s.setCookie(c, csrfCookie, v, 0)
	return "anonymous\x00" + v
}

// csrfToken is the token of binding on the request's place.
func (s *Server) csrfToken(c *fiber.Ctx, binding string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte("csrf\x00" + place(c) + "\x00" + binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
