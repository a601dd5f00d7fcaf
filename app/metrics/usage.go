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
	ID, Slug  string
	Requests  int64
	Writes    int64 // requests other than GET and HEAD
	ColdOpens int64
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

func (u *Usage) coldOpen(id, slug string) {
	u.mu.Lock()
	u.entry(id, slug).ColdOpens++
	u.mu.Unlock()
}

// Top returns the n organizations with the most requests, most first.
func (u *Usage) Top(n int) []OrgUsage {
	u.mu.Lock()
	all := make([]OrgUsage, 0, len(u.orgs))
	for _, e := range u.orgs {
		all = append(all, *e)
	}
	u.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
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
// console's request rate and error rate.
type window struct {
	mu    sync.Mutex
	now   func() time.Time
	slots [60]slot
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
	w.mu.Unlock()
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
