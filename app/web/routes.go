package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/tenant"
)

// access says who may use a route. The checks in mount and the
// authorization matrix test are both driven by it.
type access int

const (
	public     access = iota // anyone, signed in or not
	member                   // a signed-in user of this organization
	orgAdmin                 // an admin of this organization
	superAdmin               // a signed-in super-admin (platform host only)
)

func (a access) String() string {
	return [...]string{"public", "member", "admin", "superadmin"}[a]
}

// route is one row of the route table.
type route struct {
	method string
	path   string
	host   tenant.HostKind // which host serves it: an org's or the platform's
	access access
	limit  bool // rate-limited per org, route and client (sign-in, reset, sign-up)
	handle fiber.Handler
}

const (
	get  = fiber.MethodGet
	post = fiber.MethodPost
	org  = tenant.HostOrg
	plat = tenant.HostPlatform
)

// routes is the route table: every page and action the application serves,
// on which host, and to whom. Read it top to bottom. (One path is outside
// it: GET /tls/ask, Caddy's certificate check, answered on any Host but only
// to loopback and trusted proxies; see New and domains.go.)
func (s *Server) routes() []route {
	return []route{
		// Organization host: <slug>.<base>
		{get, "/", org, public, false, s.handleOrgHome},
		{get, "/brand.css", org, public, false, s.handleBrandCSS},
		{get, "/login", org, public, false, s.handleLoginForm},
		{post, "/login", org, public, true, s.handleLogin},
		{post, "/logout", org, member, false, s.handleLogout},
		{get, "/signup", org, public, false, s.handleSignupForm},
		{post, "/signup", org, public, true, s.handleSignup},
		{get, "/password/forgot", org, public, false, s.handleForgotForm},
		{post, "/password/forgot", org, public, true, s.handleForgot},
		{get, "/password/reset", org, public, false, s.handleResetForm},
		{post, "/password/reset", org, public, true, s.handleReset},
		{get, "/invite", org, public, false, s.handleInviteForm},
		{post, "/invite", org, public, true, s.handleInviteAccept},
		{get, "/profile", org, member, false, s.handleProfile},
		{post, "/profile", org, member, false, s.handleProfileSave},
		{post, "/profile/password", org, member, false, s.handlePasswordChange},
		{get, "/profile/details", org, member, false, s.handleProfileDetails},
		{post, "/profile/details", org, member, false, s.handleProfileDetailsSave},
		{get, "/profile/export", org, member, true, s.handleProfileExport},
		{get, "/profile/delete", org, member, false, s.handleProfileDeleteForm},
		{post, "/profile/delete", org, member, true, s.handleProfileDelete},
		{get, "/membership", org, member, false, s.handleMembership},
		{post, "/membership", org, member, false, s.handleMembershipBuy},
		{get, "/events", org, member, false, s.handleEvents},
		{get, "/events/:id", org, member, false, s.handleEvent},
		{post, "/events/:id/register", org, member, false, s.handleEventRegister},
		{post, "/events/:id/unregister", org, member, false, s.handleEventWithdraw},
		{get, "/teams", org, member, false, s.handleTeams},
		{post, "/teams", org, member, false, s.handleTeamCreate},
		{get, "/teams/:slug", org, member, false, s.handleTeam},
		{post, "/teams/:slug/invite", org, member, false, s.handleTeamInvite},
		{post, "/teams/:slug/members/:id/remove", org, member, false, s.handleTeamRemove},
		{post, "/teams/:slug/members/:id/captain", org, member, false, s.handleTeamCaptain},
		{post, "/teams/:slug/accept", org, member, false, s.handleTeamAccept},
		{post, "/teams/:slug/decline", org, member, false, s.handleTeamDecline},
		{post, "/teams/:slug/leave", org, member, false, s.handleTeamLeave},

		// Organization admin area
		{get, "/admin", org, orgAdmin, false, s.handleAdminDashboard},
		{get, "/admin/members", org, orgAdmin, false, s.handleMembers},
		{get, "/admin/members.csv", org, orgAdmin, false, s.handleMembersCSV},
		{get, "/admin/members/:id", org, orgAdmin, false, s.handleMemberDetail},
		{post, "/admin/members/:id/role", org, orgAdmin, false, s.handleMemberRole},
		{post, "/admin/members/:id/status", org, orgAdmin, false, s.handleMemberStatus},
		{post, "/admin/members/:id/erase", org, orgAdmin, false, s.handleMemberErase},
		{get, "/admin/export", org, orgAdmin, false, s.handleAdminExportPage},
		{get, "/admin/export.zip", org, orgAdmin, true, s.handleAdminExport},
		{get, "/admin/invitations", org, orgAdmin, false, s.handleInvitations},
		{post, "/admin/invitations", org, orgAdmin, false, s.handleInvitationCreate},
		{post, "/admin/invitations/:id/revoke", org, orgAdmin, false, s.handleInvitationRevoke},
		{get, "/admin/payments", org, orgAdmin, false, s.handlePayments},
		{get, "/admin/payments/history", org, orgAdmin, false, s.handlePaymentsHistory},
		{post, "/admin/payments/:id/confirm", org, orgAdmin, false, s.handlePaymentConfirm},
		{post, "/admin/payments/:id/reject", org, orgAdmin, false, s.handlePaymentReject},
		{get, "/admin/analytics", org, orgAdmin, false, s.handleOrgAnalytics},
		{get, "/admin/analytics.csv", org, orgAdmin, false, s.handleOrgAnalyticsCSV},
		{get, "/admin/teams", org, orgAdmin, false, s.handleAdminTeams},
		{get, "/admin/teams/:slug/edit", org, orgAdmin, false, s.handleAdminTeamEdit},
		{post, "/admin/teams/:slug", org, orgAdmin, false, s.handleAdminTeamSave},
		{get, "/admin/events", org, orgAdmin, false, s.handleAdminEvents},
		{post, "/admin/events", org, orgAdmin, false, s.handleAdminEventCreate},
		{get, "/admin/events/:id", org, orgAdmin, false, s.handleAdminEvent},
		{get, "/admin/events/:id/edit", org, orgAdmin, false, s.handleAdminEventEdit},
		{post, "/admin/events/:id", org, orgAdmin, false, s.handleAdminEventSave},
		{post, "/admin/events/:id/cancel", org, orgAdmin, false, s.handleAdminEventCancel},
		{post, "/admin/events/:id/delete", org, orgAdmin, false, s.handleAdminEventDelete},
		{post, "/admin/events/:id/registrations/:rid/confirm", org, orgAdmin, false, s.handleAdminEventConfirm},
		{get, "/admin/events/:id/participants.csv", org, orgAdmin, false, s.handleAdminEventCSV},
		{get, "/admin/settings", org, orgAdmin, false, s.handleSettingsEdit},
		{post, "/admin/settings", org, orgAdmin, false, s.handleSettingsSave},
		{post, "/admin/settings/validate/:field", org, orgAdmin, false, s.handleSettingsValidate},
		{get, "/admin/settings/history", org, orgAdmin, false, s.handleSettingsHistory},
		{get, "/admin/settings/history/:version", org, orgAdmin, false, s.handleSettingsVersion},
		{post, "/admin/membership-types", org, orgAdmin, false, s.handleTypeCreate},
		{get, "/admin/membership-types/:id", org, orgAdmin, false, s.handleTypeRow},
		{get, "/admin/membership-types/:id/edit", org, orgAdmin, false, s.handleTypeEdit},
		{post, "/admin/membership-types/:id", org, orgAdmin, false, s.handleTypeSave},
		{post, "/admin/membership-types/:id/archive", org, orgAdmin, false, s.handleTypeArchive},
		{post, "/admin/membership-types/:id/restore", org, orgAdmin, false, s.handleTypeRestore},
		{get, "/admin/domains", org, orgAdmin, false, s.handleDomains},
		{post, "/admin/domains", org, orgAdmin, false, s.handleDomainAdd},
		{post, "/admin/domains/:name/check", org, orgAdmin, false, s.handleDomainCheck},
		{post, "/admin/domains/:name/primary", org, orgAdmin, false, s.handleDomainPrimary},
		{post, "/admin/domains/:name/remove", org, orgAdmin, false, s.handleDomainRemove},

		// Platform host: admin.<base>
		{get, "/", plat, public, false, s.handlePlatformHome},
		{get, "/login", plat, public, false, s.handlePlatformLoginForm},
		{post, "/login", plat, public, true, s.handlePlatformLogin},
		{post, "/logout", plat, superAdmin, false, s.handlePlatformLogout},
		{get, "/console", plat, superAdmin, false, s.handleConsole},
		{get, "/console/system", plat, superAdmin, false, s.handleConsoleSystem},
		{get, "/analytics", plat, superAdmin, false, s.handlePlatformAnalytics},
		{get, "/analytics.csv", plat, superAdmin, false, s.handlePlatformAnalyticsCSV},
		{get, "/analytics/orgs/:slug", plat, superAdmin, false, s.handlePlatformAnalyticsOrg},
		{get, "/console/new", plat, superAdmin, false, s.handleWizard},
		{post, "/console/new/step", plat, superAdmin, false, s.handleWizardStep},
		{post, "/console/new/slug", plat, superAdmin, false, s.handleWizardSlug},
		{post, "/console/new", plat, superAdmin, false, s.handleWizardCreate},
		{get, "/console/orgs/:slug", plat, superAdmin, false, s.handleConsoleOrg},
		{post, "/console/orgs/:slug/suspend", plat, superAdmin, false, s.handleConsoleSuspend},
		{post, "/console/orgs/:slug/activate", plat, superAdmin, false, s.handleConsoleActivate},
		{get, "/console/orgs/:slug/export", plat, superAdmin, true, s.handleConsoleExport},
		{post, "/console/orgs/:slug/delete", plat, superAdmin, false, s.handleConsoleDelete},
		{post, "/console/orgs/:slug/delete/cancel", plat, superAdmin, false, s.handleConsoleDeleteCancel},
		{post, "/console/orgs/:slug/invitations/resend", plat, superAdmin, false, s.handleConsoleResend},
		{post, "/console/orgs/:slug/invitations/:id/revoke", plat, superAdmin, false, s.handleConsoleRevoke},
		{post, "/console/orgs/:slug/domains/:name/remove", plat, superAdmin, false, s.handleConsoleDomainRemove},
	}
}

// mount registers the route table. Routes for the same method and path on
// both hosts share one Fiber route that dispatches on the resolved host; a
// path that exists only on the other kind of host is a 404. Each handler is
// wrapped in its access check; rate-limited paths get the limiter first.
func (s *Server) mount(table []route) {
	type key struct{ method, path string }
	handlers := map[key]map[tenant.HostKind]fiber.Handler{}
	limited := map[key]bool{}
	var order []key
	for _, r := range table {
		k := key{r.method, r.path}
		if handlers[k] == nil {
			handlers[k] = map[tenant.HostKind]fiber.Handler{}
			order = append(order, k)
		}
		handlers[k][r.host] = s.authorize(r.access, r.handle)
		limited[k] = limited[k] || r.limit
	}
	for _, k := range order {
		byHost := handlers[k]
		stack := []fiber.Handler{func(c *fiber.Ctx) error {
			t, _ := targetOf(c)
			h, ok := byHost[t.Kind]
			if !ok {
				return fiber.ErrNotFound
			}
			return h(c)
		}}
		if limited[k] {
			stack = append([]fiber.Handler{s.rateLimit(k.path)}, stack...)
		}
		if s.metrics != nil {
			path := k.path
			stack = append([]fiber.Handler{func(c *fiber.Ctx) error {
				c.Locals(localRoute, path) // the pattern, for metrics
				return c.Next()
			}}, stack...)
		}
		if k.method == fiber.MethodGet {
			s.app.Get(k.path, stack...) // also answers HEAD
		} else {
			s.app.Add(k.method, k.path, stack...)
		}
	}
}

// errForbidden is the generic refusal: it does not say what exists.
var errForbidden = apperr.Errorf(apperr.Forbidden, "You do not have access to this page.")

// authorize wraps h in the check for a route's access level. Anonymous
// visitors of a protected page are sent to the sign-in page of the host they
// are on; a signed-in member on an admin page gets a generic 403.
func (s *Server) authorize(a access, h fiber.Handler) fiber.Handler {
	switch a {
	case member, orgAdmin:
		return func(c *fiber.Ctx) error {
			u, ok := currentUser(c)
			if !ok {
				return s.toLogin(c)
			}
			if a == orgAdmin && !u.IsAdmin() {
				return errForbidden
			}
			return h(c)
		}
	case superAdmin:
		return func(c *fiber.Ctx) error {
			if _, ok := currentAdmin(c); !ok {
				return s.toLogin(c)
			}
			return h(c)
		}
	}
	return h
}

// toLogin sends an anonymous visitor to the sign-in page, remembering where
// they were going (for GETs).
func (s *Server) toLogin(c *fiber.Ctx) error {
	target := "/login"
	if c.Method() == fiber.MethodGet {
		target += "?next=" + url.QueryEscape(c.OriginalURL())
	}
	return redirect(c, target)
}
