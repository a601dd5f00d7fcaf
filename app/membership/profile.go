// Package membership sells an organization's season memberships: the
// member's profile that must be complete first, the purchase priced by the
// settings' quote, the payment (e-transfer by default) and the admin's
// confirmation that activates it.
package membership

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/tenant"
)

// Messages, in one place.
const (
	msgBirth        = "Choose your date of birth."
	msgBirthRange   = "Enter a date of birth in the past, within the last 120 years."
	msgPhone        = "Enter a phone number with at least 7 digits, like +1 416 555 0100."
	msgEmergName    = "Enter the name of someone to call in an emergency."
	msgEmergRel     = "Enter how they are related to you, like parent or partner (up to 100 characters)."
	msgPronouns     = "Pronouns can have at most 50 characters."
	msgNoProfile    = "Complete your member profile before buying a membership."
	msgWaiver       = "Accept the waiver to buy a membership."
	msgAlreadyOwned = "You already have a membership for this season."
	msgDecided      = "This payment was already confirmed or rejected."
	msgReceived     = "Enter the amount received, like 50.00."
)

// Profile is what a member tells the organization about themselves.
type Profile struct {
	DateOfBirth           string // YYYY-MM-DD
	Pronouns              string
	Phone                 string
	EmergencyName         string
	EmergencyRelationship string
	EmergencyPhone        string
	ShowEmail, ShowPhone  bool // privacy: shown to teammates or not
	Complete              bool // saved at least once (all required fields)
}

var phonePattern = regexp.MustCompile(`^\+?[0-9 ()./-]{7,25}$`)

func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return phonePattern.MatchString(s) && digits >= 7
}

// ParseProfile validates a profile form at instant now.
func ParseProfile(p Profile, now time.Time) (Profile, apperr.Fields) {
	errs := apperr.Fields{}
	trim := strings.TrimSpace
	p.DateOfBirth, p.Pronouns, p.Phone = trim(p.DateOfBirth), trim(p.Pronouns), trim(p.Phone)
	p.EmergencyName, p.EmergencyRelationship, p.EmergencyPhone = trim(p.EmergencyName), trim(p.EmergencyRelationship), trim(p.EmergencyPhone)
	if d, err := time.Parse("2006-01-02", p.DateOfBirth); err != nil {
		errs["date_of_birth"] = msgBirth
	} else if d.After(now) || d.Before(now.AddDate(-120, 0, 0)) {
		errs["date_of_birth"] = msgBirthRange
	}
	if utf8.RuneCountInString(p.Pronouns) > 50 {
		errs["pronouns"] = msgPronouns
	}
	if !validPhone(p.Phone) {
		errs["phone"] = msgPhone
	}
	if n := utf8.RuneCountInString(p.EmergencyName); n < 1 || n > 200 {
		errs["emergency_name"] = msgEmergName
	}
	if n := utf8.RuneCountInString(p.EmergencyRelationship); n < 1 || n > 100 {
		errs["emergency_relationship"] = msgEmergRel
	}
	if !validPhone(p.EmergencyPhone) {
		errs["emergency_phone"] = msgPhone
	}
	if len(errs) > 0 {
		return p, errs
	}
	p.Complete = true
	return p, nil
}

// GetProfile returns userID's profile (Complete false if never saved).
func GetProfile(ctx context.Context, sc *tenant.Scope, userID int64) (Profile, error) {
	r, err := sc.Q().MemberProfileGet(ctx, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{}, nil
	}
	if err != nil {
		return Profile{}, err
	}
	return Profile{
		DateOfBirth: r.DateOfBirth, Pronouns: r.Pronouns, Phone: r.Phone, EmergencyName: r.EmergencyName,
		EmergencyRelationship: r.EmergencyRelationship, EmergencyPhone: r.EmergencyPhone,
		ShowEmail: r.ShowEmail, ShowPhone: r.ShowPhone, Complete: true,
	}, nil
}

// SaveProfile validates and stores userID's profile.
func SaveProfile(ctx context.Context, sc *tenant.Scope, userID int64, p Profile, now time.Time) (Profile, error) {
	p, errs := ParseProfile(p, now)
	if errs != nil {
		return p, errs.Err()
	}
	err := sc.W().MemberProfileSave(ctx, orgdb.MemberProfileSaveParams{
		UserID: userID, DateOfBirth: p.DateOfBirth, Pronouns: p.Pronouns, Phone: p.Phone,
		EmergencyName: p.EmergencyName, EmergencyRelationship: p.EmergencyRelationship, EmergencyPhone: p.EmergencyPhone,
		ShowEmail: p.ShowEmail, ShowPhone: p.ShowPhone, UpdatedAt: now.UTC(),
	})
	return p, err
}
