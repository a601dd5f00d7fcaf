package settings

import (
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	s, errs := Parse(valid())
	if errs != nil {
		t.Fatalf("valid form refused: %v", errs)
	}
	if s.BrandColor != "#1f6feb" || !s.RegistrationOpen || !s.SeasonEnd.Equal(day("2027-08-31")) {
		t.Fatalf("parsed %+v", s)
	}
}

// Every rule, at its boundaries: each case changes fields of a valid form
// and expects a message on one field (or none).
func TestValidationRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name  string
		set   Form
		field string // "" means valid
		msg   string
	}{
		{"name empty", Form{FDisplayName: "  "}, FDisplayName, msgDisplayName},
		{"name 200", Form{FDisplayName: long(200)}, "", ""},
		{"name 201", Form{FDisplayName: long(201)}, FDisplayName, msgDisplayName},
		{"email empty is allowed", Form{FContactEmail: ""}, "", ""},
		{"email bad", Form{FContactEmail: "info@"}, FContactEmail, msgContactEmail},
		{"email with name", Form{FContactEmail: "Info <info@x.org>"}, FContactEmail, msgContactEmail},
		{"timezone unknown", Form{FTimezone: "Mars/Olympus"}, FTimezone, msgTimezone},
		{"timezone abbreviation", Form{FTimezone: "EST"}, FTimezone, msgTimezone},
		{"timezone empty", Form{FTimezone: ""}, FTimezone, msgTimezone},
		{"timezone UTC", Form{FTimezone: "UTC"}, "", ""},
		{"timezone Vancouver", Form{FTimezone: "America/Vancouver"}, "", ""},
		{"currency lower case ok", Form{FCurrency: "usd"}, "", ""},
		{"currency unknown", Form{FCurrency: "XYZ"}, FCurrency, msgCurrency},
		{"currency too long", Form{FCurrency: "CADD"}, FCurrency, msgCurrency},
		{"currency empty", Form{FCurrency: ""}, FCurrency, msgCurrency},
		{"season name empty", Form{FSeasonName: ""}, FSeasonName, msgSeasonName},
		{"season name 101", Form{FSeasonName: long(101)}, FSeasonName, msgSeasonName},
		{"start not a date", Form{FSeasonStart: "2026-02-30"}, FSeasonStart, msgDate},
		{"end not a date", Form{FSeasonEnd: "31/08/2027"}, FSeasonEnd, msgDate},
		{"end equals start", Form{FSeasonStart: "2027-01-01", FSeasonEnd: "2027-01-01"}, FSeasonEnd, msgSeasonOrder},
		{"end before start", Form{FSeasonStart: "2027-01-02", FSeasonEnd: "2027-01-01"}, FSeasonEnd, msgSeasonOrder},
		{"end a day after start", Form{FSeasonStart: "2027-01-01", FSeasonEnd: "2027-01-02"}, "", ""},
		{"season exactly 18 months", Form{FSeasonStart: "2026-01-15", FSeasonEnd: "2027-07-15"}, "", ""},
		{"season 18 months and a day", Form{FSeasonStart: "2026-01-15", FSeasonEnd: "2027-07-16"}, FSeasonEnd, msgSeasonLength},
		{"registration window ok", Form{FRegistrationOpensOn: "2026-08-01", FRegistrationClosesOn: "2026-10-01"}, "", ""},
		{"registration same day", Form{FRegistrationOpensOn: "2026-08-01", FRegistrationClosesOn: "2026-08-01"}, "", ""},
		{"registration closes before it opens", Form{FRegistrationOpensOn: "2026-08-02", FRegistrationClosesOn: "2026-08-01"}, FRegistrationClosesOn, msgRegOrder},
		{"registration opens after the season", Form{FRegistrationOpensOn: "2027-09-01"}, FRegistrationOpensOn, msgRegAfterEnd},
		{"registration date bad", Form{FRegistrationOpensOn: "soon"}, FRegistrationOpensOn, msgDate},
		{"waiver 10000", Form{FWaiverText: long(10000)}, "", ""},
		{"waiver 10001", Form{FWaiverText: long(10001)}, FWaiverText, msgWaiverLength},
		{"colour short", Form{FBrandColor: "#fff"}, FBrandColor, msgBrandColor},
		{"colour name", Form{FBrandColor: "blue"}, FBrandColor, msgBrandColor},
		{"colour not hex", Form{FBrandColor: "#12345g"}, FBrandColor, msgBrandColor},
	}
	for _, tt := range tests {
		f := valid()
		for k, v := range tt.set {
			f[k] = v
		}
		_, errs := Parse(f)
		switch {
		case tt.field == "" && errs != nil:
			t.Errorf("%s: refused: %v", tt.name, errs)
		case tt.field != "" && errs[tt.field] != tt.msg:
			t.Errorf("%s: %s = %q, want %q (all: %v)", tt.name, tt.field, errs[tt.field], tt.msg, errs)
		case tt.field != "" && len(errs) != 1:
			t.Errorf("%s: %d messages, want 1: %v", tt.name, len(errs), errs)
		}
	}
}

func TestParseReportsEveryError(t *testing.T) {
	_, errs := Parse(Form{})
	for _, f := range []string{FDisplayName, FTimezone, FCurrency, FSeasonName, FSeasonStart, FSeasonEnd, FBrandColor} {
		if errs[f] == "" {
			t.Errorf("no message on %s", f)
		}
	}
}

func TestMembershipTypeRules(t *testing.T) {
	tests := []struct {
		f     TypeForm
		field string
	}{
		{TypeForm{Name: "Adult", Price: "0"}, ""},
		{TypeForm{Name: "Adult", Price: "100000.00"}, ""},
		{TypeForm{Name: "Adult", Price: "100,000.00"}, ""},
		{TypeForm{Name: "Adult", Price: "100000.01"}, "price"},
		{TypeForm{Name: "Adult", Price: "-1"}, "price"},
		{TypeForm{Name: "Adult", Price: "12.345"}, "price"},
		{TypeForm{Name: "Adult", Price: "ten"}, "price"},
		{TypeForm{Name: "", Price: "1"}, "name"},
		{TypeForm{Name: strings.Repeat("n", 101), Price: "1"}, "name"},
		{TypeForm{Name: "Adult", Description: strings.Repeat("d", 501), Price: "1"}, "description"},
	}
	for _, tt := range tests {
		_, errs := ParseType(tt.f)
		if tt.field == "" && errs != nil || tt.field != "" && errs[tt.field] == "" {
			t.Errorf("ParseType(%+v) = %v, want a message on %q", tt.f, errs, tt.field)
		}
	}
}

func TestDefaults(t *testing.T) {
	for today, wantEnd := range map[string]string{
		"2026-11-28": "2027-08-31",
		"2026-08-30": "2026-08-31",
		"2026-08-31": "2027-08-31",
		"2026-09-01": "2027-08-31",
	} {
		d := Defaults("Org", day(today))
		if got := d.SeasonEnd.Format(DateLayout); got != wantEnd || d.Currency != "CAD" || d.RegistrationOpen {
			t.Errorf("Defaults(%s): end %s, currency %s, open %v", today, got, d.Currency, d.RegistrationOpen)
		}
		if _, errs := Parse(d.Form()); errs != nil {
			t.Errorf("Defaults(%s) do not validate: %v", today, errs)
		}
	}
}
