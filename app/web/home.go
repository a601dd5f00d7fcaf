package web

import (
	"context"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sportsapp/app/db/orgdb"
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
	Registrations []homeEvent // the member's, for events not over
	Upcoming      []homeEvent // the next few events
	Teams         []team.Place
	Public        *publicHome // what an anonymous visitor sees
}

// publicHome is the organization's front page for visitors: the current
// season, what a membership costs, what is coming up and whom to write to.
type publicHome struct {
	SeasonName, SeasonDates string
	RegistrationOpen        bool
	Types                   []settings.MembershipType // active ones, with prices
	Currency                string
	Events                  []publicEvent
	Contact                 string
}

type publicEvent struct {
	Name, Kind, Dates, Venue, Registration string
}

// publicUpcoming is how many upcoming events the public home lists.
const publicUpcoming = 5

// publicHomeOf gathers the public home's content: the settings (from
// their cache), the active membership types and the next events. The page
// cache keeps the result until the organization's database changes.
func (s *Server) publicHomeOf(ctx context.Context, sc *tenant.Scope) (*publicHome, error) {
	st, err := s.settings.Get(ctx, sc)
	if err != nil {
		return nil, err
	}
	h := &publicHome{SeasonName: st.SeasonName, RegistrationOpen: st.RegistrationOpen, Currency: st.Currency, Contact: st.ContactEmail}
	if !st.SeasonStart.IsZero() && !st.SeasonEnd.IsZero() {
		h.SeasonDates = st.SeasonStart.Format(event.DayLayout) + " to " + st.SeasonEnd.Format(event.DayLayout)
	}
	if h.Types, err = settings.ActiveTypes(ctx, sc); err != nil {
		return nil, err
	}
	now := s.now()
	events, err := event.Public(ctx, sc, st.Today(now).Format(settings.DateLayout), publicUpcoming)
	if err != nil {
		return nil, err
	}
	loc := st.Location()
	for _, e := range events {
		pe := publicEvent{Name: e.Name, Kind: e.Kind, Dates: e.Dates(), Venue: e.Venue}
		switch {
		case now.Before(e.OpensAt):
			pe.Registration = "Registration opens " + e.OpensText(loc) + "."
		case e.Open(now):
			pe.Registration = "Registration is open until " + e.LastDayText(loc) + " (last day)."
		default:
			pe.Registration = "Registration is closed."
		}
		h.Events = append(h.Events, pe)
	}
	return h, nil
}

// homeEvent is an event as the member's home lists it.
type homeEvent struct {
	EventName, StartsOn, Status string
}

// homeUpcoming is how many upcoming events the member's home lists.
const homeUpcoming = 3

// handleOrgHome is what a visitor sees first on an organization's host
// (the same page for every anonymous visitor, from the page cache); for a
// signed-in member it is their home: membership status with the action to
// buy or renew it, and their upcoming registrations. It reads
// the database three times: the latest membership, the teams, and the
// registrations with the upcoming events (MemberHomeEvents); the settings
// come from their cache. The body is kept until the organization's
// database changes (renderKept).
func (s *Server) handleOrgHome(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	u, ok := currentUser(c)
	if !ok && s.cacheableAnonymous(c) {
		return s.renderPublic(c, sc, "home/org", func() (any, error) {
			v := orgHomeView{page: s.publicPage(c, "Welcome"), Org: sc.Org}
			var err error
			v.Public, err = s.publicHomeOf(c.UserContext(), sc)
			return v, err
		})
	}
	v := orgHomeView{page: s.pageFor(c, "Welcome"), Org: sc.Org}
	if !ok {
		if v.Public, err = s.publicHomeOf(c.UserContext(), sc); err != nil {
			return err
		}
		return s.render(c, fiber.StatusOK, "home/org", v)
	}
	ctx := c.UserContext()
	st, err := s.settings.Get(ctx, sc)
	if err != nil {
		return err
	}
	today := st.Today(s.now()).Format(settings.DateLayout)
	fill := func() (orgHomeView, error) {
		v.SeasonName = st.SeasonName
		if v.Membership, err = membership.Latest(ctx, sc, u.ID); err != nil {
			return v, err
		}
		events, err := sc.Q().MemberHomeEvents(ctx, orgdb.MemberHomeEventsParams{UserID: u.ID, Today: today, Upcoming: homeUpcoming})
		if err != nil {
			return v, err
		}
		for _, e := range events {
			he := homeEvent{EventName: e.EventName, StartsOn: e.StartsOn, Status: e.Status}
			if e.Kind == "registration" {
				v.Registrations = append(v.Registrations, he)
			} else {
				v.Upcoming = append(v.Upcoming, he)
			}
		}
		v.Teams, err = team.Mine(ctx, sc, u.ID)
		return v, err
	}
	if v.Flash != "" { // the body greets only without one: not kept
		if v, err = fill(); err != nil {
			return err
		}
		return s.render(c, fiber.StatusOK, "home/org", v)
	}
	k := pageKey{org: sc.Org.ID, name: "home/org", path: c.Path(), user: u.ID}
	return s.renderKept(c, sc, k, today, v.page, func() (templ.Component, error) {
		v, err := fill()
		return orgHome(v), err
	})
}

type platformHomeView struct {
	page
	BaseDomain string
}

// handlePlatformHome is the platform host's front page. It lists no
// organizations: which ones use the platform is not for anonymous visitors
// to browse; operators see them all in the console.
func (s *Server) handlePlatformHome(c *fiber.Ctx) error {
	v := platformHomeView{page: s.pageFor(c, "Sports registration platform"), BaseDomain: s.resolver.BaseDomain()}
	return s.render(c, fiber.StatusOK, "home/platform", v)
}

func (v orgHomeView) body() templ.Component { return orgHome(v) }
