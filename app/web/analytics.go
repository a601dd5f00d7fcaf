package web

import (
	"bufio"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/analytics"
	"sportsapp/app/tenant"
)

// Analytics pages (docs/analytics.md): every analyticsFigure comes from the
// roll-ups in the platform database, never from an organization's rows.

// analyticsFilter reads the range, period, search, status and sort from
// the query string; bad values are a 422 naming the field.
func (s *Server) analyticsFilter(c *fiber.Ctx) (analytics.Filter, error) {
	return analytics.ParseFilter(c.Query("from"), c.Query("to"), c.Query("period"), c.Query("q"),
		c.Query("status"), c.Query("sort"), c.Query("dir"), s.now())
}

// analyticsQuery is the filter as a query string, for links (CSV, sort).
func analyticsQuery(f analytics.Filter, sortBy string, desc bool) string {
	v := "from=" + f.From.Format(analytics.DayLayout) + "&to=" + f.To.Format(analytics.DayLayout) + "&period=" + f.Period
	if f.Query != "" {
		v += "&q=" + url.QueryEscape(f.Query)
	}
	if f.Status != "" {
		v += "&status=" + f.Status
	}
	if sortBy != "" {
		v += "&sort=" + sortBy
		if desc {
			v += "&dir=desc"
		}
	}
	return v
}

// analyticsFilterView is the date range and period pickers' state.
type analyticsFilterView struct {
	From, To, Period, Query, Status, Sort, Dir string
	Action                                     string            // the page's path
	CSV                                        string            // the CSV link with the same filter
	Search                                     bool              // the org table's search, status and order (super-admin page)
	Orders                                     []analyticsFigure // the table's orders: Label, Value (the sort key)
}

func analyticsFilterViewOf(f analytics.Filter, action string) analyticsFilterView {
	dir := ""
	if f.Desc {
		dir = "desc"
	}
	return analyticsFilterView{From: f.From.Format(analytics.DayLayout), To: f.To.Format(analytics.DayLayout), Period: f.Period,
		Query: f.Query, Status: f.Status, Sort: f.Sort, Dir: dir, Action: action,
		CSV: action + ".csv?" + analyticsQuery(f, f.Sort, f.Desc), Search: action == "/analytics",
		Orders: analyticsOrders}
}

// analyticsChart is a bar chart drawn in SVG by the template, with its figures
// as a table (the text alternative, also readable without CSS).
type analyticsChart struct {
	ID, Title, Summary string
	Period             string // week or month
	Bars               []analyticsBar
}

type analyticsBar struct {
	X, Y, W, H float64
	Label      string
	Value      string
}

const chartW, chartH = 300.0, 100.0

// barChart lays out one bar per period; format renders a value.
func analyticsBarChart(id, title string, t analytics.Series, value func(i int) int64, format func(int64) string) analyticsChart {
	ch := analyticsChart{ID: id, Title: title, Period: t.Period}
	var peak int64
	for i := range t.Buckets {
		peak = max(peak, value(i))
	}
	n := float64(len(t.Buckets))
	step := chartW / max(n, 1)
	for i, b := range t.Buckets {
		v := value(i)
		h := 0.0
		if peak > 0 && v > 0 {
			h = float64(v) / float64(peak) * (chartH - 2)
		}
		ch.Bars = append(ch.Bars, analyticsBar{X: float64(i)*step + step*0.1, Y: chartH - h, W: step * 0.8, H: h, Label: b.Label, Value: format(v)})
	}
	if len(ch.Bars) > 0 {
		first, last := ch.Bars[0], ch.Bars[len(ch.Bars)-1]
		ch.Summary = fmt.Sprintf("%s by %s: %s in %s, %s in %s; highest %s.", title, t.Period, first.Value, first.Label, last.Value, last.Label, format(peak))
	}
	return ch
}

func countText(n int64) string { return strconv.FormatInt(n, 10) }

// analyticsFigure is one labelled value on a page.
type analyticsFigure struct {
	Label, Value string
}

// orgAnalyticsView is an organization's figures: the org admin's own page
// and the super-admin's drill-down (where small counts are suppressed).
type orgAnalyticsView struct {
	page
	Org        tenant.Org
	Filter     analyticsFilterView
	Collected  bool
	AsOf       string
	Figures    []analyticsFigure
	Types      []analyticsFigure // active memberships by type
	AgeBands   []analyticsFigure
	Charts     []analyticsChart
	Benchmark  *analytics.Benchmark
	BenchShown bool
	Platform   bool // the super-admin's drill-down
}

// orgAnalytics fills the view shared by the org admin's page and the
// drill-down; count formats counts of people (analytics.Count across
// organizations, plain for an org's own figures).
func orgAnalytics(rep analytics.OrgReport, count func(int64) string) orgAnalyticsView {
	v := orgAnalyticsView{Org: rep.Org, Collected: rep.Collected}
	if rep.Collected {
		v.AsOf = rep.CollectedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	t := rep.Trend
	sum := func(metric, dim string) int64 {
		var n int64
		for i := range t.Buckets {
			n += t.Get(i, metric, dim)
		}
		return n
	}
	v.Figures = append(v.Figures,
		analyticsFigure{"Members", count(rep.Cur(analytics.Members, ""))},
		analyticsFigure{"Active memberships", count(rep.Cur(analytics.ActiveMemberships, ""))},
		analyticsFigure{"Teams", countText(rep.Cur(analytics.Teams, ""))},
		analyticsFigure{"New sign-ups in the range", count(sum(analytics.Signups, ""))},
		analyticsFigure{"Event registrations in the range", count(sum(analytics.Registrations, ""))},
	)
	if rate, ok := rep.RenewalRate(); ok {
		v.Figures = append(v.Figures, analyticsFigure{"Renewal rate (last season to this one)",
			fmt.Sprintf("%.0f%% (%s of %s)", rate, count(rep.Cur(analytics.Renewals, "")), count(rep.Cur(analytics.RenewalBase, "")))})
	}
	if places, capacity := sum(analytics.EventPlaces, ""), sum(analytics.EventCapacity, ""); capacity > 0 {
		v.Figures = append(v.Figures, analyticsFigure{"Fill rate of events in the range", fmt.Sprintf("%.0f%% (%d of %d places)", float64(places)*100/float64(capacity), places, capacity)})
	}
	for _, cur := range t.Dims[analytics.Revenue] {
		v.Figures = append(v.Figures, analyticsFigure{"Confirmed revenue in the range, " + cur, analytics.Money(sum(analytics.Revenue, cur), cur)})
	}
	for _, cur := range rep.Dims[analytics.PendingAmount] {
		v.Figures = append(v.Figures, analyticsFigure{"Pending payments, " + cur,
			fmt.Sprintf("%s (%s)", analytics.Money(rep.Cur(analytics.PendingAmount, cur), cur), countText(rep.Cur(analytics.PendingPayments, cur)))})
	}
	for _, d := range rep.Dims[analytics.ActiveMemberships] {
		v.Types = append(v.Types, analyticsFigure{d, count(rep.Cur(analytics.ActiveMemberships, d))})
	}
	for _, d := range rep.Dims[analytics.AgeBand] {
		v.AgeBands = append(v.AgeBands, analyticsFigure{d, count(rep.Cur(analytics.AgeBand, d))})
	}
	v.Charts = append(v.Charts,
		analyticsBarChart("members", "Members", t, func(i int) int64 { return t.Get(i, analytics.Members, "") }, countText),
		analyticsBarChart("signups", "New sign-ups", t, func(i int) int64 { return t.Get(i, analytics.Signups, "") }, countText),
		analyticsBarChart("active", "Active memberships", t, func(i int) int64 { return t.Get(i, analytics.ActiveMemberships, "") }, countText),
		analyticsBarChart("registrations", "Event registrations", t, func(i int) int64 { return t.Get(i, analytics.Registrations, "") }, countText),
	)
	for _, cur := range t.Dims[analytics.Revenue] {
		v.Charts = append(v.Charts, analyticsBarChart("revenue-"+strings.ToLower(cur), "Confirmed revenue ("+cur+")", t,
			func(i int) int64 { return t.Get(i, analytics.Revenue, cur) }, func(n int64) string { return analytics.Money(n, cur) }))
	}
	return v
}

// handleOrgAnalytics is an org admin's analytics page: the org's own
// figures and trend, and anonymous benchmarks.
func (s *Server) handleOrgAnalytics(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	f, err := s.analyticsFilter(c)
	if err != nil {
		return err
	}
	rep, err := s.analytics.Org(c.UserContext(), sc.Org, f)
	if err != nil {
		return err
	}
	v := orgAnalytics(rep, countText)
	v.page = s.pageFor(c, "Analytics")
	v.Filter = analyticsFilterViewOf(f, "/admin/analytics")
	b, err := s.analytics.Benchmark(c.UserContext(), sc.Org.ID)
	if err != nil {
		return err
	}
	v.Benchmark = &b
	v.BenchShown = b.HasMembers || b.HasActiveShare || b.HasRenewalRate
	if isHTMX(c) {
		return s.render(c, fiber.StatusOK, "analytics/_org", v)
	}
	return s.render(c, fiber.StatusOK, "analytics/org", v)
}

// handleOrgAnalyticsCSV streams the org's trend, one row per period: only
// this org's figures, whatever the query string says.
func (s *Server) handleOrgAnalyticsCSV(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	f, err := s.analyticsFilter(c)
	if err != nil {
		return err
	}
	rep, err := s.analytics.Org(c.UserContext(), sc.Org, f)
	if err != nil {
		return err
	}
	return s.streamCSV(c, sc.Org.Slug+"-analytics-"+f.From.Format(analytics.DayLayout)+"-"+f.To.Format(analytics.DayLayout)+".csv",
		func(w *bufio.Writer) error { return analytics.WriteOrgCSV(w, rep) })
}

// streamCSV sends a CSV download written as it goes.
func (s *Server) streamCSV(c *fiber.Ctx, name string, write func(*bufio.Writer) error) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if c.Method() == fiber.MethodHead {
		return nil
	}
	log := s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := write(w); err != nil {
			log.Warn("analytics CSV cut short", "file", name, "err", err)
			return
		}
		_ = w.Flush()
	})
	return nil
}

// platformAnalyticsView is the super-admin page.
type platformAnalyticsView struct {
	page
	Filter     analyticsFilterView
	Totals     []analyticsFigure
	Charts     []analyticsChart
	Currencies []string
	Orgs       []platformOrgRow
	Columns    []analyticsSortColumn
	Count      int // organizations matching (Orgs holds the first analyticsTableRows)
}

type platformOrgRow struct {
	Slug, Name, Status                              string
	Members, Active, Signups, Registrations, Growth string
	Revenue                                         []string // per Currencies
	LastActivity                                    string
	Collected                                       bool
}

// analyticsSortColumn is a sortable header: its link flips the direction when it
// is the current sort.
type analyticsSortColumn struct {
	Key, Label, Href, Sort string // Sort: aria-sort value
}

// analyticsOrders are the table's sort orders for the filter form (the
// column headers, hidden on phones, do the same).
var analyticsOrders = func() []analyticsFigure {
	var fs []analyticsFigure
	for _, k := range analytics.SortColumns {
		fs = append(fs, analyticsFigure{Label: analyticsColumnLabels[k], Value: k})
	}
	return fs
}()

var analyticsColumnLabels = map[string]string{"name": "Organization", "members": "Members", "active": "Active memberships",
	"signups": "Sign-ups", "growth": "Growth", "registrations": "Registrations", "activity": "Last activity"}

// handlePlatformAnalytics is the super-admin page: totals and trend, and
// the table of organizations with the same filter.
func (s *Server) handlePlatformAnalytics(c *fiber.Ctx) error {
	f, err := s.analyticsFilter(c)
	if err != nil {
		return err
	}
	ov, err := s.analytics.Overview(c.UserContext(), f)
	if err != nil {
		return err
	}
	v := platformAnalyticsView{page: s.pageFor(c, "Analytics"), Filter: analyticsFilterViewOf(f, "/analytics"), Currencies: ov.Currencies, Count: len(ov.Orgs)}
	t := ov.Trend
	v.Totals = append(v.Totals,
		analyticsFigure{"Organizations", countText(int64(len(ov.Orgs)))},
		analyticsFigure{"Members", analytics.Count(ov.Total.Members)},
		analyticsFigure{"Active memberships", analytics.Count(ov.Total.ActiveMemberships)},
		analyticsFigure{"New sign-ups in the range" + growthText(ov.Total), analytics.Count(ov.Total.Signups)},
		analyticsFigure{"Event registrations in the range", analytics.Count(ov.Total.Registrations)},
	)
	for _, cur := range ov.Currencies {
		v.Totals = append(v.Totals, analyticsFigure{"Confirmed revenue in the range, " + cur, analytics.Money(ov.Total.Revenue[cur], cur)})
	}
	v.Charts = append(v.Charts,
		analyticsBarChart("members", "Members", t, func(i int) int64 { return t.Get(i, analytics.Members, "") }, analytics.Count),
		analyticsBarChart("signups", "New sign-ups", t, func(i int) int64 { return t.Get(i, analytics.Signups, "") }, analytics.Count),
		analyticsBarChart("registrations", "Event registrations", t, func(i int) int64 { return t.Get(i, analytics.Registrations, "") }, analytics.Count),
	)
	for _, cur := range t.Dims[analytics.Revenue] {
		v.Charts = append(v.Charts, analyticsBarChart("revenue-"+strings.ToLower(cur), "Confirmed revenue ("+cur+")", t,
			func(i int) int64 { return t.Get(i, analytics.Revenue, cur) }, func(n int64) string { return analytics.Money(n, cur) }))
	}
	for _, key := range analytics.SortColumns {
		col := analyticsSortColumn{Key: key, Label: analyticsColumnLabels[key]}
		desc := key != "name" // a new column: the largest (or newest) first, names A to Z
		if f.Sort == key {
			desc = !f.Desc
			col.Sort = "ascending"
			if f.Desc {
				col.Sort = "descending"
			}
		}
		col.Href = "/analytics?" + analyticsQuery(f, key, desc)
		v.Columns = append(v.Columns, col)
	}
	shown := ov.Orgs[:min(len(ov.Orgs), analyticsTableRows)]
	for _, o := range shown {
		row := platformOrgRow{Slug: o.Org.Slug, Name: o.Org.Name, Status: string(o.Org.Status),
			Members: analytics.Count(o.Members), Active: analytics.Count(o.ActiveMemberships), Signups: analytics.Count(o.Signups),
			Registrations: analytics.Count(o.Registrations), Growth: growthOf(o), LastActivity: o.LastActivity, Collected: o.Collected}
		for _, cur := range ov.Currencies {
			row.Revenue = append(row.Revenue, analytics.Money(o.Revenue[cur], cur))
		}
		v.Orgs = append(v.Orgs, row)
	}
	if isHTMX(c) {
		return s.render(c, fiber.StatusOK, "analytics/_platform", v)
	}
	return s.render(c, fiber.StatusOK, "analytics/platform", v)
}

// analyticsTableRows is how many organizations the page lists (in the
// chosen order); the CSV has them all.
const analyticsTableRows = 100

// growthOf is an org's sign-ups against the previous period, as text.
func growthOf(o analytics.OrgRow) string {
	g, ok := o.Growth()
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%+.0f%%", g)
}

func growthText(o analytics.OrgRow) string {
	if g, ok := o.Growth(); ok {
		return fmt.Sprintf(" (%+.0f%% on the period before)", g)
	}
	return ""
}

// handlePlatformAnalyticsCSV streams the super-admin table with the same
// filters, one row per organization.
func (s *Server) handlePlatformAnalyticsCSV(c *fiber.Ctx) error {
	f, err := s.analyticsFilter(c)
	if err != nil {
		return err
	}
	ov, err := s.analytics.Overview(c.UserContext(), f)
	if err != nil {
		return err
	}
	return s.streamCSV(c, "analytics-"+f.From.Format(analytics.DayLayout)+"-"+f.To.Format(analytics.DayLayout)+".csv",
		func(w *bufio.Writer) error { return analytics.WriteOrgsCSV(w, ov) })
}

// handlePlatformAnalyticsOrg is the super-admin's drill-down into one
// organization: its figures and trend, small counts suppressed.
func (s *Server) handlePlatformAnalyticsOrg(c *fiber.Ctx) error {
	o, err := s.reg.BySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	f, err := s.analyticsFilter(c)
	if err != nil {
		return err
	}
	rep, err := s.analytics.Org(c.UserContext(), o, f)
	if err != nil {
		return err
	}
	v := orgAnalytics(rep, analytics.Count)
	v.page = s.pageFor(c, o.Name+" - Analytics")
	v.Platform = true
	v.Filter = analyticsFilterViewOf(f, "/analytics/orgs/"+o.Slug)
	v.Filter.CSV = ""
	if isHTMX(c) {
		return s.render(c, fiber.StatusOK, "analytics/_org", v)
	}
	return s.render(c, fiber.StatusOK, "analytics/org", v)
}

// rowsOf splits figures into rows of four cards.
func rowsOf(fs []analyticsFigure) [][]analyticsFigure {
	var rows [][]analyticsFigure
	for len(fs) > 4 {
		rows = append(rows, fs[:4])
		fs = fs[4:]
	}
	if len(fs) > 0 {
		rows = append(rows, fs)
	}
	return rows
}

// FigureRows are the page's figures as rows of cards.
func (v orgAnalyticsView) FigureRows() [][]analyticsFigure { return rowsOf(v.Figures) }

// TotalRows are the platform totals as rows of cards.
func (v platformAnalyticsView) TotalRows() [][]analyticsFigure { return rowsOf(v.Totals) }
