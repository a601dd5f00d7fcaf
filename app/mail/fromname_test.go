package mail

import (
	"bytes"
	"context"
	netmail "net/mail"
	"testing"
	"time"

	"sportsapp/app/internal/smtptest"
)

// TestFromNameIsTheOrganization: mail an organization sends carries its
// name as the From display name, from the platform's own address.
func TestFromNameIsTheOrganization(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := New(srv.URL(), "Sports Platform <no-reply@sports.example.org>", discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), Message{To: "a@example.org", Subject: "Hi", Text: "Hi", FromName: "Rugby BC\r\nBcc: x@evil.example"}); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)
	raw, err := netmail.ReadMessage(bytes.NewReader(got[0].Raw))
	if err != nil {
		t.Fatal(err)
	}
	from, err := netmail.ParseAddress(raw.Header.Get("From"))
	if err != nil || from.Name != "Rugby BC Bcc: x@evil.example" || from.Address != "no-reply@sports.example.org" {
		t.Fatalf("From = %q (%v)", raw.Header.Get("From"), err)
	}
	if raw.Header.Get("Bcc") != "" || len(got[0].To) != 1 {
		t.Fatal("a name injected a header")
	}
}
