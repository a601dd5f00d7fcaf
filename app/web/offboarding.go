package web

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/offboard"
	"sportsapp/app/tenant"
)

// A member's own data (issue 17, docs/offboarding.md): /profile/export
// downloads it as JSON; /profile/delete erases the account after the
// password is confirmed; an admin erases an account at the member's
// request from the members list.

// handleProfileExport downloads everything the organization holds about
// the signed-in member, as JSON.
func (s *Server) handleProfileExport(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	data, err := offboard.Member(c.UserContext(), sc, u.ID, s.now())
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	if err := account.Audit(c.UserContext(), sc.W(), s.now(), actor(c), "user.export", u.Email, ""); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/json; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+sc.Org.Slug+`-my-data.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}

type profileDeleteView struct {
	page
	Errors map[string]string
}

// handleProfileDeleteForm explains what deleting the account does and
// asks for the password.
func (s *Server) handleProfileDeleteForm(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "offboarding/profile_delete", profileDeleteView{page: s.pageFor(c, "Delete your account")})
}

// handleProfileDelete erases the signed-in member's account and signs
// them out.
func (s *Server) handleProfileDelete(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	err = s.accounts.EraseSelf(c.UserContext(), sc, u, c.FormValue("password"))
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.render(c, fiber.StatusUnprocessableEntity, "offboarding/profile_delete", profileDeleteView{page: s.pageFor(c, "Delete your account"), Errors: fields})
	}
	if apperr.CodeOf(err) == apperr.Conflict {
		return s.render(c, fiber.StatusConflict, "offboarding/profile_delete", profileDeleteView{page: s.pageFor(c, "Delete your account"), Errors: map[string]string{"password": apperr.MessageOf(err)}})
	}
	if err != nil {
		return err
	}
	s.signOut(c, auth.SessionCookie)
	s.flash(c, "Your account is deleted. The organization keeps its payment and registration records, without your name.")
	return redirect(c, "/")
}

// handleMemberErase erases a member's account at their request, after a
// confirmation naming them.
func (s *Server) handleMemberErase(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := memberID(c)
	if err != nil {
		return err
	}
	u, err := account.UserByID(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != confirmedValue {
		return s.askConfirmation(c, confirmation{
			Question: "Delete the account of " + u.Name + "?",
			Detail: "Only at " + u.Name + " (" + u.Email + ")'s request. Their name, email, profile, emergency contact and sessions are erased and cannot be recovered; " +
				"their memberships, payments and event registrations stay in the organization's records as \"" + account.ErasedName + "\", so the accounts still add up. The audit log records the deletion.",
			Button: "Delete " + u.Name + "'s account", Cancel: "/admin/members",
		})
	}
	if err := s.accounts.EraseOnRequest(c.UserContext(), sc, actor(c), id); err != nil {
		return err
	}
	s.flash(c, "The account is deleted; its payments and registrations are kept as "+account.ErasedName+".")
	return redirect(c, "/admin/members")
}

// Deleting an organization from the console: schedule (a suspended org,
// with the grace period's end shown), cancel. The deletion itself is the
// server's sweeper (app/offboard).

// deleter is the console's view of organization deletions (scheduling
// and cancelling need no replication).
func (s *Server) deleter() *offboard.Deleter {
	return &offboard.Deleter{Registry: s.reg, Pool: s.pool, Log: s.log, Now: s.now}
}

// orgDeletion returns o's scheduled deletion, or nil.
func (s *Server) orgDeletion(c *fiber.Ctx, o tenant.Org) (*offboard.Deletion, error) {
	x, ok, err := s.deleter().Get(c.UserContext(), o)
	if err != nil || !ok {
		return nil, err
	}
	return &x, nil
}

// handleConsoleDelete schedules a suspended organization's deletion after
// the grace period, once confirmed.
func (s *Server) handleConsoleDelete(c *fiber.Ctx) error {
	o, err := s.consoleOrg(c)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		return s.askConfirmation(c, confirmation{
			Question: "Delete " + o.Name + "?",
			Detail: "Its database, with every member, payment and registration, is removed on " +
				s.now().UTC().Add(offboard.DefaultGrace).Format("2006-01-02") + " (in 30 days). Until then, reactivating it cancels the deletion. " +
				"Download its export first: nothing can be recovered afterwards.",
			Button: "Schedule the deletion of " + o.Name, Cancel: "/console/orgs/" + o.Slug,
		})
	}
	by := operator(c)
	x, err := s.deleter().Schedule(c.UserContext(), o.Slug, offboard.Actor{Label: by.Label, IP: by.IP}, 0, c.FormValue("keep_replica") == "on")
	if err != nil {
		return err
	}
	s.flash(c, o.Name+" will be deleted on "+x.DeleteAfter.Format("2006-01-02 15:04")+" UTC.")
	return redirect(c, "/console/orgs/"+o.Slug)
}

// handleConsoleDeleteCancel cancels a scheduled deletion; the
// organization stays suspended.
func (s *Server) handleConsoleDeleteCancel(c *fiber.Ctx) error {
	o, err := s.consoleOrg(c)
	if err != nil {
		return err
	}
	by := operator(c)
	if err := s.deleter().Cancel(c.UserContext(), o.Slug, offboard.Actor{Label: by.Label, IP: by.IP}); err != nil {
		return err
	}
	s.flash(c, "The deletion of "+o.Name+" is cancelled. It stays suspended until you reactivate it.")
	return redirect(c, "/console/orgs/"+o.Slug)
}
