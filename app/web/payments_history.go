package web

import (
	"sort"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/money"
	"sportsapp/app/tenant"
)

// paymentsHistoryLimit is how many decided payments the history lists; the
// totals always cover every payment the filters match.
const paymentsHistoryLimit = 500

// historyPayment is one decided payment in the history.
type historyPayment struct {
	orgdb.PaymentHistoryRow
	Decided string // when, in the org's time zone
}

// Due is the amount due as text.
func (p historyPayment) Due() string { return money.Format(p.AmountCents) + " " + p.Currency }

// Received is the amount received as text ("" for a rejected payment).
func (p historyPayment) Received() string {
	if !p.ReceivedCents.Valid {
		return ""
	}
	return money.Format(p.ReceivedCents.Int64) + " " + p.Currency
}

// historyTotal is the history's total in one currency: amounts in
// different currencies are never added together.
type historyTotal struct {
	Currency                         string
	Confirmed, Rejected              int64
	DueCents, ReceivedCents, Refused int64 // due and received on confirmed payments; due on rejected ones
}

// Received, Due and RefusedAmount are the totals as text.
func (t historyTotal) Received() string      { return money.Format(t.ReceivedCents) + " " + t.Currency }
func (t historyTotal) Due() string           { return money.Format(t.DueCents) + " " + t.Currency }
func (t historyTotal) RefusedAmount() string { return money.Format(t.Refused) + " " + t.Currency }

type paymentsHistoryView struct {
	page
	Status, Season string // the filters; "" is every status, every season
	CurrentSeason  string
	Seasons        []string
	Rows           []historyPayment
	Totals         []historyTotal
	Matching       int64 // payments the filters match (the rows show at most paymentsHistoryLimit)
	Zone           string
}

// historyStatuses are the status filter's values.
var historyStatuses = map[string]bool{"": true, "confirmed": true, "rejected": true}

// handlePaymentsHistory lists confirmed and rejected payments with who
// decided and when, filtered by status and season (the current season
// unless another or every season is asked for), with totals per currency.
func (s *Server) handlePaymentsHistory(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	ctx, q := c.UserContext(), sc.Q()
	status := c.Query("status")
	if !historyStatuses[status] {
		return apperr.Errorf(apperr.Invalid, "Choose which payments to show: confirmed, rejected or all.")
	}
	st, err := s.settings.Get(ctx, sc)
	if err != nil {
		return err
	}
	season := st.SeasonName
	if c.Context().QueryArgs().Has("season") {
		season = c.Query("season")
	}
	if len(season) > 200 {
		return apperr.Errorf(apperr.Invalid, "No such season.")
	}
	v := paymentsHistoryView{page: s.pageFor(c, "Payments history"), Status: status, Season: season,
		CurrentSeason: st.SeasonName, Zone: st.Timezone}
	if v.Seasons, err = q.PaymentSeasons(ctx); err != nil {
		return err
	}
	v.Seasons = withSeason(v.Seasons, st.SeasonName)
	rows, err := q.PaymentHistory(ctx, orgdb.PaymentHistoryParams{Status: status, Season: season, Limit: paymentsHistoryLimit})
	if err != nil {
		return err
	}
	loc := st.Location()
	for _, r := range rows {
		p := historyPayment{PaymentHistoryRow: r}
		if r.DecidedAt.Valid {
			p.Decided = localDateTime(r.DecidedAt.Time, loc)
		}
		v.Rows = append(v.Rows, p)
	}
	totals, err := q.PaymentHistoryTotals(ctx, orgdb.PaymentHistoryTotalsParams{Status: status, Season: season})
	if err != nil {
		return err
	}
	v.Totals, v.Matching = historyTotals(totals)
	return s.render(c, fiber.StatusOK, "admin/payments_history", v)
}

// historyTotals folds the per status and currency sums into one total per
// currency, and counts the payments.
func historyTotals(rows []orgdb.PaymentHistoryTotalsRow) ([]historyTotal, int64) {
	var out []historyTotal
	var n int64
	for _, r := range rows {
		i := 0
		for i < len(out) && out[i].Currency != r.Currency {
			i++
		}
		if i == len(out) {
			out = append(out, historyTotal{Currency: r.Currency})
		}
		switch r.Status {
		case "confirmed":
			out[i].Confirmed += r.Payments
			out[i].DueCents += r.DueCents
			out[i].ReceivedCents += r.ReceivedCents
		case "rejected":
			out[i].Rejected += r.Payments
			out[i].Refused += r.DueCents
		}
		n += r.Payments
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out, n
}

// withSeason returns seasons with current in it (a new season has sold
// nothing yet, and is still the default filter).
func withSeason(seasons []string, current string) []string {
	for _, s := range seasons {
		if s == current {
			return seasons
		}
	}
	return append(seasons, current)
}
