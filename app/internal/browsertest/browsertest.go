// Package browsertest drives Debian's Chromium from Go tests (chromedp), so
// the htmx flows are exercised in a real browser: real cookies per host,
// real form posts, real htmx swaps.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds the browser: $CHROMIUM, else chromium on the PATH.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless Chromium for the test and returns a context to run
// chromedp actions in; the browser stops at the end of the test. A missing
// browser fails the test (CI installs it: apt-get install chromium) unless
// SPORTSAPP_SKIP_BROWSER=1 is set on a machine that cannot have one.
func New(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("SPORTSAPP_SKIP_BROWSER") == "1" {
			t.Skip("no Chromium and SPORTSAPP_SKIP_BROWSER=1")
		}
		t.Fatal("Chromium not found: apt-get install -y chromium (or set CHROMIUM)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// Screenshot saves a PNG of the page to path when SPORTSAPP_SCREENSHOTS is
// set (a directory), for looking at what a test saw.
func Screenshot(ctx context.Context, t testing.TB, name string) {
	dir := os.Getenv("SPORTSAPP_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	_ = os.WriteFile(dir+"/"+name+".png", buf, 0o644)
}
