package tenant

import (
	"regexp"
	"strings"

	"sportsapp/app/apperr"
)

// slugPattern: lowercase letters, digits and hyphens, starting and ending
// with a letter or digit, 3 to 63 characters (one DNS label). With no dots,
// slashes or percent signs, a slug can never name a path. Double hyphens are
// refused separately: "xn--" labels are punycode look-alikes.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// reserved are subdomains that belong to the platform, never to an org.
var reserved = map[string]bool{
	"admin": true, "www": true, "api": true, "static": true, "assets": true,
	"cdn": true, "mail": true, "smtp": true, "imap": true, "pop": true,
	"ftp": true, "app": true, "apps": true, "auth": true, "login": true,
	"signup": true, "account": true, "accounts": true, "billing": true,
	"dashboard": true, "console": true, "docs": true, "help": true,
	"support": true, "status": true, "blog": true, "dev": true, "test": true,
	"staging": true, "ns1": true, "ns2": true, "localhost": true,
	"platform": true, "root": true, "system": true, "webmail": true,
	"metrics": true, "health": true, "internal": true, "ops": true,
}

// PlatformSubdomain is the reserved subdomain that serves the platform's own
// pages (the super-admin console).
const PlatformSubdomain = "admin"

// IsReserved reports whether name is reserved for the platform.
func IsReserved(name string) bool { return reserved[name] }

// ValidSlugFormat reports whether s has the shape of a slug.
func ValidSlugFormat(s string) bool {
	return len(s) >= 3 && len(s) <= 63 && slugPattern.MatchString(s) && !strings.Contains(s, "--")
}

// ValidateSlug returns an apperr.Invalid error explaining why s cannot be an
// organization's slug, or nil.
func ValidateSlug(s string) error {
	switch {
	case len(s) < 3 || len(s) > 63:
		return apperr.Errorf(apperr.Invalid, "The address must be 3 to 63 characters long.")
	case !ValidSlugFormat(s):
		return apperr.Errorf(apperr.Invalid, "The address may use only lowercase letters, digits and single hyphens, and must start and end with a letter or digit.")
	case IsReserved(s):
		return apperr.Errorf(apperr.Invalid, "%q is reserved for the platform; choose another address.", s)
	}
	return nil
}
