package settings

import (
	"context"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/tenant"
)

// Quote is what a membership costs and covers if bought at a given moment.
// The purchase stores these values, so later changes to the settings or the
// type never rewrite a membership already sold.
type Quote struct {
	TypeID     int64
	TypeName   string
	PriceCents int64
	Currency   string
	SeasonName string
	Start      time.Time // civil date: the purchase day, or the season's start if later
	End        time.Time // civil date: the season's end
}

// Quote prices membership type typeID at instant at, from the settings and
// the type as they are now. It refuses when registration is closed (by the
// switch or outside its optional window, in the org's time zone), when the
// season is over, and when the type is archived or inactive.
func (s *Service) Quote(ctx context.Context, sc *tenant.Scope, typeID int64, at time.Time) (Quote, error) {
	st, err := s.Get(ctx, sc)
	if err != nil {
		return Quote{}, err
	}
	today := st.Today(at)
	switch {
	case today.After(st.SeasonEnd):
		return Quote{}, apperr.Errorf(apperr.Invalid, msgSeasonOver)
	case !st.RegistrationOpen,
		!st.RegistrationOpensOn.IsZero() && today.Before(st.RegistrationOpensOn),
		!st.RegistrationClosesOn.IsZero() && today.After(st.RegistrationClosesOn):
		return Quote{}, apperr.Errorf(apperr.Invalid, msgRegistrationShut)
	}
	t, err := Type(ctx, sc, typeID)
	if apperr.CodeOf(err) == apperr.NotFound || err == nil && (t.Archived || !t.Active) {
		return Quote{}, apperr.Errorf(apperr.Invalid, msgTypeUnavailable)
	}
	if err != nil {
		return Quote{}, err
	}
	start := today
	if start.Before(st.SeasonStart) {
		start = st.SeasonStart
	}
	return Quote{
		TypeID: t.ID, TypeName: t.Name, PriceCents: t.PriceCents, Currency: st.Currency,
		SeasonName: st.SeasonName, Start: start, End: st.SeasonEnd,
	}, nil
}
