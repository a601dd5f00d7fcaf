package domain

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"sportsapp/app/db/platformdb"
	"sportsapp/app/tenant"
)

// Table is the in-memory routing table: every organization by slug and every
// verified domain, read from the platform database. Routing by custom
// domain and the TLS ask endpoint answer from it alone (no DNS, no query),
// so a flood of junk names costs a map look-up each. It is reloaded after
// each change made in this process and periodically for the CLI's.
type Table struct {
	reg  *tenant.Registry
	q    func() *platformdb.Queries
	snap atomic.Pointer[snapshot]
	mu   sync.Mutex // one reload at a time
}

type snapshot struct {
	bySlug   map[string]tenant.Org
	byDomain map[string]tenant.Org
	primary  map[string]string // org id -> primary domain
}

// NewTable returns an empty table over the registry's platform database;
// call Reload before serving. It reloads itself after every organization
// change made through reg in this process (a suspension stops certificates
// and routing at once).
func NewTable(reg *tenant.Registry, q func() *platformdb.Queries) *Table {
	t := &Table{reg: reg, q: q}
	t.snap.Store(&snapshot{})
	reg.OnChange(func(tenant.Org) { _ = t.Reload(context.Background()) })
	return t
}

// Run reloads the table every interval until ctx ends, for changes made
// by other processes (the CLI).
func (t *Table) Run(ctx context.Context, every time.Duration, log func(error)) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := t.Reload(ctx); err != nil && ctx.Err() == nil && log != nil {
				log(err)
			}
		}
	}
}

// Reload reads every organization and verified domain again.
func (t *Table) Reload(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	orgs, err := t.reg.List(ctx)
	if err != nil {
		return err
	}
	rows, err := t.q().DomainList(ctx)
	if err != nil {
		return err
	}
	s := &snapshot{
		bySlug:   make(map[string]tenant.Org, len(orgs)),
		byDomain: make(map[string]tenant.Org, len(rows)),
		primary:  map[string]string{},
	}
	byID := make(map[string]tenant.Org, len(orgs))
	for _, o := range orgs {
		s.bySlug[o.Slug] = o
		byID[o.ID] = o
	}
	for _, r := range rows {
		o, ok := byID[r.OrgID]
		if !ok || r.Status != StatusVerified {
			continue
		}
		s.byDomain[r.Name] = o
		if r.IsPrimary == 1 {
			s.primary[o.ID] = r.Name
		}
	}
	t.snap.Store(s)
	return nil
}

// ByDomain returns the organization a verified domain (in its Lookup form)
// belongs to.
func (t *Table) ByDomain(name string) (tenant.Org, bool) {
	o, ok := t.snap.Load().byDomain[name]
	return o, ok
}

// BySlug returns the organization with the given slug, as of the last
// reload.
func (t *Table) BySlug(slug string) (tenant.Org, bool) {
	o, ok := t.snap.Load().bySlug[slug]
	return o, ok
}

// Primary returns the organization's primary domain, or "".
func (t *Table) Primary(orgID string) string {
	return t.snap.Load().primary[orgID]
}

// PrimaryBySlug returns the primary domain of the organization with the
// given slug, or "" (tenant.Links.Primary: links in mail).
func (t *Table) PrimaryBySlug(slug string) string {
	s := t.snap.Load()
	return s.primary[s.bySlug[slug].ID]
}
