package replication

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
)

// errorSink remembers the last error Litestream logged for each database.
//
// Litestream retries failed syncs and uploads inside its own goroutines and
// reports failures only through its logger, so listening to the logger is
// the one way Status can say what is wrong with a database.
type errorSink struct {
	mu    sync.Mutex
	last  map[string]loggedError // by Litestream's "db" attribute (the file's base name)
	names map[string]string      // file base name -> replica name, for log lines
}

type loggedError struct {
	at   time.Time
	text string
}

func newErrorSink() *errorSink {
	return &errorSink{last: map[string]loggedError{}, names: map[string]string{}}
}

func (s *errorSink) setName(base, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" {
		delete(s.names, base)
		delete(s.last, base)
		return
	}
	s.names[base] = name
}

func (s *errorSink) name(base string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.names[base]
}

func (s *errorSink) record(base string, e loggedError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last[base] = e
}

func (s *errorSink) clear(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.last, base)
}

func (s *errorSink) lastError(base string) (loggedError, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.last[base]
	return e, ok
}

// logHandler sits between Litestream and the application's handler. It
// records errors per database, adds the replica name to every line that has
// a database, and demotes Litestream's per-database Info lines ("compaction
// complete", every 30 s for every busy database) to Debug so a fleet of
// organizations does not flood the application's log.
type logHandler struct {
	next slog.Handler
	sink *errorSink
	db   string // Litestream's "db" attribute, once a child logger has it
}

func (h *logHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if l >= slog.LevelInfo {
		return true // errors and recoveries are observed even if not printed
	}
	return h.next.Enabled(ctx, l)
}

// recovered reports whether a Litestream message says that the failures
// logged before it are over: its monitors log "sync recovered" and
// "replica sync recovered" after a run of errors, and a completed
// compaction or snapshot proves the replica is reachable again.
func recovered(msg string) bool {
	return strings.HasSuffix(msg, "recovered") || msg == "compaction complete" || msg == "snapshot complete"
}

func (h *logHandler) Handle(ctx context.Context, rec slog.Record) error {
	db := h.db
	var errText string
	rec.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case litestream.LogKeyDB:
			if db == "" {
				db = a.Value.String()
			}
		case "error", "err":
			errText = a.Value.String()
		}
		return true
	})
	switch {
	case db == "":
	case rec.Level >= slog.LevelError:
		text := rec.Message
		if errText != "" {
			text += ": " + errText
		}
		h.sink.record(db, loggedError{at: rec.Time, text: text})
	case recovered(rec.Message):
		h.sink.clear(db)
	}
	if rec.Level == slog.LevelInfo {
		rec.Level = slog.LevelDebug
	}
	if !h.next.Enabled(ctx, rec.Level) {
		return nil
	}
	if h.db == "" && db != "" {
		if name := h.sink.name(db); name != "" {
			rec.AddAttrs(slog.String("replica_name", name))
		}
	}
	return h.next.Handle(ctx, rec)
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	for _, a := range attrs {
		if a.Key == litestream.LogKeyDB && c.db == "" {
			c.db = a.Value.String()
			if name := h.sink.name(c.db); name != "" {
				attrs = append(attrs[:len(attrs):len(attrs)], slog.String("replica_name", name))
			}
		}
	}
	c.next = h.next.WithAttrs(attrs)
	return &c
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}
