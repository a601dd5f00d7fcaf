package account

import (
	"context"
	"strings"
	"testing"
	"time"

	"sportsapp/app/apperr"
)

func tokenIn(link string) string { return link[strings.Index(link, "token=")+6:] }

func TestInvitationLifecycle(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	cli := Actor{Label: "cli"}
	inv, link, err := f.svc.Invite(ctx, f.sc, cli, " Boss@Example.org ", "Boss", RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, "http://test-org.localhost:8080/invite?token=") {
		t.Fatalf("link %q", link)
	}
	if inv.Email != "boss@example.org" || inv.Role != RoleAdmin || inv.ExpiresAt.Sub(inv.CreatedAt) != InvitationTTL {
		t.Fatalf("invitation %+v", inv)
	}
	// A second invitation to the same address revokes the first.
	_, link2, err := f.svc.Invite(ctx, f.sc, cli, "boss@example.org", "Boss", RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.InvitationByToken(ctx, f.sc, tokenIn(link)); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("replaced invitation still open: %v", err)
	}
	u, err := f.svc.AcceptInvitation(ctx, f.sc, tokenIn(link2), "Boss Person", "a long enough password", Client{IP: "10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != RoleAdmin || u.Email != "boss@example.org" || u.Name != "Boss Person" {
		t.Fatalf("user %+v", u)
	}
	if _, err := f.svc.AcceptInvitation(ctx, f.sc, tokenIn(link2), "Again", "a long enough password", Client{}); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("second use: %v", err)
	}
}

func TestInvitationExpiresAndRevokes(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	_, link, _ := f.svc.Invite(ctx, f.sc, Actor{Label: "cli"}, "late@example.org", "", RoleMember)
	f.now = f.now.Add(InvitationTTL + time.Second)
	if _, err := f.svc.AcceptInvitation(ctx, f.sc, tokenIn(link), "Late", "a long enough password", Client{}); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("expired invitation accepted: %v", err)
	}
	inv, link, _ := f.svc.Invite(ctx, f.sc, Actor{Label: "cli"}, "gone@example.org", "", RoleMember)
	if err := f.svc.RevokeInvitation(ctx, f.sc, Actor{Label: "cli"}, inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.InvitationByToken(ctx, f.sc, tokenIn(link)); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("revoked invitation open: %v", err)
	}
	if err := f.svc.RevokeInvitation(ctx, f.sc, Actor{Label: "cli"}, inv.ID); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("double revoke: %v", err)
	}
}

func TestInviteValidation(t *testing.T) {
	f := newFixture(t, nil)
	_, _, err := f.svc.Invite(context.Background(), f.sc, Actor{Label: "cli"}, "not-an-email", "", Role("owner"))
	fields := apperr.FieldsOf(err)
	if fields["email"] == "" || fields["role"] == "" {
		t.Fatalf("fields %v", fields)
	}
}

func TestSignUpValidation(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if _, err := f.svc.SignUp(ctx, f.sc, "Ann", "ann@example.org", "ten chars!"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password string
		field                 string
	}{
		{"", "b@example.org", "long enough pw", "name"},
		{strings.Repeat("x", 201), "b@example.org", "long enough pw", "name"},
		{"B", "no-at-sign", "long enough pw", "email"},
		{"B", "two@@example.org", "long enough pw", "email"},
		{"B", "Ann <ann@example.org>", "long enough pw", "email"},
		{"B", "b@example.org", "nine char", "password"},
		{"B", "b@example.org", strings.Repeat("p", 201), "password"},
		{"B", "b@example.org", "B@Example.org", "password"},
		{"B", "ANN@example.org", "long enough pw", "email"}, // taken, case-insensitively
	}
	for _, tt := range tests {
		_, err := f.svc.SignUp(ctx, f.sc, tt.name, tt.email, tt.password)
		if msg := apperr.FieldsOf(err)[tt.field]; msg == "" {
			t.Errorf("SignUp(%q, %q, %q) = %v, want a message on %s", tt.name, tt.email, tt.password, err, tt.field)
		}
	}
}

func TestSessionsSlideAndExpire(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	u, _ := f.svc.SignUp(ctx, f.sc, "Sam", "sam@example.org", "a long enough password")
	token, err := f.svc.StartSession(ctx, f.sc, u.ID, Client{IP: "10.0.0.1", UserAgent: strings.Repeat("x", 1000)})
	if err != nil {
		t.Fatal(err)
	}
	// Used every ten days, the session lives on past its first expiry.
	for range 3 {
		f.now = f.now.Add(10 * 24 * time.Hour)
		if _, err := f.svc.SessionUser(ctx, f.sc, token); err != nil {
			t.Fatalf("active session expired: %v", err)
		}
	}
	f.now = f.now.Add(15 * 24 * time.Hour)
	if _, err := f.svc.SessionUser(ctx, f.sc, token); err != ErrNoSession {
		t.Fatalf("idle session: %v", err)
	}
	if n, err := f.svc.PurgeExpiredSessions(ctx, f.sc); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
}

func TestResetTokenExpiresAndIsSingleUse(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	u, _ := f.svc.SignUp(ctx, f.sc, "Rae", "rae@example.org", "a long enough password")
	// Capture the link from the mail the service sends.
	var sent []string
	f.svc.Mail = senderFunc(func(text string) { sent = append(sent, text) })
	if err := f.svc.RequestPasswordReset(ctx, f.sc, "RAE@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RequestPasswordReset(ctx, f.sc, "nobody@example.org"); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 {
		t.Fatalf("%d mails, want 1", len(sent))
	}
	token := tokenIn(strings.Fields(sent[0][strings.Index(sent[0], "http"):])[0])
	f.now = f.now.Add(ResetTTL + time.Second)
	if _, err := f.svc.ResetPassword(ctx, f.sc, token, "another long password"); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("expired reset: %v", err)
	}
	f.now = f.now.Add(-ResetTTL)
	if _, err := f.svc.ResetPassword(ctx, f.sc, token, "another long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ResetPassword(ctx, f.sc, token, "a third long password"); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("second use: %v", err)
	}
	if _, _, err := f.svc.SignIn(ctx, f.sc, u.Email, "another long password", Client{}); err != nil {
		t.Fatalf("new password: %v", err)
	}
}
