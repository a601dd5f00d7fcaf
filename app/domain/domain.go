// Package domain is organizations' custom domains (docs/domains.md): the
// names' normalisation and claim rules, proof of control by a DNS TXT
// record, and the in-memory table that routing and the TLS ask endpoint
// read.
package domain

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"strings"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// Domain statuses.
const (
	StatusPending  = "pending"  // added, the TXT record not seen yet
	StatusVerified = "verified" // the TXT record held the token once: it routes
	StatusExpired  = "expired"  // pending for PendingFor without success
)

// Limits and intervals of the checks.
const (
	MaxPerOrg     = 20                 // domains one organization may have
	PendingFor    = 7 * 24 * time.Hour // background checks of a pending domain, then expired
	RecheckEvery  = 24 * time.Hour     // verified domains are checked again daily
	FlagAfter     = 72 * time.Hour     // a verified domain's record missing this long is flagged
	firstBackoff  = time.Minute
	maxBackoff    = 6 * time.Hour
	tokenByteSize = 16
)

// ErrNotFound: no such domain for this organization (404).
var ErrNotFound = apperr.Errorf(apperr.NotFound, "No such domain.")

// Domain is one organization's domain as the screens and the CLI show it.
type Domain struct {
	Name         string
	OrgID        string
	OrgSlug      string
	Token        string
	Status       string
	Primary      bool
	CreatedAt    time.Time
	VerifiedAt   time.Time // zero until verified
	CheckedAt    time.Time // zero until checked
	Result       string    // the last check's message
	MissingSince time.Time // a verified domain whose record has gone
	Warning      string    // set by Check: the domain does not point at the platform
}

// RecordName is the name of the TXT record the organization creates.
func (d Domain) RecordName() string { return ChallengePrefix + d.Name }

// Verified says whether the domain routes to its organization.
func (d Domain) Verified() bool { return d.Status == StatusVerified }

// Flagged says whether a verified domain's record has been missing for
// FlagAfter or longer at now.
func (d Domain) Flagged(now time.Time) bool {
	return !d.MissingSince.IsZero() && now.Sub(d.MissingSince) >= FlagAfter
}

func fromRow(r platformdb.Domain, slug string) Domain {
	return Domain{
		Name: r.Name, OrgID: r.OrgID, OrgSlug: slug, Token: r.Token, Status: r.Status, Primary: r.IsPrimary == 1,
		CreatedAt: r.CreatedAt, VerifiedAt: r.VerifiedAt.Time, CheckedAt: r.CheckedAt.Time,
		Result: r.CheckResult, MissingSince: r.MissingSince.Time,
	}
}

// Actor is who made a change, for the platform audit log.
type Actor struct {
	Label string // email, "cli" or "background"
	IP    string
}

// Service adds, checks, promotes and removes domains in the platform
// database and keeps the routing table current.
type Service struct {
	DB       *sqlite.DB // the platform database
	Registry *tenant.Registry
	Base     string // the base domain: nothing under it can be claimed
	// PublicIPs are the platform's addresses (SPORTSAPP_PUBLIC_IPS): A or
	// AAAA records among them count as pointing at the platform.
	PublicIPs []string
	Checker   *Checker // nil: the system resolver
	Table     *Table   // reloaded after every change; may be nil (CLI)
	Now       func() time.Time
	// OnFlagged, if set, is called once for a verified domain, at the
	// check that finds its TXT record missing for FlagAfter (serve mails
	// the org's admins and the super-admins). It must not fail the check.
	OnFlagged func(ctx context.Context, d Domain)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) reader() *platformdb.Queries { return platformdb.New(s.DB.Reader()) }
func (s *Service) writer() *platformdb.Queries { return platformdb.New(s.DB.Writer()) }

// NewTable returns a routing table over s's database.
func (s *Service) NewTable() *Table { return NewTable(s.Registry, s.reader) }

func (s *Service) changed(ctx context.Context) error {
	if s.Table == nil {
		return nil
	}
	return s.Table.Reload(ctx)
}

func (s *Service) audit(ctx context.Context, a Actor, action string, org tenant.Org, name string) error {
	return s.Registry.Audit(ctx, a.Label, action, org, name, a.IP)
}

// List returns org's domains, the primary first.
func (s *Service) List(ctx context.Context, org tenant.Org) ([]Domain, error) {
	rows, err := s.reader().DomainListByOrg(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Domain, len(rows))
	for i, r := range rows {
		out[i] = fromRow(r, org.Slug)
	}
	return out, nil
}

// All returns every organization's domains, by organization.
func (s *Service) All(ctx context.Context) ([]Domain, error) {
	rows, err := s.reader().DomainList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Domain, len(rows))
	for i, r := range rows {
		out[i] = fromRow(platformdb.Domain{
			Name: r.Name, OrgID: r.OrgID, Token: r.Token, Status: r.Status, IsPrimary: r.IsPrimary,
			CreatedAt: r.CreatedAt, VerifiedAt: r.VerifiedAt, CheckedAt: r.CheckedAt, CheckResult: r.CheckResult,
			NextCheckAt: r.NextCheckAt, MissingSince: r.MissingSince,
		}, r.OrgSlug)
	}
	return out, nil
}

// Get returns the domain name (in any spelling Normalize accepts) of any
// organization.
func (s *Service) Get(ctx context.Context, name string) (Domain, error) {
	n, err := Normalize(name, s.Base)
	if err != nil {
		return Domain{}, ErrNotFound
	}
	r, err := s.reader().DomainGet(ctx, n)
	if errors.Is(err, sql.ErrNoRows) {
		return Domain{}, ErrNotFound
	}
	if err != nil {
		return Domain{}, err
	}
	o, err := s.reader().OrganizationByID(ctx, r.OrgID)
	if err != nil {
		return Domain{}, err
	}
	return fromRow(r, o.Slug), nil
}

// get returns org's domain name, or ErrNotFound (also when it belongs to
// another organization: the answer does not say which exist).
func (s *Service) get(ctx context.Context, org tenant.Org, name string) (platformdb.Domain, error) {
	r, err := s.reader().DomainGet(ctx, Lookup(name))
	if errors.Is(err, sql.ErrNoRows) || err == nil && r.OrgID != org.ID {
		return platformdb.Domain{}, ErrNotFound
	}
	return r, err
}

// Add claims input for org, pending until its TXT record is seen. Bad
// syntax, a name under the base domain, an IP, a port or path, a name
// already claimed (by this or another org) and the per-org limit are
// Invalid errors on Field; nothing is stored then.
func (s *Service) Add(ctx context.Context, a Actor, org tenant.Org, input string) (Domain, error) {
	name, err := Normalize(input, s.Base)
	if err != nil {
		return Domain{}, err
	}
	switch r, err := s.reader().DomainGet(ctx, name); {
	case err == nil && r.OrgID == org.ID:
		return Domain{}, apperr.Fields{Field: msgTaken}.Err()
	case err == nil:
		return Domain{}, apperr.Fields{Field: msgClaimed}.Err()
	case !errors.Is(err, sql.ErrNoRows):
		return Domain{}, err
	}
	existing, err := s.reader().DomainListByOrg(ctx, org.ID)
	if err != nil {
		return Domain{}, err
	}
	if len(existing) >= MaxPerOrg {
		return Domain{}, apperr.Fields{Field: "An organization can have at most 20 domains: remove one first."}.Err()
	}
	token, err := newToken()
	if err != nil {
		return Domain{}, err
	}
	now := s.now()
	row, err := s.writer().DomainCreate(ctx, platformdb.DomainCreateParams{
		Name: name, OrgID: org.ID, Token: token, CreatedAt: now,
		NextCheckAt: sql.NullTime{Time: now.Add(firstBackoff), Valid: true},
	})
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return Domain{}, apperr.Fields{Field: msgClaimed}.Err()
		}
		return Domain{}, err
	}
	if err := s.audit(ctx, a, "domain.add", org, name); err != nil {
		return Domain{}, err
	}
	return fromRow(row, org.Slug), s.changed(ctx)
}

func (s *Service) checker() *Checker {
	if s.Checker == nil {
		return &Checker{}
	}
	return s.Checker
}

// newToken returns 128 random bits in lower-case base32, no padding.
func newToken() (string, error) {
	b := make([]byte, tokenByteSize)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

// Check looks org's domain name up in DNS now and records the outcome: a
// pending (or expired) domain whose record holds its token becomes
// verified; any other outcome leaves it as it was, with the outcome's
// message. A DNS failure is an outcome (Unreachable), not an error.
func (s *Service) Check(ctx context.Context, a Actor, org tenant.Org, name string) (Domain, Outcome, error) {
	r, err := s.get(ctx, org, name)
	if err != nil {
		return Domain{}, 0, err
	}
	d, out, err := s.check(ctx, r)
	if err != nil {
		return Domain{}, 0, err
	}
	if out == Verified && r.Status != StatusVerified {
		if err := s.audit(ctx, a, "domain.verify", org, r.Name); err != nil {
			return Domain{}, 0, err
		}
	}
	d.OrgSlug = org.Slug
	if out == Verified {
		d.Warning = s.checker().Points(ctx, d.Name, org.Slug+"."+s.Base, s.PublicIPs)
	}
	return d, out, nil
}

// check runs one look-up for r and stores the outcome.
func (s *Service) check(ctx context.Context, r platformdb.Domain) (Domain, Outcome, error) {
	out := s.checker().Check(ctx, r.Name, r.Token)
	now := s.now()
	prevChecked := r.CheckedAt
	p := platformdb.DomainSetCheckedParams{
		Name: r.Name, Status: r.Status, CheckedAt: sql.NullTime{Time: now, Valid: true},
		CheckResult: out.Message(), MissingSince: r.MissingSince,
	}
	switch {
	case out == Verified:
		p.Status = StatusVerified
		p.VerifiedAt = sql.NullTime{Time: now, Valid: true}
		p.MissingSince = sql.NullTime{}
		p.NextCheckAt = sql.NullTime{Time: now.Add(RecheckEvery), Valid: true}
	case r.Status == StatusVerified:
		// Gone or changed: keep routing (the CNAME serves it, not the TXT),
		// remember since when, check again daily; Unreachable says nothing.
		if out != Unreachable && !p.MissingSince.Valid {
			p.MissingSince = sql.NullTime{Time: now, Valid: true}
		}
		p.NextCheckAt = sql.NullTime{Time: now.Add(RecheckEvery), Valid: true}
	case r.Status == StatusPending && now.Sub(r.CreatedAt) >= PendingFor:
		p.Status = StatusExpired
	case r.Status == StatusPending:
		prev := r.CreatedAt
		if r.CheckedAt.Valid {
			prev = r.CheckedAt.Time
		}
		p.NextCheckAt = sql.NullTime{Time: now.Add(min(max(2*now.Sub(prev), firstBackoff), maxBackoff)), Valid: true}
	}
	if err := s.writer().DomainSetChecked(ctx, p); err != nil {
		return Domain{}, 0, err
	}
	r.Status, r.CheckedAt, r.CheckResult, r.MissingSince, r.NextCheckAt = p.Status, p.CheckedAt, p.CheckResult, p.MissingSince, p.NextCheckAt
	if p.VerifiedAt.Valid && !r.VerifiedAt.Valid {
		r.VerifiedAt = p.VerifiedAt
	}
	if err := s.changed(ctx); err != nil {
		return Domain{}, 0, err
	}
	d := fromRow(r, "")
	if s.OnFlagged != nil && d.Flagged(now) && (!prevChecked.Valid || !d.Flagged(prevChecked.Time)) {
		if o, err := s.reader().OrganizationByID(ctx, r.OrgID); err == nil {
			d.OrgSlug = o.Slug
		}
		s.OnFlagged(ctx, d)
	}
	return d, out, nil
}

// SetPrimary makes org's verified domain name its primary one: requests to
// <slug>.<base> are then redirected to it.
func (s *Service) SetPrimary(ctx context.Context, a Actor, org tenant.Org, name string) error {
	r, err := s.get(ctx, org, name)
	if err != nil {
		return err
	}
	if r.Status != StatusVerified {
		return apperr.Errorf(apperr.Invalid, "Only a verified domain can be the primary one: create the TXT record and check it first.")
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		q := platformdb.New(tx)
		if err := q.DomainClearPrimary(ctx, org.ID); err != nil {
			return err
		}
		_, err := q.DomainSetPrimary(ctx, platformdb.DomainSetPrimaryParams{Name: r.Name, OrgID: org.ID})
		return err
	})
	if err != nil {
		return err
	}
	if err := s.audit(ctx, a, "domain.primary", org, r.Name); err != nil {
		return err
	}
	return s.changed(ctx)
}

// Remove deletes org's domain name: it stops routing at once and is free to
// be claimed again (with a new token).
func (s *Service) Remove(ctx context.Context, a Actor, org tenant.Org, name string) error {
	r, err := s.get(ctx, org, name)
	if err != nil {
		return err
	}
	n, err := s.writer().DomainDelete(ctx, platformdb.DomainDeleteParams{Name: r.Name, OrgID: org.ID})
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	if err := s.audit(ctx, a, "domain.remove", org, r.Name); err != nil {
		return err
	}
	return s.changed(ctx)
}
