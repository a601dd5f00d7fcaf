package loadtest

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// target is what one run requests: the Host of each request chosen among
// hosts by dist, the paths taken in turn, and the same Cookie header on
// every request (none for an anonymous visitor).
type target struct {
	hosts  []string // "<slug>.localhost:<port>"
	paths  []string
	cookie string
	dist   Dist
	want   int // the status a successful response has
}

// runResult is one timed run.
type runResult struct {
	OK, Errors int
	SetCookie  int // successful responses that set a cookie
	FirstError string
	Elapsed    time.Duration
	Latencies  []time.Duration // of the successful requests, sorted
	After      procSample      // the process right after the run
}

// RPS is successful requests per second.
func (r runResult) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// P returns the p-th percentile latency.
func (r runResult) P(p float64) time.Duration { return percentile(r.Latencies, p) }

// newClient returns a keep-alive client of the server at addr, with enough
// connections for every client goroutine.
func newClient(addr string, concurrency int) *fasthttp.HostClient {
	return &fasthttp.HostClient{
		Addr:                addr,
		Name:                "sportsapp-loadtest",
		MaxConns:            concurrency + 8,
		MaxIdleConnDuration: time.Minute,
		ReadTimeout:         30 * time.Second,
		WriteTimeout:        30 * time.Second,
		MaxResponseBodySize: 8 << 20,
	}
}

// drive runs concurrency client goroutines against t for d, each sending
// its next request as soon as the previous one is answered, and returns
// what they saw. The heap is collected first so that one run's garbage is
// not paid for by the next.
func drive(ctx context.Context, c *fasthttp.HostClient, t target, concurrency int, d time.Duration) runResult {
	return driveWith(ctx, c, concurrency, d, t.want, func(w int) func(int, *fasthttp.Request) {
		pick := picker(t.dist, len(t.hosts), uint64(w)+1)
		return func(i int, req *fasthttp.Request) {
			req.SetRequestURI(t.paths[i%len(t.paths)])
			req.SetHost(t.hosts[pick()])
			if t.cookie != "" {
				req.Header.Set(fasthttp.HeaderCookie, t.cookie)
			}
		}
	})
}

// driveWith is drive with the requests built by the function newReq
// returns for each client goroutine (w), given the request's number (i)
// and a reset request; a response with status want counts as a success.
func driveWith(ctx context.Context, c *fasthttp.HostClient, concurrency int, d time.Duration, want int, newReq func(w int) func(i int, req *fasthttp.Request)) runResult {
	runtime.GC()
	type part struct {
		lat                 []time.Duration
		ok, errs, setCookie int
		firstErr            string
	}
	parts := make([]part, concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for w := range concurrency {
		wg.Go(func() {
			p := &parts[w]
			build := newReq(w)
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			for i := 0; ; i++ {
				now := time.Now()
				if now.After(deadline) || i%256 == 0 && ctx.Err() != nil {
					return
				}
				req.Reset()
				build(i, req)
				err := c.Do(req, resp)
				lat := time.Since(now)
				switch {
				case err != nil:
					p.errs++
					if p.firstErr == "" {
						p.firstErr = err.Error()
					}
				case resp.StatusCode() != want:
					p.errs++
					if p.firstErr == "" {
						p.firstErr = fmt.Sprintf("status %d on %s %s%s", resp.StatusCode(), req.Header.Method(), req.Host(), req.RequestURI())
					}
				default:
					p.ok++
					p.lat = append(p.lat, lat)
					if len(resp.Header.Peek(fasthttp.HeaderSetCookie)) > 0 {
						p.setCookie++
					}
				}
			}
		})
	}
	wg.Wait()
	r := runResult{Elapsed: time.Since(start)}
	for _, p := range parts {
		r.OK += p.ok
		r.Errors += p.errs
		r.SetCookie += p.setCookie
		r.Latencies = append(r.Latencies, p.lat...)
		if r.FirstError == "" {
			r.FirstError = p.firstErr
		}
	}
	slices.Sort(r.Latencies)
	r.After = sample()
	return r
}

// get sends one request and returns its latency and status.
func get(c *fasthttp.HostClient, host, path, cookie string) (time.Duration, int, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(path)
	req.SetHost(host)
	if cookie != "" {
		req.Header.Set(fasthttp.HeaderCookie, cookie)
	}
	start := time.Now()
	err := c.DoTimeout(req, resp, 30*time.Second)
	return time.Since(start), resp.StatusCode(), err
}
