package event

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/money"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// What admins do to an event after creating it (edit, cancel, delete) and
// what members do with their own registration (withdraw it).

const (
	msgCancelled     = "This event was cancelled."
	msgCapacityTaken = "More places are already taken: the capacity cannot be below %d."
	msgNoWithdraw    = "You have no pending registration for this event. A paid registration is refunded by an admin: ask them."
)

// DayLayout is how a day reads in a sentence: "1 May 2027".
const DayLayout = "2 January 2006"

// Day writes a civil date (YYYY-MM-DD) as it reads in a sentence, "1 May
// 2027"; text that is not a date is returned as it is.
func Day(civil string) string {
	d, err := time.Parse(settings.DateLayout, civil)
	if err != nil {
		return civil
	}
	return d.Format(DayLayout)
}

// OpensText is the first day of registration in loc, as it reads: "1 May 2027".
func (e Event) OpensText(loc *time.Location) string { return Day(e.OpensOn(loc)) }

// LastDayText is the last day of registration in loc, as it reads.
func (e Event) LastDayText(loc *time.Location) string { return Day(e.LastDay(loc)) }

// Dates are the event's days as they read: "1 May 2027" or "1 May 2027 to
// 2 May 2027".
func (e Event) Dates() string {
	if e.StartsOn == e.EndsOn {
		return Day(e.StartsOn)
	}
	return Day(e.StartsOn) + " to " + Day(e.EndsOn)
}

// notOpen says why registration for e is not open at now.
func (s *Service) notOpen(ctx context.Context, sc *tenant.Scope, e Event, now time.Time) error {
	if e.Cancelled {
		return apperr.Errorf(apperr.Invalid, msgCancelled)
	}
	loc := time.UTC
	if s.Settings != nil {
		if st, err := s.Settings.Get(ctx, sc); err == nil {
			loc = st.Location()
		}
	}
	if now.Before(e.OpensAt) {
		return apperr.Errorf(apperr.Invalid, "Registration opens %s.", e.OpensText(loc))
	}
	return apperr.Errorf(apperr.Invalid, "Registration closed on %s.", e.LastDayText(loc))
}

// FormOf is e as the admin's form shows it, days in loc.
func FormOf(e Event, loc *time.Location) Form {
	return Form{Name: e.Name, Kind: e.Kind, StartsOn: e.StartsOn, EndsOn: e.EndsOn, Venue: e.Venue,
		OpensOn: e.OpensOn(loc), ClosesOn: e.LastDay(loc), Capacity: strconv.FormatInt(e.Capacity, 10),
		TeamFee: money.FormatPlain(e.TeamFeeCents), IndividualFee: money.FormatPlain(e.IndividualFeeCents)}
}

// Update changes an event that is not cancelled. Registrations keep the fee
// they were charged; the capacity cannot drop below the places taken.
func (s *Service) Update(ctx context.Context, sc *tenant.Scope, by account.Actor, id int64, f Form) (Event, error) {
	st, err := s.Settings.Get(ctx, sc)
	if err != nil {
		return Event{}, err
	}
	e, errs := parse(f, st.Location())
	var out Event
	err = sc.Tx(ctx, func(q *orgdb.Queries) error {
		cur, err := q.EventGet(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "No such event.")
		} else if err != nil {
			return err
		}
		if cur.CancelledAt.Valid {
			return apperr.Errorf(apperr.Conflict, "%s was cancelled: it can no longer be changed.", cur.Name)
		}
		taken, err := q.EventRegistrationCount(ctx, id)
		if err != nil {
			return err
		}
		if _, bad := errs["capacity"]; !bad && e.Capacity < taken {
			if errs == nil {
				errs = apperr.Fields{}
			}
			errs["capacity"] = fmt.Sprintf(msgCapacityTaken, taken)
		}
		if errs != nil {
			return errs.Err()
		}
		now := s.now()
		n, err := q.EventUpdate(ctx, orgdb.EventUpdateParams{
			Name: e.Name, Kind: e.Kind, StartsOn: e.StartsOn, EndsOn: e.EndsOn, Venue: e.Venue,
			RegistrationOpensAt: e.OpensAt, RegistrationClosesAt: e.ClosesAt, Capacity: e.Capacity,
			TeamFeeCents: e.TeamFeeCents, IndividualFeeCents: e.IndividualFeeCents, UpdatedAt: now, ID: id,
		})
		if err != nil {
			return err
		}
		if n != 1 {
			return apperr.Errorf(apperr.Conflict, "This event changed meanwhile: reload the page.")
		}
		r, err := q.EventGet(ctx, id)
		if err != nil {
			return err
		}
		out = eventFrom(r)
		out.Taken = taken
		return account.Audit(ctx, q, now, by, "event.update", e.Name, fmt.Sprintf("%s to %s, capacity %d", e.StartsOn, e.EndsOn, e.Capacity))
	})
	return out, err
}

// Person is someone registered for an event, to tell about it.
type Person struct{ Name, Email string }

// Cancel cancels an event: it stays listed, closed, and its registrations
// are kept (payments are settled by the admins). It returns the event and
// the people registered, to tell them.
func (s *Service) Cancel(ctx context.Context, sc *tenant.Scope, by account.Actor, id int64) (Event, []Person, error) {
	var out Event
	var people []Person
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		cur, err := q.EventGet(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "No such event.")
		} else if err != nil {
			return err
		}
		if cur.CancelledAt.Valid {
			return apperr.Errorf(apperr.Conflict, "%s is already cancelled.", cur.Name)
		}
		now := s.now()
		if _, err := q.EventCancel(ctx, orgdb.EventCancelParams{CancelledAt: sql.NullTime{Time: now, Valid: true}, UpdatedAt: now, ID: id}); err != nil {
			return err
		}
		rows, err := q.EventRegisteredPeople(ctx, id)
		if err != nil {
			return err
		}
		for _, r := range rows {
			people = append(people, Person{Name: r.Name, Email: r.Email})
		}
		out = eventFrom(cur)
		out.Cancelled = true
		if out.Taken, err = q.EventRegistrationCount(ctx, id); err != nil {
			return err
		}
		return account.Audit(ctx, q, now, by, "event.cancel", cur.Name, fmt.Sprintf("%d people registered were told", len(people)))
	})
	return out, people, err
}

// Delete removes an event nobody ever registered for. An event with
// registrations is refused: cancel it instead.
func (s *Service) Delete(ctx context.Context, sc *tenant.Scope, by account.Actor, id int64) (Event, error) {
	var out Event
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		cur, err := q.EventGet(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "No such event.")
		} else if err != nil {
			return err
		}
		out = eventFrom(cur)
		n, err := q.EventRegistrationCountAll(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Errorf(apperr.Conflict, "%s has registrations (%d), so it cannot be deleted: cancel it instead, and the people registered are told.", cur.Name, n)
		}
		if _, err := q.EventDeleteUnregistered(ctx, id); err != nil {
			return err
		}
		return account.Audit(ctx, q, s.now(), by, "event.delete", cur.Name, cur.StartsOn+" to "+cur.EndsOn)
	})
	return out, err
}

// HasRegistrations reports whether anyone ever registered for event id
// (cancelled registrations included): such an event cannot be deleted.
func HasRegistrations(ctx context.Context, sc *tenant.Scope, id int64) (bool, error) {
	n, err := sc.Q().EventRegistrationCountAll(ctx, id)
	return n > 0, err
}

// Withdraw cancels u's own pending individual registration for event id.
func (s *Service) Withdraw(ctx context.Context, sc *tenant.Scope, by account.Actor, u account.User, id int64) error {
	return sc.Tx(ctx, func(q *orgdb.Queries) error {
		now := s.now()
		n, err := q.EventRegistrationWithdraw(ctx, orgdb.EventRegistrationWithdrawParams{
			DecidedAt: sql.NullTime{Time: now, Valid: true}, DecidedBy: by.Label, EventID: id, UserID: u.ID,
		})
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.Errorf(apperr.Conflict, msgNoWithdraw)
		}
		return account.Audit(ctx, q, now, by, "event_registration.withdraw", u.Email, "event "+strconv.FormatInt(id, 10))
	})
}

// Public lists the events that have not ended and are not cancelled,
// soonest first, for the organization's public home.
func Public(ctx context.Context, sc *tenant.Scope, today string, limit int) ([]Event, error) {
	rows, err := sc.Q().EventListPublic(ctx, orgdb.EventListPublicParams{EndsOn: today, Limit: int64(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]Event, len(rows))
	for i, r := range rows {
		out[i] = eventFrom(r)
	}
	return out, nil
}
