package domain

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"time"
)

// ChallengePrefix is the label under which an organization publishes its
// token: _sportsapp-challenge.<domain> TXT <token>.
const ChallengePrefix = "_sportsapp-challenge."

// Outcome is what one look-up of a domain's TXT record found.
type Outcome int

// The outcomes of a check.
const (
	Verified    Outcome = iota + 1 // the record holds the domain's token
	WrongValue                     // the record exists with other values
	Missing                        // no such record (NXDOMAIN or no TXT)
	Unreachable                    // timeout or server failure: nothing is known
)

// Message is the outcome as shown to the admin next to the domain.
func (o Outcome) Message() string {
	switch o {
	case Verified:
		return "verified"
	case WrongValue:
		return "the record was found but its value is wrong"
	case Missing:
		return "the record was not found yet"
	}
	return "could not check, will retry"
}

// Checker looks up challenge records. The zero value uses the system
// resolver with a 5-second timeout.
type Checker struct {
	// Resolver is the DNS client (nil: net.DefaultResolver).
	Resolver *net.Resolver
	// Timeout bounds one check (0: 5 s).
	Timeout time.Duration
}

// NewChecker returns a checker that sends every look-up to server
// (host:port, SPORTSAPP_DNS_SERVER), or uses the system resolver when
// server is empty.
func NewChecker(server string, timeout time.Duration) *Checker {
	c := &Checker{Timeout: timeout}
	if server != "" {
		var d net.Dialer
		c.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, server)
		}}
	}
	return c
}

// Check looks up _sportsapp-challenge.<name> and compares its TXT values
// with token. It never returns an error: a failure is Unreachable.
func (c *Checker) Check(ctx context.Context, name, token string) Outcome {
	r := c.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Fully qualified: no search domain is ever appended.
	values, err := r.LookupTXT(ctx, ChallengePrefix+name+".")
	var dnsErr *net.DNSError
	switch {
	case err == nil:
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return Missing
	default:
		return Unreachable
	}
	if len(values) == 0 {
		return Missing
	}
	if slices.ContainsFunc(values, func(v string) bool { return strings.TrimSpace(v) == token }) {
		return Verified
	}
	return WrongValue
}

// Points reports whether name is routed to the platform: a CNAME to target
// (the org's <slug>.<base>), or A/AAAA records among publicIPs. It returns
// "" when it is, or a warning to show (which never blocks verification).
func (c *Checker) Points(ctx context.Context, name, target string, publicIPs []string) string {
	r := c.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fqdn := name + "."
	if cname, err := r.LookupCNAME(ctx, fqdn); err == nil && strings.EqualFold(strings.TrimSuffix(cname, "."), target) {
		return ""
	}
	if len(publicIPs) > 0 {
		if addrs, err := r.LookupHost(ctx, fqdn); err == nil {
			for _, a := range addrs {
				if slices.ContainsFunc(publicIPs, func(p string) bool { return net.ParseIP(p).Equal(net.ParseIP(a)) }) {
					return ""
				}
			}
		}
	}
	return "it does not point at the platform yet: create " + name + " CNAME " + target + " (visitors cannot reach it until then)"
}
