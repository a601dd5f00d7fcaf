package tenant

import (
	"context"

	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/sqlite"
)

// Scope is what a handler gets for the request's organization: the org and
// queries bound to that org's database file and no other. It is the only way
// to obtain org queries, so no org query can run without an organization.
type Scope struct {
	Org Org
	h   *Handle
}

// NewScope wraps a pool handle.
func NewScope(h *Handle) *Scope { return &Scope{Org: h.Org(), h: h} }

// Q returns read-only queries on the org's reader pool. They run as
// statements prepared once per connection (sqlite.Stmts), not parsed and
// planned again on every call.
func (s *Scope) Q() *orgdb.Queries { return orgdb.New(s.h.DB().Reader()) }

// W returns queries on the org's single writer connection, for a lone write.
// Several writes that belong together go through Tx.
func (s *Scope) W() *orgdb.Queries {
	s.h.BeforeWrite(context.Background())
	s.h.Wrote()
	return orgdb.New(s.h.DB().Writer())
}

// Tx runs fn in one immediate transaction on the org's writer.
func (s *Scope) Tx(ctx context.Context, fn func(q *orgdb.Queries) error) error {
	s.h.BeforeWrite(ctx)
	err := s.h.DB().Writer().Tx(ctx, func(tx sqlite.DBTX) error { return fn(orgdb.New(tx)) })
	if err == nil {
		s.h.Wrote()
	}
	return err
}

// Instance identifies the open database behind a scope. It is comparable
// and changes when the organization's file is closed and opened again (as
// after a restore replaced it), so a cache keyed by it never answers from
// what a previous file said.
type Instance struct{ db *sqlite.DB }

// Instance returns the identity of the open database behind s.
func (s *Scope) Instance() Instance { return Instance{db: s.h.DB()} }

// Version identifies the state of the organization's database as this
// process knows it: the open file and the number of statements run on its
// writer. Anything written through W or Tx changes it, so a cache of
// something computed from the database is fresh while the version it was
// computed at is the current one. (Another process's writes do not change
// it: such a cache needs a TTL as well.)
type Version struct {
	Instance
	writes uint64
}

// Version returns the current version of s's database. Read it before
// computing what is cached.
func (s *Scope) Version() Version {
	return Version{Instance: s.Instance(), writes: s.h.DB().Writer().Writes()}
}

type scopeKey struct{}

// WithScope returns ctx carrying s.
func WithScope(ctx context.Context, s *Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// errNoOrg is a programming error: an org route ran outside the org
// middleware. It is a 500, never a fallback to some default organization.
var errNoOrg = apperr.Errorf(apperr.Internal, "no organization in request context")

// From returns the organization scope carried by ctx. It is the one typed
// accessor handlers use; it fails rather than guess when there is none.
func From(ctx context.Context) (*Scope, error) {
	s, ok := ctx.Value(scopeKey{}).(*Scope)
	if !ok || s == nil {
		return nil, errNoOrg
	}
	return s, nil
}
