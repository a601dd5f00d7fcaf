package web

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

// teams is the team service for this server (stateless: built per use, so
// the server needs no new dependency).
func (s *Server) teams() *team.Service { return &team.Service{Accounts: s.accounts, Now: s.now} }

// teamMessages are the confirmations of team actions, in one place.
var teamMessages = struct {
	created, invited, accepted, declined, left, removed, captain, saved string
}{
	created:  "Your team is created: you are its captain.",
	invited:  "Invitation sent to %s.",
	accepted: "Welcome to %s!",
	declined: "You declined the invitation to %s.",
	left:     "You left %s.",
	removed:  "Removed from the team.",
	captain:  "They are now a captain.",
	saved:    "Saved.",
}

// teamCreateView is the create form on /teams (htmx target #team-create).
type teamCreateView struct {
	CSRF      string
	CanCreate bool
	Form      team.Form
	Errors    map[string]string
	Error     string
	Provinces []team.Province
}

type teamsView struct {
	page
	Teams       []team.Place
	Invitations []team.Place
	Create      teamCreateView
}

// teamsPage builds /teams for the signed-in member, attaching invitations
// sent to their email before they had an account.
func (s *Server) teamsPage(c *fiber.Ctx, sc *tenant.Scope) (teamsView, error) {
	ctx := c.UserContext()
	u, _ := currentUser(c)
	v := teamsView{page: s.pageFor(c, "Teams")}
	if err := s.teams().Claim(ctx, sc, u); err != nil {
		return v, err
	}
	places, err := team.Mine(ctx, sc, u.ID)
	if err != nil {
		return v, err
	}
	for _, p := range places {
		if p.Pending() {
			v.Invitations = append(v.Invitations, p)
		} else {
			v.Teams = append(v.Teams, p)
		}
	}
	v.Create = teamCreateView{CSRF: v.CSRF, Provinces: team.Provinces}
	v.Create.CanCreate, err = s.teams().CanCreate(ctx, sc, u.ID)
	return v, err
}

// handleTeams lists the member's teams and invitations, with the create form.
func (s *Server) handleTeams(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	v, err := s.teamsPage(c, sc)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "teams/index", v)
}

func teamForm(c *fiber.Ctx) team.Form {
	return team.Form{Name: c.FormValue("name"), City: c.FormValue("city"), Province: c.FormValue("province"), Colours: c.FormValue("colours")}
}

// handleTeamCreate creates a team captained by the member and goes to it.
func (s *Server) handleTeamCreate(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	f := teamForm(c)
	t, cerr := s.teams().Create(c.UserContext(), sc, actor(c), f)
	if cerr == nil {
		s.flash(c, teamMessages.created)
		return redirect(c, "/teams/"+t.Slug)
	}
	if apperr.CodeOf(cerr) != apperr.Invalid {
		return cerr
	}
	v, err := s.teamsPage(c, sc)
	if err != nil {
		return err
	}
	v.Create.Form, v.Create.Errors = f, apperr.FieldsOf(cerr)
	if v.Create.Errors == nil {
		v.Create.Error = apperr.MessageOf(cerr)
	}
	if isHTMX(c) {
		return s.render(c, fiber.StatusUnprocessableEntity, "teams/_create", v.Create)
	}
	return s.render(c, fiber.StatusUnprocessableEntity, "teams/index", v)
}

// teamRosterView is a team's roster and the viewer's actions on it (htmx
// target #roster).
type teamRosterView struct {
	CSRF           string
	Team           team.View
	Email, Role    string // the invite form
	Errors         map[string]string
	Message, Error string
}

type teamPageView struct {
	page
	Roster teamRosterView
}

// teamRoster loads the team in the URL as the signed-in member sees it.
func (s *Server) teamRoster(c *fiber.Ctx, sc *tenant.Scope) (teamRosterView, error) {
	u, _ := currentUser(c)
	if err := s.teams().Claim(c.UserContext(), sc, u); err != nil {
		return teamRosterView{}, err
	}
	tv, err := team.Page(c.UserContext(), sc, c.Params("slug"), u)
	v := teamRosterView{Team: tv, Role: team.RolePlayer}
	v.CSRF, _ = c.Locals(localCSRF).(string)
	return v, err
}

// handleTeam is a team's page: details, roster, and what the viewer may do.
func (s *Server) handleTeam(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	v, err := s.teamRoster(c, sc)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "teams/show", teamPageView{page: s.pageFor(c, v.Team.Team.Name), Roster: v})
}

// teamAnswer answers a roster action: on success a flash and a redirect
// to the team page, or for htmx the refreshed roster; a refusal the
// member can act on (422, 409) is shown in the roster; anything else
// (403, 404) goes to the error page.
func (s *Server) teamAnswer(c *fiber.Ctx, done string, err error, keep func(*teamRosterView)) error {
	code := apperr.CodeOf(err)
	if err != nil && code != apperr.Invalid && code != apperr.Conflict {
		return err
	}
	slug := c.Params("slug")
	if err == nil && !isHTMX(c) {
		s.flash(c, done)
		return redirect(c, "/teams/"+slug)
	}
	sc, lerr := tenant.From(c.UserContext())
	if lerr != nil {
		return lerr
	}
	v, lerr := s.teamRoster(c, sc)
	if lerr != nil {
		return lerr
	}
	status := fiber.StatusOK
	if err != nil {
		status, v.Errors = fiber.StatusConflict, apperr.FieldsOf(err)
		if code == apperr.Invalid {
			status = fiber.StatusUnprocessableEntity
		}
		if v.Errors == nil {
			v.Error = apperr.MessageOf(err)
		}
		if keep != nil {
			keep(&v)
		}
	} else {
		v.Message = done
	}
	if isHTMX(c) {
		return s.render(c, status, "teams/_roster", v)
	}
	return s.render(c, status, "teams/show", teamPageView{page: s.pageFor(c, v.Team.Team.Name), Roster: v})
}

// handleTeamInvite is a captain inviting someone by email.
func (s *Server) handleTeamInvite(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	email, role := c.FormValue("email"), c.FormValue("role")
	norm, ierr := s.teams().Invite(c.UserContext(), sc, actor(c), c.Params("slug"), email, role)
	return s.teamAnswer(c, fmt.Sprintf(teamMessages.invited, norm), ierr, func(v *teamRosterView) { v.Email, v.Role = email, role })
}

// teamMemberID reads the :id of a roster row.
func teamMemberID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Errorf(apperr.NotFound, "No such member on this team.")
	}
	return id, nil
}

// handleTeamRemove is a captain removing a member or withdrawing an invitation.
func (s *Server) handleTeamRemove(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := teamMemberID(c)
	if err != nil {
		return err
	}
	return s.teamAnswer(c, teamMessages.removed, s.teams().Remove(c.UserContext(), sc, actor(c), c.Params("slug"), id), nil)
}

// handleTeamCaptain is a captain making another member captain.
func (s *Server) handleTeamCaptain(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := teamMemberID(c)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		if asked, err := s.confirmCaptain(c, sc, id); asked || err != nil {
			return err
		}
	}
	return s.teamAnswer(c, teamMessages.captain, s.teams().MakeCaptain(c.UserContext(), sc, actor(c), c.Params("slug"), id), nil)
}

// handleTeamAccept, handleTeamDecline and handleTeamLeave change the
// member's own place; the whole page changes, so they redirect: to the
// team after accepting, to /teams otherwise.
func (s *Server) handleTeamAccept(c *fiber.Ctx) error {
	return s.teamOwn(c, teamMessages.accepted, true, (*team.Service).Accept)
}

func (s *Server) handleTeamDecline(c *fiber.Ctx) error {
	return s.teamOwn(c, teamMessages.declined, false, (*team.Service).Decline)
}

func (s *Server) handleTeamLeave(c *fiber.Ctx) error {
	return s.teamOwn(c, teamMessages.left, false, (*team.Service).Leave)
}

type ownAction func(*team.Service, context.Context, *tenant.Scope, account.User, string) (team.Team, error)

func (s *Server) teamOwn(c *fiber.Ctx, done string, toTeam bool, do ownAction) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	t, derr := do(s.teams(), c.UserContext(), sc, u, c.Params("slug"))
	if derr != nil {
		return s.teamAnswer(c, "", derr, nil)
	}
	s.flash(c, fmt.Sprintf(done, t.Name))
	if toTeam {
		return redirect(c, "/teams/"+t.Slug)
	}
	return redirect(c, "/teams")
}

// Admin: every team, with an inline edit of its details.

type adminTeamRow struct {
	T       team.Summary
	CSRF    string
	Message string
}

type adminTeamsView struct {
	page
	Rows []adminTeamRow
}

type adminTeamEdit struct {
	T         team.Summary
	Form      team.Form
	Errors    map[string]string
	CSRF      string
	Provinces []team.Province
}

type adminTeamEditPage struct {
	page
	Edit adminTeamEdit
}

// handleAdminTeams lists every team.
func (s *Server) handleAdminTeams(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	list, err := team.List(c.UserContext(), sc)
	if err != nil {
		return err
	}
	v := adminTeamsView{page: s.pageFor(c, "Teams")}
	for _, t := range list {
		v.Rows = append(v.Rows, adminTeamRow{T: t, CSRF: v.CSRF})
	}
	return s.render(c, fiber.StatusOK, "teams/admin", v)
}

// adminTeamEditAnswer renders the edit form: the row's form for htmx, a
// page otherwise.
func (s *Server) adminTeamEditAnswer(c *fiber.Ctx, status int, v adminTeamEdit) error {
	v.CSRF, _ = c.Locals(localCSRF).(string)
	v.Provinces = team.Provinces
	if isHTMX(c) {
		return s.render(c, status, "teams/_admin_edit", v)
	}
	return s.render(c, status, "teams/admin_edit", adminTeamEditPage{page: s.pageFor(c, "Edit "+v.T.Name), Edit: v})
}

// handleAdminTeamEdit returns the edit form of a team.
func (s *Server) handleAdminTeamEdit(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	t, err := team.SummaryOf(c.UserContext(), sc, c.Params("slug"))
	if err != nil {
		return err
	}
	return s.adminTeamEditAnswer(c, fiber.StatusOK, adminTeamEdit{T: t, Form: t.Form()})
}

// handleAdminTeamSave saves an admin's edit (audited).
func (s *Server) handleAdminTeamSave(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	slug, f := c.Params("slug"), teamForm(c)
	_, uerr := s.teams().Update(c.UserContext(), sc, actor(c), slug, f)
	if fields := apperr.FieldsOf(uerr); fields != nil {
		t, err := team.SummaryOf(c.UserContext(), sc, slug)
		if err != nil {
			return err
		}
		return s.adminTeamEditAnswer(c, fiber.StatusUnprocessableEntity, adminTeamEdit{T: t, Form: f, Errors: fields})
	}
	if uerr != nil {
		return uerr
	}
	t, err := team.SummaryOf(c.UserContext(), sc, slug)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		s.flash(c, t.Name+": "+teamMessages.saved)
		return redirect(c, "/admin/teams")
	}
	row := adminTeamRow{T: t, Message: teamMessages.saved}
	row.CSRF, _ = c.Locals(localCSRF).(string)
	return s.render(c, fiber.StatusOK, "teams/_admin_row", row)
}
