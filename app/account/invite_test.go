package account

import (
	"context"
	"strings"
	"testing"
)

func TestInviteAndAccept(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	inv, link, err := f.svc.Invite(ctx, f.sc, Actor{Label: "cli"}, "Boss@Example.org", "Boss", RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	token := link[strings.Index(link, "token=")+6:]
	got, err := f.svc.InvitationByToken(ctx, f.sc, token)
	if err != nil {
		t.Fatalf("InvitationByToken: %v (inv %+v)", err, inv)
	}
	if got.Email != "boss@example.org" {
		t.Fatalf("got %+v", got)
	}
}
