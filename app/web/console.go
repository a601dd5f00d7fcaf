package web

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/offboard"
	"sportsapp/app/onboarding"
	"sportsapp/app/tenant"
)

// consolePageSize is how many organizations one console page lists; each
// row reads its organization's figures from its own database.
const consolePageSize = 50

type consoleRow struct {
	Name, Slug, Status, URL, Created string
	Members                          int64
	LastActivity, Replication        string
}

type consoleList struct {
	tenant.OrgPage
	Rows       []consoleRow
	Prev, Next int
}

type consoleView struct {
	page
	List consoleList
}

// orgFigures reads an organization's member count, admin count and last
// activity from its own database (aggregates only).
func (s *Server) orgFigures(ctx context.Context, o tenant.Org) (members, admins int64, last string) {
	h, err := s.pool.Acquire(ctx, o)
	if err != nil {
		return 0, 0, "unavailable"
	}
	defer h.Release()
	st, err := tenant.NewScope(h).Q().OrgStats(ctx)
	if err != nil {
		return 0, 0, "unavailable"
	}
	last = "none yet"
	if t, err := time.Parse("2006-01-02 15:04:05.999999999-07:00", st.LastSeen); err == nil {
		last = t.UTC().Format("2006-01-02 15:04") + " UTC"
	}
	return st.Members, st.Admins, last
}

// replicationState describes an organization's replication for people.
func (s *Server) replicationState(o tenant.Org) string {
	if s.onboarding == nil || s.onboarding.ReplicaStatus == nil {
		return "not configured"
	}
	path, err := s.reg.OrgPath(o.ID)
	if err != nil {
		return "unknown"
	}
	st := s.onboarding.ReplicaStatus(path)
	switch {
	case !st.Known:
		// Organizations are replicated while open (issue 12); a closed
		// one was shipped when it closed.
		return "idle: not open now; its changes were shipped when it closed, and it replicates again when opened"
	case st.Err != "":
		return "failing: " + st.Err
	case st.LastSync.IsZero():
		return "waiting for the first copy"
	case st.InSync:
		return "in sync, last copy " + st.LastSync.UTC().Format("2006-01-02 15:04:05") + " UTC"
	}
	return "catching up, last copy " + st.LastSync.UTC().Format("2006-01-02 15:04:05") + " UTC"
}

// handleConsole lists organizations for super-admins: searchable,
// paginated; htmx (search box, pager) gets the list partial.
func (s *Server) handleConsole(c *fiber.Ctx) error {
	p, err := s.reg.Search(c.UserContext(), c.Query("q"), c.QueryInt("page", 1), consolePageSize)
	if err != nil {
		return err
	}
	list := consoleList{OrgPage: p, Prev: p.Page - 1, Next: p.Page + 1}
	for _, o := range p.Orgs {
		members, _, last := s.orgFigures(c.UserContext(), o)
		list.Rows = append(list.Rows, consoleRow{
			Name: o.Name, Slug: o.Slug, Status: string(o.Status), URL: s.orgURL(c, o) + "/",
			Created: o.CreatedAt.Format("2006-01-02"), Members: members, LastActivity: last, Replication: s.replicationState(o),
		})
	}
	if isHTMX(c) {
		return s.render(c, fiber.StatusOK, "console/_orgs", list)
	}
	return s.render(c, fiber.StatusOK, "console/index", consoleView{page: s.pageFor(c, "Organizations"), List: list})
}

type invitationState struct {
	account.Invitation
	State string
}

type consoleOrgView struct {
	page
	Org                     tenant.Org
	URL                     string
	Members, Admins         int64
	LastActivity            string
	Replication             string
	Checklist               onboarding.Checklist
	Invitations             []invitationState
	Audit                   []platformdb.PlatformAudit
	ResendEmail, ResendName string
	Message, Link           string
	Domains                 []consoleDomain    // custom domains (domains.go)
	Deletion                *offboard.Deletion // a scheduled deletion (offboarding.go)
}

// consoleOrg loads the organization named by the :slug parameter.
func (s *Server) consoleOrg(c *fiber.Ctx) (tenant.Org, error) {
	return s.reg.BySlug(c.UserContext(), c.Params("slug"))
}

// orgPage fills the console's page about org.
func (s *Server) orgPage(c *fiber.Ctx, o tenant.Org) (consoleOrgView, error) {
	ctx := c.UserContext()
	v := consoleOrgView{page: s.pageFor(c, o.Name), Org: o, URL: s.orgURL(c, o) + "/", Replication: s.replicationState(o)}
	v.Members, v.Admins, v.LastActivity = s.orgFigures(ctx, o)
	h, err := s.pool.Acquire(ctx, o)
	if err != nil {
		return v, err
	}
	defer h.Release()
	sc := tenant.NewScope(h)
	if v.Checklist, err = s.onboarding.Checklist(ctx, sc, s.settings); err != nil {
		return v, err
	}
	invs, err := account.InvitationsByRole(ctx, sc, account.RoleAdmin, 10)
	if err != nil {
		return v, err
	}
	now := s.now()
	for _, inv := range invs {
		v.Invitations = append(v.Invitations, invitationState{Invitation: inv, State: inv.State(now)})
	}
	if len(invs) > 0 {
		v.ResendEmail, v.ResendName = invs[0].Email, invs[0].Name
	}
	if v.Domains, err = s.consoleDomains(c, o); err != nil {
		return v, err
	}
	if v.Deletion, err = s.orgDeletion(c, o); err != nil {
		return v, err
	}
	v.Audit, err = s.reg.AuditEntries(ctx, o, 20)
	return v, err
}

// handleConsoleOrg is the console's page about one organization.
func (s *Server) handleConsoleOrg(c *fiber.Ctx) error {
	o, err := s.consoleOrg(c)
	if err != nil {
		return err
	}
	v, err := s.orgPage(c, o)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "console/org", v)
}

// operator is the signed-in super-admin as audit logs name them.
func operator(c *fiber.Ctx) onboarding.Actor {
	a, _ := currentAdmin(c)
	return onboarding.Actor{Label: a.Email, IP: ipOf(c)}
}

// handleConsoleSuspend suspends an organization: its host shows the
// suspended page; data and replication are kept.
func (s *Server) handleConsoleSuspend(c *fiber.Ctx) error {
	if !confirmed(c) {
		o, err := s.consoleOrg(c)
		if err != nil {
			return err
		}
		return s.askConfirmation(c, confirmation{
			Question: "Suspend " + o.Name + "?",
			Detail:   "Its site at " + s.orgURL(c, o) + " goes offline at once: its members and admins see a page saying it is suspended until you activate it again. Its data is kept and replication continues.",
			Button:   "Suspend " + o.Name, Cancel: "/console/orgs/" + o.Slug,
		})
	}
	return s.setOrgStatus(c, tenant.StatusSuspended, "org.suspend", "suspended")
}

// handleConsoleActivate reactivates a suspended organization.
func (s *Server) handleConsoleActivate(c *fiber.Ctx) error {
	return s.setOrgStatus(c, tenant.StatusActive, "org.activate", "active again")
}

func (s *Server) setOrgStatus(c *fiber.Ctx, status tenant.Status, action, done string) error {
	o, err := s.consoleOrg(c)
	if err != nil {
		return err
	}
	if o, err = s.reg.SetStatus(c.UserContext(), o.Slug, status); err != nil {
		return err
	}
	by := operator(c)
	if err := s.reg.Audit(c.UserContext(), by.Label, action, o, "", by.IP); err != nil {
		return err
	}
	s.flash(c, o.Name+" is "+done+".")
	return redirect(c, "/console/orgs/"+o.Slug)
}

// handleConsoleResend sends a new first-admin invitation (the older open
// one to the same email is revoked). The org's own audit log records it as
// the super-admin's action.
func (s *Server) handleConsoleResend(c *fiber.Ctx) error {
	o, err := s.consoleOrg(c)
	if err != nil {
		return err
	}
	by := operator(c)
	var link string
	var inv account.Invitation
	h, err := s.pool.Acquire(c.UserContext(), o)
	if err != nil {
		return err
	}
	inv, link, err = s.accounts.Invite(c.UserContext(), tenant.NewScope(h), account.Actor{Label: "super-admin " + by.Label, IP: by.IP},
		c.FormValue("email"), c.FormValue("name"), account.RoleAdmin)
	h.Release()
	if err != nil {
		return err
	}
	if err := s.reg.Audit(c.UserContext(), by.Label, "invitation.resend", o, inv.Email, by.IP); err != nil {
		return err
	}
	v, err := s.orgPage(c, o)
	if err != nil {
		return err
	}
	v.Message = "A new invitation was sent to " + inv.Email + "."
	if !s.mailConfigured {
		v.Message = "A new invitation was created for " + inv.Email + "."
		v.Link = link
	}
	return s.render(c, fiber.StatusOK, "console/org", v)
}

// handleConsoleRevoke withdraws a pending admin invitation.
func (s *Server) handleConsoleRevoke(c *fiber.Ctx) error {
	o, err := s.consoleOrg(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return apperr.Errorf(apperr.NotFound, "No such invitation.")
	}
	by := operator(c)
	h, err := s.pool.Acquire(c.UserContext(), o)
	if err != nil {
		return err
	}
	err = s.accounts.RevokeInvitation(c.UserContext(), tenant.NewScope(h), account.Actor{Label: "super-admin " + by.Label, IP: by.IP}, id)
	h.Release()
	if err != nil {
		return err
	}
	if err := s.reg.Audit(c.UserContext(), by.Label, "invitation.revoke", o, "invitation "+strconv.FormatInt(id, 10), by.IP); err != nil {
		return err
	}
	s.flash(c, "The invitation is revoked.")
	return redirect(c, "/console/orgs/"+o.Slug)
}
