package tenant

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseHost checks the invariants of the Host parser on any input. The
// seeds (and testdata/fuzz/FuzzParseHost) run in every `go test`; run
// `go test -run '^$' -fuzz FuzzParseHost -fuzztime 30s ./app/tenant` to
// look for more.
func FuzzParseHost(f *testing.F) {
	for _, seed := range []string{
		"quadball-canada.localhost", "quadball-canada.localhost:8080", "QUADBALL-Canada.LocalHost.",
		"admin.localhost", "localhost:8080", "www.localhost", "127.0.0.1:8080", "[::1]:8080",
		"", ":", ":8080", "..localhost", "%2e%2e.localhost", "québec.localhost",
		"evil.com@quadball-canada.localhost", "a:b@quadball-canada.localhost:80",
		"abc.localhost:0", "abc.localhost:65535", "abc.localhost:65536", "abc.localhost:99999",
		"abc.localhost:+80", "[::1", "[::1]x", "[abc.localhost]:80", "abc.localhost:80:80",
		"abc.localhost\t", "abc.localhost, rugby-bc.localhost", "abc.localhost\r\nHost: x.localhost",
	} {
		f.Add(seed)
	}
	const base = "localhost"
	f.Fuzz(func(t *testing.T, host string) {
		kind, slug, err := ParseHost(host, base)
		if err != nil {
			if !errors.Is(err, ErrBadHost) && !errors.Is(err, ErrUnknownHost) {
				t.Fatalf("ParseHost(%q): unexpected error %v", host, err)
			}
			if kind != 0 || slug != "" {
				t.Fatalf("ParseHost(%q) = %v, %q with error %v", host, kind, slug, err)
			}
			return
		}
		// An accepted host has no userinfo, nothing but a host name and a
		// valid port, and folds to lower case.
		if strings.ContainsAny(host, "@/\\%?# \t\r\n,") {
			t.Fatalf("ParseHost(%q) accepted a host with a forbidden character", host)
		}
		name, port, perr := net.SplitHostPort(host)
		if perr != nil {
			name, port = host, ""
		} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			t.Fatalf("ParseHost(%q) accepted port %q", host, port)
		}
		if slug != strings.ToLower(slug) || (kind == HostOrg) != (slug != "") {
			t.Fatalf("ParseHost(%q) = %v, %q", host, kind, slug)
		}
		if kind == HostOrg && (!ValidSlugFormat(slug) || IsReserved(slug)) {
			t.Fatalf("ParseHost(%q) accepted slug %q", host, slug)
		}
		// It names the same thing in any case, without its port, and as the
		// canonical name the app builds links with.
		canonical := map[HostKind]string{HostOrg: slug + "." + base, HostPlatform: PlatformSubdomain + "." + base, HostApex: base}[kind]
		if !strings.EqualFold(strings.TrimSuffix(name, "."), canonical) {
			t.Fatalf("ParseHost(%q) = %v, %q, but the name is %q", host, kind, slug, name)
		}
		for _, again := range []string{strings.ToUpper(host), strings.ToLower(host), name, canonical} {
			k, s, err := ParseHost(again, base)
			if err != nil || k != kind || s != slug {
				t.Fatalf("ParseHost(%q) = %v, %q but ParseHost(%q) = %v, %q, %v", host, kind, slug, again, k, s, err)
			}
		}
	})
}
