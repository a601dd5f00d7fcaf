package smtptest

import (
	"net/smtp"
	"strings"
	"testing"
	"time"
)

func TestLinkIn(t *testing.T) {
	const reset = "http://quadball-canada.localhost:8080/password/reset?token=AbC-123_xyz"
	cases := []struct{ text, want string }{
		{"no link here", ""},
		{"Open " + reset + " to reset.", reset},
		{"Open " + reset + ".", reset},
		{"(see " + reset + ")", reset},
		{"<" + reset + ">", reset},
		{"first https://example.org/a?b=c&d=e, then http://example.org/2", "https://example.org/a?b=c&d=e"},
		{"line\n" + reset + "\nnext", reset},
		{"ftp://example.org/x is not http", ""},
	}
	for _, tc := range cases {
		if got := LinkIn(tc.text); got != tc.want {
			t.Errorf("LinkIn(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// The server must decode whatever transfer encoding a client picks; go-mail
// uses quoted-printable, other mailers base64 or multipart/alternative.
func TestParseDecodesTransferEncodings(t *testing.T) {
	const link = "http://quadball-canada.localhost:8080/password/reset?token=AbC-123_xyz"
	cases := map[string]string{
		"quoted-printable": "Subject: =?UTF-8?q?R=C3=A9initialiser?=\r\n" +
			"Content-Type: text/plain; charset=UTF-8\r\n" +
			"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
			"R=C3=A9initialiser: http://quadball-canada.localhost:8080/password/reset?tok=\r\n" +
			"en=3DAbC-123_xyz\r\n",
		"base64": "Subject: =?UTF-8?b?UsOpaW5pdGlhbGlzZXI=?=\r\n" +
			"Content-Type: text/plain; charset=UTF-8\r\n" +
			"Content-Transfer-Encoding: base64\r\n\r\n" +
			"UsOpaW5pdGlhbGlzZXI6IGh0dHA6Ly9xdWFkYmFsbC1jYW5hZGEubG9jYWxob3N0OjgwODAvcGFz\r\n" +
			"c3dvcmQvcmVzZXQ/dG9rZW49QWJDLTEyM194eXoNCg==\r\n",
		"multipart": "Subject: =?UTF-8?q?R=C3=A9initialiser?=\r\n" +
			"MIME-Version: 1.0\r\n" +
			"Content-Type: multipart/alternative; boundary=BOUNDARY\r\n\r\n" +
			"--BOUNDARY\r\n" +
			"Content-Type: text/html; charset=UTF-8\r\n\r\n" +
			"<p>html</p>\r\n" +
			"--BOUNDARY\r\n" +
			"Content-Type: text/plain; charset=UTF-8\r\n" +
			"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
			"R=C3=A9initialiser: http://quadball-canada.localhost:8080/password/reset?tok=\r\n" +
			"en=3DAbC-123_xyz\r\n" +
			"\r\n" + // the last CRLF belongs to the delimiter
			"--BOUNDARY--\r\n",
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			subject, text, err := parse([]byte(raw))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if subject != "Réinitialiser" {
				t.Errorf("subject = %q", subject)
			}
			if want := "Réinitialiser: " + link + "\n"; text != want {
				t.Errorf("text = %q, want %q", text, want)
			}
			if got := LinkIn(text); got != link {
				t.Errorf("link = %q", got)
			}
		})
	}
}

// A plain net/smtp client (no go-mail) talks to the server, and Wait,
// Messages and the envelope fields report what it sent.
func TestServerRecordsMessages(t *testing.T) {
	srv := Start(t)
	if !strings.HasPrefix(srv.URL(), "smtp://127.0.0.1:") || !strings.HasSuffix(srv.URL(), "?tls=none") {
		t.Errorf("URL = %q", srv.URL())
	}
	body := "Subject: hello\r\nContent-Type: text/plain\r\n\r\nline one\r\nline two\r\n"
	done := make(chan error, 1)
	go func() {
		done <- smtp.SendMail(srv.Addr(), nil, "from@example.org", []string{"a@example.com", "b@example.com"}, []byte(body))
	}()
	msgs := srv.Wait(t, 1, 5*time.Second)
	if err := <-done; err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	m := msgs[0]
	if m.From != "from@example.org" || strings.Join(m.To, ",") != "a@example.com,b@example.com" {
		t.Errorf("envelope = %q -> %q", m.From, m.To)
	}
	if m.Subject != "hello" || m.Text != "line one\nline two\n" || m.AuthUser != "" {
		t.Errorf("got subject %q text %q auth %q", m.Subject, m.Text, m.AuthUser)
	}
	if string(m.Raw) != body {
		t.Errorf("raw = %q, want %q", m.Raw, body)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("Messages() has %d, want 1", n)
	}
}
