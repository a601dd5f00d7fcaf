package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"sportsapp/app/event"
	"sportsapp/app/money"
	"sportsapp/app/settings"
)

// The admin dashboard's charts (issue 16): memberships activated and
// revenue received per week of the current season, and the registrations
// of each upcoming event against its capacity. They are SVG written by the
// templates from the figures here, so they need no script, and each comes
// with its figures as a table. The data costs no query of its own:
// AdminDashboard returns the season's activity per quarter hour, added up
// here per week in the organization's time zone, and the events are the
// dashboard's upcoming list. The dashboard's body, charts included, is kept
// while the organization's database does not change (renderKept), so most
// views of the dashboard neither read the season's activity nor render the
// charts.
// TestDashboardChartsMatchTheLists compares every figure with the members
// list, the payments history and the events' participant lists.

// weekChartW and weekChartH are the weekly charts' SVG coordinate space
// (scaled to the width of the page).
const (
	weekChartW = 600
	weekChartH = 150
)

// weekBar is one week of a weekly chart.
type weekBar struct {
	Week       string // the week's first day, YYYY-MM-DD
	Value      int64  // memberships, or cents
	Text       string // the value as shown
	X, Y, W, H string // the bar in the SVG's coordinates
}

// seasonChart is one bar chart over the season's weeks.
type seasonChart struct {
	ID, Title string
	Unit      string // what a bar counts, for the text alternative
	Bars      []weekBar
	First     string // the first week
	Total     int64
	TotalText string
	MaxText   string
}

// eventCapacity is one upcoming event against its capacity.
type eventCapacity struct {
	ID              int64
	Name, StartsOn  string
	Taken, Capacity int64
	Percent         string // of the capacity taken, at most 100, for the SVG
}

// dashboardCharts are the dashboard's charts: the weekly ones (From and
// To are the first and last week shown; Revenue has one chart per
// currency, since amounts are never added across currencies) and the
// upcoming events against their capacity.
type dashboardCharts struct {
	weeklyCharts
	Capacity []eventCapacity
}

// seasonWeeks returns the first day of the season's first week and how
// many weeks the charts show: from the season's start to today (or the
// season's end, if earlier), at least one.
func seasonWeeks(st settings.Settings, now time.Time) (time.Time, int) {
	start := st.SeasonStart
	last := st.Today(now)
	if st.SeasonEnd.Before(last) {
		last = st.SeasonEnd
	}
	n := 1
	if last.After(start) {
		n = int(last.Sub(start).Hours()/24)/7 + 1
	}
	return start, n
}

// weekOf returns the week (0 to n-1) of the season in which instant t
// falls, counted in calendar days in loc from start (a civil date); what
// happened before the season started counts in its first week, after the
// last week shown in the last.
func weekOf(start time.Time, n int, t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	w := int(day.Sub(start).Hours()/24) / 7
	if day.Before(start) {
		w = 0
	}
	return min(max(w, 0), n-1)
}

// weeklyCharts are the season's weekly charts.
type weeklyCharts struct {
	Season      string
	From, To    string
	Memberships seasonChart
	Revenue     []seasonChart
}

// weeklyChartsOf turns AdminDashboard's per quarter hour activity into the
// weekly charts.
func weeklyChartsOf(st settings.Settings, now time.Time, membershipSlots, revenueSlots string) (weeklyCharts, error) {
	loc := st.Location()
	start, n := seasonWeeks(st, now)
	ch := weeklyCharts{Season: st.SeasonName, From: start.Format(settings.DateLayout), To: start.AddDate(0, 0, 7*(n-1)).Format(settings.DateLayout)}

	var members [][2]int64
	if err := json.Unmarshal([]byte(membershipSlots), &members); err != nil {
		return ch, fmt.Errorf("membership slots: %w", err)
	}
	counts := make([]int64, n)
	for _, s := range members {
		counts[weekOf(start, n, time.Unix(s[0], 0), loc)] += s[1]
	}
	ch.Memberships = weeklyOf("chart-memberships", "Memberships activated per week", "memberships", start, counts, func(v int64) string { return strconv.FormatInt(v, 10) })

	var revenue [][4]any // slot, currency, payments, cents
	if err := json.Unmarshal([]byte(revenueSlots), &revenue); err != nil {
		return ch, fmt.Errorf("revenue slots: %w", err)
	}
	byCurrency := map[string][]int64{}
	for _, s := range revenue {
		slot, _ := s[0].(float64)
		cur, _ := s[1].(string)
		cents, _ := s[3].(float64)
		if byCurrency[cur] == nil {
			byCurrency[cur] = make([]int64, n)
		}
		byCurrency[cur][weekOf(start, n, time.Unix(int64(slot), 0), loc)] += int64(cents)
	}
	currencies := make([]string, 0, len(byCurrency))
	for cur := range byCurrency {
		currencies = append(currencies, cur)
	}
	if len(currencies) == 0 {
		currencies = append(currencies, st.Currency) // an empty chart in the org's currency
		byCurrency[st.Currency] = make([]int64, n)
	}
	sort.Strings(currencies)
	for _, cur := range currencies {
		ch.Revenue = append(ch.Revenue, weeklyOf("chart-revenue-"+cur, "Revenue received per week, "+cur, cur, start, byCurrency[cur],
			func(v int64) string { return money.Format(v) + " " + cur }))
	}
	return ch, nil
}

// capacityOf is the capacity chart of the upcoming events.
func capacityOf(upcoming []event.Event) []eventCapacity {
	var out []eventCapacity
	for _, e := range upcoming {
		b := eventCapacity{ID: e.ID, Name: e.Name, StartsOn: e.StartsOn, Taken: e.Taken, Capacity: e.Capacity, Percent: "0"}
		if e.Capacity > 0 {
			b.Percent = svgNumber(min(100, float64(e.Taken)*100/float64(e.Capacity)))
		}
		out = append(out, b)
	}
	return out
}

// weeklyOf lays out one bar per week.
func weeklyOf(id, title, unit string, start time.Time, values []int64, text func(int64) string) seasonChart {
	c := seasonChart{ID: id, Title: title, Unit: unit}
	var top int64
	for _, v := range values {
		top = max(top, v)
		c.Total += v
	}
	c.TotalText, c.MaxText = text(c.Total), text(top)
	slot := float64(weekChartW) / float64(len(values))
	for i, v := range values {
		h := 0.0
		if top > 0 && v > 0 {
			h = max(1, float64(v)/float64(top)*(weekChartH-10))
		}
		c.Bars = append(c.Bars, weekBar{Week: start.AddDate(0, 0, 7*i).Format(settings.DateLayout), Value: v, Text: text(v),
			X: svgNumber(float64(i)*slot + slot*0.1), W: svgNumber(slot * 0.8), Y: svgNumber(weekChartH - h), H: svgNumber(h)})
	}
	if len(c.Bars) > 0 {
		c.First = c.Bars[0].Week
	}
	return c
}

// svgNumber writes a coordinate with one decimal.
func svgNumber(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
