package membership

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/money"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// Service sells memberships.
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

// Status of a membership.
const (
	StatusPending  = "pending"
	StatusActive   = "active"
	StatusRejected = "rejected"
)

// Membership is one membership with its payment.
type Membership struct {
	ID                   int64
	TypeName, SeasonName string
	Start, End           string // YYYY-MM-DD
	PriceCents           int64
	Currency             string
	Status               string
	CreatedAt            time.Time
	PaymentReference     string
	PaymentStatus        string
	PaymentMethod        string
}

// Price is the price as text, e.g. "50.00 CAD".
func (m Membership) Price() string { return money.Format(m.PriceCents) + " " + m.Currency }

func membershipFrom(r orgdb.Membership) Membership {
	return Membership{
		ID: r.ID, TypeName: r.TypeName, SeasonName: r.SeasonName, Start: r.StartDate, End: r.EndDate,
		PriceCents: r.PriceCents, Currency: r.Currency, Status: r.Status, CreatedAt: r.CreatedAt,
	}
}

// Buy sells membership type typeID to u, at the price and for the dates of
// the quote at this moment (stored on the membership), as a pending
// membership with a pending e-transfer payment. It refuses without a
// complete profile, without the waiver accepted, when the quote refuses
// (registration closed, season over, type not offered), and when u already
// has a pending or active membership for the season.
func (s *Service) Buy(ctx context.Context, sc *tenant.Scope, u account.User, typeID int64, waiver bool) (Membership, error) {
	p, err := GetProfile(ctx, sc, u.ID)
	if err != nil {
		return Membership{}, err
	}
	if !p.Complete {
		return Membership{}, apperr.Errorf(apperr.Invalid, msgNoProfile)
	}
	if !waiver {
		return Membership{}, apperr.Fields{"waiver": msgWaiver}.Err()
	}
	now := s.now()
	q, err := s.Settings.Quote(ctx, sc, typeID, now)
	if err != nil {
		return Membership{}, err
	}
	var m Membership
	err = sc.Tx(ctx, func(tx *orgdb.Queries) error {
		r, err := tx.MembershipCreate(ctx, orgdb.MembershipCreateParams{
			UserID: u.ID, MembershipTypeID: q.TypeID, TypeName: q.TypeName, SeasonName: q.SeasonName,
			StartDate: q.Start.Format(settings.DateLayout), EndDate: q.End.Format(settings.DateLayout),
			PriceCents: q.PriceCents, Currency: q.Currency, WaiverAcceptedAt: now, CreatedAt: now,
		})
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed") {
				return apperr.Errorf(apperr.Conflict, msgAlreadyOwned)
			}
			return err
		}
		m = membershipFrom(r)
		pay, err := tx.PaymentCreate(ctx, orgdb.PaymentCreateParams{
			MembershipID: r.ID, AmountCents: q.PriceCents, Currency: q.Currency, Method: "etransfer",
			Reference: money.Reference("M", r.ID), CreatedAt: now,
		})
		if err != nil {
			return err
		}
		m.PaymentReference, m.PaymentStatus, m.PaymentMethod = pay.Reference, pay.Status, pay.Method
		return nil
	})
	return m, err
}

// Memberships returns u's memberships, newest first, with their payments.
func Memberships(ctx context.Context, sc *tenant.Scope, userID int64) ([]Membership, error) {
	rows, err := sc.Q().MembershipListByUser(ctx, orgdb.MembershipListByUserParams{UserID: userID, Limit: 20})
	if err != nil {
		return nil, err
	}
	out := make([]Membership, len(rows))
	for i, r := range rows {
		out[i] = membershipFrom(r.Membership)
		out[i].PaymentReference, out[i].PaymentStatus, out[i].PaymentMethod = r.Reference, r.PaymentStatus, r.Method
	}
	return out, nil
}

// Latest returns userID's newest membership, or nil if they never had one
// (the member's home shows only that one).
func Latest(ctx context.Context, sc *tenant.Scope, userID int64) (*Membership, error) {
	rows, err := sc.Q().MembershipListByUser(ctx, orgdb.MembershipListByUserParams{UserID: userID, Limit: 1})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	m := membershipFrom(rows[0].Membership)
	m.PaymentReference, m.PaymentStatus, m.PaymentMethod = rows[0].Reference, rows[0].PaymentStatus, rows[0].Method
	return &m, nil
}

// HasActive reports whether userID holds an active membership that is not
// over on day today (YYYY-MM-DD). Status alone is not enough: memberships
// are never expired in place, so last season's would still count. Team
// creation and event registration require one.
func HasActive(ctx context.Context, sc *tenant.Scope, userID int64, today string) (bool, error) {
	n, err := sc.Q().MembershipHeldCount(ctx, orgdb.MembershipHeldCountParams{UserID: userID, EndDate: today})
	return n > 0, err
}

// Pending is a payment waiting for an admin.
type Pending struct {
	PaymentID            int64
	Reference            string
	AmountCents          int64
	Currency             string
	MemberName, Email    string
	TypeName, SeasonName string
	CreatedAt            time.Time
}

// Amount is the amount due as text.
func (p Pending) Amount() string { return money.Format(p.AmountCents) + " " + p.Currency }

// AmountInput is the amount due as an input value.
func (p Pending) AmountInput() string { return money.FormatPlain(p.AmountCents) }

// PendingPayments lists payments waiting for confirmation, oldest first.
func PendingPayments(ctx context.Context, sc *tenant.Scope) ([]Pending, error) {
	rows, err := sc.Q().PaymentListPending(ctx, 200)
	if err != nil {
		return nil, err
	}
	out := make([]Pending, len(rows))
	for i, r := range rows {
		out[i] = Pending{PaymentID: r.ID, Reference: r.Reference, AmountCents: r.AmountCents, Currency: r.Currency,
			MemberName: r.MemberName, Email: r.MemberEmail, TypeName: r.TypeName, SeasonName: r.SeasonName, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// Confirm records that the payment's money arrived (received, as typed by
// the admin) and activates the membership; Reject refuses it. Each
// decision happens once and is audited. An amount other than the one due
// is refused: see ConfirmDifferent.
func (s *Service) Confirm(ctx context.Context, sc *tenant.Scope, by account.Actor, paymentID int64, received string) error {
	return s.ConfirmDifferent(ctx, sc, by, paymentID, received, false)
}

// ConfirmDifferent confirms a payment like Confirm; an amount received
// other than the one due is accepted only when the admin acknowledged it
// (acknowledged), and the acknowledgement is stored with the payment and
// named in the audit entry. Without it the answer is a field error on
// "received" (see DifferenceMessage) and nothing changes.
func (s *Service) ConfirmDifferent(ctx context.Context, sc *tenant.Scope, by account.Actor, paymentID int64, received string, acknowledged bool) error {
	cents, err := money.Parse(received)
	if err != nil {
		return apperr.Fields{"received": msgReceived}.Err()
	}
	return s.decide(ctx, sc, by, paymentID, "confirmed", StatusActive, sql.NullInt64{Int64: cents, Valid: true}, "", acknowledged)
}

// DifferenceMessage is the refusal of an amount received (got, with its
// currency) that is not the amount due.
func DifferenceMessage(got, due string) string {
	return got + " is not the " + due + " due. Check the amount, or tick the box to confirm what was received."
}

// Reject refuses a payment and the membership it was for.
func (s *Service) Reject(ctx context.Context, sc *tenant.Scope, by account.Actor, paymentID int64, note string) error {
	if len(note) > 500 {
		note = note[:500]
	}
	return s.decide(ctx, sc, by, paymentID, "rejected", StatusRejected, sql.NullInt64{}, strings.TrimSpace(note), false)
}

func (s *Service) decide(ctx context.Context, sc *tenant.Scope, by account.Actor, paymentID int64, payStatus, memStatus string, received sql.NullInt64, note string, acknowledged bool) error {
	return sc.Tx(ctx, func(q *orgdb.Queries) error {
		pay, err := q.PaymentGet(ctx, paymentID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "No such payment.")
		}
		if err != nil {
			return err
		}
		different := received.Valid && received.Int64 != pay.AmountCents
		if different && !acknowledged && pay.Status == "pending" {
			got, due := money.Format(received.Int64)+" "+pay.Currency, money.Format(pay.AmountCents)+" "+pay.Currency
			return apperr.Fields{"received": DifferenceMessage(got, due)}.Err()
		}
		now := s.now()
		n, err := q.PaymentDecide(ctx, orgdb.PaymentDecideParams{
			NewStatus: payStatus, ReceivedCents: received, DifferenceAcknowledged: different,
			Note: note, DecidedAt: sql.NullTime{Time: now, Valid: true},
			DecidedByID: sql.NullInt64{Int64: by.UserID, Valid: by.UserID != 0}, DecidedBy: by.Label, ID: paymentID,
		})
		if err != nil {
			return err
		}
		if n != 1 {
			return apperr.Errorf(apperr.Conflict, msgDecided)
		}
		activated := sql.NullTime{}
		if memStatus == StatusActive {
			activated = sql.NullTime{Time: now, Valid: true}
		}
		if _, err := q.MembershipSetStatus(ctx, orgdb.MembershipSetStatusParams{NewStatus: memStatus, ActivatedAt: activated, ID: pay.MembershipID}); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %s due", pay.Reference, money.Format(pay.AmountCents)+" "+pay.Currency)
		if received.Valid {
			detail += ", " + money.Format(received.Int64) + " received"
		}
		if different {
			detail += " (difference acknowledged)"
		}
		if note != "" {
			detail += ": " + note
		}
		return account.Audit(ctx, q, now, by, "payment."+payStatus, pay.Reference, detail)
	})
}
