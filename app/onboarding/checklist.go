package onboarding

import (
	"context"
	"time"

	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// Item is one line of an organization's launch checklist.
type Item struct {
	Label    string
	Done     bool
	Optional bool
	Detail   string
}

// Checklist is computed from the organization's real state every time it
// is shown; nothing is ticked by hand.
type Checklist struct {
	Items []Item
}

// Complete reports whether every required item is done.
func (c Checklist) Complete() bool {
	for _, it := range c.Items {
		if !it.Done && !it.Optional {
			return false
		}
	}
	return true
}

// Checklist computes org's launch checklist from its database, its
// settings and the replication status.
func (s *Service) Checklist(ctx context.Context, sc *tenant.Scope, st *settings.Service) (Checklist, error) {
	stats, err := sc.Q().OrgStats(ctx)
	if err != nil {
		return Checklist{}, err
	}
	reviewed, err := settings.ReviewedByAdmin(ctx, sc)
	if err != nil {
		return Checklist{}, err
	}
	cur, err := st.Get(ctx, sc)
	if err != nil {
		return Checklist{}, err
	}
	return s.ChecklistOf(sc.Org, Facts{Admins: stats.Admins, SettingsReviewed: reviewed, RegistrationOpen: cur.RegistrationOpen}), nil
}

// Facts are what the checklist is computed from, for a caller that read
// them already (the admin dashboard reads them with its other figures in
// one query).
type Facts struct {
	Admins           int64 // active admins
	SettingsReviewed bool  // an admin of the org saved the settings
	RegistrationOpen bool  // in the current settings
}

// ChecklistOf computes org's launch checklist from facts and the
// replication status.
func (s *Service) ChecklistOf(org tenant.Org, f Facts) Checklist {
	var synced time.Time
	if s.ReplicaStatus != nil {
		path, _ := s.Registry.OrgPath(org.ID)
		synced = s.ReplicaStatus(path).LastSync
	}
	items := []Item{
		{Label: "First admin accepted the invitation", Done: f.Admins > 0,
			Detail: "The invited admin set a password and signed in."},
		{Label: "Settings reviewed by the organization's admin", Done: f.SettingsReviewed,
			Detail: "An admin of the organization saved the settings at least once."},
		{Label: "Membership registration opened", Done: f.RegistrationOpen,
			Detail: "Registration is switched on in the settings."},
		{Label: "First backup copied to the replica", Done: !synced.IsZero(),
			Detail: "Litestream has uploaded the database at least once."},
		{Label: "Custom domain", Optional: true,
			Detail: "Optional: custom domains come in a later release; the organization is served at its subdomain."},
	}
	if !synced.IsZero() {
		items[3].Detail = "Last copied " + synced.UTC().Format("2006-01-02 15:04:05") + " UTC."
	}
	return Checklist{Items: items}
}
