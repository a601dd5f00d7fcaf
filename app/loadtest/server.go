package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"sportsapp/app/ops"
)

// bareServer is the yardstick: a Fiber app with one "hello" route and
// Fiber's defaults, in the same process and on the same loopback as the
// app, so machine noise and the clients' own cost hit both alike.
type bareServer struct {
	app  *fiber.App
	addr string
}

func startBare() (*bareServer, error) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("hello") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = app.Listener(ln) }()
	return &bareServer{app: app, addr: ln.Addr().String()}, nil
}

func (b *bareServer) stop() { _ = b.app.ShutdownWithTimeout(5 * time.Second) }

// appServer is one start of the real server (the serve command, in this
// process) on a loopback port.
type appServer struct {
	port     string
	client   *fasthttp.HostClient
	cancel   context.CancelFunc
	done     chan error
	startup  time.Duration // from calling serve to the first answered request
	syncWait time.Duration // then until every database's replica was in sync
	synced   bool
	started  procSample // the process once the server answered
}

// host returns the Host header of an organization on this server.
func (s *appServer) host(slug string) string { return slug + ".localhost:" + s.port }

// Timeouts of a server start.
const (
	startTimeout = 5 * time.Minute
	stopTimeout  = 2 * time.Minute
)

// startApp runs the serve command on d's data directory, replicating to
// d's replica directory, and returns once it answers a request that opens
// no organization (the platform's sign-in page), then waits (up to
// cfg.SyncWait) until every replica is in sync, so the first snapshot of
// every database is not part of the measures.
func startApp(ctx context.Context, cfg *Config, d *dataset, log io.Writer) (*appServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{
		"-addr", "127.0.0.1:" + port,
		"-data-dir", d.dataDir(),
		"-base-domain", "localhost",
		"-public-url=",
		"-smtp-url=",
		"-replica-url", d.replica(),
		"-log-format", "text",
		"-log-level", cfg.LogLevel,
	}
	sctx, cancel := context.WithCancel(ctx)
	s := &appServer{port: port, cancel: cancel, done: make(chan error, 1), client: newClient("127.0.0.1:"+port, cfg.Concurrency)}
	begin := time.Now()
	go func() { s.done <- cfg.Serve(sctx, args, log) }()
	for {
		_, status, err := get(s.client, "admin.localhost:"+port, "/login", "")
		if err == nil && status == fiber.StatusOK {
			break
		}
		select {
		case err := <-s.done:
			cancel()
			if err == nil {
				err = errors.New("it stopped")
			}
			return nil, fmt.Errorf("serve returned %.0f s after it was started, without answering a request: %w", time.Since(begin).Seconds(), err)
		case <-time.After(2 * time.Millisecond):
		}
		if time.Since(begin) > startTimeout {
			s.stop()
			return nil, fmt.Errorf("the server did not answer within %s", startTimeout)
		}
	}
	s.startup = time.Since(begin)
	s.started = sample()
	s.synced, s.syncWait = waitInSync(ctx, d.dataDir(), cfg.SyncWait)
	return s, nil
}

// waitInSync polls the running server's control endpoint until every
// database's replica is in sync, for at most limit.
func waitInSync(ctx context.Context, dataDir string, limit time.Duration) (bool, time.Duration) {
	begin := time.Now()
	for time.Since(begin) < limit && ctx.Err() == nil {
		if c, err := ops.Connect(dataDir); err == nil {
			rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			rows, err := c.Replicas(rctx)
			cancel()
			if err == nil && allInSync(rows) {
				return true, time.Since(begin)
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	return false, time.Since(begin)
}

func allInSync(rows []ops.ReplicaRow) bool {
	for _, r := range rows {
		if !r.InSync {
			return false
		}
	}
	return len(rows) > 0
}

// stop shuts the server down as SIGTERM would and waits for it.
func (s *appServer) stop() error {
	s.cancel()
	s.client.CloseIdleConnections()
	select {
	case err := <-s.done:
		return err
	case <-time.After(stopTimeout):
		return fmt.Errorf("the server did not stop within %s", stopTimeout)
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}
