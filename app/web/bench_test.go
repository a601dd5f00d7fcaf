package web

import (
	"bufio"
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"sportsapp/app/tenant"
)

// serveFast runs one request through the app's fasthttp handler, without a
// network in between, and returns the status.
func serveFast(h fasthttp.RequestHandler, host, path string) int {
	// Parsed from the wire like a real request: the Host checks count the
	// raw header lines, which a request built field by field lacks.
	var ctx fasthttp.RequestCtx
	raw := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
	if err := ctx.Request.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		panic(err)
	}
	h(&ctx)
	return ctx.Response.StatusCode()
}

// BenchmarkWarmRequest: the org home page on an org whose database is open.
func BenchmarkWarmRequest(b *testing.B) {
	e := newEnv(b, tenant.PoolOptions{})
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
}

// BenchmarkWarmRequestParallel: the same with requests on every core.
func BenchmarkWarmRequestParallel(b *testing.B) {
	e := newEnv(b, tenant.PoolOptions{})
	e.org("quadball-canada", "Quadball Canada")
	h := e.srv.App().Handler()
	serveFast(h, "quadball-canada.localhost:8080", "/")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serveFast(h, "quadball-canada.localhost:8080", "/")
		}
	})
}

// BenchmarkColdRequest: every request finds its org closed (the pool holds
// one org and requests alternate between 16), so each pays for opening the
// file, checking its schema version and identity, and closing another.
func BenchmarkColdRequest(b *testing.B) {
	e := newEnv(b, tenant.PoolOptions{MaxOpen: 1, IdleTimeout: -1})
	hosts := make([]string, 16)
	for i := range hosts {
		o := e.org(fmt.Sprintf("org-%02d", i), fmt.Sprintf("Org %d", i))
		hosts[i] = o.Slug + ".localhost"
	}
	h := e.srv.App().Handler()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if s := serveFast(h, hosts[i%len(hosts)], "/"); s != 200 {
			b.Fatalf("status %d", s)
		}
		i++
	}
	b.StopTimer()
	if st := e.pool.Stats(); st.Opens < int64(i) {
		b.Fatalf("only %d opens for %d requests: not cold", st.Opens, i)
	}
}
