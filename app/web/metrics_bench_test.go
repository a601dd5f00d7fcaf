package web

import (
	"slices"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"sportsapp/app/metrics"
)

// BenchmarkWarmPageMetrics: a warm org page with and without the metrics
// middleware (request counter, latency histogram, per-org usage, the
// console's one-minute window). Compare the two ns/op: the goal is an
// overhead of 5% at most (docs/monitoring.md).
func BenchmarkWarmPageMetrics(b *testing.B) {
	for _, bc := range []struct {
		name string
		m    *metrics.Metrics
	}{
		{"without", nil},
		{"with", metrics.New(metrics.Options{Log: quiet})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEnvWith(b, envOptions{Metrics: bc.m})
			e.org("quadball-canada", "Quadball Canada")
			h := e.srv.App().Handler()
			if s := serveFast(h, "quadball-canada.localhost:8080", "/"); s != 200 {
				b.Fatalf("status %d", s)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				serveFast(h, "quadball-canada.localhost:8080", "/")
			}
		})
	}
}

// BenchmarkMetricsOverhead runs the same warm page on two servers, one with
// metrics and one without, alternating request by request so that both
// see the same machine (other processes, CPU frequency), and reports the
// instrumented server's extra time as overhead-%.
func BenchmarkMetricsOverhead(b *testing.B) {
	handler := func(m *metrics.Metrics) fasthttp.RequestHandler {
		e := newEnvWith(b, envOptions{Metrics: m})
		e.org("quadball-canada", "Quadball Canada")
		h := e.srv.App().Handler()
		if s := serveFast(h, "quadball-canada.localhost:8080", "/"); s != 200 {
			b.Fatalf("status %d", s)
		}
		return h
	}
	plain, instrumented := handler(nil), handler(metrics.New(metrics.Options{Log: quiet}))
	var without, with []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		first, second := plain, instrumented
		if i%2 == 1 {
			first, second = instrumented, plain
		}
		t0 := time.Now()
		serveFast(first, "quadball-canada.localhost:8080", "/")
		t1 := time.Now()
		serveFast(second, "quadball-canada.localhost:8080", "/")
		t2 := time.Now()
		if i%2 == 0 {
			without, with = append(without, t1.Sub(t0)), append(with, t2.Sub(t1))
		} else {
			with, without = append(with, t1.Sub(t0)), append(without, t2.Sub(t1))
		}
	}
	b.StopTimer()
	// Medians: a GC pause or another process lands on one request, not
	// on the middleware.
	median := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2])
	}
	pw, iw := median(without), median(with)
	b.ReportMetric(100*(iw/pw-1), "overhead-%")
	b.ReportMetric(pw, "plain-ns/req")
	b.ReportMetric(iw, "metrics-ns/req")
}
