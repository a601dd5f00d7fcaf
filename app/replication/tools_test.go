package replication

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Programs the tests run as real processes. Each is built with
// `go install module/cmd@version`, that is from the upstream module with its
// own go.mod: exactly the stock binary an operator would install, and no
// change to this module's dependencies (versitygw needs newer fasthttp and
// AWS SDK versions than the application and Litestream use).
const (
	litestreamModule = "github.com/benbjohnson/litestream"
	litestreamCmd    = litestreamModule + "/cmd/litestream"
	versityCmd       = "github.com/versity/versitygw/cmd/versitygw"
	versityVersion   = "v1.8.0"
)

var tools struct {
	mu    sync.Mutex
	once  map[string]*sync.Once
	paths map[string]string
	errs  map[string]error
}

// toolBinary returns the path of pkg@version's binary, building it on first
// use. Binaries are kept in the user cache directory, so only the first run
// on a machine pays for the build (about a minute each on 2 cores).
func toolBinary(t testing.TB, pkg, version string) string {
	t.Helper()
	p, err := buildTool(pkg, version)
	if err != nil {
		t.Fatalf("build %s@%s: %v", pkg, version, err)
	}
	return p
}

// buildTool builds pkg@version once per test process; concurrent callers
// wait for the same build. It may run on any goroutine, so tests can start
// a build they will need later.
func buildTool(pkg, version string) (string, error) {
	key := pkg + "@" + version
	tools.mu.Lock()
	if tools.once == nil {
		tools.once, tools.paths, tools.errs = map[string]*sync.Once{}, map[string]string{}, map[string]error{}
	}
	once := tools.once[key]
	if once == nil {
		once = &sync.Once{}
		tools.once[key] = once
	}
	tools.mu.Unlock()

	once.Do(func() {
		p, err := installTool(pkg, version)
		tools.mu.Lock()
		tools.paths[key], tools.errs[key] = p, err
		tools.mu.Unlock()
	})
	tools.mu.Lock()
	defer tools.mu.Unlock()
	return tools.paths[key], tools.errs[key]
}

func installTool(pkg, version string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	name := filepath.Base(pkg)
	dir := filepath.Join(cache, "sportsapp-test-tools", name+"-"+version)
	bin := filepath.Join(dir, name)
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o100 != 0 {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, "install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is needed to build %s: %w", pkg, err)
	}
	cmd := exec.Command(goBin, "install", pkg+"@"+version)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s@%s: %v\n%s", pkg, version, err, out)
	}
	if err := os.Rename(filepath.Join(tmp, name), bin); err != nil {
		return "", err
	}
	return bin, nil
}

// litestreamVersion is the Litestream version in this module's go.mod, so
// the CLI under test is the one matching the library.
func litestreamVersion(t testing.TB) string {
	t.Helper()
	v, err := moduleVersion(litestreamModule)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// moduleVersion asks the go command which version of module the build uses.
func moduleVersion(module string) (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", module).Output()
	v := strings.TrimSpace(string(out))
	if err != nil || v == "" {
		return "", fmt.Errorf("go list -m %s: %v", module, err)
	}
	return v, nil
}

// run runs a program and returns its combined output, failing the test
// with the output if it exits non-zero.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(name), args, err, out)
	}
	return string(out)
}

// versityS3 is versitygw, a real S3 gateway that checks every request's
// SigV4 signature, serving a posix directory on a loopback port.
type versityS3 struct {
	endpoint string
}

// startVersity runs versitygw with the test credentials as its root
// account and a testBucket directory, and stops it (by its process id) at
// the end of the test.
func startVersity(t testing.TB) *versityS3 {
	t.Helper()
	bin := toolBinary(t, versityCmd, versityVersion)
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, testBucket), 0o755); err != nil {
		t.Fatal(err)
	}
	addr := freeLoopbackAddr(t)
	var out bytes.Buffer
	cmd := exec.Command(bin, "--access", testAccessKey, "--secret", testSecretKey,
		"--port", addr, "--region", "us-east-1", "--quiet", "posix", root)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("versitygw output:\n%s", out.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-done:
			t.Fatalf("versitygw exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not listen on %s: %s", addr, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &versityS3{endpoint: "http://" + addr}
}

func (v *versityS3) url(prefix string) string { return s3URL(v.endpoint, prefix) }

// freeLoopbackAddr returns a 127.0.0.1 address with a port that was free a
// moment ago.
func freeLoopbackAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
