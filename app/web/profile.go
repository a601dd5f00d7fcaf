package web

import (
	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/tenant"
)

type profileView struct {
	page
	Name   string
	Errors map[string]string
}

// handleProfile shows the signed-in member's profile forms.
func (s *Server) handleProfile(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	return s.render(c, fiber.StatusOK, "profile/edit", profileView{page: s.pageFor(c, "Your profile"), Name: u.Name})
}

// handleProfileSave changes the member's name.
func (s *Server) handleProfileSave(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	name := c.FormValue("name")
	if _, err := s.accounts.UpdateName(c.UserContext(), sc, u, name); err != nil {
		if fields := apperr.FieldsOf(err); fields != nil {
			return s.render(c, fiber.StatusUnprocessableEntity, "profile/edit", profileView{page: s.pageFor(c, "Your profile"), Name: name, Errors: fields})
		}
		return err
	}
	s.flash(c, "Your name is saved.")
	return redirect(c, "/profile")
}

// handlePasswordChange changes the member's password, ends their other
// sessions and rotates the current one.
func (s *Server) handlePasswordChange(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	token, err := s.accounts.ChangePassword(c.UserContext(), sc, u, c.FormValue("current_password"), c.FormValue("new_password"), client(c))
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.render(c, fiber.StatusUnprocessableEntity, "profile/edit", profileView{page: s.pageFor(c, "Your profile"), Name: u.Name, Errors: fields})
	}
	if err != nil {
		return err
	}
	s.signIn(c, auth.SessionCookie, token)
	s.flash(c, "Your password is changed. Other devices have been signed out.")
	return redirect(c, "/profile")
}
