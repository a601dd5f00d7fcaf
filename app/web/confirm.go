package web

import (
	"database/sql"
	"errors"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/tenant"
)

// A risky action (suspending an organization, changing someone's role,
// making a captain, revoking an invitation) is confirmed before it is done,
// naming the organization or the person. With JavaScript the form's
// hx-confirm asks in the browser, and the htmx request that follows is the
// answer. Without it the form posts plainly, and the action answers with
// a confirmation page whose button posts the same form again with
// confirm=yes. The confirmation is a safeguard against slips, not an
// access control: the route's access check and the CSRF token still apply.

// confirmation is what a confirmation page asks.
type confirmation struct {
	Question string // "Suspend Quadball Alberta?"
	Detail   string // what will happen
	Button   string // the confirming button: "Suspend Quadball Alberta"
	Cancel   string // where Cancel leads: the page the form was on
}

// confirmView is the confirmation page: the question, and a form that
// posts the same action with the same fields and confirm=yes.
type confirmView struct {
	page
	confirmation
	Action string
	Fields []confirmField
}

type confirmField struct{ Name, Value string }

// confirmedValue is the form value a confirmed plain post carries.
const confirmedValue = "yes"

// confirmed reports whether the request is the answer to a confirmation:
// an htmx request (hx-confirm asked) or a post with confirm=yes.
func confirmed(c *fiber.Ctx) bool {
	return isHTMX(c) || c.FormValue("confirm") == confirmedValue
}

// askConfirmation renders the confirmation page for the current post.
func (s *Server) askConfirmation(c *fiber.Ctx, q confirmation) error {
	v := confirmView{page: s.pageFor(c, q.Question), confirmation: q, Action: c.Path()}
	c.Request().PostArgs().VisitAll(func(k, val []byte) {
		if name := string(k); name != "_csrf" && name != "confirm" {
			v.Fields = append(v.Fields, confirmField{name, string(val)})
		}
	})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "confirm/confirm", v)
}

// confirmRole asks before a member's role changes, naming the person and
// the new role.
func (s *Server) confirmRole(c *fiber.Ctx) error {
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
	role, ok := account.ParseRole(c.FormValue("role"))
	if !ok {
		return apperr.Errorf(apperr.Invalid, "Choose a role: member or admin.")
	}
	q := confirmation{Question: "Make " + u.Name + " a member?", Button: "Make " + u.Name + " a member", Cancel: "/admin/members",
		Detail: u.Name + " (" + u.Email + ") will no longer see the admin area: members, payments, events and settings."}
	if role == account.RoleAdmin {
		q = confirmation{Question: "Make " + u.Name + " an admin?", Button: "Make " + u.Name + " an admin", Cancel: "/admin/members",
			Detail: u.Name + " (" + u.Email + ") will manage members, payments, events and settings, like you."}
	}
	return s.askConfirmation(c, q)
}

// confirmInvitationRevoke asks before an invitation is revoked, naming the
// person invited.
func (s *Server) confirmInvitationRevoke(c *fiber.Ctx, sc *tenant.Scope, id int64) error {
	inv, err := sc.Q().InvitationByID(c.UserContext(), id)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Errorf(apperr.NotFound, "No such invitation.")
	} else if err != nil {
		return err
	}
	return s.askConfirmation(c, confirmation{
		Question: "Revoke the invitation to " + inv.Email + "?",
		Detail:   "The link sent to " + inv.Email + " stops working. You can invite them again later.",
		Button:   "Revoke the invitation", Cancel: "/admin/invitations",
	})
}

// confirmCaptain asks before a captain makes a teammate captain too,
// naming the teammate and the team. A refusal (not a captain, no such
// teammate) is left to the action itself.
func (s *Server) confirmCaptain(c *fiber.Ctx, sc *tenant.Scope, id int64) (asked bool, err error) {
	v, err := s.teamRoster(c, sc)
	if err != nil || !v.Team.IsCaptain {
		return false, nil
	}
	for _, m := range v.Team.Roster {
		if m.ID == id {
			return true, s.askConfirmation(c, confirmation{
				Question: "Make " + m.Name + " a captain of " + v.Team.Team.Name + "?",
				Detail:   m.Name + " will be able to invite and remove players and make other captains. You stay a captain.",
				Button:   "Make " + m.Name + " a captain", Cancel: "/teams/" + v.Team.Team.Slug,
			})
		}
	}
	return false, nil
}
