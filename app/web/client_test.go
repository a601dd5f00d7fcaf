package web

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sportsapp/app/auth"
)

// browser is a browser-like HTTP browser for one host: it keeps cookies (by
// real host name, so host-only cookies behave as in a browser), does not
// follow redirects, and remembers the CSRF token of the last page it read.
type browser struct {
	t     testing.TB
	http  *http.Client
	jar   *cookiejar.Jar
	base  string // http://<host>:<port>
	token string
	extra []*http.Cookie // cookies replayed from elsewhere (another host)
}

// url returns the origin of host on the test server.
func (e *env) url(host string) string {
	e.t.Helper()
	if e.port == "" {
		e.port = e.listen()
	}
	return "http://" + host + ":" + e.port
}

// browser returns a new browser for host (e.g. "quadball-canada.localhost").
// Every connection goes to the test server on loopback, whatever the name.
func (e *env) browser(host string) *browser {
	e.t.Helper()
	base := e.url(host)
	jar, _ := cookiejar.New(nil)
	addr := "127.0.0.1:" + e.port
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	e.t.Cleanup(tr.CloseIdleConnections)
	return &browser{
		t: e.t, jar: jar, base: base,
		http: &http.Client{Jar: jar, Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
	}
}

func (c *browser) do(req *http.Request) *http.Response {
	c.t.Helper()
	for _, ck := range c.extra {
		req.AddCookie(ck)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { res.Body.Close() })
	// Signing in or out changes the CSRF token: like a browser loading
	// the next page, read a new one before the next form.
	for _, ck := range res.Cookies() {
		switch ck.Name {
		case "csrf", auth.SessionCookie, auth.PlatformSessionCookie:
			c.token = ""
		}
	}
	return res
}

// get fetches path and, for HTML, reads the CSRF token from the page.
func (c *browser) get(path string, hdr ...string) (*http.Response, *goquery.Document) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res := c.do(req)
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if tok, ok := d.Find(`input[name="_csrf"]`).First().Attr("value"); ok && tok != "" {
		c.token = tok
	}
	return res, d
}

// csrf makes sure the browser holds a CSRF token (and its cookie): from
// the sign-in page, or when signed in (it redirects) from the home page's
// sign-out form.
func (c *browser) csrf() string {
	c.t.Helper()
	if c.token == "" {
		c.get("/login")
	}
	if c.token == "" {
		c.get("/")
	}
	if c.token == "" {
		c.t.Fatal("no CSRF token on /login or /")
	}
	return c.token
}

// post submits a form with the browser's CSRF token added.
func (c *browser) post(path string, form url.Values, hdr ...string) *http.Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf())
	}
	return c.postRaw(path, form, hdr...)
}

// postRaw submits a form as is (no CSRF token unless form has one).
func (c *browser) postRaw(path string, form url.Values, hdr ...string) *http.Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

// cookie returns the value of a cookie the browser holds for its host.
func (c *browser) cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// setCookie puts a cookie into the browser's jar for its host, as if the
// host had set it. The CSRF token is bound to the session (or the
// anonymous csrf cookie), so the browser reads a new one before its next
// form.
func (c *browser) setCookie(name, value string) {
	u, _ := url.Parse(c.base)
	c.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
	c.token = ""
}

// location returns where a response redirects to (303 Location or
// htmx's HX-Redirect).
func location(res *http.Response) string {
	if l := res.Header.Get("HX-Redirect"); l != "" {
		return l
	}
	return res.Header.Get("Location")
}

type goquerySel = goquery.Selection
