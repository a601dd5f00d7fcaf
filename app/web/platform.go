package web

import (
	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/auth"
)

// handlePlatformLoginForm shows the super-admin sign-in form.
func (s *Server) handlePlatformLoginForm(c *fiber.Ctx) error {
	if _, ok := currentAdmin(c); ok {
		return c.Redirect("/console", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "auth/login", loginView{page: s.pageFor(c, "Operator sign-in"), Next: safeNext(c.Query("next"), "")})
}

// handlePlatformLogin signs a super-admin in on the platform host, with
// the same per-account throttle as members.
func (s *Server) handlePlatformLogin(c *fiber.Ctx) error {
	email, next := c.FormValue("email"), safeNext(c.FormValue("next"), "/console")
	if err := s.checkSignIn(c, email); err != nil {
		return err
	}
	_, token, err := s.super.SignIn(c.UserContext(), email, c.FormValue("password"), ipOf(c), c.Get(fiber.HeaderUserAgent))
	if apperr.CodeOf(err) == apperr.Unauthorized {
		return s.render(c, fiber.StatusUnauthorized, "auth/login", loginView{
			page: s.pageFor(c, "Operator sign-in"), Email: email, Next: next, Error: apperr.MessageOf(err),
		})
	}
	if err != nil {
		return err
	}
	s.signInSucceeded(c, email)
	if old := s.cookie(c, auth.PlatformSessionCookie); old != "" {
		_ = s.super.SignOut(c.UserContext(), old)
	}
	s.signIn(c, auth.PlatformSessionCookie, token)
	return redirect(c, next)
}

// handlePlatformLogout ends the super-admin's session.
func (s *Server) handlePlatformLogout(c *fiber.Ctx) error {
	if err := s.super.SignOut(c.UserContext(), s.cookie(c, auth.PlatformSessionCookie)); err != nil {
		return err
	}
	s.signOut(c, auth.PlatformSessionCookie)
	s.flash(c, "You are signed out.")
	return redirect(c, "/")
}
