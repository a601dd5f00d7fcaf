package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestServeMetricsListener: serve answers /metrics (its own series, the Go
// runtime's and Litestream's), /healthz and /readyz on the metrics address,
// and none of them on the public one.
func TestServeMetricsListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	maddr := ln.Addr().String()
	ln.Close()
	addr, _ := serveUntilStopped(t, t.TempDir(), "--metrics-addr", maddr)
	get := func(url string) (int, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	_, port, _ := net.SplitHostPort(addr)
	for range 2 { // the anonymous home: rendered, then from the page cache
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/", nil)
		req.Host = "quadball-canada.localhost:" + port
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	code, text := get("http://" + maddr + "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{`sportsapp_page_cache_hits_total{cache="anonymous"} 1`, `sportsapp_page_cache_misses_total{cache="anonymous"} 1`, `sportsapp_page_cache_entries{cache="kept"} 0`} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("/metrics has no %q", want)
		}
	}
	for _, want := range []string{"sportsapp_pool_open ", "sportsapp_replication_databases ", "sportsapp_password_hash_in_use ", "sportsapp_mail_queued ", "go_goroutines ", "process_open_fds ", "litestream_"} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics has no %q", want)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := get("http://" + maddr + path); code != http.StatusOK {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	for _, host := range []string{"admin.localhost", "quadball-canada.localhost"} {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/metrics", nil)
		req.Host = host + ":" + port
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("public %s/metrics: %d, want 404", host, res.StatusCode)
		}
	}
}

// TestServeRefusesAPublicMetricsAddress: pprof and fleet figures are not
// served on a public address by accident.
func TestServeRefusesAPublicMetricsAddress(t *testing.T) {
	var stderr bytes.Buffer
	err := cmdServe(context.Background(), []string{"--data-dir", t.TempDir(), "--metrics-addr", "0.0.0.0:9464"}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Fatalf("cmdServe = %v, want a refusal", err)
	}
}
