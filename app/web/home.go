package web

import (
	"github.com/gofiber/fiber/v2"

	"sportsapp/app/event"
	"sportsapp/app/membership"
	"sportsapp/app/settings"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

type orgHomeView struct {
	page
	Org           tenant.Org
	Membership    *membership.Membership // the member's latest, if any
	SeasonName    string
	Registrations []event.Registration
	Upcoming      []event.Event
	Teams         []team.Place
}

// handleOrgHome is what a visitor sees first on an organization's host;
// for a signed-in member it is their home: membership status with the
// action to buy or renew it, and their upcoming registrations.
func (s *Server) handleOrgHome(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	v := orgHomeView{page: s.pageFor(c, "Welcome"), Org: sc.Org}
	u, ok := currentUser(c)
	if !ok {
		return s.render(c, fiber.StatusOK, "home/org", v)
	}
	ctx := c.UserContext()
	st, err := s.settings.Get(ctx, sc)
	if err != nil {
		return err
	}
	v.SeasonName = st.SeasonName
	ms, err := membership.Memberships(ctx, sc, u.ID)
	if err != nil {
		return err
	}
	if len(ms) > 0 {
		v.Membership = &ms[0]
	}
	today := st.Today(s.now()).Format(settings.DateLayout)
	if v.Registrations, err = event.ForUser(ctx, sc, u.ID, today); err != nil {
		return err
	}
	if v.Upcoming, err = event.Upcoming(ctx, sc, today, 3); err != nil {
		return err
	}
	if v.Teams, err = team.Mine(ctx, sc, u.ID); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "home/org", v)
}

type orgLink struct {
	Name string
	URL  string
}

type platformHomeView struct {
	page
	BaseDomain string
	Orgs       []orgLink
}

// handlePlatformHome is the platform host's front page.
func (s *Server) handlePlatformHome(c *fiber.Ctx) error {
	orgs, err := s.reg.List(c.UserContext())
	if err != nil {
		return err
	}
	v := platformHomeView{page: s.pageFor(c, "Sports registration platform"), BaseDomain: s.resolver.BaseDomain()}
	for _, o := range orgs {
		if o.Status == tenant.StatusActive {
			v.Orgs = append(v.Orgs, orgLink{Name: o.Name, URL: s.hostURL(c, o.Slug) + "/"})
		}
	}
	return s.render(c, fiber.StatusOK, "home/platform", v)
}
