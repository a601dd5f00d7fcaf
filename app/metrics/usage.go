package metrics

import (
	"sort"
	"sync"
	"time"
)

// Usage counts, per organization, requests, writes and cold opens since
// the server started: in memory, bounded, for the console's top
// organizations, never as Prometheus labels.
type Usage struct {
	mu     sync.Mutex
	max    int
	orgs   map[string]*OrgUsage
	Others OrgUsage // organizations that arrived once max were tracked
}

// OrgUsage is one organization's figures.
type OrgUsage struct {
	ID, Slug  string `json:",omitempty"`
	Requests  int64
	Writes    int64 // requests other than GET and HEAD
	ColdOpens int64
	// Bytes is the size of the organization's database file when it was
	// last opened (read then, so a listing stats no file).
	Bytes int64
	// LagSeconds is how long the organization's replica has been behind:
	// seconds since its last successful sync while changes are pending or
	// its last sync failed; 0 when it is in sync or not open (a closed
	// organization was shipped when it closed). Filled in by TopBy.
	LagSeconds float64
}

// Usage orders for TopBy.
const (
	ByRequests  = "requests"
	ByWrites    = "writes"
	ByColdOpens = "cold-opens"
	ByBytes     = "bytes"
	ByLag       = "lag"
)

// UsageOrders lists the orders TopBy accepts, default first.
var UsageOrders = []string{ByRequests, ByWrites, ByColdOpens, ByBytes, ByLag}

// ValidUsageOrder says whether by is one of UsageOrders.
func ValidUsageOrder(by string) bool {
	for _, o := range UsageOrders {
		if o == by {
			return true
		}
	}
	return false
}

// NewUsage tracks at most max organizations (10,000 if max < 1); later
// ones are added up in Others.
func NewUsage(max int) *Usage {
	if max < 1 {
		max = 10000
	}
	return &Usage{max: max, orgs: map[string]*OrgUsage{}}
}

func (u *Usage) entry(id, slug string) *OrgUsage {
	e, ok := u.orgs[id]
	if !ok {
		if len(u.orgs) >= u.max {
			return &u.Others
		}
		e = &OrgUsage{ID: id, Slug: slug}
		u.orgs[id] = e
	}
	if slug != "" {
		e.Slug = slug // the latest, should the org be renamed
	}
	return e
}

func (u *Usage) request(id, slug string, write bool) {
	u.mu.Lock()
	e := u.entry(id, slug)
	e.Requests++
	if write {
		e.Writes++
	}
	u.mu.Unlock()
}

func (u *Usage) coldOpen(id, slug string, bytes int64) {
	u.mu.Lock()
	e := u.entry(id, slug)
	e.ColdOpens++
	if bytes > 0 {
		e.Bytes = bytes
	}
	u.mu.Unlock()
}

// Top returns the n organizations with the most requests, most first.
func (u *Usage) Top(n int) []OrgUsage { return u.TopBy(n, ByRequests, nil) }

// TopBy returns the n organizations first by the given order (one of
// UsageOrders; anything else is by requests), with LagSeconds from lag
// (by organization id; nil: none).
func (u *Usage) TopBy(n int, by string, lag map[string]float64) []OrgUsage {
	u.mu.Lock()
	all := make([]OrgUsage, 0, len(u.orgs))
	for _, e := range u.orgs {
		row := *e
		row.LagSeconds = lag[e.ID]
		all = append(all, row)
	}
	u.mu.Unlock()
	key := func(o OrgUsage) float64 {
		switch by {
		case ByWrites:
			return float64(o.Writes)
		case ByColdOpens:
			return float64(o.ColdOpens)
		case ByBytes:
			return float64(o.Bytes)
		case ByLag:
			return o.LagSeconds
		}
		return float64(o.Requests)
	}
	sort.Slice(all, func(i, j int) bool {
		if ki, kj := key(all[i]), key(all[j]); ki != kj {
			return ki > kj
		}
		if all[i].Requests != all[j].Requests {
			return all[i].Requests > all[j].Requests
		}
		return all[i].Slug < all[j].Slug
	})
	if len(all) > n {
		all = all[:n]
	}
	return all
}

// window keeps per-second request counts over the last minute for the
// console's request rate and error rate, and per-minute counts over the
// last hour for its charts.
type window struct {
	mu      sync.Mutex
	now     func() time.Time
	slots   [60]slot // by second
	minutes [60]slot // by minute (sec holds the minute's number)
}

type slot struct {
	sec    int64
	n, err int64
	total  time.Duration
	max    time.Duration
}

func newWindow(now func() time.Time) *window { return &window{now: now} }

func (w *window) add(d time.Duration, failed bool) {
	sec := w.now().Unix()
	w.mu.Lock()
	s := &w.slots[sec%60]
	if s.sec != sec {
		*s = slot{sec: sec}
	}
	s.n++
	if failed {
		s.err++
	}
	s.total += d
	if d > s.max {
		s.max = d
	}
	min := sec / 60
	m := &w.minutes[min%60]
	if m.sec != min {
		*m = slot{sec: min}
	}
	m.n++
	if failed {
		m.err++
	}
	m.total += d
	if d > m.max {
		m.max = d
	}
	w.mu.Unlock()
}

// Minute is one minute of requests in the last hour.
type Minute struct {
	At       time.Time // the minute's start
	Requests int64
	Errors   int64 // 5xx
	Mean     time.Duration
}

// hour returns the last 60 minutes, oldest first, the current minute
// last; minutes without requests are zero.
func (w *window) hour() []Minute {
	now := w.now().Unix() / 60
	out := make([]Minute, 60)
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range out {
		min := now - 59 + int64(i)
		out[i].At = time.Unix(min*60, 0).UTC()
		if s := w.minutes[((min%60)+60)%60]; s.sec == min && s.n > 0 {
			out[i].Requests, out[i].Errors, out[i].Mean = s.n, s.err, s.total/time.Duration(s.n)
		}
	}
	return out
}

// Recent is the last minute of requests.
type Recent struct {
	Requests   int64
	PerSecond  float64
	Errors     int64 // 5xx
	MeanOf     time.Duration
	Slowest    time.Duration
	WindowSecs int
}

func (w *window) recent() Recent {
	now := w.now().Unix()
	var r Recent
	var total time.Duration
	w.mu.Lock()
	for _, s := range w.slots {
		if s.sec > now-60 && s.sec <= now {
			r.Requests += s.n
			r.Errors += s.err
			total += s.total
			if s.max > r.Slowest {
				r.Slowest = s.max
			}
		}
	}
	w.mu.Unlock()
	r.WindowSecs = 60
	r.PerSecond = float64(r.Requests) / 60
	if r.Requests > 0 {
		r.MeanOf = total / time.Duration(r.Requests)
	}
	return r
}
