// Package event runs an organization's events: admins create them with a
// registration window, a capacity and fees; members register (pending until
// an admin confirms the payment); capacity holds when registrations race,
// because each registration counts and inserts in one immediate
// transaction on the org's single writer.
package event

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/membership"
	"sportsapp/app/money"
	"sportsapp/app/settings"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

// Kinds of event.
var Kinds = []string{"tournament", "league", "camp", "clinic", "social"}

// Messages, in one place.
const (
	msgName       = "Enter the event's name (1 to 150 characters)."
	msgKind       = "Choose a type: tournament, league, camp, clinic or social."
	msgDate       = "Choose a date."
	msgEndOrder   = "The event must end on or after its first day."
	msgWindow     = "Choose the days registration opens and closes."
	msgWindowEnd  = "Registration must close on or after it opens, and before the event ends."
	msgCapacity   = "Enter a capacity between 1 and 10,000."
	msgFee        = "Enter a fee between 0.00 and 100,000.00."
	msgVenue      = "The venue can have at most 200 characters."
	msgNotOpen    = "Registration for this event is not open."
	msgFull       = "This event is full."
	msgRegistered = "You are already registered for this event."
	msgMember     = "Only members with an active membership can register."
	msgCaptain    = "Only a captain of the team can register it."
)

// Event is one event.
type Event struct {
	ID                 int64
	Name, Kind, Venue  string
	StartsOn, EndsOn   string // YYYY-MM-DD
	OpensAt, ClosesAt  time.Time
	Capacity           int64
	TeamFeeCents       int64
	IndividualFeeCents int64
	Currency           string
	Taken              int64 // registrations that are not cancelled
	Cancelled          bool  // cancelled by an admin: listed, but closed
}

// Open reports whether registration is open at now.
func (e Event) Open(now time.Time) bool {
	return !e.Cancelled && !now.Before(e.OpensAt) && now.Before(e.ClosesAt)
}

// OpensOn is the first day of registration, in the organization's time
// zone loc (UTC if nil), as the admin entered it.
func (e Event) OpensOn(loc *time.Location) string {
	return e.OpensAt.In(zone(loc)).Format(settings.DateLayout)
}

// LastDay is the last day of registration, in loc, as the admin entered
// it: ClosesAt is the exclusive instant that ends it (midnight after that
// day there), so the day shown is the one before, counted in calendar days
// so that a DST change in between does not move it.
func (e Event) LastDay(loc *time.Location) string {
	return e.ClosesAt.In(zone(loc)).AddDate(0, 0, -1).Format(settings.DateLayout)
}

func zone(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// Left is how many places remain.
func (e Event) Left() int64 { return max(e.Capacity-e.Taken, 0) }

// IndividualFee is the individual fee as text.
func (e Event) IndividualFee() string { return money.Format(e.IndividualFeeCents) + " " + e.Currency }

// TeamFee is the team fee as text.
func (e Event) TeamFee() string { return money.Format(e.TeamFeeCents) + " " + e.Currency }

func eventFrom(r orgdb.Event) Event {
	return Event{ID: r.ID, Name: r.Name, Kind: r.Kind, Venue: r.Venue, StartsOn: r.StartsOn, EndsOn: r.EndsOn,
		OpensAt: r.RegistrationOpensAt, ClosesAt: r.RegistrationClosesAt, Capacity: r.Capacity,
		TeamFeeCents: r.TeamFeeCents, IndividualFeeCents: r.IndividualFeeCents, Currency: r.Currency,
		Cancelled: r.CancelledAt.Valid}
}

// Form is an event as typed by an admin.
type Form struct {
	Name, Kind, StartsOn, EndsOn, Venue, OpensOn, ClosesOn, Capacity, TeamFee, IndividualFee string
}

// Service runs events.
type Service struct {
	Settings *settings.Service
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// parse validates an event form; the registration window's days are read in
// the organization's time zone (opening at the start of the first day,
// closing at the end of the last).
func parse(f Form, loc *time.Location) (Event, apperr.Fields) {
	errs := apperr.Fields{}
	e := Event{Name: strings.TrimSpace(f.Name), Kind: f.Kind, Venue: strings.TrimSpace(f.Venue)}
	if n := utf8.RuneCountInString(e.Name); n < 1 || n > 150 {
		errs["name"] = msgName
	}
	known := false
	for _, k := range Kinds {
		known = known || k == e.Kind
	}
	if !known {
		errs["kind"] = msgKind
	}
	if utf8.RuneCountInString(e.Venue) > 200 {
		errs["venue"] = msgVenue
	}
	start, err1 := time.Parse(settings.DateLayout, strings.TrimSpace(f.StartsOn))
	end, err2 := time.Parse(settings.DateLayout, strings.TrimSpace(f.EndsOn))
	switch {
	case err1 != nil:
		errs["starts_on"] = msgDate
	case err2 != nil:
		errs["ends_on"] = msgDate
	case end.Before(start):
		errs["ends_on"] = msgEndOrder
	}
	e.StartsOn, e.EndsOn = start.Format(settings.DateLayout), end.Format(settings.DateLayout)
	opens, err3 := time.ParseInLocation(settings.DateLayout, strings.TrimSpace(f.OpensOn), loc)
	closes, err4 := time.ParseInLocation(settings.DateLayout, strings.TrimSpace(f.ClosesOn), loc)
	if err3 != nil || err4 != nil {
		errs["closes_on"] = msgWindow
	} else {
		e.OpensAt, e.ClosesAt = opens.UTC(), closes.AddDate(0, 0, 1).UTC()
		if closes.Before(opens) || err2 == nil && closes.After(time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, loc)) {
			errs["closes_on"] = msgWindowEnd
		}
	}
	c, err := strconv.ParseInt(strings.TrimSpace(f.Capacity), 10, 64)
	if err != nil || c < 1 || c > 10000 {
		errs["capacity"] = msgCapacity
	}
	e.Capacity = c
	fee := func(field, v string) int64 {
		cents, err := money.Parse(v)
		if err != nil || cents > 10_000_000 {
			errs[field] = msgFee
		}
		return cents
	}
	e.TeamFeeCents, e.IndividualFeeCents = fee("team_fee", f.TeamFee), fee("individual_fee", f.IndividualFee)
	if len(errs) > 0 {
		return e, errs
	}
	return e, nil
}

// Create adds an event, priced in the organization's currency.
func (s *Service) Create(ctx context.Context, sc *tenant.Scope, by account.Actor, f Form) (Event, error) {
	st, err := s.Settings.Get(ctx, sc)
	if err != nil {
		return Event{}, err
	}
	e, errs := parse(f, st.Location())
	if errs != nil {
		return e, errs.Err()
	}
	var out Event
	err = sc.Tx(ctx, func(q *orgdb.Queries) error {
		now := s.now()
		r, err := q.EventCreate(ctx, orgdb.EventCreateParams{
			Name: e.Name, Kind: e.Kind, StartsOn: e.StartsOn, EndsOn: e.EndsOn, Venue: e.Venue,
			RegistrationOpensAt: e.OpensAt, RegistrationClosesAt: e.ClosesAt, Capacity: e.Capacity,
			TeamFeeCents: e.TeamFeeCents, IndividualFeeCents: e.IndividualFeeCents, Currency: st.Currency,
			CreatedAt: now, UpdatedAt: now,
		})
		if err != nil {
			return err
		}
		out = eventFrom(r)
		return account.Audit(ctx, q, now, by, "event.create", e.Name, fmt.Sprintf("%s to %s, capacity %d", e.StartsOn, e.EndsOn, e.Capacity))
	})
	return out, err
}

// Get returns one event with its places taken.
func Get(ctx context.Context, sc *tenant.Scope, id int64) (Event, error) {
	r, err := sc.Q().EventGet(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, apperr.Errorf(apperr.NotFound, "No such event.")
	}
	if err != nil {
		return Event{}, err
	}
	e := eventFrom(r)
	e.Taken, err = sc.Q().EventRegistrationCount(ctx, id)
	return e, err
}

// Upcoming lists events that have not ended, soonest first.
func Upcoming(ctx context.Context, sc *tenant.Scope, today string, limit int) ([]Event, error) {
	rows, err := sc.Q().EventListUpcoming(ctx, orgdb.EventListUpcomingParams{EndsOn: today, Limit: int64(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]Event, len(rows))
	for i, r := range rows {
		out[i] = eventFrom(r.Event)
		out[i].Taken = r.Taken
	}
	return out, nil
}

// Register registers u for event id (individually), within the
// registration window and the capacity, if u holds an active membership.
// The count and the insert are one immediate transaction, so concurrent
// registrations cannot overbook.
func (s *Service) Register(ctx context.Context, sc *tenant.Scope, u account.User, id int64) (Registration, error) {
	active, err := s.HasActiveMembership(ctx, sc, u.ID)
	if err != nil {
		return Registration{}, err
	}
	if !active {
		return Registration{}, apperr.Errorf(apperr.Invalid, msgMember)
	}
	return s.register(ctx, sc, u, id, sql.NullInt64{})
}

// register counts the places taken and inserts the registration (a team's
// if teamID is set) in one immediate transaction.
func (s *Service) register(ctx context.Context, sc *tenant.Scope, u account.User, id int64, teamID sql.NullInt64) (Registration, error) {
	var out Registration
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		r, err := q.EventGet(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "No such event.")
		}
		if err != nil {
			return err
		}
		e := eventFrom(r)
		now := s.now()
		if !e.Open(now) {
			return s.notOpen(ctx, sc, e, now)
		}
		taken, err := q.EventRegistrationCount(ctx, id)
		if err != nil {
			return err
		}
		if taken >= e.Capacity {
			return apperr.Errorf(apperr.Conflict, msgFull)
		}
		kind, fee := "individual", e.IndividualFeeCents
		if teamID.Valid {
			kind, fee = "team", e.TeamFeeCents
		}
		reg, err := q.EventRegistrationCreate(ctx, orgdb.EventRegistrationCreateParams{
			EventID: id, UserID: u.ID, TeamID: teamID, Kind: kind, FeeCents: fee, Currency: e.Currency,
			Reference: money.Reference("E", id), CreatedAt: now,
		})
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed") {
				return apperr.Errorf(apperr.Conflict, msgRegistered)
			}
			return err
		}
		out = Registration{ID: reg.ID, EventID: id, EventName: e.Name, StartsOn: e.StartsOn, Status: reg.Status,
			FeeCents: reg.FeeCents, Currency: reg.Currency, Reference: reg.Reference, CreatedAt: reg.CreatedAt}
		return nil
	})
	return out, err
}

// RegisterTeam registers team teamID for event id, by u, who must be one of
// its active captains; the team fee applies. Like Register, the count and
// the insert are one immediate transaction.
func (s *Service) RegisterTeam(ctx context.Context, sc *tenant.Scope, u account.User, id, teamID int64) (Registration, error) {
	places, err := team.Mine(ctx, sc, u.ID)
	if err != nil {
		return Registration{}, err
	}
	captain := false
	for _, p := range places {
		captain = captain || p.Team.ID == teamID && p.Role == team.RoleCaptain && p.Status == team.StatusActive
	}
	if !captain {
		return Registration{}, apperr.Errorf(apperr.Forbidden, msgCaptain)
	}
	return s.register(ctx, sc, u, id, sql.NullInt64{Int64: teamID, Valid: true})
}

// HasActiveMembership reports whether userID may register (holds an
// active membership today).
func (s *Service) HasActiveMembership(ctx context.Context, sc *tenant.Scope, userID int64) (bool, error) {
	return membership.HasActive(ctx, sc, userID, s.now().Format(settings.DateLayout))
}

// Registration is one registration for an event.
type Registration struct {
	ID, EventID         int64
	EventName, StartsOn string
	MemberName, Email   string
	Kind, Status        string
	FeeCents            int64
	Currency, Reference string
	CreatedAt           time.Time
}

// Fee is the fee as text.
func (r Registration) Fee() string { return money.Format(r.FeeCents) + " " + r.Currency }

// ForUser lists u's registrations for events that have not ended.
func ForUser(ctx context.Context, sc *tenant.Scope, userID int64, today string) ([]Registration, error) {
	rows, err := sc.Q().EventRegistrationForUser(ctx, orgdb.EventRegistrationForUserParams{UserID: userID, EndsOn: today})
	if err != nil {
		return nil, err
	}
	out := make([]Registration, len(rows))
	for i, r := range rows {
		out[i] = Registration{ID: r.ID, EventID: r.EventID, EventName: r.EventName, StartsOn: r.StartsOn, Kind: r.Kind,
			Status: r.Status, FeeCents: r.FeeCents, Currency: r.Currency, Reference: r.Reference, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// Participants lists an event's registrations, in order of registration.
func Participants(ctx context.Context, sc *tenant.Scope, eventID int64) ([]Registration, error) {
	rows, err := sc.Q().EventParticipants(ctx, eventID)
	if err != nil {
		return nil, err
	}
	out := make([]Registration, len(rows))
	for i, r := range rows {
		out[i] = Registration{ID: r.ID, EventID: r.EventID, MemberName: r.MemberName, Email: r.MemberEmail, Kind: r.Kind,
			Status: r.Status, FeeCents: r.FeeCents, Currency: r.Currency, Reference: r.Reference, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// Confirm marks a pending registration paid, once, audited.
func (s *Service) Confirm(ctx context.Context, sc *tenant.Scope, by account.Actor, eventID, regID int64) error {
	return sc.Tx(ctx, func(q *orgdb.Queries) error {
		now := s.now()
		n, err := q.EventRegistrationConfirm(ctx, orgdb.EventRegistrationConfirmParams{
			DecidedAt: sql.NullTime{Time: now, Valid: true}, DecidedBy: by.Label, ID: regID, EventID: eventID,
		})
		if err != nil {
			return err
		}
		if n != 1 {
			return apperr.Errorf(apperr.Conflict, "This registration was already confirmed or does not exist.")
		}
		return account.Audit(ctx, q, now, by, "event_registration.confirm", strconv.FormatInt(regID, 10), "event "+strconv.FormatInt(eventID, 10))
	})
}

// WriteCSV writes an event's participants as CSV for spreadsheets.
func WriteCSV(w io.Writer, regs []Registration) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"name", "email", "kind", "status", "fee", "currency", "reference", "registered_at"}); err != nil {
		return err
	}
	for _, r := range regs {
		if err := cw.Write([]string{csvSafe(r.MemberName), csvSafe(r.Email), r.Kind, r.Status, money.FormatPlain(r.FeeCents), r.Currency, r.Reference, r.CreatedAt.UTC().Format(time.RFC3339)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe stops a spreadsheet from running a value as a formula (names
// are typed by members).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
