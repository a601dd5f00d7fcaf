package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/membership"
	"sportsapp/app/money"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

type profileDetailsView struct {
	page
	Profile membership.Profile
	Errors  map[string]string
}

// handleProfileDetails shows the member profile form.
func (s *Server) handleProfileDetails(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	p, err := membership.GetProfile(c.UserContext(), sc, u.ID)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "profile/details", profileDetailsView{page: s.pageFor(c, "Member profile"), Profile: p})
}

// handleProfileDetailsSave saves the member profile.
func (s *Server) handleProfileDetailsSave(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	p := membership.Profile{
		DateOfBirth: c.FormValue("date_of_birth"), Pronouns: c.FormValue("pronouns"), Phone: c.FormValue("phone"),
		EmergencyName: c.FormValue("emergency_name"), EmergencyRelationship: c.FormValue("emergency_relationship"),
		EmergencyPhone: c.FormValue("emergency_phone"), ShowEmail: c.FormValue("show_email") == "on", ShowPhone: c.FormValue("show_phone") == "on",
	}
	p, err = membership.SaveProfile(c.UserContext(), sc, u.ID, p, s.now())
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.render(c, fiber.StatusUnprocessableEntity, "profile/details", profileDetailsView{page: s.pageFor(c, "Member profile"), Profile: p, Errors: fields})
	}
	if err != nil {
		return err
	}
	s.flash(c, "Your member profile is saved.")
	return redirect(c, "/membership")
}

type membershipSection struct {
	CSRF            string
	Memberships     []membership.Membership
	CanBuy          bool
	ProfileComplete bool
	Closed          string
	Types           []settings.MembershipType
	Currency        string
	SeasonName      string
	SeasonEnd       string
	Waiver          string
	PayTo           string
	Message, Error  string
	Errors          map[string]string
}

type membershipView struct {
	page
	Section membershipSection
}

// membershipState builds the member's membership section: what they hold,
// how to pay what is pending, and the purchase form when they can buy.
func (s *Server) membershipState(c *fiber.Ctx, sc *tenant.Scope) (membershipSection, error) {
	ctx := c.UserContext()
	u, _ := currentUser(c)
	v := membershipSection{}
	v.CSRF, _ = c.Locals(localCSRF).(string)
	st, err := s.settings.Get(ctx, sc)
	if err != nil {
		return v, err
	}
	v.Currency, v.SeasonName, v.SeasonEnd, v.Waiver = st.Currency, st.SeasonName, st.SeasonEnd.Format(settings.DateLayout), st.WaiverText
	v.PayTo = st.ContactEmail
	if v.PayTo == "" {
		v.PayTo = "the organization"
	}
	if v.Memberships, err = membership.Memberships(ctx, sc, u.ID); err != nil {
		return v, err
	}
	for _, m := range v.Memberships {
		if m.SeasonName == st.SeasonName && m.Status != membership.StatusRejected {
			return v, nil // already has this season's membership
		}
	}
	if v.Types, err = settings.ActiveTypes(ctx, sc); err != nil {
		return v, err
	}
	if len(v.Types) == 0 {
		v.Closed = "No membership is on sale at the moment."
		return v, nil
	}
	// Ask the quote whether registration is open now.
	if _, qerr := s.settings.Quote(ctx, sc, v.Types[0].ID, s.now()); qerr != nil {
		v.Closed = apperr.MessageOf(qerr)
		return v, nil
	}
	p, err := membership.GetProfile(ctx, sc, u.ID)
	if err != nil {
		return v, err
	}
	v.CanBuy, v.ProfileComplete = true, p.Complete
	return v, nil
}

// handleMembership is the member's membership page.
func (s *Server) handleMembership(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	v, err := s.membershipState(c, sc)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "membership/index", membershipView{page: s.pageFor(c, "Your membership"), Section: v})
}

// handleMembershipBuy buys the chosen membership type: pending until an
// admin confirms the payment.
func (s *Server) handleMembershipBuy(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	typeID, _ := strconv.ParseInt(c.FormValue("type"), 10, 64)
	m, berr := s.memberships.Buy(c.UserContext(), sc, u, typeID, c.FormValue("waiver") == "on")
	code := apperr.CodeOf(berr)
	if berr != nil && code != apperr.Invalid && code != apperr.Conflict {
		return berr
	}
	if berr == nil && !isHTMX(c) {
		s.flash(c, "Your "+membershipName(m.TypeName)+" is reserved: pay with the reference "+m.PaymentReference+".")
		return redirect(c, "/membership")
	}
	v, err := s.membershipState(c, sc)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if berr != nil {
		status, v.Error, v.Errors = fiber.StatusUnprocessableEntity, apperr.MessageOf(berr), apperr.FieldsOf(berr)
		if code == apperr.Conflict {
			status = fiber.StatusConflict
		}
	} else {
		v.Message = "Your " + membershipName(m.TypeName) + " is reserved. Pay it as shown below."
	}
	if isHTMX(c) {
		return s.render(c, status, "membership/_section", v)
	}
	return s.render(c, status, "membership/index", membershipView{page: s.pageFor(c, "Your membership"), Section: v})
}

type paymentRow struct {
	P         membership.Pending
	CSRF      string
	Done      string
	Error     string
	Received  string // the amount typed, when it is sent back
	Different string // an amount received that differs from the amount due, to acknowledge
}

type paymentsView struct {
	page
	Rows []paymentRow
}

// handlePayments lists the payments waiting for an admin.
func (s *Server) handlePayments(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	pending, err := membership.PendingPayments(c.UserContext(), sc)
	if err != nil {
		return err
	}
	v := paymentsView{page: s.pageFor(c, "Payments")}
	for _, p := range pending {
		v.Rows = append(v.Rows, paymentRow{P: p, CSRF: v.CSRF})
	}
	return s.render(c, fiber.StatusOK, "admin/payments", v)
}

// handlePaymentConfirm confirms a payment, activating its membership. An
// amount received other than the one due needs the explicit
// acknowledgement (the "different" tickbox), which is stored with the
// payment and named in the audit entry; without it the row comes back
// with the tickbox, for htmx and plain forms alike.
func (s *Server) handlePaymentConfirm(c *fiber.Ctx) error {
	return s.decidePayment(c, "Confirmed: the membership is active.", func(sc *tenant.Scope, id int64, row *paymentRow) error {
		received, ack := c.FormValue("received"), c.FormValue("different") == "yes"
		row.Received = received
		if cents, err := money.Parse(received); err == nil && row.P.PaymentID == id && cents != row.P.AmountCents {
			row.Different = money.Format(cents) + " " + row.P.Currency
			if ack {
				row.Done = "Confirmed with " + row.Different + " received of " + row.P.Amount() + " due (difference acknowledged): the membership is active."
			}
		}
		return s.memberships.ConfirmDifferent(c.UserContext(), sc, actor(c), id, received, ack)
	})
}

// handlePaymentReject rejects a payment.
func (s *Server) handlePaymentReject(c *fiber.Ctx) error {
	return s.decidePayment(c, "Rejected.", func(sc *tenant.Scope, id int64, _ *paymentRow) error {
		return s.memberships.Reject(c.UserContext(), sc, actor(c), id, c.FormValue("note"))
	})
}

// decidePayment runs a decision and answers with the row (htmx) or a
// redirect to the list.
func (s *Server) decidePayment(c *fiber.Ctx, done string, decide func(*tenant.Scope, int64, *paymentRow) error) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return apperr.Errorf(apperr.NotFound, "No such payment.")
	}
	pending, err := membership.PendingPayments(c.UserContext(), sc)
	if err != nil {
		return err
	}
	row := paymentRow{Done: done}
	row.CSRF, _ = c.Locals(localCSRF).(string)
	for _, p := range pending {
		if p.PaymentID == id {
			row.P = p
		}
	}
	derr := decide(sc, id, &row)
	if derr != nil && apperr.FieldsOf(derr) == nil {
		return derr
	}
	if derr != nil {
		row.Done, row.Error = "", apperr.FieldsOf(derr)["received"]
		if row.P.PaymentID == 0 {
			return derr // not pending any more: nothing to show the field on
		}
	}
	if !isHTMX(c) {
		if derr == nil {
			s.flash(c, row.P.Reference+": "+row.Done)
			return redirect(c, "/admin/payments")
		}
		// A plain form: the whole list again, this row with its message
		// and, for a different amount, the acknowledgement to tick.
		v := paymentsView{page: s.pageFor(c, "Payments")}
		for _, p := range pending {
			r := paymentRow{P: p, CSRF: v.CSRF}
			if p.PaymentID == id {
				r = row
			}
			v.Rows = append(v.Rows, r)
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "admin/payments", v)
	}
	if derr != nil {
		return s.render(c, fiber.StatusUnprocessableEntity, "admin/_payment_row", row)
	}
	return s.render(c, fiber.StatusOK, "admin/_payment_row", row)
}
