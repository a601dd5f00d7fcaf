package web

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sportsapp/app/domain"
	"sportsapp/app/tenant"
)

// freePort returns a loopback TCP port nothing listens on (now).
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// TestCaddyOnDemandTLS runs the real Caddy (Debian package caddy; CI
// installs it) on loopback ports in front of the app, with its internal CA
// and on-demand TLS asking /tls/ask: a verified custom domain gets a
// certificate and Quadball Canada's page over HTTPS; an unverified or
// unknown domain, and a suspended org's domain, get no certificate.
func TestCaddyOnDemandTLS(t *testing.T) {
	caddy, err := exec.LookPath("caddy")
	if err != nil {
		t.Skip("caddy is not installed (apt-get install caddy; .ci/run installs it)")
	}
	w := newWorld(t, envOptions{LoginAttempts: 1000, TrustedProxies: []string{"127.0.0.1"}})
	ctx := context.Background()

	// Quadball Canada's admin adds register.quadball.test, the DNS server
	// serves its record and Check now verifies it.
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	if res := admin.post("/admin/domains", url.Values{"domain": {"register.quadball.test"}}, "HX-Request", "true"); res.StatusCode != 200 {
		t.Fatalf("add: %d", res.StatusCode)
	}
	d, err := w.domains.Get(ctx, "register.quadball.test")
	if err != nil {
		t.Fatal(err)
	}
	w.dns.SetTXT(d.RecordName(), d.Token)
	if res := admin.post("/admin/domains/register.quadball.test/check", nil, "HX-Request", "true"); res.StatusCode != 200 {
		t.Fatalf("check: %d", res.StatusCode)
	}
	if _, err := w.domains.Add(ctx, domain.Actor{Label: "test"}, w.a, "pending.quadball.test"); err != nil {
		t.Fatal(err)
	}
	closed := w.org("closed-league", "Closed League")
	cd, err := w.domains.Add(ctx, domain.Actor{Label: "test"}, closed, "register.closed.test")
	if err != nil {
		t.Fatal(err)
	}
	w.dns.SetTXT(cd.RecordName(), cd.Token)
	if _, out, _ := w.domains.Check(ctx, domain.Actor{Label: "test"}, closed, cd.Name); out != domain.Verified {
		t.Fatal(out)
	}
	if _, err := w.reg.SetStatus(ctx, closed.Slug, tenant.StatusSuspended); err != nil {
		t.Fatal(err)
	}

	app := "127.0.0.1:" + w.url("x")[len("http://x:"):]
	httpsPort, httpPort := freePort(t), freePort(t)
	dir := t.TempDir()
	conf := fmt.Sprintf(`{
	admin off
	storage file_system %[1]s
	http_port %[2]s
	https_port %[3]s
	skip_install_trust
	local_certs
	on_demand_tls {
		ask http://%[4]s/tls/ask
	}
}

https:// {
	tls internal {
		on_demand
	}
	reverse_proxy %[4]s
}
`, filepath.Join(dir, "data"), httpPort, httpsPort, app)
	confPath := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(caddy, "run", "--config", confPath, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	logf, _ := os.Create(filepath.Join(dir, "caddy.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("caddy log:\n%s", b)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+httpsPort, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("caddy did not listen on %s: %v", httpsPort, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	rootPath := filepath.Join(dir, "data", "pki", "authorities", "local", "root.crt")
	var roots *x509.CertPool
	for roots == nil {
		if b, err := os.ReadFile(rootPath); err == nil {
			roots = x509.NewCertPool()
			roots.AppendCertsFromPEM(b)
		} else if time.Now().After(deadline) {
			t.Fatalf("no root certificate: %v", err)
		} else {
			time.Sleep(100 * time.Millisecond)
		}
	}
	// Every name resolves to Caddy on loopback (curl's --resolve).
	client := &http.Client{
		Timeout: 20 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots},
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, network, "127.0.0.1:"+httpsPort)
			},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t.Cleanup(client.CloseIdleConnections)
	get := func(host string) (*http.Response, string, error) {
		res, err := client.Get("https://" + host + ":" + httpsPort + "/")
		if err != nil {
			return nil, "", err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b), nil
	}

	res, page, err := get("register.quadball.test")
	if err != nil {
		t.Fatalf("verified domain: %v", err)
	}
	if res.StatusCode != 200 || !strings.Contains(page, "Quadball Canada") {
		t.Fatalf("verified domain: %d\n%s", res.StatusCode, page)
	}
	if names := res.TLS.PeerCertificates[0].DNSNames; len(names) != 1 || names[0] != "register.quadball.test" {
		t.Fatalf("certificate for %v", names)
	}
	if res, _, err := get("quadball-canada.localhost"); err != nil || res.StatusCode != 200 {
		t.Fatalf("the org's subdomain: %v", err)
	}
	for _, host := range []string{"pending.quadball.test", "unknown.example.org", "register.closed.test", "closed-league.localhost"} {
		if res, _, err := get(host); err == nil {
			t.Errorf("%s got a certificate (status %d)", host, res.StatusCode)
		} else if !strings.Contains(err.Error(), "tls") {
			t.Errorf("%s: %v, want a TLS handshake failure", host, err)
		}
	}
}
