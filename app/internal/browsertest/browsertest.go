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

// Settled waits until htmx has finished every request, swap and settle on
// the page. htmx binds the triggers of swapped-in elements only after the
// settle delay (20 ms), so a test that acts faster than a person would
// otherwise fire events nobody listens to yet.
var Settled = chromedp.WaitNotPresent(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")

// Trace records htmx's requests and swaps in the page (window.__htmxlog),
// which Do prints when a step fails.
var Trace = chromedp.Evaluate[chromedp.Void](`(() => {
	window.__htmxlog = [];
	const log = (e) => window.__htmxlog.push(performance.now().toFixed(0) + " " + e.type + " " + ((e.detail && e.detail.requestConfig && e.detail.requestConfig.path) || (e.detail && e.detail.pathInfo && e.detail.pathInfo.requestPath) || "") + " " + ((e.detail && e.detail.xhr && e.detail.xhr.status) || ""));
	for (const t of ["htmx:beforeRequest", "htmx:afterRequest", "htmx:afterSwap", "htmx:sendAbort", "htmx:abort", "htmx:afterProcessNode", "htmx:trigger", "change"]) document.body.addEventListener(t, (e) => { log(e); if (e.type === "change" || e.type === "htmx:afterProcessNode") window.__htmxlog.push("   target " + (e.target.id || e.target.tagName) + " connected=" + e.target.isConnected); });
})()`)

// SignIn signs in through the sign-in form at base (an org's or the
// platform's origin) and waits until the page after it shows wait.
func SignIn(t testing.TB, ctx context.Context, base, email, password, wait string) {
	t.Helper()
	Do(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`input[name="email"]`),
		chromedp.SendKeys(`input[name="email"]`, email),
		chromedp.SendKeys(`input[name="password"]`, password),
		chromedp.Submit(`input[name="password"]`),
		chromedp.WaitVisible(wait),
	)
}

// Do runs actions with a step timeout of 20 s (the browser itself lives
// for the whole test). On failure it logs the page's URL and HTML and
// saves a screenshot, so a failing run in CI says what the browser showed.
func Do(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.outerHTML : ''`))
		events, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(window.__htmxlog || []).join("\n")`))
		Screenshot(ctx, t, "failure")
		t.Fatalf("browser step failed at %s: %v\nhtmx requests:\n%s\npage:\n%s", loc, err, events, html)
	}
}
