package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"sportsapp/app/logging"
)

// serve's logger batches info lines (-log-flush) but writes an error, and
// what came before it, at once; the other commands' loggers write every
// line at once.
func TestLoggerBatchesInfoLines(t *testing.T) {
	var out bytes.Buffer
	cfg := config{LogLevel: "info", LogFlush: time.Hour}
	log, err := cfg.logger(&out)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("request", "status", 200)
	if out.Len() != 0 {
		t.Fatalf("an info line was written at once: %q", out.String())
	}
	log.Error("request", "status", 500)
	if !strings.Contains(out.String(), "status=200") || !strings.Contains(out.String(), "status=500") {
		t.Fatalf("after an error: %q, want both lines", out.String())
	}
	log.Info("request", "status", 204)
	if err := logging.Flush(log); err != nil || !strings.Contains(out.String(), "status=204") {
		t.Fatalf("after Flush: %q, %v", out.String(), err)
	}

	out.Reset()
	cfg.LogFlush = 0
	if log, err = cfg.logger(&out); err != nil {
		t.Fatal(err)
	}
	log.Info("migrated", "org", "quadball-canada")
	if !strings.Contains(out.String(), "migrated") {
		t.Fatalf("without -log-flush: %q, want the line at once", out.String())
	}
}
