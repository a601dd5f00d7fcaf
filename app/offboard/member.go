package offboard

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"time"
	"unicode"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/tenant"
)

// MemberData is everything an organization holds about one member, as
// they download it from /profile/export (PIPEDA's right of access).
type MemberData struct {
	Organization  map[string]any   `json:"organization"`
	ExportedAt    time.Time        `json:"exported_at"`
	Account       map[string]any   `json:"account"`
	Profile       map[string]any   `json:"profile"`
	Memberships   []map[string]any `json:"memberships"`
	Payments      []map[string]any `json:"payments"`
	Teams         []map[string]any `json:"teams"`
	Registrations []map[string]any `json:"registrations"`
	Sessions      []map[string]any `json:"sessions"`
	Audit         []map[string]any `json:"audit_log"`
}

// Member reads member userID's data from sc's organization (and nothing
// from any other: the scope is the organization's database).
func Member(ctx context.Context, sc *tenant.Scope, userID int64, now time.Time) (MemberData, error) {
	q := sc.Q()
	d := MemberData{
		Organization: map[string]any{"name": sc.Org.Name, "slug": sc.Org.Slug},
		ExportedAt:   now.UTC(),
	}
	u, err := q.OffboardUser(ctx, userID)
	if err != nil {
		return d, err
	}
	d.Account = record(u)
	prof, err := q.OffboardProfile(ctx, userID)
	if err != nil {
		return d, err
	}
	if len(prof) > 0 {
		d.Profile = record(prof[0])
	}
	id := sql.NullInt64{Int64: userID, Valid: true}
	if d.Memberships, err = records(q.OffboardMemberships(ctx, userID)); err != nil {
		return d, err
	}
	if d.Payments, err = records(q.OffboardPayments(ctx, userID)); err != nil {
		return d, err
	}
	if d.Teams, err = records(q.OffboardTeams(ctx, id)); err != nil {
		return d, err
	}
	if d.Registrations, err = records(q.OffboardRegistrations(ctx, userID)); err != nil {
		return d, err
	}
	if d.Sessions, err = records(q.OffboardSessions(ctx, userID)); err != nil {
		return d, err
	}
	if d.Audit, err = records(q.OffboardAudit(ctx, orgdb.OffboardAuditParams{UserID: id, Email: u.Email})); err != nil {
		return d, err
	}
	return d, nil
}

// records turns query rows into JSON objects.
func records[T any](rows []T, err error) ([]map[string]any, error) {
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		out = append(out, record(r))
	}
	return out, nil
}

// record turns one query row into a JSON object with snake_case keys;
// SQL NULLs become null and times are UTC.
func record(row any) map[string]any {
	v := reflect.ValueOf(row)
	t := v.Type()
	m := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		m[snake(t.Field(i).Name)] = value(v.Field(i).Interface())
	}
	return m
}

func value(x any) any {
	switch x := x.(type) {
	case time.Time:
		return x.UTC()
	case sql.NullTime:
		if !x.Valid {
			return nil
		}
		return x.Time.UTC()
	case sql.NullInt64:
		if !x.Valid {
			return nil
		}
		return x.Int64
	case sql.NullString:
		if !x.Valid {
			return nil
		}
		return x.String
	}
	return x
}

// snake turns a Go field name (CreatedAt, ID, Ip) into created_at, id, ip.
func snake(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
