package event

import (
	"testing"
	"time"
)

// The registration window's days are the organization's calendar days,
// stored as instants; shown in the same zone they read as entered, on
// either side of a DST change (America/Toronto: clocks go back on
// 2026-11-01 and forward on 2027-03-14).
func TestRegistrationDaysAcrossDST(t *testing.T) {
	toronto, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		opens, closes       string
		opensAt, closesAt   time.Time
		lastOpen, firstShut time.Time
	}{
		// Closes on the day clocks go forward: that day has 23 hours.
		{"2026-11-01", "2027-03-14", utc("2026-11-01T04:00:00Z"), utc("2027-03-15T04:00:00Z"), utc("2027-03-15T03:59:59Z"), utc("2027-03-15T04:00:00Z")},
		// Closes on the day clocks go back: that day has 25 hours.
		{"2026-10-01", "2026-11-01", utc("2026-10-01T04:00:00Z"), utc("2026-11-02T05:00:00Z"), utc("2026-11-02T04:59:59Z"), utc("2026-11-02T05:00:00Z")},
	} {
		e, errs := parse(Form{Name: "Cup", Kind: "tournament", StartsOn: "2027-04-01", EndsOn: "2027-04-02", OpensOn: tt.opens, ClosesOn: tt.closes,
			Capacity: "10", TeamFee: "0", IndividualFee: "0"}, toronto)
		if errs != nil {
			t.Fatalf("%v", errs)
		}
		if !e.OpensAt.Equal(tt.opensAt) || !e.ClosesAt.Equal(tt.closesAt) {
			t.Errorf("%s..%s stored as %s..%s, want %s..%s", tt.opens, tt.closes, e.OpensAt, e.ClosesAt, tt.opensAt, tt.closesAt)
		}
		if got := e.OpensOn(toronto); got != tt.opens {
			t.Errorf("opens on %s, want %s as entered", got, tt.opens)
		}
		if got := e.LastDay(toronto); got != tt.closes {
			t.Errorf("last day %s, want %s as entered", got, tt.closes)
		}
		if !e.Open(tt.lastOpen) || e.Open(tt.firstShut) {
			t.Errorf("open at %s: %v, at %s: %v; want the whole last day open, not a minute more", tt.lastOpen, e.Open(tt.lastOpen), tt.firstShut, e.Open(tt.firstShut))
		}
		if got := e.LastDay(nil); got == "" {
			t.Error("no zone: nothing shown")
		}
	}
}
