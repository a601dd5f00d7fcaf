package domain

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"sportsapp/app/db/platformdb"
	"sportsapp/app/tenant"
)

// Table is the in-memory routing table of verified custom domains, read
// from the platform database. Routing by custom domain and the TLS ask
// endpoint answer from it alone (no DNS, no query), so a flood of junk names
// costs a map look-up each. It holds only the organizations that own a
// domain, so its size and its reload cost follow the number of domains, not
// the number of organizations (subdomains are answered by the host
// resolver's cache). It is reloaded after each change made in this process
// and periodically for the CLI's.
type Table struct {
	reg  *tenant.Registry
	q    func() *platformdb.Queries
	snap atomic.Pointer[snapshot]
	mu   sync.Mutex // one reload at a time
}

type snapshot struct {
	byDomain      map[string]tenant.Org
	primary       map[string]string // org id -> primary domain
	primaryBySlug map[string]string // org slug -> primary domain
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

// Reload reads every verified domain again, and the organizations that own
// one.
func (t *Table) Reload(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	rows, err := t.q().DomainList(ctx)
	if err != nil {
		return err
	}
	s := &snapshot{
		byDomain:      make(map[string]tenant.Org, len(rows)),
		primary:       map[string]string{},
		primaryBySlug: map[string]string{},
	}
	owners := map[string]tenant.Org{} // by slug, each read once
	for _, r := range rows {
		if r.Status != StatusVerified {
			continue
		}
		o, ok := owners[r.OrgSlug]
		if !ok {
			o, err = t.reg.BySlug(ctx, r.OrgSlug)
			if errors.Is(err, tenant.ErrOrgNotFound) {
				continue // removed since the list was read
			}
			if err != nil {
				return err
			}
			owners[r.OrgSlug] = o
		}
		s.byDomain[r.Name] = o
		if r.IsPrimary == 1 {
			s.primary[o.ID] = r.Name
			s.primaryBySlug[o.Slug] = r.Name
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

// Primary returns the organization's primary domain, or "".
func (t *Table) Primary(orgID string) string {
	return t.snap.Load().primary[orgID]
}

// PrimaryBySlug returns the primary domain of the organization with the
// given slug, or "" (tenant.Links.Primary: links in mail).
func (t *Table) PrimaryBySlug(slug string) string {
	return t.snap.Load().primaryBySlug[slug]
}
