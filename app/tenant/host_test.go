package tenant

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

func TestParseHost(t *testing.T) {
	const base = "localhost"
	tests := []struct {
		host     string
		wantKind HostKind
		wantSlug string
		wantErr  error
	}{
		{"quadball-canada.localhost", HostOrg, "quadball-canada", nil},
		{"quadball-canada.localhost:8080", HostOrg, "quadball-canada", nil},
		{"QUADBALL-Canada.LocalHost:8080", HostOrg, "quadball-canada", nil},
		{"quadball-canada.localhost.", HostOrg, "quadball-canada", nil},
		{"abc.localhost", HostOrg, "abc", nil},
		{"nosuch.localhost", HostOrg, "nosuch", nil}, // valid shape; the registry decides
		{"admin.localhost", HostPlatform, "", nil},
		{"ADMIN.localhost:8080", HostPlatform, "", nil},
		{"localhost", HostApex, "", nil},
		{"localhost:8080", HostApex, "", nil},
		// reserved names and names that cannot be slugs are unknown hosts
		{"www.localhost", 0, "", ErrUnknownHost},
		{"api.localhost", 0, "", ErrUnknownHost},
		{"static.localhost", 0, "", ErrUnknownHost},
		{"ab.localhost", 0, "", ErrUnknownHost},
		{"-abc.localhost", 0, "", ErrUnknownHost},
		{"abc-.localhost", 0, "", ErrUnknownHost},
		{"xn--bcher-kva.localhost", 0, "", ErrUnknownHost},
		{"a.b.localhost", 0, "", ErrUnknownHost},
		{"quadball-canada.example.com", 0, "", ErrUnknownHost},
		{"quadball-canadalocalhost", 0, "", ErrUnknownHost},
		{"127.0.0.1", 0, "", ErrUnknownHost},
		{"127.0.0.1:8080", 0, "", ErrUnknownHost},
		{"[::1]:8080", 0, "", ErrUnknownHost},
		{"[::1]", 0, "", ErrUnknownHost},
		// malformed
		{"", 0, "", ErrBadHost},
		{":8080", 0, "", ErrBadHost},
		{"..localhost", 0, "", ErrBadHost},
		{"quadball-canada..localhost", 0, "", ErrBadHost},
		{"..", 0, "", ErrBadHost},
		{"%2e%2e.localhost", 0, "", ErrBadHost},
		{"%2e%2e", 0, "", ErrBadHost},
		{"../etc.localhost", 0, "", ErrBadHost},
		{"a/b.localhost", 0, "", ErrBadHost},
		{"a_b.localhost", 0, "", ErrBadHost},
		{"a b.localhost", 0, "", ErrBadHost},
		{"québec.localhost", 0, "", ErrBadHost},
		{"ｑｕａｄｂａｌｌ.localhost", 0, "", ErrBadHost},
		{"abc.localhost:http", 0, "", ErrBadHost},
		{"abc.localhost:80:80", 0, "", ErrBadHost},
		{"abc.localhost:123456", 0, "", ErrBadHost},
		{"abc.localhost:1", HostOrg, "abc", nil},
		{"abc.localhost:65535", HostOrg, "abc", nil},
		{"abc.localhost:0", 0, "", ErrBadHost},
		{"abc.localhost:00000", 0, "", ErrBadHost},
		{"abc.localhost:65536", 0, "", ErrBadHost},
		{"abc.localhost:99999", 0, "", ErrBadHost},
		{"abc.localhost:+80", 0, "", ErrBadHost},
		{"abc.localhost:8o", 0, "", ErrBadHost},
		{"abc.localhost:", 0, "", ErrBadHost},
		{"[::1]:0", 0, "", ErrBadHost},
		{"[localhost]", 0, "", ErrBadHost}, // brackets are for IPv6 literals only
		{"[quadball-canada.localhost]:8080", 0, "", ErrBadHost},
		{"[127.0.0.1]", 0, "", ErrBadHost},
		{"[::1]:65536", 0, "", ErrBadHost},
		// userinfo: some parsers drop "evil.com@", others route on it
		{"evil.com@quadball-canada.localhost", 0, "", ErrBadHost},
		{"user:pass@quadball-canada.localhost:8080", 0, "", ErrBadHost},
		{"@quadball-canada.localhost", 0, "", ErrBadHost},
		{"quadball-canada.localhost@evil.com", 0, "", ErrBadHost},
		{"[::1", 0, "", ErrBadHost},
		{"[::1]x", 0, "", ErrBadHost},
		{strings.Repeat("a", 64) + ".localhost", 0, "", ErrBadHost},
		{strings.Repeat("abc.", 70) + "localhost", 0, "", ErrBadHost},
		{strings.Repeat("a", 5000), 0, "", ErrBadHost},
	}
	for _, tt := range tests {
		kind, slug, err := ParseHost(tt.host, base)
		if !errors.Is(err, tt.wantErr) || kind != tt.wantKind || slug != tt.wantSlug {
			t.Errorf("ParseHost(%q) = %v, %q, %v; want %v, %q, %v", tt.host, kind, slug, err, tt.wantKind, tt.wantSlug, tt.wantErr)
		}
	}
}

func TestParseHostOtherBase(t *testing.T) {
	kind, slug, err := ParseHost("quadball-canada.sports.example.org:443", "sports.example.org")
	if err != nil || kind != HostOrg || slug != "quadball-canada" {
		t.Fatalf("got %v %q %v", kind, slug, err)
	}
	if _, _, err := ParseHost("sports.example.org.evil.com", "sports.example.org"); !errors.Is(err, ErrUnknownHost) {
		t.Fatalf("suffix trick: got %v", err)
	}
}

func TestResolverNeverCreatesFiles(t *testing.T) {
	reg := newRegistry(t)
	org := createOrgs(t, reg, 1)[0]
	before := files(t, reg.DataDir())
	r := NewResolver("localhost", reg, 0)
	ctx := context.Background()

	got, err := r.Resolve(ctx, org.Slug+".localhost:8080")
	if err != nil || got.Kind != HostOrg || got.Org.ID != org.ID {
		t.Fatalf("Resolve(own host) = %+v, %v", got, err)
	}
	for _, h := range []string{"nosuch.localhost", "../x.localhost", "", "www.localhost", "admin.localhost", "localhost", "%2e%2e.localhost"} {
		r.Resolve(ctx, h)
	}
	if after := files(t, reg.DataDir()); !slices.Equal(before, after) {
		t.Fatalf("files changed: before %v, after %v", before, after)
	}
}

func TestResolverCacheForget(t *testing.T) {
	reg := newRegistry(t)
	r := NewResolver("localhost", reg, 0)
	ctx := context.Background()
	if _, err := r.Resolve(ctx, "late-org.localhost"); !errors.Is(err, ErrUnknownHost) {
		t.Fatalf("before create: %v", err)
	}
	// Creating the org in this process invalidates the negative cache entry.
	if _, err := reg.Create(ctx, "late-org", "Late Org"); err != nil {
		t.Fatal(err)
	}
	got, err := r.Resolve(ctx, "late-org.localhost")
	if err != nil || got.Org.Slug != "late-org" {
		t.Fatalf("after create: %+v, %v", got, err)
	}
	// Suspending is seen at once, not after the TTL.
	if _, err := reg.SetStatus(ctx, "late-org", StatusSuspended); err != nil {
		t.Fatal(err)
	}
	got, _ = r.Resolve(ctx, "late-org.localhost")
	if got.Org.Status != StatusSuspended {
		t.Fatalf("status after suspend = %q", got.Org.Status)
	}
}

// The resolver's cache keys must not share memory with the Host it was
// given: web frameworks reuse request buffers, and a key rewritten in place
// would make one organization's name find another's entry.
func TestResolverCopiesHost(t *testing.T) {
	reg := newRegistry(t)
	createOrgs(t, reg, 2) // org-000, org-001
	r := NewResolver("localhost", reg, 0)
	buf := []byte("org-000.localhost")
	host := unsafe.String(&buf[0], len(buf))
	if got, err := r.Resolve(context.Background(), host); err != nil || got.Org.Slug != "org-000" {
		t.Fatalf("Resolve = %+v, %v", got, err)
	}
	copy(buf, "org-001.localhost") // the buffer is reused for the next request
	if keys := r.known.Keys(); !slices.Contains(keys, "org-000") {
		t.Fatalf("cache keys changed with the caller's buffer: %q", keys)
	}
}
