// Package logging batches the server's log output: one write to the log
// file per batch of lines instead of one per line, without holding back
// warnings and errors.
//
// slog's handlers format a record and write it with a single Write call
// under a lock, so an unbuffered log costs a write system call, taken
// under that lock, for every request the server answers. Writer collects
// the lines and passes them on when 64 KiB are pending, 100 ms after the
// first pending line (by default), or when flushed; FlushOn flushes right
// after any record at or above a level, so a warning or an error, and the
// lines before it, reach the log at once. Flush at shutdown.
package logging

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Defaults of NewWriter.
const (
	DefaultEvery = 100 * time.Millisecond
	DefaultSize  = 64 << 10
)

// Writer buffers what is written to it and writes it to an underlying
// writer in batches. It is safe for concurrent use; a Write is never split
// across batches, so slog's records stay whole lines, in order.
type Writer struct {
	w     io.Writer
	every time.Duration
	size  int

	out sync.Mutex // held while writing to w: batches go out in order

	mu    sync.Mutex
	buf   []byte
	spare []byte
	armed bool // a flush is scheduled
	timer *time.Timer
	err   error // the last error writing to w, reported by the next Flush
}

// NewWriter returns a Writer passing batches on to w: when size bytes are
// pending, every after the first pending write, or on Flush. every or size
// zero means the default.
func NewWriter(w io.Writer, every time.Duration, size int) *Writer {
	if every <= 0 {
		every = DefaultEvery
	}
	if size <= 0 {
		size = DefaultSize
	}
	return &Writer{w: w, every: every, size: size}
}

// Write adds p to the pending batch; it writes the batch out when it is
// full. It never fails: an error writing to the underlying writer is
// returned by the next Flush.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.buf = append(b.buf, p...)
	full := len(b.buf) >= b.size
	if !full && !b.armed {
		b.armed = true
		if b.timer == nil {
			b.timer = time.AfterFunc(b.every, b.tick)
		} else {
			b.timer.Reset(b.every)
		}
	}
	b.mu.Unlock()
	if full {
		_ = b.Flush()
	}
	return len(p), nil
}

// tick is the scheduled flush; an error waits for the next Flush.
func (b *Writer) tick() {
	b.mu.Lock()
	b.armed = false
	b.mu.Unlock()
	if err := b.Flush(); err != nil {
		b.mu.Lock()
		if b.err == nil {
			b.err = err
		}
		b.mu.Unlock()
	}
}

// Flush writes the pending batch out now, and returns the error of this or
// of an earlier batch, if any.
func (b *Writer) Flush() error {
	b.out.Lock()
	defer b.out.Unlock()
	b.mu.Lock()
	batch := b.buf
	b.buf = b.spare[:0]
	b.spare = nil
	b.mu.Unlock()
	var err error
	if len(batch) > 0 {
		_, err = b.w.Write(batch)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if cap(batch) <= 4*b.size {
		b.spare = batch[:0]
	}
	if err == nil {
		err, b.err = b.err, nil
	}
	return err
}

// FlushOn returns a handler that hands records to h and, after a record at
// level or above, flushes w, so that warnings and errors are never held
// back (nor the lines logged before them). It also flushes on Flush.
func FlushOn(h slog.Handler, w *Writer, level slog.Level) slog.Handler {
	return &flushHandler{Handler: h, w: w, level: level}
}

type flushHandler struct {
	slog.Handler
	w     *Writer
	level slog.Level
}

func (h *flushHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= h.level {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h *flushHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &flushHandler{Handler: h.Handler.WithAttrs(as), w: h.w, level: h.level}
}

func (h *flushHandler) WithGroup(name string) slog.Handler {
	return &flushHandler{Handler: h.Handler.WithGroup(name), w: h.w, level: h.level}
}

// Flush writes out what the handler's Writer holds.
func (h *flushHandler) Flush() error { return h.w.Flush() }

// Flush writes out what l's handler holds back, if it is a FlushOn
// handler; for any other logger it does nothing. Commands call it before
// they exit.
func Flush(l *slog.Logger) error {
	if f, ok := l.Handler().(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}
