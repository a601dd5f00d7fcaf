package logging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// sink records the batches written to it.
type sink struct {
	mu      sync.Mutex
	batches []string
	fail    error
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return 0, s.fail
	}
	s.batches = append(s.batches, string(p))
	return len(p), nil
}

func (s *sink) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.batches, "")
}

func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.batches)
}

// never is an interval no test waits for.
const never = time.Hour

func TestWriterHoldsLinesUntilFlush(t *testing.T) {
	var s sink
	w := NewWriter(&s, never, 1<<20)
	log := slog.New(slog.NewTextHandler(w, nil))
	for i := range 100 {
		log.Info("request", "n", i)
	}
	if s.count() != 0 {
		t.Fatalf("%d writes before Flush, want 0", s.count())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if s.count() != 1 || strings.Count(s.text(), "\n") != 100 {
		t.Fatalf("after Flush: %d writes, %d lines; want 1 write of 100 lines", s.count(), strings.Count(s.text(), "\n"))
	}
}

func TestWriterFlushesWhenFull(t *testing.T) {
	var s sink
	w := NewWriter(&s, never, 1000)
	line := strings.Repeat("x", 99) + "\n"
	for range 25 {
		w.Write([]byte(line))
	}
	// 2,500 bytes in batches of at least 1,000: two written, 500 pending.
	if s.count() != 2 || len(s.text()) != 2000 {
		t.Fatalf("%d writes of %d bytes, want 2 of 2000", s.count(), len(s.text()))
	}
}

func TestWriterFlushesAfterTheInterval(t *testing.T) {
	var s sink
	w := NewWriter(&s, 5*time.Millisecond, 1<<20)
	w.Write([]byte("one\n"))
	deadline := time.Now().Add(10 * time.Second)
	for s.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if s.text() != "one\n" {
		t.Fatalf("written %q, want the line flushed by the timer", s.text())
	}
	w.Write([]byte("two\n")) // the timer is armed again
	for s.count() == 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if s.text() != "one\ntwo\n" {
		t.Fatalf("written %q", s.text())
	}
}

// A warning or an error goes out at once, with the lines before it.
func TestFlushOnLevel(t *testing.T) {
	var s sink
	w := NewWriter(&s, never, 1<<20)
	log := slog.New(FlushOn(slog.NewTextHandler(w, nil), w, slog.LevelWarn)).With("org", "quadball-canada")
	log.Info("request", "status", 200)
	if s.count() != 0 {
		t.Fatal("an info line was written at once")
	}
	log.Error("request", "status", 500)
	got := s.text()
	if !strings.Contains(got, "status=200") || !strings.Contains(got, "status=500") || strings.Index(got, "status=200") > strings.Index(got, "status=500") {
		t.Fatalf("after the error: %q, want both lines, in order", got)
	}
	log.Info("request", "status", 200)
	if err := Flush(log); err != nil || strings.Count(s.text(), "\n") != 3 {
		t.Fatalf("Flush(logger): %v, %q", err, s.text())
	}
	if err := Flush(slog.New(slog.NewTextHandler(&s, nil))); err != nil {
		t.Fatal(err)
	}
}

// Concurrent loggers: every line whole, none lost.
func TestWriterConcurrent(t *testing.T) {
	var s sink
	w := NewWriter(&s, time.Millisecond, 4096)
	log := slog.New(slog.NewTextHandler(w, nil))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				log.Info("request", "g", g, "i", i)
			}
		}()
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(s.text(), "\n"), "\n")
	if len(lines) != 4000 {
		t.Fatalf("%d lines, want 4000", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "time=") || !strings.Contains(l, " i=") {
			t.Fatalf("a broken line: %q", l)
		}
	}
}

func TestWriterReportsErrors(t *testing.T) {
	s := sink{fail: errors.New("disk full")}
	w := NewWriter(&s, never, 1<<20)
	w.Write([]byte("x\n"))
	if err := w.Flush(); err == nil {
		t.Fatal("Flush hid the write error")
	}
}

// BenchmarkRequestLine is the per-request log line (the fields of
// web.logRequests) written to a file, straight and through a Writer, on
// every core.
func BenchmarkRequestLine(b *testing.B) {
	for _, buffered := range []bool{false, true} {
		b.Run(fmt.Sprintf("buffered=%v", buffered), func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "server.log"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			var h slog.Handler = slog.NewTextHandler(f, nil)
			var w *Writer
			if buffered {
				w = NewWriter(f, 0, 0)
				h = FlushOn(slog.NewTextHandler(w, nil), w, slog.LevelWarn)
			}
			log := slog.New(h)
			ctx := context.Background()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					log.LogAttrs(ctx, slog.LevelInfo, "request",
						slog.String("request_id", "3f7c2a9e-4b1d-4e8a-9c6f-2d5b7e1a0c93"), slog.String("org", "quadball-canada"),
						slog.String("method", "GET"), slog.String("host", "quadball-canada.localhost:8080"), slog.String("path", "/"),
						slog.Int("status", 200), slog.Duration("dur", 412*time.Microsecond), slog.String("ip", "127.0.0.1"))
				}
			})
			if w != nil {
				w.Flush()
			}
		})
	}
}
