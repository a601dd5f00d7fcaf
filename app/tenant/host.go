package tenant

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"sportsapp/app/apperr"
)

// HostKind says what a request's Host names.
type HostKind int

// The kinds of host the application serves.
const (
	HostOrg      HostKind = iota + 1 // <slug>.<base>: one organization
	HostPlatform                     // admin.<base>: the platform console
	HostApex                         // <base> itself: sent on to the platform host
)

// Errors returned by ParseHost and Resolve.
var (
	// ErrBadHost: the Host header is not a syntactically valid host name (400).
	ErrBadHost = apperr.Errorf(apperr.BadRequest, "The address in this request is not a valid host name.")
	// ErrUnknownHost: a valid name that names no organization (404).
	ErrUnknownHost = apperr.Errorf(apperr.NotFound, "There is no organization at this address.")
)

// maxHostLen bounds the Host value before any parsing (a DNS name is at most
// 253 characters; a port and brackets add a few).
const maxHostLen = 260

// ParseHost splits a Host header value into what it names: the kind and, for
// an org host, the slug. The port is ignored and letters are folded to lower
// case. Anything that is not a plain ASCII host name with an optional port
// of 1 to 65535 (empty, unicode, percent-encoded, userinfo, "..", over-long
// labels, port 0 or 99999) is ErrBadHost; a valid name that is not
// <slug>.<base>, admin.<base> or <base> is ErrUnknownHost.
func ParseHost(host, base string) (HostKind, string, error) {
	if host == "" || len(host) > maxHostLen {
		return 0, "", ErrBadHost
	}
	name, err := stripPort(host)
	if err != nil {
		return 0, "", err
	}
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if !validHostName(name) {
		if net.ParseIP(name) != nil {
			return 0, "", ErrUnknownHost
		}
		return 0, "", ErrBadHost
	}
	if net.ParseIP(name) != nil {
		return 0, "", ErrUnknownHost
	}
	if name == base {
		return HostApex, "", nil
	}
	sub, ok := strings.CutSuffix(name, "."+base)
	if !ok || strings.Contains(sub, ".") {
		return 0, "", ErrUnknownHost
	}
	if sub == PlatformSubdomain {
		return HostPlatform, "", nil
	}
	if IsReserved(sub) || !ValidSlugFormat(sub) {
		return 0, "", ErrUnknownHost
	}
	return HostOrg, sub, nil
}

// stripPort removes a trailing :port. IPv6 literals ([::1]:8080) come back
// without brackets; brackets around anything else ("[localhost]") are
// malformed.
func stripPort(host string) (string, error) {
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return "", ErrBadHost
		}
		if lit := host[1:end]; net.ParseIP(lit) == nil || !strings.Contains(lit, ":") {
			return "", ErrBadHost
		}
		if rest := host[end+1:]; rest != "" {
			port, ok := strings.CutPrefix(rest, ":")
			if !ok || !validPort(port) {
				return "", ErrBadHost
			}
		}
		return host[1:end], nil
	}
	i := strings.LastIndexByte(host, ':')
	if i < 0 {
		return host, nil
	}
	if strings.IndexByte(host[:i], ':') >= 0 || !validPort(host[i+1:]) {
		return "", ErrBadHost
	}
	return host[:i], nil
}

// validPort accepts a TCP port number, 1 to 65535, in decimal digits only
// (strconv alone would also take a sign).
func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	n := 0
	for _, c := range []byte(p) {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n >= 1 && n <= 65535
}

// validHostName accepts lowercase ASCII DNS names: labels of 1 to 63
// letters, digits and hyphens, separated by single dots.
func validHostName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// Target is what a request's Host resolved to.
type Target struct {
	Kind HostKind
	Org  Org // set when Kind is HostOrg
	// Domain is the organization's verified custom domain the request came
	// on, or "" on <slug>.<base>.
	Domain string
}

// Domains answers which organization a verified custom domain belongs to
// (domain.Table, from memory). name is lower-case ASCII without a port or a
// trailing dot.
type Domains interface {
	ByDomain(name string) (Org, bool)
}

// Resolver maps Host values to organizations through the registry, with a
// small cache: a hit costs no database query, and unknown slugs are cached
// too so that a flood of random subdomains cannot reach the registry on
// every request. Entries expire after a TTL so that changes made by another
// process (the CLI) are picked up; changes made in this process call Forget.
type Resolver struct {
	base    string
	reg     *Registry
	known   *expirable.LRU[string, Org]
	unknown *expirable.LRU[string, struct{}]
	domains Domains // custom domains; nil: none
}

// SetDomains makes the resolver serve verified custom domains: a valid name
// outside the base domain is looked up in d before it is a 404.
func (r *Resolver) SetDomains(d Domains) { r.domains = d }

// NewResolver returns a resolver for hosts under base (e.g. "localhost").
func NewResolver(base string, reg *Registry, ttl time.Duration) *Resolver {
	r := &Resolver{
		base:    strings.ToLower(strings.TrimSuffix(base, ".")),
		reg:     reg,
		known:   expirable.NewLRU[string, Org](4096, nil, ttl),
		unknown: expirable.NewLRU[string, struct{}](4096, nil, ttl),
	}
	reg.OnChange(func(o Org) { r.Forget(o.Slug) })
	return r
}

// BaseDomain returns the domain under which organizations live.
func (r *Resolver) BaseDomain() string { return r.base }

// Resolve returns what host names. It never creates anything.
func (r *Resolver) Resolve(ctx context.Context, host string) (Target, error) {
	// The slug becomes a cache key that outlives the request: never let it
	// share memory with a caller's buffer.
	kind, slug, err := ParseHost(strings.Clone(host), r.base)
	if errors.Is(err, ErrUnknownHost) && r.domains != nil {
		if name, perr := stripPort(host); perr == nil {
			name = strings.TrimSuffix(strings.ToLower(name), ".")
			if org, ok := r.domains.ByDomain(name); ok {
				return Target{Kind: HostOrg, Org: org, Domain: strings.Clone(name)}, nil
			}
		}
	}
	if err != nil {
		return Target{}, err
	}
	if kind != HostOrg {
		return Target{Kind: kind}, nil
	}
	if org, ok := r.known.Get(slug); ok {
		return Target{Kind: HostOrg, Org: org}, nil
	}
	if _, ok := r.unknown.Get(slug); ok {
		return Target{}, ErrUnknownHost
	}
	org, err := r.reg.BySlug(ctx, slug)
	if errors.Is(err, ErrOrgNotFound) {
		r.unknown.Add(slug, struct{}{})
		return Target{}, ErrUnknownHost
	}
	if err != nil {
		return Target{}, err
	}
	r.known.Add(slug, org)
	return Target{Kind: HostOrg, Org: org}, nil
}

// Forget drops slug from the cache so the next request reads the registry.
func (r *Resolver) Forget(slug string) {
	r.known.Remove(slug)
	r.unknown.Remove(slug)
}
