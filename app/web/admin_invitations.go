package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/tenant"
)

type invitationRow struct {
	account.Invitation
	State string
}

type invitationsView struct {
	page
	Email, Name, Role string
	Errors            map[string]string
	Sent              string
	Link              string // shown once when no mail server is configured
	Invitations       []invitationRow
}

// invitationsPage fills the invitations view with the recent list.
func (s *Server) invitationsPage(c *fiber.Ctx, sc *tenant.Scope) (invitationsView, error) {
	v := invitationsView{page: s.pageFor(c, "Invitations"), Role: string(account.RoleMember)}
	invs, err := account.RecentInvitations(c.UserContext(), sc, 50)
	if err != nil {
		return v, err
	}
	now := s.now()
	for _, inv := range invs {
		v.Invitations = append(v.Invitations, invitationRow{Invitation: inv, State: inv.State(now)})
	}
	return v, nil
}

// renderInvitations sends the whole page, or the section for htmx.
func (s *Server) renderInvitations(c *fiber.Ctx, status int, v invitationsView) error {
	if isHTMX(c) {
		return s.render(c, status, "admin/_invitations", v)
	}
	return s.render(c, status, "admin/invitations", v)
}

// handleInvitations shows the invite form and the recent invitations.
func (s *Server) handleInvitations(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	v, err := s.invitationsPage(c, sc)
	if err != nil {
		return err
	}
	return s.renderInvitations(c, fiber.StatusOK, v)
}

// handleInvitationCreate invites someone by email.
func (s *Server) handleInvitationCreate(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	email, name, role := c.FormValue("email"), c.FormValue("name"), c.FormValue("role")
	inv, link, ierr := s.accounts.Invite(c.UserContext(), sc, actor(c), email, name, account.Role(role))
	if ierr != nil && apperr.FieldsOf(ierr) == nil {
		return ierr
	}
	v, err := s.invitationsPage(c, sc)
	if err != nil {
		return err
	}
	if fields := apperr.FieldsOf(ierr); fields != nil {
		v.Email, v.Name, v.Role, v.Errors = email, name, role, fields
		return s.renderInvitations(c, fiber.StatusUnprocessableEntity, v)
	}
	v.Sent = "Invitation sent to " + inv.Email + "."
	if !s.mailConfigured {
		v.Link = link
	}
	return s.renderInvitations(c, fiber.StatusOK, v)
}

// handleInvitationRevoke withdraws a pending invitation.
func (s *Server) handleInvitationRevoke(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return apperr.Errorf(apperr.NotFound, "No such invitation.")
	}
	if !confirmed(c) {
		return s.confirmInvitationRevoke(c, sc, id)
	}
	if err := s.accounts.RevokeInvitation(c.UserContext(), sc, actor(c), id); err != nil {
		return err
	}
	v, err := s.invitationsPage(c, sc)
	if err != nil {
		return err
	}
	v.Sent = "Invitation revoked."
	if !isHTMX(c) {
		s.flash(c, strings.TrimSpace(v.Sent))
		return redirect(c, "/admin/invitations")
	}
	return s.renderInvitations(c, fiber.StatusOK, v)
}
