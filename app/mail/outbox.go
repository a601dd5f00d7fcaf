package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// ErrOutboxClosed is returned by Outbox.Send after Close: the application is
// shutting down and the mail would never be sent.
var ErrOutboxClosed = errors.New("mail: outbox closed")

// ErrOutboxFull is returned by Outbox.Send when the queue is full, which means
// the relay has been failing or slow for a while. Refusing is better than
// blocking the request or growing memory without bound.
var ErrOutboxFull = errors.New("mail: outbox queue full")

// DefaultBackoff is the wait before each retry of a failed send: three
// retries spread over seven seconds ride out a relay restart or a brief
// network problem without holding up the rest of the queue for long.
var DefaultBackoff = []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second}

// defaultQueue is the queue size used when NewOutbox is given none.
const defaultQueue = 100

// Outbox sends mail in the background through another Sender. Handlers send
// through it so that
//   - a slow or unreachable relay never slows a request down, and
//   - a request takes the same time whether or not it sends a mail, so
//     response times do not reveal whether, say, an e-mail address has an
//     account ("forgot password" must not enable user enumeration).
//
// One worker goroutine sends the queued mails in order, retrying failures
// (see WithBackoff). Failures are logged with recipient and subject, never
// the body, which may hold secrets such as reset tokens. Call Close on
// shutdown so queued mail is not lost.
type Outbox struct {
	next    Sender
	log     *slog.Logger
	backoff []time.Duration

	mu     sync.RWMutex // guards closed against sends on the closed queue
	closed bool
	queue  chan queued

	abortCtx context.Context    // cancelled when Close gives up waiting
	abort    context.CancelFunc // cancels abortCtx
	done     chan struct{}      // closed when the worker has exited

	sent, failed atomic.Int64 // for Stats
}

// OutboxStats are the outbox's figures, for monitoring.
type OutboxStats struct {
	Queued int   // waiting to be sent now
	Sent   int64 // delivered since start
	Failed int64 // given up on after every retry, or dropped
}

// Stats returns the outbox's figures.
func (o *Outbox) Stats() OutboxStats {
	return OutboxStats{Queued: len(o.queue), Sent: o.sent.Load(), Failed: o.failed.Load()}
}

// queued is a message with the context of the request that sent it, kept
// for its values (request IDs for logging) but not its cancellation.
type queued struct {
	ctx context.Context
	msg Message
}

// OutboxOption tunes an Outbox at construction, before its worker starts.
type OutboxOption func(*Outbox)

// WithBackoff sets the waits before successive retries of a failed send; the
// number of durations is the number of retries (none gives a single attempt).
// Tests use it to make retries instant; the default is DefaultBackoff.
func WithBackoff(d ...time.Duration) OutboxOption {
	return func(o *Outbox) { o.backoff = append([]time.Duration(nil), d...) }
}

// NewOutbox starts an Outbox that delivers through s with room for queue
// pending messages (100 if queue < 1). log may be nil (slog.Default).
func NewOutbox(s Sender, log *slog.Logger, queue int, opts ...OutboxOption) *Outbox {
	if log == nil {
		log = slog.Default()
	}
	if queue < 1 {
		queue = defaultQueue
	}
	o := &Outbox{
		next:    s,
		log:     log,
		backoff: DefaultBackoff,
		queue:   make(chan queued, queue),
		done:    make(chan struct{}),
	}
	for _, opt := range opts {
		opt(o)
	}
	o.abortCtx, o.abort = context.WithCancel(context.Background())
	go o.run()
	return o
}

// Send queues m and returns at once, without waiting for SMTP. The returned
// error only says whether m was accepted (ErrOutboxClosed, ErrOutboxFull),
// not whether it will be delivered; delivery failures are logged.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.closed {
		return ErrOutboxClosed
	}
	select {
	case o.queue <- queued{ctx: context.WithoutCancel(ctx), msg: m}:
		return nil
	default:
		o.failed.Add(1)
		o.log.ErrorContext(ctx, "mail dropped: outbox queue full",
			slog.String("to", m.To), slog.String("subject", m.Subject))
		return ErrOutboxFull
	}
}

// Close stops accepting mail and waits until everything already queued has
// been sent (or has failed all retries), so a graceful shutdown does not
// lose mail. If ctx ends first, Close stops retrying, logs the mails that were
// not sent and returns an error wrapping ctx.Err(); a send already in
// progress is not waited for. Close may be called more than once.
func (o *Outbox) Close(ctx context.Context) error {
	o.mu.Lock()
	if !o.closed {
		o.closed = true
		close(o.queue)
	}
	o.mu.Unlock()

	select {
	case <-o.done:
		return nil
	case <-ctx.Done():
		o.abort()
		return fmt.Errorf("mail: outbox closed before all mail was sent: %w", ctx.Err())
	}
}

// run is the worker: it sends queued mail until the queue is closed and
// empty, or, after an abort, logs what is left as dropped.
func (o *Outbox) run() {
	defer close(o.done)
	defer o.abort() // release the context's resources
	for q := range o.queue {
		if o.abortCtx.Err() != nil {
			o.failed.Add(1)
			o.log.ErrorContext(q.ctx, "mail dropped: outbox closed before it could be sent",
				slog.String("to", q.msg.To), slog.String("subject", q.msg.Subject))
			continue
		}
		o.deliver(q)
	}
}

// deliver sends one message, retrying after each wait in o.backoff.
func (o *Outbox) deliver(q queued) {
	// Cancel the attempt if Close gives up waiting, keep the request's values.
	ctx, cancel := context.WithCancel(q.ctx)
	defer cancel()
	stop := context.AfterFunc(o.abortCtx, cancel)
	defer stop()

	attempts := len(o.backoff) + 1
	for attempt := 1; ; attempt++ {
		err := o.attempt(ctx, q.msg)
		if err == nil {
			o.sent.Add(1)
			o.log.InfoContext(ctx, "mail sent",
				slog.String("to", q.msg.To), slog.String("subject", q.msg.Subject),
				slog.Int("attempt", attempt))
			return
		}
		if attempt == attempts || ctx.Err() != nil {
			o.failed.Add(1)
			o.log.ErrorContext(ctx, "mail not sent, giving up",
				slog.String("to", q.msg.To), slog.String("subject", q.msg.Subject),
				slog.Int("attempts", attempt), slog.Any("error", err))
			return
		}
		wait := o.backoff[attempt-1]
		o.log.WarnContext(ctx, "mail send failed, will retry",
			slog.String("to", q.msg.To), slog.String("subject", q.msg.Subject),
			slog.Int("attempt", attempt), slog.Duration("retry_in", wait), slog.Any("error", err))
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			o.failed.Add(1)
			o.log.ErrorContext(ctx, "mail not sent, outbox closed during retries",
				slog.String("to", q.msg.To), slog.String("subject", q.msg.Subject),
				slog.Int("attempts", attempt), slog.Any("error", err))
			return
		}
	}
}

// attempt calls the wrapped Sender once; a panic in it is turned into an
// error so one bad message cannot kill the worker and strand the queue.
func (o *Outbox) attempt(ctx context.Context, m Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("mail: sender panicked: %v", r)
		}
	}()
	return o.next.Send(ctx, m)
}
