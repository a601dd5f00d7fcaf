package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sportsapp/app/account"
	"sportsapp/app/tenant"
)

// Each risky action posted by a plain form (no JavaScript, so no
// hx-confirm) first answers with a confirmation page naming the
// organization or the person, changes nothing, and its button posts the
// same form with confirm=yes, which does it. htmx requests were confirmed
// in the browser (hx-confirm, asserted on the forms) and act at once.
func TestRiskyActionsAreConfirmed(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	invID, _ := w.invitation(w.a, "invitee@example.org", account.RoleMember)
	slug, rows := w.teamFixture("Toronto Raccoons", w.member, []account.User{w.target}, nil)
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	captain := w.as(orgMember, "quadball-canada.localhost")
	ops := w.as(superPersona, "admin.localhost")
	role := func() account.Role {
		var r account.Role
		w.scope(w.a, func(sc *tenant.Scope) {
			u, err := account.UserByID(context.Background(), sc, w.target.ID)
			if err != nil {
				t.Fatal(err)
			}
			r = u.Role
		})
		return r
	}
	for _, tt := range []struct {
		name      string
		by        *browser
		page      string // where the form is
		form      string // the form's selector there
		path      string
		values    url.Values
		question  string
		wantAfter int
	}{
		{"suspend an organization", ops, "/console/orgs/quadball-alberta", `form[action$="/suspend"]`,
			"/console/orgs/quadball-alberta/suspend", nil, "Suspend Quadball Alberta?", http.StatusSeeOther},
		{"change a role", admin, "/admin/members", `form[action$="/` + itoa(w.target.ID) + `/role"]`,
			"/admin/members/" + itoa(w.target.ID) + "/role", url.Values{"role": {"admin"}}, "Make Tom Target an admin?", http.StatusSeeOther},
		{"revoke an invitation", admin, "/admin/invitations", `form[action$="/` + itoa(invID) + `/revoke"]`,
			"/admin/invitations/" + itoa(invID) + "/revoke", nil, "Revoke the invitation to invitee@example.org?", http.StatusSeeOther},
		{"make a captain", captain, "/teams/" + slug, `form[action$="/captain"]`,
			"/teams/" + slug + "/members/" + strconv.FormatInt(rows[w.target.ID], 10) + "/captain", nil, "Make Tom Target a captain of Toronto Raccoons?", http.StatusSeeOther},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, d := tt.by.get(tt.page)
			if got, _ := d.Find(tt.form).Attr("hx-confirm"); got == "" {
				t.Errorf("%s: the form has no hx-confirm", tt.page)
			}
			before := w.state()
			res := tt.by.post(tt.path, tt.values)
			d = doc(t, res)
			if res.StatusCode != http.StatusOK || strings.TrimSpace(d.Find("#confirm h1").Text()) != tt.question {
				t.Fatalf("without confirm: %d %q, want the question %q", res.StatusCode, d.Find("#confirm h1").Text(), tt.question)
			}
			if after := w.state(); after != before {
				t.Fatal("asking for confirmation changed the database")
			}
			if cancel, _ := d.Find(`#confirm a[role=button]`).Attr("href"); cancel != strings.SplitN(tt.page, "?", 2)[0] {
				t.Errorf("cancel leads to %q, want %q", cancel, tt.page)
			}
			// The confirmation page's form, as posted by its button.
			f := d.Find("#confirm form")
			action, _ := f.Attr("action")
			form := url.Values{}
			f.Find("input[type=hidden]").Each(func(_ int, in *goquerySel) {
				n, _ := in.Attr("name")
				v, _ := in.Attr("value")
				if n != "_csrf" {
					form.Set(n, v)
				}
			})
			if action != tt.path || form.Get("confirm") != "yes" {
				t.Fatalf("confirmation form posts %s %v", action, form)
			}
			if res := tt.by.post(action, form); res.StatusCode != tt.wantAfter {
				t.Fatalf("confirmed: %d, want %d", res.StatusCode, tt.wantAfter)
			}
		})
	}
	if role() != account.RoleAdmin {
		t.Error("the confirmed role change did not happen")
	}
	if o, _ := w.reg.BySlug(context.Background(), "quadball-alberta"); o.Status != tenant.StatusSuspended {
		t.Error("the confirmed suspension did not happen")
	}
}

func init() {
	viewSamples["confirm/confirm"] = confirmView{page: superPage, confirmation: confirmation{Question: "Suspend Quadball Alberta?",
		Detail: "Its site goes offline.", Button: "Suspend Quadball Alberta", Cancel: "/console/orgs/quadball-alberta"},
		Action: "/console/orgs/quadball-alberta/suspend", Fields: []confirmField{{"role", "admin"}}}
}
