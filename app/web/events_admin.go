package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/event"
	"sportsapp/app/mail"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// Events after their creation: the member's page of one event (and
// withdrawing a pending registration), and the admin's edit, cancel and
// delete. Cancel and delete are confirmed first (confirm.go), naming the
// event; the people registered for a cancelled event are told by mail.

// orgLocation is the organization's time zone.
func (s *Server) orgLocation(c *fiber.Ctx, sc *tenant.Scope) (*time.Location, error) {
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return nil, err
	}
	return st.Location(), nil
}

// myRegistrations are u's registrations for events not over, by event.
func (s *Server) myRegistrations(c *fiber.Ctx, sc *tenant.Scope, userID int64) (map[int64]event.Registration, error) {
	today, err := s.today(c, sc)
	if err != nil {
		return nil, err
	}
	regs, err := event.ForUser(c.UserContext(), sc, userID, today)
	if err != nil {
		return nil, err
	}
	mine := map[int64]event.Registration{}
	for _, r := range regs {
		mine[r.EventID] = r
	}
	return mine, nil
}

type eventView struct {
	page
	Card  eventCard
	Loc   *time.Location
	Mine  []event.Registration // the member's registrations for this event (themselves, their teams)
	Email string               // the organization's contact address
}

// eventCardFor builds the member's card of event id.
func (s *Server) eventCardFor(c *fiber.Ctx, sc *tenant.Scope, id int64) (eventCard, map[int64]event.Registration, error) {
	e, err := event.Get(c.UserContext(), sc, id)
	if err != nil {
		return eventCard{}, nil, err
	}
	u, _ := currentUser(c)
	mine, err := s.myRegistrations(c, sc, u.ID)
	if err != nil {
		return eventCard{}, nil, err
	}
	teams, err := captained(c, sc)
	if err != nil {
		return eventCard{}, nil, err
	}
	member, err := s.events.HasActiveMembership(c.UserContext(), sc, u.ID)
	if err != nil {
		return eventCard{}, nil, err
	}
	return s.card(c, e, mine, teams, member), mine, nil
}

// handleEvent is the member's page of one event: what, where, when, the
// fees, the registration window and their own registration.
func (s *Server) handleEvent(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	card, _, err := s.eventCardFor(c, sc, id)
	if err != nil {
		return err
	}
	card.Detail = true
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return err
	}
	v := eventView{page: s.pageFor(c, card.Event.Name), Card: card, Loc: st.Location(), Email: st.ContactEmail}
	u, _ := currentUser(c)
	today := st.Today(s.now()).Format(settings.DateLayout)
	regs, err := event.ForUser(c.UserContext(), sc, u.ID, today)
	if err != nil {
		return err
	}
	for _, r := range regs {
		if r.EventID == id {
			v.Mine = append(v.Mine, r)
		}
	}
	return s.render(c, fiber.StatusOK, "events/show", v)
}

// handleEventWithdraw withdraws the member's own pending registration.
func (s *Server) handleEventWithdraw(c *fiber.Ctx) error {
	sc, e, err := eventOf(c)
	if err != nil {
		return err
	}
	id := e.ID
	u, _ := currentUser(c)
	werr := s.events.Withdraw(c.UserContext(), sc, actor(c), u, id)
	if werr != nil && apperr.CodeOf(werr) != apperr.Conflict {
		return werr
	}
	back := "/events"
	if c.FormValue("detail") != "" {
		back = "/events/" + strconv.FormatInt(id, 10)
	}
	if !isHTMX(c) {
		if werr != nil {
			return werr
		}
		s.flash(c, "Your registration for "+e.Name+" was withdrawn.")
		return redirect(c, back)
	}
	card, _, err := s.eventCardFor(c, sc, id)
	if err != nil {
		return err
	}
	card.Detail = c.FormValue("detail") != ""
	status := fiber.StatusOK
	if werr != nil {
		card.Error, status = apperr.MessageOf(werr), fiber.StatusConflict
	} else {
		card.Message = "Your registration for " + e.Name + " was withdrawn."
	}
	return s.render(c, status, "events/_card", card)
}

// eventOf returns the request's organization and the event its :id names
// (404 if there is none).
func eventOf(c *fiber.Ctx) (*tenant.Scope, event.Event, error) {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return nil, event.Event{}, err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return nil, event.Event{}, err
	}
	e, err := event.Get(c.UserContext(), sc, id)
	return sc, e, err
}

type eventEditView struct {
	page
	Event    event.Event
	Form     event.Form
	Errors   map[string]string
	Kinds    []string
	Currency string
}

// handleAdminEventEdit is the form to change an event.
func (s *Server) handleAdminEventEdit(c *fiber.Ctx) error {
	sc, e, err := eventOf(c)
	if err != nil {
		return err
	}
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return err
	}
	if e.Cancelled {
		return apperr.Errorf(apperr.Conflict, "%s was cancelled: it can no longer be changed.", e.Name)
	}
	v := eventEditView{page: s.pageFor(c, "Change "+e.Name), Event: e, Form: event.FormOf(e, st.Location()), Kinds: event.Kinds, Currency: e.Currency}
	return s.render(c, fiber.StatusOK, "events/edit", v)
}

// handleAdminEventSave saves an event's changes.
func (s *Server) handleAdminEventSave(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := eventFormOf(c)
	e, uerr := s.events.Update(c.UserContext(), sc, actor(c), id, f)
	fields := apperr.FieldsOf(uerr)
	if uerr != nil && fields == nil {
		return uerr
	}
	if uerr == nil {
		s.flash(c, "Saved the changes to "+e.Name+".")
		return redirect(c, "/admin/events/"+strconv.FormatInt(id, 10))
	}
	cur, err := event.Get(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	v := eventEditView{page: s.pageFor(c, "Change "+cur.Name), Event: cur, Form: f, Errors: fields, Kinds: event.Kinds, Currency: cur.Currency}
	if isHTMX(c) {
		return s.render(c, fiber.StatusUnprocessableEntity, "events/_edit_form", v)
	}
	return s.render(c, fiber.StatusUnprocessableEntity, "events/edit", v)
}

// eventFormOf reads an event form.
func eventFormOf(c *fiber.Ctx) event.Form {
	return event.Form{Name: c.FormValue("name"), Kind: c.FormValue("kind"), StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on"),
		Venue: c.FormValue("venue"), OpensOn: c.FormValue("opens_on"), ClosesOn: c.FormValue("closes_on"), Capacity: c.FormValue("capacity"),
		TeamFee: c.FormValue("team_fee"), IndividualFee: c.FormValue("individual_fee")}
}

// handleAdminEventCancel cancels an event, once confirmed, and tells the
// people registered by mail.
func (s *Server) handleAdminEventCancel(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if !confirmed(c) {
		e, err := event.Get(c.UserContext(), sc, id)
		if err != nil {
			return err
		}
		return s.askConfirmation(c, confirmation{
			Question: "Cancel " + e.Name + "?",
			Detail: fmt.Sprintf("%s (%s) will be marked cancelled and closed to registration. The %d people registered are told by email. This cannot be undone.",
				e.Name, e.Dates(), e.Taken),
			Button: "Cancel " + e.Name, Cancel: "/admin/events/" + strconv.FormatInt(id, 10),
		})
	}
	e, people, err := s.events.Cancel(c.UserContext(), sc, actor(c), id)
	if err != nil {
		return err
	}
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return err
	}
	s.mailCancellation(c.UserContext(), sc.Org, st, e, people)
	msg := "Cancelled " + e.Name + "."
	switch len(people) {
	case 0:
	case 1:
		msg += " The person registered was told by email."
	default:
		msg += fmt.Sprintf(" The %d people registered were told by email.", len(people))
	}
	s.flash(c, msg)
	return redirect(c, "/admin/events/"+strconv.FormatInt(id, 10))
}

// mailCancellation tells each person registered for e that it was
// cancelled, through the outbox (a failure is logged, not returned: the
// cancellation stands and the admins can tell them otherwise).
func (s *Server) mailCancellation(ctx context.Context, org tenant.Org, st settings.Settings, e event.Event, people []event.Person) {
	link := s.accounts.Links.Org(org.Slug) + "/events/" + strconv.FormatInt(e.ID, 10)
	contact := ""
	if st.ContactEmail != "" {
		contact = " Questions: write to " + st.ContactEmail + "."
	}
	where := ""
	if e.Venue != "" {
		where = ", " + e.Venue
	}
	for _, p := range people {
		greeting := "Hello"
		if p.Name != "" {
			greeting += " " + p.Name
		}
		msg := mail.Message{
			To: p.Email, FromName: org.Name,
			Subject: e.Name + " is cancelled",
			Text: fmt.Sprintf("%s,\n\n%s has cancelled %s (%s%s), which you registered for.\n\nIf you paid for your registration, %s will be in touch about a refund.%s\n\n%s\n",
				greeting, org.Name, e.Name, e.Dates(), where, org.Name, contact, link),
		}
		if err := s.accounts.Mail.Send(ctx, msg); err != nil {
			s.log.Error("send event cancellation", "org", org.Slug, "event", e.ID, "to", p.Email, "err", err)
		}
	}
}

// handleAdminEventDelete deletes an event nobody registered for, once
// confirmed; one with registrations is refused (cancel it instead).
func (s *Server) handleAdminEventDelete(c *fiber.Ctx) error {
	sc, e, err := eventOf(c)
	if err != nil {
		return err
	}
	id := e.ID
	if !confirmed(c) {
		if has, err := event.HasRegistrations(c.UserContext(), sc, id); err != nil || has {
			return s.eventDeleteRefused(c, sc, e, err)
		}
		return s.askConfirmation(c, confirmation{
			Question: "Delete " + e.Name + "?",
			Detail:   e.Name + " (" + e.Dates() + ") is removed for good. Nobody has registered for it.",
			Button:   "Delete " + e.Name, Cancel: "/admin/events/" + strconv.FormatInt(id, 10),
		})
	}
	if _, derr := s.events.Delete(c.UserContext(), sc, actor(c), id); derr != nil {
		return s.eventDeleteRefused(c, sc, e, derr)
	}
	s.flash(c, "Deleted "+e.Name+".")
	return redirect(c, "/admin/events")
}

// eventDeleteRefused answers a refused deletion: next to the buttons for
// htmx, as an error page otherwise.
func (s *Server) eventDeleteRefused(c *fiber.Ctx, sc *tenant.Scope, e event.Event, err error) error {
	if err == nil {
		err = apperr.Errorf(apperr.Conflict, "%s has registrations, so it cannot be deleted: cancel it instead, and the people registered are told.", e.Name)
	}
	if apperr.CodeOf(err) != apperr.Conflict || !isHTMX(c) {
		return err
	}
	a := eventActions{Event: e, Error: apperr.MessageOf(err)}
	a.CSRF, _ = c.Locals(localCSRF).(string)
	return s.render(c, fiber.StatusConflict, "events/_admin_actions", a)
}

// eventActions are the admin's buttons for one event.
type eventActions struct {
	Event     event.Event
	CSRF      string
	CanDelete bool // nobody ever registered
	Error     string
}

// eventFacts are an event's particulars for the admin's page.
func eventFacts(e event.Event, loc *time.Location) [][2]string {
	venue := e.Venue
	if strings.TrimSpace(venue) == "" {
		venue = "Not set"
	}
	return [][2]string{
		{"Dates", e.Dates()},
		{"Venue", venue},
		{"Registration", e.OpensText(loc) + " to " + e.LastDayText(loc) + " (last day)"},
		{"Fees", e.IndividualFee() + " each, " + e.TeamFee() + " a team"},
		{"Places", fmt.Sprintf("%d of %d taken", e.Taken, e.Capacity)},
	}
}
