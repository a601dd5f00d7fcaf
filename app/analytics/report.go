package analytics

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/money"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// Periods a trend can be bucketed by.
const (
	Week  = "week"
	Month = "month"
)

// Filter is what the analytics pages and CSVs are asked for: a date range,
// a period for the trend, and (super-admin table) a search, a status, and a
// sort order.
type Filter struct {
	From, To time.Time // days, inclusive
	Period   string    // Week or Month
	Query    string    // part of an org's name or slug, lower-case
	Status   string    // "", "active" or "suspended"
	Sort     string    // a column of the org table (SortColumns)
	Desc     bool
}

// SortColumns are the org table's sortable columns.
var SortColumns = []string{"name", "members", "active", "signups", "growth", "registrations", "activity"}

// ParseFilter reads a filter from form values; empty values take the
// defaults (the last twelve months, by month, sorted by name). Bad input is
// a validation error naming the field, never a silent default.
func ParseFilter(from, to, period, query, status, sortBy, dir string, now time.Time) (Filter, error) {
	today := day(now)
	f := Filter{To: today, From: today.AddDate(-1, 0, 1), Period: Month, Sort: "name"}
	fields := apperr.Fields{}
	if to != "" {
		t, err := time.Parse(DayLayout, to)
		if err != nil {
			fields["to"] = "Enter a date as YYYY-MM-DD."
		}
		f.To = t
	}
	if from != "" {
		t, err := time.Parse(DayLayout, from)
		if err != nil {
			fields["from"] = "Enter a date as YYYY-MM-DD."
		}
		f.From = t
	} else if to != "" {
		f.From = f.To.AddDate(-1, 0, 1)
	}
	if len(fields) == 0 {
		switch {
		case f.From.After(f.To):
			fields["from"] = "The start must be on or before the end."
		case f.To.Sub(f.From) > 5*366*24*time.Hour:
			fields["from"] = "Choose a range of at most five years."
		}
	}
	switch period {
	case "", Month:
	case Week:
		f.Period = Week
		if f.To.Sub(f.From) > 2*366*24*time.Hour {
			fields["period"] = "Weekly figures cover at most two years: choose monthly."
		}
	default:
		fields["period"] = "Choose weekly or monthly."
	}
	f.Query = strings.ToLower(strings.TrimSpace(query))
	if len(f.Query) > 100 {
		fields["q"] = "Search for at most 100 characters."
	}
	switch status {
	case "", "active", "suspended":
		f.Status = status
	default:
		fields["status"] = "Choose active, suspended or all."
	}
	if sortBy != "" {
		ok := false
		for _, c := range SortColumns {
			ok = ok || c == sortBy
		}
		if !ok {
			fields["sort"] = "Choose a column to sort by."
		}
		f.Sort = sortBy
	}
	switch dir {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		fields["dir"] = "Sort ascending or descending."
	}
	if len(fields) > 0 {
		return f, &apperr.Error{Code: apperr.Invalid, Message: "Please correct the analytics filter: " + firstField(fields), Fields: fields}
	}
	return f, nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// prevFrom is the start of the period of the same length just before f.
func (f Filter) prevFrom() time.Time {
	return f.From.AddDate(0, 0, -int(f.To.Sub(f.From).Hours()/24)-1)
}

// Bucket is one period of a trend.
type Bucket struct {
	Start, End time.Time // days, inclusive
	Label      string
}

// Buckets splits f's range into weeks (Monday to Sunday) or calendar
// months, clipped to the range.
func (f Filter) Buckets() []Bucket {
	var bs []Bucket
	for s := f.From; !s.After(f.To); {
		var next time.Time
		var label string
		if f.Period == Week {
			next = s.AddDate(0, 0, 7-(int(s.Weekday())+6)%7)
			label = s.Format("Jan 2")
		} else {
			next = time.Date(s.Year(), s.Month()+1, 1, 0, 0, 0, 0, time.UTC)
			label = s.Format("Jan 2006")
		}
		end := next.AddDate(0, 0, -1)
		if end.After(f.To) {
			end = f.To
		}
		bs = append(bs, Bucket{Start: s, End: end, Label: label})
		s = next
	}
	return bs
}

// Series is a trend: per bucket, each metric's value (flows summed over
// the bucket, stocks as at its last day), by "metric" or "metric/dim".
type Series struct {
	Period  string // Week or Month
	Buckets []Bucket
	Values  []map[string]int64
	Dims    map[string][]string // metric -> its breakdowns (currencies, types), sorted
}

// Get returns the value of metric (dim "" for its total over every
// breakdown that is not money) in bucket i.
func (s Series) Get(i int, metric, dim string) int64 {
	if dim == "" {
		return s.Values[i][metric]
	}
	return s.Values[i][metric+"/"+dim]
}

type dailyRow struct {
	day, metric, dim string
	value            int64
}

// series buckets rows (sorted by day) into f's periods.
func series(f Filter, rows []dailyRow) Series {
	bs := f.Buckets()
	s := Series{Period: f.Period, Buckets: bs, Values: make([]map[string]int64, len(bs)), Dims: map[string][]string{}}
	for i := range s.Values {
		s.Values[i] = map[string]int64{}
	}
	stock := map[string]int64{}
	dims := map[string]map[string]bool{}
	put := func(m map[string]int64, metric, dim string, v int64) {
		if dim == "" {
			m[metric] += v
			return
		}
		m[metric+"/"+dim] += v
		if !isMoney(metric) {
			m[metric] += v
		}
	}
	b := 0
	fromDay, toDay := f.From.Format(DayLayout), f.To.Format(DayLayout)
	flush := func(upTo string) {
		// Close every bucket ending before upTo with the stocks so far.
		for b < len(bs) && bs[b].End.Format(DayLayout) < upTo {
			for k, v := range stock {
				s.Values[b][k] = v
			}
			b++
		}
	}
	for _, r := range rows {
		if r.day > toDay {
			break
		}
		if r.dim != "" {
			if dims[r.metric] == nil {
				dims[r.metric] = map[string]bool{}
			}
			dims[r.metric][r.dim] = true
		}
		flush(r.day)
		if IsStock(r.metric) {
			put(stock, r.metric, r.dim, r.value)
		} else if r.day >= fromDay && b < len(bs) {
			put(s.Values[b], r.metric, r.dim, r.value)
		}
	}
	flush("9999-99-99")
	for m, ds := range dims {
		for d := range ds {
			s.Dims[m] = append(s.Dims[m], d)
		}
		sort.Strings(s.Dims[m])
	}
	return s
}

// isMoney reports whether metric's values are cents in its dim's currency:
// they are never summed across currencies.
func isMoney(metric string) bool {
	return metric == Revenue || metric == EventFees || metric == PendingAmount
}

// Reader reads the roll-ups for the analytics pages.
type Reader struct {
	Platform *sqlite.DB
	Registry *tenant.Registry

	bench benchCache

	ovMu sync.Mutex
	ov   map[string]*overviewEntry // by range and period (overviewData)
}

func (r *Reader) q() *platformdb.Queries { return platformdb.New(r.Platform.Reader()) }

// OrgRow is one organization in the super-admin table.
type OrgRow struct {
	Org               tenant.Org
	Members           int64
	ActiveMemberships int64
	Signups           int64            // in the range
	SignupsPrev       int64            // in the period before it
	Registrations     int64            // in the range
	Revenue           map[string]int64 // in the range, cents per currency
	LastActivity      string
	Collected         bool
}

// Growth is the change of sign-ups against the previous period, in
// percent, and whether it means anything (no sign-ups before: none).
func (o OrgRow) Growth() (float64, bool) {
	if o.SignupsPrev == 0 {
		return 0, false
	}
	return float64(o.Signups-o.SignupsPrev) * 100 / float64(o.SignupsPrev), true
}

// Overview is the super-admin page: platform totals, their trend and the
// table of organizations.
type Overview struct {
	Filter     Filter
	Orgs       []OrgRow // filtered and sorted
	Total      OrgRow   // the sum of Orgs (Revenue per currency)
	Currencies []string // every currency in Orgs' revenue, sorted
	Trend      Series
}

// Overview reads the super-admin page's figures: one read of the current
// figures, one of the range's sums, one of the platform's daily totals.
//
// The unfiltered table and the trend of a range are kept until the
// figures may have changed (AnalyticsGeneration: a collection, an org
// created, renamed, suspended or deleted), so searching, sorting and
// paging through the same range reads one row instead of every org's.
func (r *Reader) Overview(ctx context.Context, f Filter) (Overview, error) {
	rows, trend, err := r.overviewData(ctx, f)
	if err != nil {
		return Overview{}, err
	}
	ov := Overview{Filter: f, Total: OrgRow{Revenue: map[string]int64{}}, Trend: trend}
	cur := map[string]bool{}
	for _, o := range rows {
		if !f.matches(o.Org) {
			continue
		}
		ov.Orgs = append(ov.Orgs, o)
		ov.Total.Members += o.Members
		ov.Total.ActiveMemberships += o.ActiveMemberships
		ov.Total.Signups += o.Signups
		ov.Total.SignupsPrev += o.SignupsPrev
		ov.Total.Registrations += o.Registrations
		for c, v := range o.Revenue {
			ov.Total.Revenue[c] += v
			cur[c] = true
		}
		if o.LastActivity > ov.Total.LastActivity {
			ov.Total.LastActivity = o.LastActivity
		}
	}
	for c := range cur {
		ov.Currencies = append(ov.Currencies, c)
	}
	sort.Strings(ov.Currencies)
	sortOrgs(ov.Orgs, f.Sort, f.Desc)
	return ov, nil
}

// overviewEntry is one range's table (every org, unsorted) and trend.
type overviewEntry struct {
	gen   string
	rows  []OrgRow
	trend Series
}

// overviewData returns the table and trend of f's range, from the cache
// while the generation is the same.
func (r *Reader) overviewData(ctx context.Context, f Filter) ([]OrgRow, Series, error) {
	q := r.q()
	gen, err := q.AnalyticsGeneration(ctx)
	if err != nil {
		return nil, Series{}, err
	}
	key := f.From.Format(DayLayout) + "|" + f.To.Format(DayLayout) + "|" + f.Period
	r.ovMu.Lock()
	e := r.ov[key]
	r.ovMu.Unlock()
	if e != nil && e.gen == gen {
		return e.rows, e.trend, nil
	}
	orgs, err := r.Registry.List(ctx)
	if err != nil {
		return nil, Series{}, err
	}
	rows, err := r.table(ctx, orgs, f)
	if err != nil {
		return nil, Series{}, err
	}
	daily, err := q.AnalyticsSeriesPlatform(ctx, platformdb.AnalyticsSeriesPlatformParams{
		ToDay: f.To.Format(DayLayout), FromDay: f.From.Format(DayLayout), Stocks: stockNames})
	if err != nil {
		return nil, Series{}, err
	}
	drs := make([]dailyRow, len(daily))
	for i, d := range daily {
		drs[i] = dailyRow{d.Day, d.Metric, d.Dim, d.Value}
	}
	e = &overviewEntry{gen: gen, rows: rows, trend: series(f, drs)}
	r.ovMu.Lock()
	if r.ov == nil || len(r.ov) >= 32 {
		r.ov = map[string]*overviewEntry{}
	}
	r.ov[key] = e
	r.ovMu.Unlock()
	return e.rows, e.trend, nil
}

func (f Filter) matches(o tenant.Org) bool {
	if f.Status != "" && string(o.Status) != f.Status {
		return false
	}
	return f.Query == "" || strings.Contains(strings.ToLower(o.Name), f.Query) || strings.Contains(o.Slug, f.Query)
}

// table builds one row per org from the current figures and the range's
// sums.
func (r *Reader) table(ctx context.Context, orgs []tenant.Org, f Filter) ([]OrgRow, error) {
	byID := make(map[string]*OrgRow, len(orgs))
	rows := make([]OrgRow, len(orgs))
	for i, o := range orgs {
		rows[i] = OrgRow{Org: o, Revenue: map[string]int64{}}
		byID[o.ID] = &rows[i]
	}
	q := r.q()
	current, err := q.AnalyticsCurrentMetrics(ctx, []string{Members, ActiveMemberships})
	if err != nil {
		return nil, err
	}
	for _, c := range current {
		o := byID[c.OrgID]
		if o == nil {
			continue
		}
		o.Collected = true
		switch c.Metric {
		case Members:
			o.Members = c.Value
		case ActiveMemberships:
			o.ActiveMemberships += c.Value
		}
	}
	period, err := q.AnalyticsPeriodByOrg(ctx, platformdb.AnalyticsPeriodByOrgParams{
		FromDay: f.From.Format(DayLayout), PrevFrom: f.prevFrom().Format(DayLayout), ToDay: f.To.Format(DayLayout),
		Metrics: []string{Signups, Registrations, Revenue}})
	if err != nil {
		return nil, err
	}
	for _, p := range period {
		o := byID[p.OrgID]
		if o == nil {
			continue
		}
		cur, prev := p.AtTo-p.BeforeFrom, p.BeforeFrom-p.BeforePrev
		switch p.Metric {
		case Signups:
			o.Signups, o.SignupsPrev = cur, prev
		case Registrations:
			o.Registrations = cur
		case Revenue:
			if cur != 0 {
				o.Revenue[p.Dim] = cur
			}
		}
	}
	states, err := q.AnalyticsOrgStates(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range states {
		if o := byID[s.OrgID]; o != nil {
			o.LastActivity = s.LastActivity
		}
	}
	return rows, nil
}

func sortOrgs(rows []OrgRow, by string, desc bool) {
	key := func(o OrgRow) float64 {
		switch by {
		case "members":
			return float64(o.Members)
		case "active":
			return float64(o.ActiveMemberships)
		case "signups":
			return float64(o.Signups)
		case "registrations":
			return float64(o.Registrations)
		case "growth":
			g, ok := o.Growth()
			if !ok {
				return -1e18
			}
			return g
		}
		return 0
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		var less, eq bool
		switch by {
		case "name", "":
			an, bn := strings.ToLower(a.Org.Name), strings.ToLower(b.Org.Name)
			less, eq = an < bn, an == bn
		case "activity":
			less, eq = a.LastActivity < b.LastActivity, a.LastActivity == b.LastActivity
		default:
			ka, kb := key(a), key(b)
			less, eq = ka < kb, ka == kb
		}
		if eq {
			return a.Org.Slug < b.Org.Slug
		}
		return less != desc
	})
}

// OrgReport is one organization's figures: its current figures and its
// trend over the filter's range (the org-admin page and the drill-down).
type OrgReport struct {
	Org          tenant.Org
	Filter       Filter
	Current      map[string]int64 // "metric" and "metric/dim"
	Dims         map[string][]string
	LastActivity string
	CollectedAt  time.Time
	Collected    bool
	Trend        Series
}

// Cur returns a current figure (dim "" for a metric's total over a
// breakdown that is not money).
func (r OrgReport) Cur(metric, dim string) int64 {
	if dim == "" {
		return r.Current[metric]
	}
	return r.Current[metric+"/"+dim]
}

// RenewalRate is the share of last season's members who renewed, in
// percent, if there was a last season.
func (r OrgReport) RenewalRate() (float64, bool) {
	base := r.Current[RenewalBase]
	if base == 0 {
		return 0, false
	}
	return float64(r.Current[Renewals]) * 100 / float64(base), true
}

// Org reads one org's report.
func (r *Reader) Org(ctx context.Context, o tenant.Org, f Filter) (OrgReport, error) {
	q := r.q()
	rep := OrgReport{Org: o, Filter: f, Current: map[string]int64{}, Dims: map[string][]string{}}
	cur, err := q.AnalyticsCurrentOrg(ctx, o.ID)
	if err != nil {
		return rep, err
	}
	for _, c := range cur {
		rep.Current[c.Metric+"/"+c.Dim] = c.Value
		if c.Dim != "" {
			rep.Dims[c.Metric] = append(rep.Dims[c.Metric], c.Dim)
			if !isMoney(c.Metric) {
				rep.Current[c.Metric] += c.Value
			}
		} else {
			rep.Current[c.Metric] = c.Value
		}
	}
	st, err := q.AnalyticsOrgState(ctx, o.ID)
	switch {
	case err == nil:
		rep.Collected, rep.CollectedAt, rep.LastActivity = true, st.CollectedAt, st.LastActivity
	case !isNoRows(err):
		return rep, err
	}
	daily, err := q.AnalyticsSeriesOrg(ctx, platformdb.AnalyticsSeriesOrgParams{OrgID: o.ID, ToDay: f.To.Format(DayLayout)})
	if err != nil {
		return rep, err
	}
	drs := make([]dailyRow, len(daily))
	for i, d := range daily {
		drs[i] = dailyRow{d.Day, d.Metric, d.Dim, d.Value}
	}
	rep.Trend = series(f, drs)
	return rep, nil
}

// Count formats a count of people for a cross-organization or benchmark
// view: "fewer than 5" for 1 to 4 (MinCount), so no small group can be
// singled out.
func Count(n int64) string {
	if n > 0 && n < MinCount {
		return "fewer than 5"
	}
	return strconv.FormatInt(n, 10)
}

// Money formats cents in a currency ("1,234.50 CAD").
func Money(cents int64, currency string) string {
	return money.Format(cents) + " " + currency
}

// WriteOrgsCSV writes the super-admin table, one row per org with a header
// row, as it goes (w is the response's stream). Counts of people are
// suppressed as on the page.
func WriteOrgsCSV(w io.Writer, ov Overview) error {
	cw := csv.NewWriter(w)
	head := []string{"slug", "name", "status", "members", "active_memberships", "signups", "signups_previous_period", "registrations"}
	for _, c := range ov.Currencies {
		head = append(head, "revenue_"+strings.ToLower(c))
	}
	head = append(head, "last_activity")
	if err := cw.Write(head); err != nil {
		return err
	}
	for i, o := range ov.Orgs {
		rec := []string{o.Org.Slug, o.Org.Name, string(o.Org.Status), Count(o.Members), Count(o.ActiveMemberships),
			Count(o.Signups), Count(o.SignupsPrev), Count(o.Registrations)}
		for _, c := range ov.Currencies {
			rec = append(rec, money.FormatPlain(o.Revenue[c]))
		}
		rec = append(rec, o.LastActivity)
		if err := cw.Write(rec); err != nil {
			return err
		}
		if i%100 == 99 {
			cw.Flush()
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteOrgCSV writes one org's trend, one row per period with a header
// row. It is the org's own data: nothing is suppressed.
func WriteOrgCSV(w io.Writer, rep OrgReport) error {
	cw := csv.NewWriter(w)
	currencies := rep.Trend.Dims[Revenue]
	head := []string{"period_start", "period_end", "members", "active_memberships", "signups", "memberships_bought", "registrations", "teams"}
	for _, c := range currencies {
		head = append(head, "revenue_"+strings.ToLower(c))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	t := rep.Trend
	for i, b := range t.Buckets {
		rec := []string{b.Start.Format(DayLayout), b.End.Format(DayLayout),
			fmt.Sprint(t.Get(i, Members, "")), fmt.Sprint(t.Get(i, ActiveMemberships, "")), fmt.Sprint(t.Get(i, Signups, "")),
			fmt.Sprint(t.Get(i, MembershipsNew, "")), fmt.Sprint(t.Get(i, Registrations, "")), fmt.Sprint(t.Get(i, Teams, ""))}
		for _, c := range currencies {
			rec = append(rec, money.FormatPlain(t.Get(i, Revenue, c)))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// firstField returns one message of fields (the first field by name), for
// an error page that shows a single line.
func firstField(fields apperr.Fields) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return fields[keys[0]]
}

// Benchmark is an anonymous comparison for one org: medians over the
// organizations of a similar size (by members). Each median is shown only
// when at least MinOrgs organizations contribute to it. It never names
// another organization or shows another's figures.
type Benchmark struct {
	SizeBand string // "under 50 members", ...
	Orgs     int    // organizations in the band, this one included

	RenewalRate    float64 // median renewal rate, percent
	HasRenewalRate bool
	ActiveShare    float64 // median active memberships per 100 members
	HasActiveShare bool
	Members        int64 // median members
	HasMembers     bool
}

var sizeBands = []struct {
	below int64
	label string
}{{50, "under 50 members"}, {200, "50 to 199 members"}, {1000, "200 to 999 members"}, {1 << 62, "1,000 members or more"}}

// MembersText is the median members for the page, a small count
// suppressed like every count of people in a benchmark.
func (b Benchmark) MembersText() string { return Count(b.Members) }

func sizeBand(members int64) int {
	for i, b := range sizeBands {
		if members < b.below {
			return i
		}
	}
	return len(sizeBands) - 1
}

// benchCache keeps the per-org current figures benchmarks need, read at
// most once a minute: every org admin's page uses them.
type benchCache struct {
	mu   sync.Mutex
	at   time.Time
	orgs map[string]*benchOrg
}

type benchOrg struct{ members, active, renewals, base int64 }

// Benchmark compares orgID with the organizations of its size band.
func (r *Reader) Benchmark(ctx context.Context, orgID string) (Benchmark, error) {
	orgs, err := r.benchOrgs(ctx)
	if err != nil {
		return Benchmark{}, err
	}
	me := orgs[orgID]
	if me == nil {
		me = &benchOrg{}
	}
	band := sizeBand(me.members)
	b := Benchmark{SizeBand: sizeBands[band].label}
	var rates, shares, members []float64
	for _, o := range orgs {
		if sizeBand(o.members) != band {
			continue
		}
		b.Orgs++
		members = append(members, float64(o.members))
		if o.members > 0 {
			shares = append(shares, float64(o.active)*100/float64(o.members))
		}
		if o.base > 0 {
			rates = append(rates, float64(o.renewals)*100/float64(o.base))
		}
	}
	if len(members) >= MinOrgs {
		b.Members, b.HasMembers = int64(median(members)), true
	}
	if len(shares) >= MinOrgs {
		b.ActiveShare, b.HasActiveShare = median(shares), true
	}
	if len(rates) >= MinOrgs {
		b.RenewalRate, b.HasRenewalRate = median(rates), true
	}
	return b, nil
}

func (r *Reader) benchOrgs(ctx context.Context) (map[string]*benchOrg, error) {
	r.bench.mu.Lock()
	defer r.bench.mu.Unlock()
	if r.bench.orgs != nil && time.Since(r.bench.at) < time.Minute {
		return r.bench.orgs, nil
	}
	rows, err := r.q().AnalyticsCurrentMetrics(ctx, []string{Members, ActiveMemberships, Renewals, RenewalBase})
	if err != nil {
		return nil, err
	}
	orgs := map[string]*benchOrg{}
	for _, c := range rows {
		o := orgs[c.OrgID]
		if o == nil {
			o = &benchOrg{}
			orgs[c.OrgID] = o
		}
		switch c.Metric {
		case Members:
			o.members = c.Value
		case ActiveMemberships:
			o.active += c.Value
		case Renewals:
			o.renewals = c.Value
		case RenewalBase:
			o.base = c.Value
		}
	}
	r.bench.orgs, r.bench.at = orgs, time.Now()
	return orgs, nil
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
