package web

import (
	"bytes"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/event"
	"sportsapp/app/settings"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

type eventCard struct {
	Event          event.Event
	CSRF           string
	CanRegister    bool
	Note           string
	Message, Error string
	Teams          []team.Place // teams the member captains, to register
	Member         bool         // holds an active membership
	Withdrawable   bool         // the member's own registration is pending: they can withdraw it
	Registered     bool         // the member registered themselves (a captain may still register a team)
	Detail         bool         // shown on the event's own page (no link to it)
}

type eventsView struct {
	page
	Cards         []eventCard
	Registrations []event.Registration
}

// today is the current day in the organization's time zone.
func (s *Server) today(c *fiber.Ctx, sc *tenant.Scope) (string, error) {
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return "", err
	}
	return st.Today(s.now()).Format(settings.DateLayout), nil
}

// captained lists the teams u captains.
func captained(c *fiber.Ctx, sc *tenant.Scope) ([]team.Place, error) {
	u, _ := currentUser(c)
	places, err := team.Mine(c.UserContext(), sc, u.ID)
	if err != nil {
		return nil, err
	}
	var out []team.Place
	for _, p := range places {
		if p.Role == team.RoleCaptain && p.Status == team.StatusActive {
			out = append(out, p)
		}
	}
	return out, nil
}

// card describes an event for the signed-in member; mine holds the
// member's registrations by event.
func (s *Server) card(c *fiber.Ctx, e event.Event, mine map[int64]event.Registration, teams []team.Place, member bool) eventCard {
	card := eventCard{Event: e, Teams: teams, Member: member}
	card.CSRF, _ = c.Locals(localCSRF).(string)
	loc := time.UTC
	if sc, err := tenant.From(c.UserContext()); err == nil {
		if st, err := s.settings.Get(c.UserContext(), sc); err == nil {
			loc = st.Location()
		}
	}
	now := s.now()
	reg, registered := mine[e.ID]
	card.Registered = registered && reg.Kind == "individual"
	card.Withdrawable = card.Registered && reg.Status == "pending" && !e.Cancelled
	switch {
	case e.Cancelled:
		card.Note = "This event was cancelled."
	case registered && len(teams) == 0:
		card.Note = "You are registered."
	case now.Before(e.OpensAt):
		card.Note = "Registration opens " + e.OpensText(loc) + "."
	case !e.Open(now):
		card.Note = "Registration closed on " + e.LastDayText(loc) + "."
	case !card.Member && len(teams) == 0:
		card.Note = "Registration is open until " + e.LastDay(loc) + " (last day) for members with an active membership."
	case e.Left() == 0:
		card.Note = "Full."
	case card.Registered:
		card.CanRegister = true
		card.Note = "You are registered. Registration for teams is open until " + e.LastDay(loc) + " (last day)."
	default:
		card.CanRegister = true
		card.Note = "Registration is open until " + e.LastDay(loc) + " (last day)."
	}
	return card
}

// handleEvents lists upcoming events and the member's registrations.
func (s *Server) handleEvents(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	today, err := s.today(c, sc)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	v := eventsView{page: s.pageFor(c, "Events")}
	if v.Registrations, err = event.ForUser(c.UserContext(), sc, u.ID, today); err != nil {
		return err
	}
	mine := map[int64]event.Registration{}
	for _, r := range v.Registrations {
		mine[r.EventID] = r
	}
	events, err := event.Upcoming(c.UserContext(), sc, today, 50)
	if err != nil {
		return err
	}
	teams, err := captained(c, sc)
	if err != nil {
		return err
	}
	member, err := s.events.HasActiveMembership(c.UserContext(), sc, u.ID)
	if err != nil {
		return err
	}
	for _, e := range events {
		v.Cards = append(v.Cards, s.card(c, e, mine, teams, member))
	}
	return s.render(c, fiber.StatusOK, "events/index", v)
}

func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Errorf(apperr.NotFound, "Not found.")
	}
	return id, nil
}

// handleEventRegister registers the member for an event.
func (s *Server) handleEventRegister(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	var reg event.Registration
	var rerr error
	if teamID, _ := strconv.ParseInt(c.FormValue("team"), 10, 64); teamID > 0 {
		reg, rerr = s.events.RegisterTeam(c.UserContext(), sc, u, id, teamID)
	} else {
		reg, rerr = s.events.Register(c.UserContext(), sc, u, id)
	}
	code := apperr.CodeOf(rerr)
	if rerr != nil && code != apperr.Invalid && code != apperr.Conflict {
		return rerr
	}
	if !isHTMX(c) {
		if rerr != nil {
			return rerr
		}
		s.flash(c, "You are registered for "+reg.EventName+": pay "+reg.Fee()+" with the reference "+reg.Reference+".")
		if c.FormValue("detail") != "" {
			return redirect(c, "/events/"+strconv.FormatInt(id, 10))
		}
		return redirect(c, "/events")
	}
	e, err := event.Get(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	teams, err := captained(c, sc)
	if err != nil {
		return err
	}
	member, err := s.events.HasActiveMembership(c.UserContext(), sc, u.ID)
	if err != nil {
		return err
	}
	mine, err := s.myRegistrations(c, sc, u.ID)
	if err != nil {
		return err
	}
	card := s.card(c, e, mine, teams, member)
	card.Detail = c.FormValue("detail") != ""
	status := fiber.StatusOK
	if rerr != nil {
		card.Error, status = apperr.MessageOf(rerr), fiber.StatusUnprocessableEntity
		if code == apperr.Conflict {
			status = fiber.StatusConflict
		}
	} else {
		card.Message = "Registered: pay " + reg.Fee() + " with the reference " + reg.Reference + "; an admin confirms it."
	}
	return s.render(c, status, "events/_card", card)
}

type eventsAdminSection struct {
	CSRF     string
	Events   []event.Event
	Form     event.Form
	Errors   map[string]string
	Kinds    []string
	Currency string
	Loc      *time.Location // the organization's time zone, for the registration days
	Upcoming []event.Event  // not over yet, soonest first
	Past     []event.Event  // over (last day before today), latest first
	Message  string
}

type eventsAdminView struct {
	page
	Section eventsAdminSection
}

func (s *Server) eventsAdmin(c *fiber.Ctx, sc *tenant.Scope) (eventsAdminSection, error) {
	v := eventsAdminSection{Kinds: event.Kinds, Form: event.Form{Kind: "tournament", Capacity: "100", TeamFee: "0.00", IndividualFee: "0.00"}}
	v.CSRF, _ = c.Locals(localCSRF).(string)
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return v, err
	}
	v.Currency, v.Loc = st.Currency, st.Location()
	if v.Events, err = event.Upcoming(c.UserContext(), sc, "0000-00-00", 200); err != nil {
		return v, err
	}
	today := st.Today(s.now()).Format(settings.DateLayout)
	for _, e := range v.Events {
		if e.EndsOn < today {
			v.Past = append([]event.Event{e}, v.Past...)
		} else {
			v.Upcoming = append(v.Upcoming, e)
		}
	}
	return v, nil
}

// handleAdminEvents lists events and the form to create one.
func (s *Server) handleAdminEvents(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	v, err := s.eventsAdmin(c, sc)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "admin/events", eventsAdminView{page: s.pageFor(c, "Events"), Section: v})
}

// handleAdminEventCreate creates an event.
func (s *Server) handleAdminEventCreate(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	f := event.Form{Name: c.FormValue("name"), Kind: c.FormValue("kind"), StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on"),
		Venue: c.FormValue("venue"), OpensOn: c.FormValue("opens_on"), ClosesOn: c.FormValue("closes_on"), Capacity: c.FormValue("capacity"),
		TeamFee: c.FormValue("team_fee"), IndividualFee: c.FormValue("individual_fee")}
	e, cerr := s.events.Create(c.UserContext(), sc, actor(c), f)
	fields := apperr.FieldsOf(cerr)
	if cerr != nil && fields == nil {
		return cerr
	}
	if cerr == nil && !isHTMX(c) {
		s.flash(c, "Created "+e.Name+".")
		return redirect(c, "/admin/events")
	}
	v, err := s.eventsAdmin(c, sc)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if fields != nil {
		v.Form, v.Errors, status = f, fields, fiber.StatusUnprocessableEntity
	} else {
		v.Message = "Created " + e.Name + "."
	}
	if isHTMX(c) {
		return s.render(c, status, "admin/_events", v)
	}
	return s.render(c, status, "admin/events", eventsAdminView{page: s.pageFor(c, "Events"), Section: v})
}

type participantRow struct {
	R    event.Registration
	CSRF string
}

type eventAdminView struct {
	page
	Event   event.Event
	Loc     *time.Location // the organization's time zone
	Rows    []participantRow
	Facts   [][2]string // venue, fees, registration window...
	Actions eventActions
}

// handleAdminEvent shows an event's participants.
func (s *Server) handleAdminEvent(c *fiber.Ctx) error {
	sc, e, err := eventOf(c)
	if err != nil {
		return err
	}
	id := e.ID
	regs, err := event.Participants(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return err
	}
	v := eventAdminView{page: s.pageFor(c, e.Name), Event: e, Loc: st.Location(), Facts: eventFacts(e, st.Location())}
	v.Actions = eventActions{Event: e, CSRF: v.CSRF}
	has, err := event.HasRegistrations(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	v.Actions.CanDelete = !has
	for _, r := range regs {
		v.Rows = append(v.Rows, participantRow{R: r, CSRF: v.CSRF})
	}
	return s.render(c, fiber.StatusOK, "admin/event", v)
}

// handleAdminEventConfirm confirms a registration's payment.
func (s *Server) handleAdminEventConfirm(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	rid, err := idParam(c, "rid")
	if err != nil {
		return err
	}
	if err := s.events.Confirm(c.UserContext(), sc, actor(c), id, rid); err != nil {
		return err
	}
	if !isHTMX(c) {
		s.flash(c, "Registration confirmed.")
		return redirect(c, "/admin/events/"+c.Params("id"))
	}
	regs, err := event.Participants(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	row := participantRow{}
	row.CSRF, _ = c.Locals(localCSRF).(string)
	for _, r := range regs {
		if r.ID == rid {
			row.R = r
		}
	}
	return s.render(c, fiber.StatusOK, "admin/_participant_row", row)
}

// handleAdminEventCSV downloads an event's participants as CSV.
func (s *Server) handleAdminEventCSV(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := event.Get(c.UserContext(), sc, id); err != nil {
		return err
	}
	regs, err := event.Participants(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := event.WriteCSV(&buf, regs); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="event-`+c.Params("id")+`-participants.csv"`)
	return c.Send(buf.Bytes())
}
