package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sportsapp/app/tenant"
)

// dump returns every row of every table of db, as text: two dumps are equal
// only if nothing was written.
func dump(t testing.TB, db *sql.DB) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rs, err := db.QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rs.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", table, vals)
		}
		rs.Close()
	}
	return b.String()
}

// state dumps org A's database and the platform database.
func (w *world) state() string {
	var s string
	w.scope(w.a, func(sc *tenant.Scope) {
		h, _ := w.pool.Acquire(context.Background(), sc.Org)
		defer h.Release()
		s = dump(w.t, h.DB().R)
	})
	return s + dump(w.t, w.srv.super.DB.R)
}

// Every state-changing route refuses a request without a valid CSRF token,
// or from another origin, and changes nothing.
func TestCSRFOnEveryStateChangingRoute(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	checked := 0
	for i, r := range w.srv.routes() {
		if r.method == http.MethodGet {
			continue
		}
		host, who := "quadball-canada.localhost", thisOrgAdmin
		if r.host == tenant.HostPlatform {
			host, who = "admin.localhost", superPersona
		}
		path, form := w.request(r, i)
		for _, attack := range []struct {
			name  string
			token string
			hdr   []string
		}{
			{"no token", "", nil},
			{"wrong token", "not-the-token", nil},
			{"token of another browser", w.as(who, host).csrf(), nil},
			{"valid token, foreign origin", "valid", []string{"Origin", "http://evil.localhost:" + w.port}},
			{"valid token, foreign referer", "valid", []string{"Referer", "http://quadball-alberta.localhost:" + w.port + "/x"}},
		} {
			br := w.as(who, host)
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			switch attack.token {
			case "valid":
				f.Set("_csrf", br.csrf())
			case "":
			default:
				f.Set("_csrf", attack.token)
			}
			before := w.state()
			res := br.postRaw(path, f, attack.hdr...)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s, %s: status %d, want 403", r.method, r.path, attack.name, res.StatusCode)
			}
			if after := w.state(); after != before {
				t.Errorf("%s %s, %s: the database changed", r.method, r.path, attack.name)
			}
		}
		// The same request with the browser's own token goes through.
		br := w.as(who, host)
		if res := br.post(path, form); res.StatusCode == http.StatusForbidden {
			t.Errorf("%s %s with a valid token: 403", r.method, r.path)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d state-changing routes checked", checked)
	}
}
