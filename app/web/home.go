package web

import (
	"github.com/gofiber/fiber/v2"

	"sportsapp/app/tenant"
)

type orgHomeView struct {
	page
	Org tenant.Org
}

// handleOrgHome is what a visitor sees first on an organization's host.
func (s *Server) handleOrgHome(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "home/org", orgHomeView{
		page: s.pageFor(c, "Welcome"),
		Org:  sc.Org,
	})
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
