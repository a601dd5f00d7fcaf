package web

import (
	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/tenant"
)

type loginView struct {
	page
	Email string
	Next  string
	Error string
}

// handleLoginForm shows the sign-in form of an organization.
func (s *Server) handleLoginForm(c *fiber.Ctx) error {
	if _, ok := currentUser(c); ok {
		return c.Redirect(safeNext(c.Query("next"), "/"), fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "auth/login", loginView{page: s.pageFor(c, "Sign in"), Next: safeNext(c.Query("next"), "")})
}

// handleLogin signs a member in. Failures re-render the form with one
// message for every kind of wrong credentials (no user enumeration); an
// email with too many attempts is refused before its password is checked.
func (s *Server) handleLogin(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	email, next := c.FormValue("email"), safeNext(c.FormValue("next"), "/")
	if err := s.checkSignIn(c, email); err != nil {
		return err
	}
	u, token, err := s.accounts.SignIn(c.UserContext(), sc, email, c.FormValue("password"), client(c))
	if code := apperr.CodeOf(err); code == apperr.Unauthorized || code == apperr.Forbidden {
		return s.render(c, fiber.StatusUnauthorized, "auth/login", loginView{
			page: s.pageFor(c, "Sign in"), Email: email, Next: next, Error: apperr.MessageOf(err),
		})
	}
	if err != nil {
		return err
	}
	s.signInSucceeded(c, email)
	if old := s.cookie(c, auth.SessionCookie); old != "" {
		_ = s.accounts.SignOut(c.UserContext(), sc, old)
	}
	s.signIn(c, auth.SessionCookie, token)
	if next == "/" && u.IsAdmin() {
		next = "/admin"
	}
	return redirect(c, next)
}

// handleLogout ends the member's session.
func (s *Server) handleLogout(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	if err := s.accounts.SignOut(c.UserContext(), sc, s.cookie(c, auth.SessionCookie)); err != nil {
		return err
	}
	s.signOut(c, auth.SessionCookie)
	s.flash(c, "You are signed out.")
	return redirect(c, "/")
}

type signupView struct {
	page
	Name, Email string
	Errors      map[string]string
}

// handleSignupForm shows the member sign-up form.
func (s *Server) handleSignupForm(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "auth/signup", signupView{page: s.pageFor(c, "Create your account")})
}

// handleSignup creates a member account and signs it in.
func (s *Server) handleSignup(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	name, email := c.FormValue("name"), c.FormValue("email")
	u, err := s.accounts.SignUp(c.UserContext(), sc, name, email, c.FormValue("password"))
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.render(c, fiber.StatusUnprocessableEntity, "auth/signup", signupView{
			page: s.pageFor(c, "Create your account"), Name: name, Email: email, Errors: fields,
		})
	}
	if err != nil {
		return err
	}
	token, err := s.accounts.StartSession(c.UserContext(), sc, u.ID, client(c))
	if err != nil {
		return err
	}
	s.signIn(c, auth.SessionCookie, token)
	s.flash(c, "Welcome, "+u.Name+"! Your account is ready.")
	return redirect(c, "/")
}

type forgotView struct {
	page
	Email  string
	Sent   bool
	Errors map[string]string
}

// handleForgotForm asks for the email to send a reset link to.
func (s *Server) handleForgotForm(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "auth/forgot", forgotView{page: s.pageFor(c, "Reset your password")})
}

// handleForgot sends a reset link if the account exists, and says the same
// thing either way.
func (s *Server) handleForgot(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	email := c.FormValue("email")
	err = s.accounts.RequestPasswordReset(c.UserContext(), sc, email)
	v := forgotView{page: s.pageFor(c, "Reset your password"), Email: email}
	if v.Errors = apperr.FieldsOf(err); v.Errors != nil {
		return s.render(c, fiber.StatusUnprocessableEntity, "auth/forgot", v)
	}
	if err != nil {
		return err
	}
	v.Sent = true
	return s.render(c, fiber.StatusOK, "auth/forgot", v)
}

type resetView struct {
	page
	Token  string
	Errors map[string]string
}

// handleResetForm shows the new-password form of a reset link.
func (s *Server) handleResetForm(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	token := c.Query("token")
	if err := s.accounts.CheckResetToken(c.UserContext(), sc, token); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "auth/reset", resetView{page: s.pageFor(c, "Choose a new password"), Token: token})
}

// handleReset sets the new password and signs the member in.
func (s *Server) handleReset(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	token := c.FormValue("token")
	u, err := s.accounts.ResetPassword(c.UserContext(), sc, token, c.FormValue("password"))
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.render(c, fiber.StatusUnprocessableEntity, "auth/reset", resetView{
			page: s.pageFor(c, "Choose a new password"), Token: token, Errors: fields,
		})
	}
	if err != nil {
		return err
	}
	s.signInSucceeded(c, u.Email) // the reset link proved the email is theirs
	session, err := s.accounts.StartSession(c.UserContext(), sc, u.ID, client(c))
	if err != nil {
		return err
	}
	s.signIn(c, auth.SessionCookie, session)
	s.flash(c, "Your password is changed and you are signed in.")
	return redirect(c, "/")
}

type inviteView struct {
	page
	Token, Email, Role, Name string
	Errors                   map[string]string
}

// handleInviteForm shows an invitation: who it is for and the form to
// accept it.
func (s *Server) handleInviteForm(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	token := c.Query("token")
	inv, err := s.accounts.InvitationByToken(c.UserContext(), sc, token)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "auth/invite", inviteView{
		page: s.pageFor(c, "Accept your invitation"), Token: token, Email: inv.Email, Role: string(inv.Role), Name: inv.Name,
	})
}

// handleInviteAccept creates the invited account and signs it in; an
// invited admin lands in the admin area.
func (s *Server) handleInviteAccept(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	token, name := c.FormValue("token"), c.FormValue("name")
	u, err := s.accounts.AcceptInvitation(c.UserContext(), sc, token, name, c.FormValue("password"), client(c))
	if fields := apperr.FieldsOf(err); fields != nil {
		inv, ierr := s.accounts.InvitationByToken(c.UserContext(), sc, token)
		if ierr != nil {
			return ierr
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "auth/invite", inviteView{
			page: s.pageFor(c, "Accept your invitation"), Token: token, Email: inv.Email, Role: string(inv.Role), Name: name, Errors: fields,
		})
	}
	if err != nil {
		return err
	}
	session, err := s.accounts.StartSession(c.UserContext(), sc, u.ID, client(c))
	if err != nil {
		return err
	}
	s.signIn(c, auth.SessionCookie, session)
	s.flash(c, "Welcome to "+sc.Org.Name+", "+u.Name+".")
	if u.IsAdmin() {
		return redirect(c, "/admin")
	}
	return redirect(c, "/")
}
