package tenant

import "testing"

func TestLinksUsePrimaryDomain(t *testing.T) {
	l := Links{Scheme: "https", BaseDomain: "sports.example.org", Primary: func(slug string) string {
		if slug == "quadball-canada" {
			return "register.quadball.test"
		}
		return ""
	}}
	if got := l.Org("quadball-canada"); got != "https://register.quadball.test" {
		t.Errorf("with a primary domain: %q", got)
	}
	if got := l.Org("rugby-bc"); got != "https://rugby-bc.sports.example.org" {
		t.Errorf("without: %q", got)
	}
	if got := l.Platform(); got != "https://admin.sports.example.org" {
		t.Errorf("platform: %q", got)
	}
}
