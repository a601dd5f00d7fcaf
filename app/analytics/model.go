// Package analytics rolls each organization's figures up into the platform
// database and reads them back for the analytics pages (docs/analytics.md).
//
// The collector reads an organization's own file through the tenant pool's
// readers, computes counts and sums per day inside it (no name, email,
// birth date or person id ever leaves it) and replaces that org's rows in
// analytics_daily and analytics_current in one platform transaction. Pages
// read only those roll-ups: never an organization's raw rows.
package analytics

import (
	"context"
	"sort"
	"time"

	"sportsapp/app/db/orgdb"
)

// DayLayout is how days are written in the roll-ups.
const DayLayout = "2006-01-02"

// Metric names. A flow is summed over a period; a stock's rows are its
// daily changes, so its value on a day is the sum of its rows up to it.
const (
	Signups           = "signups"            // flow: accounts created
	MembershipsNew    = "memberships_new"    // flow: memberships bought (not rejected)
	Revenue           = "revenue"            // flow, per currency: confirmed payments received (cents)
	PaymentsConfirmed = "payments_confirmed" // flow, per currency: payments confirmed
	Registrations     = "registrations"      // flow: event registrations (not cancelled)
	EventFees         = "event_fees"         // flow, per currency: confirmed registrations' fees (cents)
	Events            = "events"             // flow: events, on the day they start
	EventCapacity     = "event_capacity"     // flow: their places, on the day they start
	EventPlaces       = "event_places"       // flow: places taken, on the day they start

	Members           = "members"            // stock: accounts
	ActiveMemberships = "active_memberships" // stock, per membership type
	PendingPayments   = "pending_payments"   // stock, per currency: payments awaiting a decision
	PendingAmount     = "pending_amount"     // stock, per currency: their amount (cents)
	Teams             = "teams"              // stock: teams

	// Snapshot only (analytics_current): as of the last collection.
	Renewals    = "renewals"     // members of the previous season who hold the current one
	RenewalBase = "renewal_base" // members of the previous season
	AgeBand     = "age_band"     // per band: members with a profile
)

// stocks are the metrics whose rows are changes.
var stocks = map[string]bool{Members: true, ActiveMemberships: true, PendingPayments: true, PendingAmount: true, Teams: true}

// stockNames are the stocks, for queries.
var stockNames = []string{Members, ActiveMemberships, PendingPayments, PendingAmount, Teams}

// IsStock reports whether metric's rows are daily changes of a stock.
func IsStock(metric string) bool { return stocks[metric] }

// MinCount is the smallest count shown in cross-organization and benchmark
// views; smaller counts of people read "fewer than 5".
const MinCount = 5

// MinOrgs is how many organizations must contribute to a benchmark.
const MinOrgs = 5

// Row is one figure: a metric, its breakdown (a currency, a membership
// type, an age band, or "") and its value, on a day (daily rows) or as of
// the collection (current rows, Day empty).
type Row struct {
	Day    string
	Metric string
	Dim    string
	Value  int64
}

// Figures is what one collection of an organization produces.
type Figures struct {
	Daily        []Row // non-zero daily rows, sorted
	Current      []Row // the stocks up to today, the flows' totals, and the snapshots
	LastActivity string
}

type key struct{ day, metric, dim string }

// Compute reads an organization's figures from its own database (q runs on
// the org's readers) as of today. Every query aggregates inside the file.
func Compute(ctx context.Context, q *orgdb.Queries, today time.Time) (Figures, error) {
	day := today.Format(DayLayout)
	acc := map[key]int64{}
	add := func(d, m, dim string, v int64) {
		if d != "" && v != 0 {
			acc[key{d, m, dim}] += v
		}
	}
	signups, err := q.AnalyticsSignups(ctx)
	if err != nil {
		return Figures{}, err
	}
	for _, r := range signups {
		add(r.Day, Signups, "", r.N)
		add(r.Day, Members, "", r.N)
	}
	active, err := q.AnalyticsMembershipsActive(ctx)
	if err != nil {
		return Figures{}, err
	}
	for _, r := range active {
		add(r.Day, ActiveMemberships, r.TypeName, r.N)
		if end, err := time.Parse(DayLayout, r.EndDate); err == nil {
			off := end.AddDate(0, 0, 1).Format(DayLayout)
			if off < r.Day {
				off = r.Day // activated after it ended: never counted
			}
			add(off, ActiveMemberships, r.TypeName, -r.N)
		}
	}
	bought, err := q.AnalyticsMembershipsNew(ctx)
	if err != nil {
		return Figures{}, err
	}
	for _, r := range bought {
		add(r.Day, MembershipsNew, "", r.N)
	}
	payments, err := q.AnalyticsPayments(ctx)
	if err != nil {
		return Figures{}, err
	}
	for _, r := range payments {
		// Pending from creation until decided (confirmed or rejected).
		add(r.Day, PendingPayments, r.Currency, r.N)
		add(r.Day, PendingAmount, r.Currency, r.AmountCents)
		if r.Status != "pending" && r.DecidedDay != "" {
			add(r.DecidedDay, PendingPayments, r.Currency, -r.N)
			add(r.DecidedDay, PendingAmount, r.Currency, -r.AmountCents)
		}
		if r.Status == "confirmed" {
			d := r.DecidedDay
			if d == "" {
				d = r.Day
			}
			add(d, Revenue, r.Currency, r.ReceivedCents)
			add(d, PaymentsConfirmed, r.Currency, r.N)
		}
	}
	regs, err := q.AnalyticsRegistrations(ctx)
	if err != nil {
		return Figures{}, err
	}
	for _, r := range regs {
		add(r.Day, Registrations, "", r.N)
		add(r.Day, EventFees, r.Currency, r.ConfirmedFeeCents)
	}
	fill, err := q.AnalyticsEventFill(ctx)
	if err != nil {
		return Figures{}, err
	}
	for _, r := range fill {
		add(r.Day, Events, "", r.Events)
		add(r.Day, EventCapacity, "", r.Capacity)
		add(r.Day, EventPlaces, "", r.Places)
	}
	teams, err := q.AnalyticsTeams(ctx)
	if err != nil {
		return Figures{}, err
	}
	for _, r := range teams {
		add(r.Day, Teams, "", r.N)
	}

	var f Figures
	cur := map[key]int64{}
	for k, v := range acc {
		f.Daily = append(f.Daily, Row{Day: k.day, Metric: k.metric, Dim: k.dim, Value: v})
		if k.day <= day {
			// Stocks up to today; flows' all-time totals up to today.
			cur[key{"", k.metric, k.dim}] += v
		}
	}
	sortRows(f.Daily)

	// Snapshots: renewals (previous season -> current) and age bands.
	seasons, err := q.AnalyticsSeasons(ctx)
	if err != nil {
		return Figures{}, err
	}
	var started []orgdb.AnalyticsSeasonsRow
	for _, s := range seasons {
		if s.StartDate <= day {
			started = append(started, s)
		}
	}
	if len(started) >= 2 {
		n, err := q.AnalyticsRenewals(ctx, orgdb.AnalyticsRenewalsParams{Prev: started[1].SeasonName, Cur: started[0].SeasonName})
		if err != nil {
			return Figures{}, err
		}
		cur[key{"", Renewals, ""}] = n
		cur[key{"", RenewalBase, ""}] = started[1].Members
	}
	bands, err := q.AnalyticsAgeBands(ctx, day)
	if err != nil {
		return Figures{}, err
	}
	for _, b := range bands {
		cur[key{"", AgeBand, b.Band}] = b.N
	}
	for k, v := range cur {
		if v != 0 || k.metric == Members {
			f.Current = append(f.Current, Row{Metric: k.metric, Dim: k.dim, Value: v})
		}
	}
	if _, ok := cur[key{"", Members, ""}]; !ok {
		f.Current = append(f.Current, Row{Metric: Members})
	}
	sortRows(f.Current)
	f.LastActivity, err = q.AnalyticsLastActivity(ctx)
	if err != nil {
		return Figures{}, err
	}
	return f, nil
}

func sortRows(rs []Row) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		if a.Metric != b.Metric {
			return a.Metric < b.Metric
		}
		return a.Dim < b.Dim
	})
}
