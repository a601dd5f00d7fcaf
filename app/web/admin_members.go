package web

import (
	"context"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/event"
	"sportsapp/app/onboarding"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

type adminDashboardView struct {
	page
	Members, Admins, Pending int64
	ActiveMembers            int64
	PendingPayments          int64
	Teams                    int64
	Upcoming                 []event.Event
	Recent                   []recentRegistration
	Audit                    []orgdb.AuditLog
	Checklist                onboarding.Checklist
	Charts                   dashboardCharts
}

// recentRegistration is one line of the dashboard's recent registrations.
type recentRegistration struct {
	MemberName, EventName, Status string
}

// dashboardFeed is how many recent registrations and audit entries the
// dashboard shows.
const dashboardFeed = 10

// handleAdminDashboard is the org admin's landing page. It reads the
// database three times: the figures with the charts' weekly data
// (AdminDashboard), the upcoming events (also the capacity chart) and the
// two feeds (AdminDashboardActivity); the settings come from their cache.
// The body, charts included, is the same for every admin of the
// organization and kept until its database changes (renderKept), so most
// views of the dashboard run none of them.
func (s *Server) handleAdminDashboard(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st, err := s.settings.Get(ctx, sc)
	if err != nil {
		return err
	}
	now := s.now()
	today := st.Today(now).Format(settings.DateLayout)
	p := s.pageFor(c, "Administration")
	k := pageKey{org: sc.Org.ID, name: "admin/dashboard", path: c.Path()}
	return s.renderKept(c, sc, k, today, p, func() (templ.Component, error) {
		v, err := s.dashboardOf(ctx, sc, st, p, now, today)
		return adminDashboard(v), err
	})
}

// dashboardOf reads the admin dashboard's figures, lists and charts.
func (s *Server) dashboardOf(ctx context.Context, sc *tenant.Scope, st settings.Settings, p page, now time.Time, today string) (adminDashboardView, error) {
	q := sc.Q()
	f, err := q.AdminDashboard(ctx, orgdb.AdminDashboardParams{Today: today, Now: now.UTC(), SeasonName: st.SeasonName})
	if err != nil {
		return adminDashboardView{}, err
	}
	v := adminDashboardView{
		page:    p,
		Members: f.Members, Admins: f.Admins, Pending: f.PendingInvitations,
		ActiveMembers: f.ActiveMemberships, PendingPayments: f.PendingPayments, Teams: f.Teams,
		Checklist: s.onboarding.ChecklistOf(sc.Org, onboarding.Facts{
			Admins: f.Admins, SettingsReviewed: f.SettingsSavedByMembers > 0, RegistrationOpen: st.RegistrationOpen,
		}),
	}
	if v.Upcoming, err = event.Upcoming(ctx, sc, today, 5); err != nil {
		return v, err
	}
	weekly, err := weeklyChartsOf(st, now, f.MembershipSlots, f.RevenueSlots)
	if err != nil {
		return v, err
	}
	v.Charts = dashboardCharts{weeklyCharts: weekly, Capacity: capacityOf(v.Upcoming)}
	feed, err := q.AdminDashboardActivity(ctx, dashboardFeed)
	if err != nil {
		return v, err
	}
	for _, r := range feed {
		switch r.Kind {
		case "registration":
			v.Recent = append(v.Recent, recentRegistration{MemberName: r.Who, EventName: r.Subject, Status: r.What})
		case "audit":
			v.Audit = append(v.Audit, orgdb.AuditLog{ID: r.ID, At: r.At, Actor: r.Who, Action: r.What, Subject: r.Subject, Detail: r.Detail, Ip: r.Ip})
		}
	}
	return v, nil
}

type memberRowView struct {
	User   account.User
	Season seasonStatus // the membership held for the current season
	CSRF   string
	Self   bool
	Error  string
	Saved  string
}

type membersListView struct {
	account.MemberPage
	Rows       []memberRowView
	Prev, Next int
	SeasonName string // the current season, whose membership each row shows
}

type membersView struct {
	page
	List membersListView
}

// handleMembers lists members, searchable and paginated. htmx requests (the
// search box, the pager) get only the list partial.
func (s *Server) handleMembers(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	p, err := account.ListMembers(c.UserContext(), sc, c.Query("q"), c.QueryInt("page", 1))
	if err != nil {
		return err
	}
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return err
	}
	ids := make([]int64, len(p.Users))
	for i, u := range p.Users {
		ids[i] = u.ID
	}
	seasons, err := memberSeasons(c.UserContext(), sc, st.SeasonName, ids)
	if err != nil {
		return err
	}
	pg := s.pageFor(c, "Members")
	list := membersListView{MemberPage: p, Prev: p.Page - 1, Next: p.Page + 1, SeasonName: st.SeasonName}
	me, _ := currentUser(c)
	for _, u := range p.Users {
		list.Rows = append(list.Rows, memberRowView{User: u, Season: seasons[u.ID], CSRF: pg.CSRF, Self: u.ID == me.ID})
	}
	if isHTMX(c) {
		return s.render(c, fiber.StatusOK, "admin/_members", list)
	}
	return s.render(c, fiber.StatusOK, "admin/members", membersView{page: pg, List: list})
}

// memberID reads the :id route parameter.
func memberID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Errorf(apperr.NotFound, "No such member.")
	}
	return id, nil
}

// handleMemberRole changes a member's role.
func (s *Server) handleMemberRole(c *fiber.Ctx) error {
	if !confirmed(c) {
		return s.confirmRole(c)
	}
	return s.changeMember(c, "Role saved.", func(sc *tenant.Scope, id int64) (account.User, error) {
		role, ok := account.ParseRole(c.FormValue("role"))
		if !ok {
			return account.User{}, apperr.Errorf(apperr.Invalid, "Choose a role: member or admin.")
		}
		return s.accounts.SetRole(c.UserContext(), sc, actor(c), id, role)
	})
}

// handleMemberStatus disables or re-enables an account.
func (s *Server) handleMemberStatus(c *fiber.Ctx) error {
	return s.changeMember(c, "Status saved.", func(sc *tenant.Scope, id int64) (account.User, error) {
		status := account.Status(c.FormValue("status"))
		return s.accounts.SetStatus(c.UserContext(), sc, actor(c), id, status)
	})
}

// changeMember runs one change on a member row: htmx gets the updated row
// (with the refusal in it when the change is not allowed), a plain form a
// redirect back to the list with a flash message.
func (s *Server) changeMember(c *fiber.Ctx, saved string, change func(*tenant.Scope, int64) (account.User, error)) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := memberID(c)
	if err != nil {
		return err
	}
	u, err := change(sc, id)
	code := apperr.CodeOf(err)
	if err != nil && code != apperr.Conflict && code != apperr.Invalid && code != apperr.Forbidden {
		return err
	}
	if !isHTMX(c) {
		if err != nil {
			return err
		}
		s.flash(c, u.Name+": "+saved)
		return redirect(c, "/admin/members")
	}
	csrfToken, _ := c.Locals(localCSRF).(string)
	st, serr := s.settings.Get(c.UserContext(), sc)
	if serr != nil {
		return serr
	}
	seasons, serr := memberSeasons(c.UserContext(), sc, st.SeasonName, []int64{id})
	if serr != nil {
		return serr
	}
	if err == nil {
		return s.render(c, fiber.StatusOK, "admin/_member_row", memberRowView{User: u, Season: seasons[id], CSRF: csrfToken, Saved: saved})
	}
	current, lerr := account.UserByID(c.UserContext(), sc, id)
	if lerr != nil {
		return lerr
	}
	me, _ := currentUser(c)
	return s.render(c, fiber.StatusUnprocessableEntity, "admin/_member_row", memberRowView{
		User: current, Season: seasons[id], CSRF: csrfToken, Self: current.ID == me.ID, Error: apperr.MessageOf(err),
	})
}

func (v adminDashboardView) body() templ.Component { return adminDashboard(v) }
