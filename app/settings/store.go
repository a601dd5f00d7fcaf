package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/tenant"
)

// Service reads and saves settings. Reads are cached per organization.
type Service struct {
	Now func() time.Time
	TTL time.Duration // how long a cached read is trusted (default 1 minute)

	mu    sync.Mutex
	cache map[cacheKey]cached
}

// cacheKey identifies one organization's settings in the cache. It can only
// be made from a scope (keyOf), so no read or invalidation can leave the
// organization out.
type cacheKey struct{ orgID string }

func keyOf(sc *tenant.Scope) cacheKey { return cacheKey{orgID: sc.Org.ID} }

type cached struct {
	s  Settings
	at time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Get returns the organization's current settings: the saved row, or the
// defaults (version 0) if none was ever saved. Reads are served from the
// cache, which Save invalidates.
func (s *Service) Get(ctx context.Context, sc *tenant.Scope) (Settings, error) {
	key := keyOf(sc)
	ttl := s.TTL
	if ttl == 0 {
		ttl = time.Minute
	}
	s.mu.Lock()
	c, ok := s.cache[key]
	s.mu.Unlock()
	if ok && s.now().Sub(c.at) < ttl {
		return c.s, nil
	}
	st, err := read(ctx, sc.Q(), sc.Org.Name, s.now())
	if err != nil {
		return Settings{}, err
	}
	s.mu.Lock()
	if s.cache == nil {
		s.cache = map[cacheKey]cached{}
	}
	s.cache[key] = cached{s: st, at: s.now()}
	s.mu.Unlock()
	return st, nil
}

// Forget drops an organization's cached settings.
func (s *Service) Forget(sc *tenant.Scope) { s.ForgetOrg(sc.Org.ID) }

// ForgetOrg drops the cached settings of the organization with id orgID
// (after a restore replaced its database, when no scope is at hand).
func (s *Service) ForgetOrg(orgID string) {
	s.mu.Lock()
	delete(s.cache, cacheKey{orgID: orgID})
	s.mu.Unlock()
}

func read(ctx context.Context, q *orgdb.Queries, orgName string, now time.Time) (Settings, error) {
	row, err := q.SettingsGet(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Defaults(orgName, now), nil
	}
	if err != nil {
		return Settings{}, err
	}
	return fromRow(row), nil
}

func civil(s string) time.Time {
	d, _ := time.Parse(DateLayout, s)
	return d
}

func fromRow(r orgdb.Setting) Settings {
	return Settings{
		Version: r.Version, DisplayName: r.DisplayName, ContactEmail: r.ContactEmail, Timezone: r.Timezone,
		Currency: r.Currency, SeasonName: r.SeasonName, SeasonStart: civil(r.SeasonStart), SeasonEnd: civil(r.SeasonEnd),
		RegistrationOpen: r.RegistrationOpen, RegistrationOpensOn: civil(r.RegistrationOpensOn),
		RegistrationClosesOn: civil(r.RegistrationClosesOn), WaiverText: r.WaiverText, BrandColor: r.BrandColor,
		UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy,
	}
}

func fromVersion(r orgdb.SettingsVersion) Settings {
	return Settings{
		Version: r.Version, DisplayName: r.DisplayName, ContactEmail: r.ContactEmail, Timezone: r.Timezone,
		Currency: r.Currency, SeasonName: r.SeasonName, SeasonStart: civil(r.SeasonStart), SeasonEnd: civil(r.SeasonEnd),
		RegistrationOpen: r.RegistrationOpen, RegistrationOpensOn: civil(r.RegistrationOpensOn),
		RegistrationClosesOn: civil(r.RegistrationClosesOn), WaiverText: r.WaiverText, BrandColor: r.BrandColor,
		UpdatedAt: r.SavedAt, UpdatedBy: r.SavedBy,
	}
}

// ConflictError is returned by Save when someone saved since the version
// the editor started from. It carries the current settings and what changed
// since that version, to show the editor.
type ConflictError struct {
	Current Settings
	Changes []Change
	By      string
}

func (e *ConflictError) Error() string {
	return "settings conflict: now at version " + fmt.Sprint(e.Current.Version)
}

// Unwrap makes a conflict an apperr.Conflict (409) for the error path.
func (e *ConflictError) Unwrap() error { return apperr.Errorf(apperr.Conflict, msgConflict) }

// Save stores next as the version after base, on behalf of by, and returns
// the saved settings. If anyone saved after base it changes nothing and
// returns a *ConflictError. Each save writes the whole version, one change
// row per changed field, and an audit log entry, in one transaction.
func (s *Service) Save(ctx context.Context, sc *tenant.Scope, by account.Actor, base int64, next Settings) (Settings, error) {
	var saved Settings
	var conflict *ConflictError
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		now := s.now()
		prev, err := read(ctx, q, sc.Org.Name, now)
		if err != nil {
			return err
		}
		if prev.Version != base {
			conflict, err = s.conflict(ctx, q, sc.Org.Name, base, prev)
			return err
		}
		changes := Diff(prev, next)
		next.Version, next.UpdatedAt, next.UpdatedBy = base+1, now, by.Label
		var n int64
		if base == 0 {
			n, err = q.SettingsCreate(ctx, createParams(next))
		} else {
			n, err = q.SettingsUpdate(ctx, updateParams(next, base))
		}
		if err != nil {
			return err
		}
		if n != 1 {
			conflict, err = s.conflict(ctx, q, sc.Org.Name, base, prev)
			return err
		}
		if err := writeVersion(ctx, q, next, by, changes); err != nil {
			return err
		}
		saved = next
		return account.Audit(ctx, q, now, by, "settings.save", fmt.Sprintf("version %d", next.Version), summary(changes))
	})
	if err != nil {
		return Settings{}, err
	}
	if conflict != nil {
		return Settings{}, conflict
	}
	s.Forget(sc)
	return saved, nil
}

// summary is a short text of what changed, for the audit log.
func summary(changes []Change) string {
	out := ""
	for i, c := range changes {
		if i > 0 {
			out += "; "
		}
		out += c.Label + ": " + c.Old + " -> " + c.New
	}
	if len(out) > 1000 {
		out = out[:1000] + "..."
	}
	return out
}

// conflict describes what changed between the version an editor started
// from (base; 0 means the defaults) and the current settings.
func (s *Service) conflict(ctx context.Context, q *orgdb.Queries, orgName string, base int64, current Settings) (*ConflictError, error) {
	from := Defaults(orgName, s.now())
	if base > 0 {
		v, err := q.SettingsVersionGet(ctx, base)
		switch {
		case err == nil:
			from = fromVersion(v)
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
	}
	return &ConflictError{Current: current, Changes: Diff(from, current), By: current.UpdatedBy}, nil
}

func writeVersion(ctx context.Context, q *orgdb.Queries, st Settings, by account.Actor, changes []Change) error {
	err := q.SettingsVersionCreate(ctx, orgdb.SettingsVersionCreateParams{
		Version: st.Version, DisplayName: st.DisplayName, ContactEmail: st.ContactEmail, Timezone: st.Timezone,
		Currency: st.Currency, SeasonName: st.SeasonName, SeasonStart: date(st.SeasonStart), SeasonEnd: date(st.SeasonEnd),
		RegistrationOpen: st.RegistrationOpen, RegistrationOpensOn: date(st.RegistrationOpensOn),
		RegistrationClosesOn: date(st.RegistrationClosesOn), WaiverText: st.WaiverText, BrandColor: st.BrandColor,
		SavedAt: st.UpdatedAt, SavedByID: sql.NullInt64{Int64: by.UserID, Valid: by.UserID != 0}, SavedBy: by.Label,
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := q.SettingsChangeCreate(ctx, orgdb.SettingsChangeCreateParams{Version: st.Version, Field: c.Field, OldValue: c.Old, NewValue: c.New}); err != nil {
			return err
		}
	}
	return nil
}

func createParams(s Settings) orgdb.SettingsCreateParams {
	return orgdb.SettingsCreateParams{
		DisplayName: s.DisplayName, ContactEmail: s.ContactEmail, Timezone: s.Timezone, Currency: s.Currency,
		SeasonName: s.SeasonName, SeasonStart: date(s.SeasonStart), SeasonEnd: date(s.SeasonEnd),
		RegistrationOpen: s.RegistrationOpen, RegistrationOpensOn: date(s.RegistrationOpensOn),
		RegistrationClosesOn: date(s.RegistrationClosesOn), WaiverText: s.WaiverText, BrandColor: s.BrandColor,
		UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy,
	}
}

func updateParams(s Settings, base int64) orgdb.SettingsUpdateParams {
	return orgdb.SettingsUpdateParams{
		DisplayName: s.DisplayName, ContactEmail: s.ContactEmail, Timezone: s.Timezone, Currency: s.Currency,
		SeasonName: s.SeasonName, SeasonStart: date(s.SeasonStart), SeasonEnd: date(s.SeasonEnd),
		RegistrationOpen: s.RegistrationOpen, RegistrationOpensOn: date(s.RegistrationOpensOn),
		RegistrationClosesOn: date(s.RegistrationClosesOn), WaiverText: s.WaiverText, BrandColor: s.BrandColor,
		UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy, ExpectedVersion: base,
	}
}

// HistoryEntry is one saved version and what it changed.
type HistoryEntry struct {
	Version int64
	At      time.Time
	By      string
	Changes []Change
}

// HistoryPage is one page of the history, newest first.
type HistoryPage struct {
	Entries     []HistoryEntry
	Page, Pages int
	Total       int64
}

// HistoryPageSize is how many versions one history page shows.
const HistoryPageSize = 20

// History returns page (1-based) of the settings history, newest first.
func History(ctx context.Context, sc *tenant.Scope, page int) (HistoryPage, error) {
	q := sc.Q()
	total, err := q.SettingsVersionCount(ctx)
	if err != nil {
		return HistoryPage{}, err
	}
	p := HistoryPage{Total: total, Pages: max(1, int((total+HistoryPageSize-1)/HistoryPageSize))}
	p.Page = min(max(page, 1), p.Pages)
	rows, err := q.SettingsVersionList(ctx, orgdb.SettingsVersionListParams{Limit: HistoryPageSize, Offset: int64((p.Page - 1) * HistoryPageSize)})
	if err != nil || len(rows) == 0 {
		return p, err
	}
	changes, err := q.SettingsChangesForVersions(ctx, orgdb.SettingsChangesForVersionsParams{FromVersion: rows[len(rows)-1].Version, ToVersion: rows[0].Version})
	if err != nil {
		return p, err
	}
	byVersion := map[int64][]Change{}
	for _, c := range changes {
		byVersion[c.Version] = append(byVersion[c.Version], Change{Field: c.Field, Label: Label(c.Field), Old: c.OldValue, New: c.NewValue})
	}
	for _, r := range rows {
		p.Entries = append(p.Entries, HistoryEntry{Version: r.Version, At: r.SavedAt, By: r.SavedBy, Changes: byVersion[r.Version]})
	}
	return p, nil
}

// VersionAt returns the settings exactly as they were saved at version v.
func VersionAt(ctx context.Context, sc *tenant.Scope, v int64) (Settings, error) {
	r, err := sc.Q().SettingsVersionGet(ctx, v)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, apperr.Errorf(apperr.NotFound, "There is no version %d of the settings.", v)
	}
	if err != nil {
		return Settings{}, err
	}
	return fromVersion(r), nil
}

// ReviewedByAdmin reports whether someone signed in to the organization
// (not onboarding, not the CLI) has saved the settings at least once.
func ReviewedByAdmin(ctx context.Context, sc *tenant.Scope) (bool, error) {
	n, err := sc.Q().SettingsVersionSavedByMember(ctx)
	return n > 0, err
}

// Initial returns the function that writes a new organization's first
// settings (version 1) and membership types into its database while it is
// being created, so an organization never exists without them.
func Initial(st Settings, types []TypeForm, by string, now time.Time) (func(context.Context, *orgdb.Queries) error, error) {
	if _, errs := Parse(st.Form()); errs != nil {
		return nil, errs.Err()
	}
	parsed := make([]MembershipType, len(types))
	for i, tf := range types {
		mt, errs := ParseType(tf)
		if errs != nil {
			return nil, errs.Err()
		}
		parsed[i] = mt
	}
	return func(ctx context.Context, q *orgdb.Queries) error {
		st.Version, st.UpdatedAt, st.UpdatedBy = 1, now.UTC(), by
		if _, err := q.SettingsCreate(ctx, createParams(st)); err != nil {
			return err
		}
		if err := writeVersion(ctx, q, st, account.Actor{Label: by}, Diff(Settings{}, st)); err != nil {
			return err
		}
		for _, mt := range parsed {
			if _, err := q.MembershipTypeCreate(ctx, orgdb.MembershipTypeCreateParams{
				Name: mt.Name, Description: mt.Description, PriceCents: mt.PriceCents, Active: mt.Active, CreatedAt: now.UTC(), UpdatedAt: now.UTC(),
			}); err != nil {
				return err
			}
		}
		return nil
	}, nil
}
