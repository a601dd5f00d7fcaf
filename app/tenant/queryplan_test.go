package tenant

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// growing are the org tables whose size grows with members, sessions and
// activity. A query that scans one of them gets slower as the organization
// grows, so every query must reach them through an index, unless it is
// listed in scanAllowed with the reason.
var growing = []string{"users", "sessions", "invitations", "password_resets", "audit_log",
	"settings_versions", "settings_changes", "member_profiles", "memberships", "payments",
	"events", "event_registrations", "teams", "team_members"}

var scanAllowed = map[string]string{
	"UserSearch":           "substring search on names and emails cannot use an index; one page of 25 is read",
	"UserSearchCount":      "the count that goes with UserSearch",
	"OrgStats":             "counts members for the console; a count of an index, no rows read",
	"SettingsVersionCount": "the history's page count; one row per save, a few a year",
	"SettingsVersionList":  "walks versions newest first by primary key and stops at the page size",
	"TeamCount":            "the admin dashboard's figure; a count of an index, no rows read",
	"AdminDashboard":       "the dashboard's counts of users and teams: counts of an index, no rows read",
	// Erasing an account (issue 17): once per deleted account, never on a
	// page; one pass rewrites the person's email and name wherever they
	// appear (free text included, which no index can find).
	"OffboardEraseAudit":                 "account erasure: rewrites the person's email and name in the audit log's free text",
	"OffboardEraseDecidedBy":             "account erasure: an erased admin's label on the payments they decided",
	"OffboardEraseRegistrationDecidedBy": "account erasure: an erased admin's label on the registrations they decided",
	"OffboardEraseSettingsSavedBy":       "account erasure: an erased admin's label on the settings versions they saved",
	// Analytics (issue 15): the collector recomputes an organization's
	// daily roll-ups from its whole history, in the background, paced,
	// only for organizations written since the last pass, through a
	// reader; never on a page. One grouped pass per table.
	"AnalyticsSignups":        "analytics collection: accounts created per day over the org's history",
	"AnalyticsMembershipsNew": "analytics collection: memberships taken per day over the org's history",
	"AnalyticsPayments":       "analytics collection: payments per day, status and currency over the org's history",
	"AnalyticsRegistrations":  "analytics collection: event registrations per day and currency over the org's history",
	"AnalyticsTeams":          "analytics collection: teams created per day over the org's history",
	"AnalyticsAgeBands":       "analytics collection: members per age band, computed inside the org's file",
}

var queryName = regexp.MustCompile(`(?m)^-- name: (\w+) :\w+`)

// TestOrgQueriesUseIndexes runs EXPLAIN QUERY PLAN on every query in
// queries/org and fails on a full scan of a growing table.
func TestOrgQueriesUseIndexes(t *testing.T) {
	reg := newRegistry(t)
	org := createOrgs(t, reg, 1)[0]
	path, _ := reg.OrgPath(org.ID)
	db := mustOpen(t, path)
	files, err := filepath.Glob("../../queries/org/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no queries found: %v", err)
	}
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		locs := queryName.FindAllStringSubmatchIndex(src, -1)
		for i, loc := range locs {
			name := src[loc[2]:loc[3]]
			end := len(src)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			sql := sqlcToSQLite(src[loc[1]:end])
			rows, err := db.R.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+sql)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				rows.Scan(&id, &parent, &unused, &detail)
				plan = append(plan, detail)
			}
			rows.Close()
			checked++
			for _, step := range plan {
				for _, table := range growing {
					scan := strings.HasPrefix(step, "SCAN "+table+" ") || step == "SCAN "+table
					// An index walked in order under a LIMIT stops early.
					ordered := strings.Contains(step, " USING INDEX ") && strings.Contains(sql, "LIMIT")
					if scan && !ordered && scanAllowed[name] == "" {
						t.Errorf("%s (%s) scans %s: %q", name, filepath.Base(f), table, plan)
					}
				}
			}
		}
	}
	if checked < 40 {
		t.Fatalf("only %d queries checked", checked)
	}
	t.Logf("%d org queries checked", checked)
}

var sqlcEmbed = regexp.MustCompile(`sqlc\.embed\((\w+)\)`)

var sqlcArg = regexp.MustCompile(`sqlc\.n?arg\(\w+\)|@\w+|\?\d*`)

// sqlcToSQLite turns a sqlc query into one SQLite can explain without
// arguments: every parameter becomes the literal 1 (the plan is the same
// for a bound value; EXPLAIN never runs the statement).
func sqlcToSQLite(q string) string {
	var lines []string
	for line := range strings.SplitSeq(q, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			lines = append(lines, line)
		}
	}
	q = sqlcArg.ReplaceAllString(strings.Join(lines, "\n"), "1")
	q = sqlcEmbed.ReplaceAllString(q, "$1.*")
	return strings.TrimSuffix(strings.TrimSpace(q), ";")
}
