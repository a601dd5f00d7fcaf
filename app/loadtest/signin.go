package loadtest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// signIn signs into an organization as a browser does: it loads the
// sign-in page (which sets the anonymous CSRF cookie and carries the
// token), posts the form to POST /login with the token and the page's
// Origin, and then loads check, which must answer 200 with a sign-out
// form. It returns the Cookie header to send with the measured requests.
func signIn(ctx context.Context, port, slug string, who credentials, check string) (string, error) {
	base := "http://" + slug + ".localhost:" + port
	jar, err := cookiejar.New(nil)
	if err != nil {
		return "", err
	}
	tr := &http.Transport{DialContext: dialLoopback(port)}
	defer tr.CloseIdleConnections()
	c := &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	doc, status, err := page(ctx, c, base+"/login")
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("GET %s/login: status %d", base, status)
	}
	token, ok := doc.Find(`form[action="/login"] input[name="_csrf"]`).Attr("value")
	if !ok || token == "" {
		return "", fmt.Errorf("GET %s/login: no CSRF token in the form", base)
	}
	form := url.Values{"email": {who.Email}, "password": {who.Password}, "_csrf": {token}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := c.Do(req)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		msg := ""
		if d, err := goquery.NewDocumentFromReader(strings.NewReader(string(body))); err == nil {
			msg = strings.TrimSpace(d.Find(`[role="alert"]`).First().Text())
		}
		return "", fmt.Errorf("POST %s/login as %s: status %d %s", base, who.Email, res.StatusCode, msg)
	}

	doc, status, err = page(ctx, c, base+check)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK || doc.Find(`form[action="/logout"]`).Length() == 0 {
		return "", fmt.Errorf("GET %s%s after signing in as %s: status %d, signed in: %v", base, check, who.Email, status, doc.Find(`form[action="/logout"]`).Length() > 0)
	}
	u, _ := url.Parse(base)
	var cookies []string
	for _, ck := range jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	return strings.Join(cookies, "; "), nil
}

// page GETs a URL and parses the HTML.
// dialLoopback dials the server's port on this machine, whatever the
// *.localhost host name.
func dialLoopback(port string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, "127.0.0.1:"+port)
	}
}

// documentOf parses an HTML page.
func documentOf(r io.Reader) (*goquery.Document, error) { return goquery.NewDocumentFromReader(r) }

func page(ctx context.Context, c *http.Client, u string) (*goquery.Document, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	return doc, res.StatusCode, err
}
