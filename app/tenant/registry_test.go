package tenant

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
)

func TestCreateOrg(t *testing.T) {
	reg := newRegistry(t)
	ctx := context.Background()
	org, err := reg.Create(ctx, "quadball-alberta", "  Quadball Alberta ")
	if err != nil {
		t.Fatal(err)
	}
	if org.Name != "Quadball Alberta" || org.Status != StatusActive {
		t.Fatalf("org = %+v", org)
	}
	got, err := reg.BySlug(ctx, "quadball-alberta")
	if err != nil || got.ID != org.ID {
		t.Fatalf("BySlug = %+v, %v", got, err)
	}
	path, _ := reg.OrgPath(org.ID)
	if !strings.HasSuffix(path, org.ID+".db") {
		t.Fatalf("path %q is not named by the id", path)
	}
	ident, err := orgdb.New(mustOpen(t, path).R).OrgIdentity(ctx)
	if err != nil || ident.OrgID != org.ID {
		t.Fatalf("identity = %+v, %v", ident, err)
	}
}

func TestCreateOrgRejects(t *testing.T) {
	reg := newRegistry(t)
	ctx := context.Background()
	if _, err := reg.Create(ctx, "taken", "Taken"); err != nil {
		t.Fatal(err)
	}
	before := files(t, reg.DataDir())
	tests := []struct {
		slug, name string
		code       apperr.Code
	}{
		{"ab", "Too short", apperr.Invalid},
		{strings.Repeat("a", 64), "Too long", apperr.Invalid},
		{"Upper", "Upper case", apperr.Invalid},
		{"has_underscore", "Underscore", apperr.Invalid},
		{"-leading", "Leading hyphen", apperr.Invalid},
		{"trailing-", "Trailing hyphen", apperr.Invalid},
		{"double--hyphen", "Double hyphen", apperr.Invalid},
		{"../../etc", "Path", apperr.Invalid},
		{"admin", "Reserved", apperr.Invalid},
		{"www", "Reserved", apperr.Invalid},
		{"good-slug", "", apperr.Invalid},
		{"good-slug", strings.Repeat("x", 201), apperr.Invalid},
		{"taken", "Again", apperr.Conflict},
	}
	for _, tt := range tests {
		_, err := reg.Create(ctx, tt.slug, tt.name)
		if got := apperr.CodeOf(err); got != tt.code {
			t.Errorf("Create(%q, %q) = %v, want code %s", tt.slug, tt.name, err, tt.code)
		}
	}
	if after := files(t, reg.DataDir()); !slices.Equal(before, after) {
		t.Fatalf("rejected creates left files: %v", after)
	}
}

// Two operators racing for the same slug: one wins, the other gets a clear
// conflict, and no orphan file is left behind.
func TestCreateOrgRace(t *testing.T) {
	reg := newRegistry(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { _, errs[i] = reg.Create(ctx, "contested", "Contested") })
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case apperr.CodeOf(err) != apperr.Conflict:
			t.Errorf("loser got %v, want a conflict", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d creates won, want 1", wins)
	}
	if n := len(files(t, reg.DataDir()+"/orgs")); n != 1 {
		t.Fatalf("%d org files, want 1 (no orphans)", n)
	}
}

func TestSeedDefaultIsIdempotent(t *testing.T) {
	reg := newRegistry(t)
	ctx := context.Background()
	for i, want := range []bool{true, false, false} {
		created, err := reg.SeedDefault(ctx)
		if err != nil || created != want {
			t.Fatalf("seed #%d = %v, %v; want %v", i, created, err, want)
		}
	}
	orgs, _ := reg.List(ctx)
	if len(orgs) != 1 || orgs[0].Slug != DefaultOrgSlug || orgs[0].Name != DefaultOrgName {
		t.Fatalf("orgs = %+v", orgs)
	}
}

func TestSeedDefaultSkipsNonEmptyPlatform(t *testing.T) {
	reg := newRegistry(t)
	ctx := context.Background()
	createOrgs(t, reg, 1)
	if created, err := reg.SeedDefault(ctx); created || err != nil {
		t.Fatalf("seed = %v, %v", created, err)
	}
	if _, err := reg.BySlug(ctx, DefaultOrgSlug); !errors.Is(err, ErrOrgNotFound) {
		t.Fatalf("Quadball Canada seeded into a non-empty platform: %v", err)
	}
}

func TestOrgPathRefusesNonIDs(t *testing.T) {
	reg := newRegistry(t)
	for _, id := range []string{"", "../platform", "quadball-canada", "a/b", "01900000-0000-7000-8000-000000000000/../x"} {
		if p, err := reg.OrgPath(id); err == nil {
			t.Errorf("OrgPath(%q) = %q, want an error", id, p)
		}
	}
}
