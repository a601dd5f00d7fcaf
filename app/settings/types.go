package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/money"
	"sportsapp/app/tenant"
)

// MembershipType is a kind of membership an organization sells, with its
// fee.
type MembershipType struct {
	ID          int64
	Name        string
	Description string
	PriceCents  int64
	Active      bool // offered to members (an inactive type is kept but not sold)
	Archived    bool // retired; kept because memberships refer to it
}

// Price returns the fee as text, e.g. "50.00".
func (t MembershipType) Price() string { return money.Format(t.PriceCents) }

// PriceInput returns the fee as an input value, e.g. "1234.50".
func (t MembershipType) PriceInput() string { return money.FormatPlain(t.PriceCents) }

func typeFrom(r orgdb.MembershipType) MembershipType {
	return MembershipType{ID: r.ID, Name: r.Name, Description: r.Description, PriceCents: r.PriceCents, Active: r.Active, Archived: r.ArchivedAt.Valid}
}

// TypeForm is a membership type as typed in the form.
type TypeForm struct {
	Name, Description, Price string
	Active                   bool
}

// Form returns t as form text.
func (t MembershipType) Form() TypeForm {
	return TypeForm{Name: t.Name, Description: t.Description, Price: t.PriceInput(), Active: t.Active}
}

// maxPriceCents is 100,000.00.
const maxPriceCents = 10_000_000

// ParseType validates a membership type form.
func ParseType(f TypeForm) (MembershipType, apperr.Fields) {
	errs := apperr.Fields{}
	t := MembershipType{Name: strings.TrimSpace(f.Name), Description: strings.TrimSpace(f.Description), Active: f.Active}
	if n := utf8.RuneCountInString(t.Name); n < 1 || n > 100 {
		errs["name"] = msgTypeName
	}
	if utf8.RuneCountInString(t.Description) > 500 {
		errs["description"] = msgTypeDesc
	}
	cents, err := money.Parse(f.Price)
	if err != nil || cents < 0 || cents > maxPriceCents {
		errs["price"] = msgPrice
	}
	t.PriceCents = cents
	if len(errs) == 0 {
		return t, nil
	}
	return t, errs
}

// Types lists an organization's membership types, active ones first.
func Types(ctx context.Context, sc *tenant.Scope) ([]MembershipType, error) {
	return typesFrom(sc.Q().MembershipTypeList(ctx))
}

// ActiveTypes lists the types members can buy.
func ActiveTypes(ctx context.Context, sc *tenant.Scope) ([]MembershipType, error) {
	return typesFrom(sc.Q().MembershipTypeListActive(ctx))
}

func typesFrom(rows []orgdb.MembershipType, err error) ([]MembershipType, error) {
	if err != nil {
		return nil, err
	}
	out := make([]MembershipType, len(rows))
	for i, r := range rows {
		out[i] = typeFrom(r)
	}
	return out, nil
}

// Type returns one membership type.
func Type(ctx context.Context, sc *tenant.Scope, id int64) (MembershipType, error) {
	r, err := sc.Q().MembershipTypeGet(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return MembershipType{}, apperr.Errorf(apperr.NotFound, "No such membership type.")
	}
	if err != nil {
		return MembershipType{}, err
	}
	return typeFrom(r), nil
}

func nameTaken(err error) error {
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return apperr.Fields{"name": msgTypeNameTaken}.Err()
	}
	return err
}

// CreateType adds a membership type.
func (s *Service) CreateType(ctx context.Context, sc *tenant.Scope, by account.Actor, f TypeForm) (MembershipType, error) {
	t, errs := ParseType(f)
	if errs != nil {
		return t, errs.Err()
	}
	var out MembershipType
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		now := s.now()
		r, err := q.MembershipTypeCreate(ctx, orgdb.MembershipTypeCreateParams{
			Name: t.Name, Description: t.Description, PriceCents: t.PriceCents, Active: t.Active, CreatedAt: now, UpdatedAt: now,
		})
		if err != nil {
			return nameTaken(err)
		}
		out = typeFrom(r)
		return account.Audit(ctx, q, now, by, "membership_type.create", t.Name, "price "+t.Price())
	})
	return out, err
}

// UpdateType changes a membership type. Memberships already sold keep the
// price they were sold at (it is stored on them), so a new fee only applies
// to later purchases.
func (s *Service) UpdateType(ctx context.Context, sc *tenant.Scope, by account.Actor, id int64, f TypeForm) (MembershipType, error) {
	t, errs := ParseType(f)
	if errs != nil {
		t.ID = id
		return t, errs.Err()
	}
	var out MembershipType
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		old, err := q.MembershipTypeGet(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "No such membership type.")
		}
		if err != nil {
			return err
		}
		now := s.now()
		r, err := q.MembershipTypeUpdate(ctx, orgdb.MembershipTypeUpdateParams{
			Name: t.Name, Description: t.Description, PriceCents: t.PriceCents, Active: t.Active, UpdatedAt: now, ID: id,
		})
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.Conflict, "This membership type is archived; restore it to edit it.")
		}
		if err != nil {
			return nameTaken(err)
		}
		out = typeFrom(r)
		detail := fmt.Sprintf("name %q -> %q; price %s -> %s; active %s -> %s",
			old.Name, r.Name, money.Format(old.PriceCents), money.Format(r.PriceCents),
			strconv.FormatBool(old.Active), strconv.FormatBool(r.Active))
		return account.Audit(ctx, q, now, by, "membership_type.update", r.Name, detail)
	})
	return out, err
}

// ArchiveType retires a type: it is no longer sold or editable, and it is
// kept for the memberships that refer to it. Types are never deleted.
func (s *Service) ArchiveType(ctx context.Context, sc *tenant.Scope, by account.Actor, id int64) (MembershipType, error) {
	return s.setArchived(ctx, sc, by, id, true)
}

// RestoreType brings an archived type back (inactive, to be reviewed).
func (s *Service) RestoreType(ctx context.Context, sc *tenant.Scope, by account.Actor, id int64) (MembershipType, error) {
	return s.setArchived(ctx, sc, by, id, false)
}

func (s *Service) setArchived(ctx context.Context, sc *tenant.Scope, by account.Actor, id int64, archive bool) (MembershipType, error) {
	var out MembershipType
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		now := s.now()
		var r orgdb.MembershipType
		var err error
		action := "membership_type.archive"
		if archive {
			r, err = q.MembershipTypeArchive(ctx, orgdb.MembershipTypeArchiveParams{ArchivedAt: sql.NullTime{Time: now, Valid: true}, UpdatedAt: now, ID: id})
		} else {
			action = "membership_type.restore"
			r, err = q.MembershipTypeRestore(ctx, orgdb.MembershipTypeRestoreParams{UpdatedAt: now, ID: id})
		}
		if errors.Is(err, sql.ErrNoRows) {
			if _, gerr := q.MembershipTypeGet(ctx, id); gerr != nil {
				return apperr.Errorf(apperr.NotFound, "No such membership type.")
			}
			return apperr.Errorf(apperr.Conflict, "This membership type was already changed; reload the page.")
		}
		if err != nil {
			return nameTaken(err)
		}
		out = typeFrom(r)
		return account.Audit(ctx, q, now, by, action, r.Name, "")
	})
	return out, err
}
