// Package settings holds an organization's configurable settings (season,
// fees, currency, time zone, ...) and membership types: typed, validated,
// versioned with a history, cached per organization, and read by the flows
// that price things (Quote).
package settings

import (
	_ "embed"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zones work on machines without zoneinfo
	"unicode/utf8"

	"golang.org/x/text/currency"

	"sportsapp/app/apperr"
)

// Settings are one organization's settings at one version.
type Settings struct {
	Version              int64 // 0: never saved, these are the defaults
	DisplayName          string
	ContactEmail         string
	Timezone             string
	Currency             string
	SeasonName           string
	SeasonStart          time.Time // civil date (midnight UTC)
	SeasonEnd            time.Time // civil date; memberships end here
	RegistrationOpen     bool
	RegistrationOpensOn  time.Time // optional civil date; zero if unset
	RegistrationClosesOn time.Time // optional civil date; zero if unset
	WaiverText           string
	BrandColor           string
	UpdatedAt            time.Time
	UpdatedBy            string
}

// Location returns the organization's time zone (UTC if unknown).
func (s Settings) Location() *time.Location {
	if loc, ok := locations.Load(s.Timezone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return time.UTC
	}
	locations.Store(s.Timezone, loc)
	return loc
}

// locations caches time zones by name: time.LoadLocation reads and parses
// the zone's file (here from the embedded tzdata) on every call, and the
// pages ask for the organization's "today" on every request. The set of
// names is bounded by the time zones that exist.
var locations sync.Map

// Today is the civil date at instant t in the organization's time zone.
func (s Settings) Today(t time.Time) time.Time {
	y, m, d := t.In(s.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DateLayout is how civil dates are written in forms and in the database.
const DateLayout = "2006-01-02"

// Field names, in the order the form shows them.
const (
	FDisplayName          = "display_name"
	FContactEmail         = "contact_email"
	FTimezone             = "timezone"
	FCurrency             = "currency"
	FSeasonName           = "season_name"
	FSeasonStart          = "season_start"
	FSeasonEnd            = "season_end"
	FRegistrationOpen     = "registration_open"
	FRegistrationOpensOn  = "registration_opens_on"
	FRegistrationClosesOn = "registration_closes_on"
	FWaiverText           = "waiver_text"
	FBrandColor           = "brand_color"
)

// Fields lists every settings field with its label, in form order.
var Fields = []struct{ Name, Label string }{
	{FDisplayName, "Organization name"},
	{FContactEmail, "Contact email"},
	{FTimezone, "Time zone"},
	{FCurrency, "Currency"},
	{FSeasonName, "Season name"},
	{FSeasonStart, "Season starts"},
	{FSeasonEnd, "Season ends"},
	{FRegistrationOpen, "Membership registration"},
	{FRegistrationOpensOn, "Registration opens on"},
	{FRegistrationClosesOn, "Registration closes on"},
	{FWaiverText, "Waiver text"},
	{FBrandColor, "Brand colour"},
}

// Label returns a field's label.
func Label(field string) string {
	for _, f := range Fields {
		if f.Name == field {
			return f.Label
		}
	}
	return field
}

// Form is the settings as the text of a form, keyed by field name.
type Form map[string]string

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(DateLayout)
}

// Form returns s as form text.
func (s Settings) Form() Form {
	open := ""
	if s.RegistrationOpen {
		open = "on"
	}
	return Form{
		FDisplayName: s.DisplayName, FContactEmail: s.ContactEmail, FTimezone: s.Timezone,
		FCurrency: s.Currency, FSeasonName: s.SeasonName, FSeasonStart: date(s.SeasonStart),
		FSeasonEnd: date(s.SeasonEnd), FRegistrationOpen: open,
		FRegistrationOpensOn: date(s.RegistrationOpensOn), FRegistrationClosesOn: date(s.RegistrationClosesOn),
		FWaiverText: s.WaiverText, FBrandColor: s.BrandColor,
	}
}

// display is how a field's value reads in history and conflict messages.
func (s Settings) display(field string) string {
	v := s.Form()[field]
	switch {
	case field == FRegistrationOpen && v == "on":
		return "open"
	case field == FRegistrationOpen:
		return "closed"
	case v == "":
		return "(none)"
	}
	return v
}

//go:embed timezones.txt
var timezoneList string

// Timezones are the IANA time zones offered and accepted (canonical zones
// from the tz database's zone1970.tab, plus UTC).
var Timezones = strings.Fields(timezoneList)

// Currencies are offered first in the currency field; any ISO 4217 code is
// accepted.
var Currencies = []string{"CAD", "USD", "EUR", "GBP", "AUD", "NZD", "CHF", "MXN"}

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validation limits.
const (
	maxSeason = 18 // months
	maxWaiver = 10000
)

// Parse validates form text and returns the settings it describes, or the
// message for every field that is wrong. Cross-field rules (the season's end
// after its start, at most 18 months, registration dates in order) are
// reported on the later field.
func Parse(f Form) (Settings, apperr.Fields) {
	errs := apperr.Fields{}
	var s Settings
	text := func(name string) string { return strings.TrimSpace(f[name]) }

	s.DisplayName = text(FDisplayName)
	if n := utf8.RuneCountInString(s.DisplayName); n < 1 || n > 200 {
		errs[FDisplayName] = msgDisplayName
	}
	s.ContactEmail = strings.ToLower(text(FContactEmail))
	if s.ContactEmail != "" {
		if a, err := mail.ParseAddress(s.ContactEmail); err != nil || a.Address != s.ContactEmail || len(s.ContactEmail) > 254 {
			errs[FContactEmail] = msgContactEmail
		}
	}
	s.Timezone = text(FTimezone)
	if _, err := time.LoadLocation(s.Timezone); err != nil || !slices.Contains(Timezones, s.Timezone) {
		errs[FTimezone] = msgTimezone
	}
	s.Currency = strings.ToUpper(text(FCurrency))
	if u, err := currency.ParseISO(s.Currency); err != nil || u.String() != s.Currency {
		errs[FCurrency] = msgCurrency
	}
	s.SeasonName = text(FSeasonName)
	if n := utf8.RuneCountInString(s.SeasonName); n < 1 || n > 100 {
		errs[FSeasonName] = msgSeasonName
	}
	parseDate := func(name string, required bool) time.Time {
		v := text(name)
		if v == "" && !required {
			return time.Time{}
		}
		d, err := time.Parse(DateLayout, v)
		if err != nil {
			errs[name] = msgDate
		}
		return d
	}
	s.SeasonStart = parseDate(FSeasonStart, true)
	s.SeasonEnd = parseDate(FSeasonEnd, true)
	if errs[FSeasonStart] == "" && errs[FSeasonEnd] == "" {
		switch {
		case !s.SeasonEnd.After(s.SeasonStart):
			errs[FSeasonEnd] = msgSeasonOrder
		case s.SeasonEnd.After(s.SeasonStart.AddDate(0, maxSeason, 0)):
			errs[FSeasonEnd] = msgSeasonLength
		}
	}
	s.RegistrationOpen = f[FRegistrationOpen] == "on" || f[FRegistrationOpen] == "true"
	s.RegistrationOpensOn = parseDate(FRegistrationOpensOn, false)
	s.RegistrationClosesOn = parseDate(FRegistrationClosesOn, false)
	if o, c := s.RegistrationOpensOn, s.RegistrationClosesOn; errs[FRegistrationOpensOn] == "" && errs[FRegistrationClosesOn] == "" {
		switch {
		case !o.IsZero() && !c.IsZero() && c.Before(o):
			errs[FRegistrationClosesOn] = msgRegOrder
		case !o.IsZero() && errs[FSeasonEnd] == "" && !s.SeasonEnd.IsZero() && o.After(s.SeasonEnd):
			errs[FRegistrationOpensOn] = msgRegAfterEnd
		}
	}
	s.WaiverText = strings.TrimSpace(strings.ReplaceAll(f[FWaiverText], "\r\n", "\n"))
	if utf8.RuneCountInString(s.WaiverText) > maxWaiver {
		errs[FWaiverText] = msgWaiverLength
	}
	s.BrandColor = strings.ToLower(text(FBrandColor))
	if !colorPattern.MatchString(s.BrandColor) {
		errs[FBrandColor] = msgBrandColor
	}
	if len(errs) == 0 {
		return s, nil
	}
	return s, errs
}

// Change is one field's change between two versions.
type Change struct {
	Field, Label, Old, New string
}

// Diff lists the fields that differ from a to b, in form order.
func Diff(a, b Settings) []Change {
	var out []Change
	for _, f := range Fields {
		if old, nw := a.display(f.Name), b.display(f.Name); old != nw {
			out = append(out, Change{Field: f.Name, Label: f.Label, Old: old, New: nw})
		}
	}
	return out
}

// Defaults are a new organization's settings: Canadian dollars, a season
// from today to the next 31 August, registration closed until an admin
// opens it. Onboarding starts from them; an org that never saved its
// settings reads them (version 0).
func Defaults(orgName string, today time.Time) Settings {
	y, m, d := today.Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	end := time.Date(y, time.August, 31, 0, 0, 0, 0, time.UTC)
	if !end.After(start) {
		end = end.AddDate(1, 0, 0)
	}
	return Settings{
		DisplayName: orgName,
		Timezone:    "America/Toronto",
		Currency:    "CAD",
		SeasonName:  start.Format("2006") + "-" + end.Format("2006") + " season",
		SeasonStart: start,
		SeasonEnd:   end,
		BrandColor:  "#1f6feb",
	}
}

// DefaultMembershipType is the one membership type a new organization
// starts with.
var DefaultMembershipType = TypeForm{
	Name:        "Adult membership",
	Description: "Season membership for players 18 and over.",
	Price:       "50.00",
	Active:      true,
}
