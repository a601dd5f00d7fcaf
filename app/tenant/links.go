package tenant

import (
	"net"
	"strings"
)

// Links builds the public URLs of organizations and of the platform, for
// places that have no request to copy them from: mail sent by the CLI, links
// in invitations. Mail links always use the org's own host.
type Links struct {
	Scheme     string // "http" or "https"
	BaseDomain string // e.g. "localhost" or "sports.example.org"
	Port       string // "" for the scheme's default port
	// Primary, if set, returns an organization's primary custom domain by
	// slug ("" for none): its links then use that name (docs/domains.md).
	Primary func(slug string) string
}

func (l Links) origin(sub string) string {
	return l.originOf(sub + "." + strings.TrimSuffix(l.BaseDomain, "."))
}

func (l Links) originOf(host string) string {
	if l.Port != "" {
		host = net.JoinHostPort(host, l.Port)
	}
	scheme := l.Scheme
	if scheme == "" {
		scheme = "http"
	}
	return scheme + "://" + host
}

// Org returns an organization's origin, e.g. https://quadball-canada.example.org,
// or https://<its primary custom domain>.
func (l Links) Org(slug string) string {
	if l.Primary != nil {
		if p := l.Primary(slug); p != "" {
			return l.originOf(p)
		}
	}
	return l.origin(slug)
}

// Platform returns the platform host's origin.
func (l Links) Platform() string { return l.origin(PlatformSubdomain) }
