package domain

import (
	"testing"

	"sportsapp/app/apperr"
)

func TestNormalize(t *testing.T) {
	const base = "sportsapp.test"
	ok := []struct{ in, want string }{
		{"register.quadball.test", "register.quadball.test"},
		{"  Register.Quadball.TEST  ", "register.quadball.test"},
		{"register.quadball.test.", "register.quadball.test"},
		{"Inscription.Québec.ca", "inscription.xn--qubec-csa.ca"},
		{"inscription.xn--qubec-csa.ca", "inscription.xn--qubec-csa.ca"},
		{"ÉTÉ.example.org", "xn--t-9fab.example.org"},
		{"quadball.ca", "quadball.ca"},
		{"sportsapp.test.example.org", "sportsapp.test.example.org"}, // contains the base, is not under it
		{"xsportsapp.test", "xsportsapp.test"},
	}
	for _, c := range ok {
		got, err := Normalize(c.in, base)
		if err != nil || got != c.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, msg string }{
		{"", msgEmpty},
		{"   ", msgEmpty},
		{"https://register.quadball.test", msgPortPath},
		{"register.quadball.test:8443", msgPortPath},
		{"register.quadball.test/path", msgPortPath},
		{"user@register.quadball.test", msgPortPath},
		{"192.0.2.1", msgIP},
		{"192.0.2.1:80", msgIP},
		{"2001:db8::1", msgIP},
		{"[2001:db8::1]", msgIP},
		{"1.2.3", msgSyntax},
		{"localhost", msgSingle},
		{"bad_name.example.org", msgSyntax},
		{"-lead.example.org", msgSyntax},
		{"a..b.org", msgSyntax},
		{"space here.org", msgSyntax},
		{"sportsapp.test", "Names under sportsapp.test belong to the platform: every organization already has its own address there."},
		{"SPORTSAPP.TEST.", "Names under sportsapp.test belong to the platform: every organization already has its own address there."},
		{"admin.sportsapp.test", "Names under sportsapp.test belong to the platform: every organization already has its own address there."},
		{"quadball-canada.sportsapp.test", "Names under sportsapp.test belong to the platform: every organization already has its own address there."},
		{"a.b.sportsapp.test", "Names under sportsapp.test belong to the platform: every organization already has its own address there."},
	}
	for _, c := range bad {
		got, err := Normalize(c.in, base)
		if apperr.CodeOf(err) != apperr.Invalid || apperr.FieldsOf(err)[Field] != c.msg {
			t.Errorf("Normalize(%q) = %q, %v (%q); want %q", c.in, got, err, apperr.FieldsOf(err)[Field], c.msg)
		}
	}
}

func TestLookup(t *testing.T) {
	for in, want := range map[string]string{
		"Register.Quadball.Test.": "register.quadball.test",
		"register.quadball.test":  "register.quadball.test",
		"bad name":                "",
		"":                        "",
		"café.org":                "",
	} {
		if got := Lookup(in); got != want {
			t.Errorf("Lookup(%q) = %q, want %q", in, got, want)
		}
	}
}
