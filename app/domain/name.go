package domain

import (
	"net"
	"strings"

	"golang.org/x/net/idna"

	"sportsapp/app/apperr"
)

// Field is the form field that carries a domain name (its per-field errors
// use this key).
const Field = "domain"

// Messages shown next to the domain field.
const (
	msgEmpty    = "Enter a domain name, such as register.example.org."
	msgSyntax   = "This is not a valid domain name: use letters, digits, hyphens and dots, such as register.example.org."
	msgIP       = "An IP address cannot be used: enter a domain name, such as register.example.org."
	msgPortPath = "Enter the domain name only, without http://, a port or a path (for example register.example.org)."
	msgSingle   = "Enter a full domain name with at least one dot, such as register.example.org."
	msgReserved = "Names under %s belong to the platform: every organization already has its own address there."
	msgClaimed  = "This domain is already used by another organization."
	msgTaken    = "This domain is already added to this organization."
)

// profile converts a name to its ASCII form the way browsers look it up:
// case-folded, NFC, IDNA 2008 with the UTS 46 mapping, LDH labels only, DNS
// lengths checked.
var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.ValidateLabels(true),
	idna.StrictDomainName(true),
	idna.VerifyDNSLength(true),
)

// Normalize returns the stored form of a domain name typed by an org admin:
// trimmed, one trailing dot dropped, IDNA-mapped to ASCII and lower-cased
// ("Inscription.Québec.CA." -> "inscription.xn--qubec-csa.ca"). It refuses,
// with an Invalid error on Field, what can never be an organization's
// domain: an empty value, a URL, a port or a path, an IP address, a single
// label, bad syntax, and the base domain, admin.<base> or any other name
// under the base domain.
func Normalize(input, base string) (string, error) {
	name, msg := normalize(input, base)
	if msg != "" {
		return "", apperr.Fields{Field: msg}.Err()
	}
	return name, nil
}

func normalize(input, base string) (string, string) {
	s := strings.TrimSpace(input)
	if s == "" {
		return "", msgEmpty
	}
	if len(s) > 300 {
		return "", msgSyntax
	}
	if strings.HasPrefix(s, "[") || net.ParseIP(strings.TrimSuffix(s, ".")) != nil {
		return "", msgIP
	}
	if strings.ContainsAny(s, "/:?#@\\") {
		if host, _, err := net.SplitHostPort(s); err == nil && net.ParseIP(host) != nil {
			return "", msgIP
		}
		return "", msgPortPath
	}
	s = strings.TrimSuffix(s, ".")
	ascii, err := profile.ToASCII(s)
	if err != nil {
		return "", msgSyntax
	}
	name := strings.ToLower(ascii)
	if !ldh(name) {
		return "", msgSyntax
	}
	if net.ParseIP(name) != nil {
		return "", msgIP
	}
	if !strings.Contains(name, ".") {
		return "", msgSingle
	}
	base = strings.ToLower(strings.TrimSuffix(base, "."))
	if name == base || strings.HasSuffix(name, "."+base) {
		return "", strings.Replace(msgReserved, "%s", base, 1)
	}
	return name, ""
}

// ldh accepts lower-case ASCII DNS names: labels of 1 to 63 letters, digits
// and hyphens, not starting or ending with a hyphen, at most 253 characters,
// and a last label that is not all digits (so no dotted numbers).
func ldh(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range []byte(l) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

// Lookup is the cheap, allocation-light form used on the request path (the
// ask endpoint and routing): lower-cased, one trailing dot dropped, and ""
// unless it is a plain ASCII name. No IDNA mapping: browsers and Caddy send
// the ASCII form.
func Lookup(name string) string {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if !ldh(name) {
		return ""
	}
	return name
}
