package metrics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"sportsapp/app/replication"
)

// Ready is the readiness check behind /readyz: the server can serve and
// keep its data safe.
type Ready struct {
	// Platform runs a query on the platform database.
	Platform func(context.Context) error
	// DataDir must be writable: a temporary file is created and removed
	// there (never a database file).
	DataDir string
	// Replication reports every replicated database (nil: not checked).
	Replication func() []replication.Status
	// FailingFor is how long a database may go without a successful sync
	// while its last attempt failed before the server is not ready
	// (default 5 minutes).
	FailingFor time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	once    sync.Once
	started time.Time
}

// Check returns nil when ready, or what is wrong.
func (r *Ready) Check(ctx context.Context) error {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	r.once.Do(func() { r.started = now() })
	var errs []error
	if r.Platform != nil {
		if err := r.Platform(ctx); err != nil {
			errs = append(errs, fmt.Errorf("platform database: %w", err))
		}
	}
	if r.DataDir != "" {
		if err := writable(r.DataDir); err != nil {
			errs = append(errs, fmt.Errorf("data directory: %w", err))
		}
	}
	if r.Replication != nil {
		limit := r.FailingFor
		if limit <= 0 {
			limit = 5 * time.Minute
		}
		for _, st := range r.Replication() {
			if st.Err == "" {
				continue
			}
			last := st.LastSync
			if last.IsZero() {
				last = r.started // never synced: count from this check's start
			}
			if now().Sub(last) > limit {
				errs = append(errs, fmt.Errorf("replication of %s failing since %s: %s",
					st.Name, last.UTC().Format(time.RFC3339), st.Err))
			}
		}
	}
	return errors.Join(errs...)
}

// writable creates and removes a temporary file in dir.
func writable(dir string) error {
	f, err := os.CreateTemp(dir, ".readyz-*")
	if err != nil {
		return err
	}
	name := f.Name()
	return errors.Join(f.Close(), os.Remove(name))
}

// healthz answers 200 while the process serves HTTP at all.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 when r.Check passes, 503 with the reasons otherwise.
func (r *Ready) readyz(w http.ResponseWriter, req *http.Request) {
	ctx, cancel := context.WithTimeout(req.Context(), 5*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := r.Check(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, "not ready:\n%v\n", err)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
