package settings

import (
	"testing"
	"time"
)

// Location loads a zone once and hands out the same *time.Location after;
// an unknown zone is UTC and is not cached.
func TestLocationIsCached(t *testing.T) {
	s := Settings{Timezone: "America/Toronto"}
	a, b := s.Location(), s.Location()
	if a.String() != "America/Toronto" || a != b {
		t.Errorf("Location() = %v, %v: want one *time.Location for America/Toronto", a, b)
	}
	if got := (Settings{Timezone: "Nowhere/Atlantis"}).Location(); got != time.UTC {
		t.Errorf("unknown zone: %v, want UTC", got)
	}
	if _, ok := locations.Load("Nowhere/Atlantis"); ok {
		t.Error("an unknown zone was cached")
	}
}

// BenchmarkLocation: the organization's time zone as every page asks for
// it (for "today"), from the cache and loaded anew as before.
func BenchmarkLocation(b *testing.B) {
	s := Settings{Timezone: "America/Toronto"}
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			s.Location()
		}
	})
	b.Run("LoadLocation", func(b *testing.B) {
		for b.Loop() {
			if _, err := time.LoadLocation(s.Timezone); err != nil {
				b.Fatal(err)
			}
		}
	})
}
