package metrics

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves /metrics, /healthz, /readyz and /debug/pprof/. It is for
// the metrics listener only: profiles and figures about every organization
// are not for the public.
func (m *Metrics) Handler(ready *Ready) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Gatherer(), promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", healthz)
	if ready == nil {
		ready = &Ready{}
	}
	mux.HandleFunc("GET /readyz", ready.readyz)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// CheckAddr refuses a listen address that is not loopback unless remote
// is set: pprof and the fleet's figures should be reached through an SSH
// tunnel or a scraper on the same host, not the internet.
func CheckAddr(addr string, remote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("metrics address %q: %w", addr, err)
	}
	if remote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("metrics address %q is not loopback (set SPORTSAPP_METRICS_ALLOW_REMOTE=true to serve it anyway)", addr)
}

// Listener is the running metrics server.
type Listener struct {
	srv *http.Server
	ln  net.Listener
}

// Listen serves h on addr in the background.
func Listen(addr string, h http.Handler) (*Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &Listener{ln: ln, srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = l.srv.Serve(ln) }() // returns ErrServerClosed after Shutdown
	return l, nil
}

// Addr is the address it listens on.
func (l *Listener) Addr() string { return l.ln.Addr().String() }

// Shutdown stops it.
func (l *Listener) Shutdown(ctx context.Context) error {
	if l == nil {
		return nil
	}
	return l.srv.Shutdown(ctx)
}
