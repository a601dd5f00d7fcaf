package mail

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sportsapp/app/internal/smtptest"
)

const (
	testFrom = "Quadball Canada <noreply@quadball-canada.localhost>"
	resetURL = "http://quadball-canada.localhost:8080/password/reset?token=AbC-123_xyz"
)

// Compile-time checks that every implementation satisfies Sender.
var (
	_ Sender = LogSender{}
	_ Sender = (*smtpSender)(nil)
	_ Sender = (*Outbox)(nil)
)

// syncBuffer is a log destination that the worker goroutine may write to
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func timeoutCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// closedPortURL is an SMTP URL on which nothing listens: connections are
// refused.
func closedPortURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "smtp://" + addr + "?tls=none"
}

func TestSMTPSenderDeliversThroughRealServer(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := New(srv.URL(), testFrom, discardLogger())
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	// A long link with a query string: quoted-printable turns '=' into =3D
	// and folds lines longer than 76 characters with soft line breaks; the
	// link must still arrive intact.
	longURL := "https://quadball-canada.localhost:8080/invitations/accept?token=" +
		strings.Repeat("Zz9-_", 20) + "&team=Montr%C3%A9al&next=%2Fteams%2F42"
	text := "Bonjour Élodie,\n\n" +
		"To choose a new password, open this link:\n" + resetURL + "\n\n" +
		"Invitation: " + longURL + "\n\n" +
		"— Quadball Canada\n"
	msg := Message{
		To:      "Élodie Tremblay <elodie@example.com>",
		Subject: "Réinitialisation du mot de passe",
		Text:    text,
	}
	if err := s.Send(timeoutCtx(t, 10*time.Second), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := srv.Wait(t, 1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1", len(got))
	}
	m := got[0]
	t.Logf("raw message as received:\n%s", m.Raw)
	if m.From != "noreply@quadball-canada.localhost" {
		t.Errorf("envelope from = %q", m.From)
	}
	if len(m.To) != 1 || m.To[0] != "elodie@example.com" {
		t.Errorf("envelope to = %q, want [elodie@example.com]", m.To)
	}
	if m.Subject != msg.Subject {
		t.Errorf("subject = %q, want %q", m.Subject, msg.Subject)
	}
	if strings.TrimRight(m.Text, "\n") != strings.TrimRight(text, "\n") {
		t.Errorf("text body changed in transit:\n got %q\nwant %q", m.Text, text)
	}
	if link := smtptest.LinkIn(m.Text); link != resetURL {
		t.Errorf("first link = %q, want %q", link, resetURL)
	}
	rest := m.Text[strings.Index(m.Text, resetURL)+len(resetURL):]
	if link := smtptest.LinkIn(rest); link != longURL {
		t.Errorf("second link = %q, want %q", link, longURL)
	}

	// Headers as a mail client sees them.
	raw, err := netmail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		t.Fatalf("parse raw message: %v", err)
	}
	h := raw.Header
	if from, err := netmail.ParseAddress(h.Get("From")); err != nil || from.Address != "noreply@quadball-canada.localhost" || from.Name != "Quadball Canada" {
		t.Errorf("From header = %q (%v)", h.Get("From"), err)
	}
	if to, err := netmail.ParseAddress(h.Get("To")); err != nil || to.Address != "elodie@example.com" || to.Name != "Élodie Tremblay" {
		t.Errorf("To header = %q (%v)", h.Get("To"), err)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@quadball-canada.localhost>") {
		t.Errorf("Message-ID = %q, want <...@quadball-canada.localhost>", id)
	}
	if date, err := h.Date(); err != nil || time.Since(date).Abs() > time.Minute {
		t.Errorf("Date = %q (%v), want about now", h.Get("Date"), err)
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("Content-Type = %q, want text/plain; charset=UTF-8", h.Get("Content-Type"))
	}
	// RFC 5322 limits lines to 998 characters and recommends 78; the long
	// link must have been folded rather than sent as one long line.
	sc := bufio.NewScanner(bytes.NewReader(m.Raw))
	for sc.Scan() {
		if len(sc.Text()) > 78 {
			t.Errorf("raw line longer than 78 characters: %q", sc.Text())
		}
	}
}

func TestSMTPSenderAuthenticatesWhenUserGiven(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := New("smtp://mailer:s3cr%40t@"+srv.Addr()+"?tls=none", testFrom, discardLogger())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Send(timeoutCtx(t, 10*time.Second), Message{To: "a@example.com", Subject: "hi", Text: "hello"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Wait(t, 1, 5*time.Second)[0].AuthUser; got != "mailer" {
		t.Errorf("authenticated as %q, want mailer", got)
	}

	// Without a user there is no AUTH at all.
	s, err = New(srv.URL(), testFrom, discardLogger())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Send(timeoutCtx(t, 10*time.Second), Message{To: "b@example.com", Subject: "hi", Text: "hello"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Wait(t, 2, 5*time.Second)[1].AuthUser; got != "" {
		t.Errorf("authenticated as %q without credentials in the URL", got)
	}
}

func TestSMTPSenderStartTLSIsMandatory(t *testing.T) {
	// The test server offers no STARTTLS: with the default policy nothing
	// may be sent in clear text.
	srv := smtptest.Start(t)
	s, err := New("smtp://"+srv.Addr(), testFrom, discardLogger())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	err = s.Send(timeoutCtx(t, 10*time.Second), Message{To: "a@example.com", Subject: "hi", Text: "secret link"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send error = %v, want a STARTTLS error", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server received %d messages over a connection without TLS", n)
	}
}

func TestSMTPSenderSubjectCannotInjectHeaders(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := New(srv.URL(), testFrom, discardLogger())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	msg := Message{To: "a@example.com", Subject: "Welcome to Team\r\nBcc: evil@example.com\nX-Evil: 1", Text: "hi"}
	if err := s.Send(timeoutCtx(t, 10*time.Second), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	m := srv.Wait(t, 1, 5*time.Second)[0]
	if len(m.To) != 1 || m.To[0] != "a@example.com" {
		t.Errorf("envelope to = %q", m.To)
	}
	raw, err := netmail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		t.Fatal(err)
	}
	if raw.Header.Get("Bcc") != "" || raw.Header.Get("X-Evil") != "" {
		t.Errorf("subject injected headers:\n%s", m.Raw)
	}
	if want := "Welcome to Team Bcc: evil@example.com X-Evil: 1"; m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
}

func TestSMTPSenderRejectsBadRecipient(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := New(srv.URL(), testFrom, discardLogger())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, to := range []string{"", "not an address", "a@example.com, b@example.com"} {
		if err := s.Send(timeoutCtx(t, 10*time.Second), Message{To: to, Subject: "x", Text: "y"}); err == nil {
			t.Errorf("Send to %q succeeded, want an error", to)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestParseURL(t *testing.T) {
	type want struct {
		host, user, password, from string
		port                       int
		tls                        tlsMode
	}
	good := []struct {
		url, from string
		want      want
	}{
		{"smtp://mail.example.com", testFrom,
			want{host: "mail.example.com", port: 587, tls: tlsStartTLS, from: "noreply@quadball-canada.localhost"}},
		{"smtp://mail.example.com/", "a@example.org",
			want{host: "mail.example.com", port: 587, tls: tlsStartTLS, from: "a@example.org"}},
		{"smtp://user:pa%2Fss%40w0rd@mail.example.com:2525?tls=starttls", "a@example.org",
			want{host: "mail.example.com", port: 2525, tls: tlsStartTLS, user: "user", password: "pa/ss@w0rd", from: "a@example.org"}},
		{"smtp://apikey@mail.example.com", "a@example.org",
			want{host: "mail.example.com", port: 587, tls: tlsStartTLS, user: "apikey", from: "a@example.org"}},
		{"smtps://mail.example.com", "a@example.org",
			want{host: "mail.example.com", port: 465, tls: tlsImplicit, from: "a@example.org"}},
		{"smtps://mail.example.com:2465?tls=tls", "a@example.org",
			want{host: "mail.example.com", port: 2465, tls: tlsImplicit, from: "a@example.org"}},
		{"smtp://mail.example.com?tls=tls", "a@example.org",
			want{host: "mail.example.com", port: 465, tls: tlsImplicit, from: "a@example.org"}},
		{"SMTP://Mail.Example.com?tls=StartTLS", "a@example.org",
			want{host: "Mail.Example.com", port: 587, tls: tlsStartTLS, from: "a@example.org"}},
		{"smtp://127.0.0.1:1025?tls=none", "a@example.org",
			want{host: "127.0.0.1", port: 1025, tls: tlsNone, from: "a@example.org"}},
		{"smtp://[::1]:25?tls=none", "a@example.org",
			want{host: "::1", port: 25, tls: tlsNone, from: "a@example.org"}},
		{"smtp://dev:devpass@localhost:1025?tls=none", "a@example.org",
			want{host: "localhost", port: 1025, tls: tlsNone, user: "dev", password: "devpass", from: "a@example.org"}},
		{"smtp://mail.example.com?from=Other%20Name%20%3Cother%40example.org%3E", testFrom,
			want{host: "mail.example.com", port: 587, tls: tlsStartTLS, from: "other@example.org"}},
		{"smtp://mail.example.com?tls=none&from=x@example.org", "",
			want{host: "mail.example.com", port: 587, tls: tlsNone, from: "x@example.org"}},
	}
	for _, tc := range good {
		t.Run("good "+tc.url, func(t *testing.T) {
			cfg, err := parseURL(tc.url, tc.from)
			if err != nil {
				t.Fatalf("parseURL: %v", err)
			}
			got := want{host: cfg.host, port: cfg.port, tls: cfg.tls, user: cfg.user, password: cfg.password, from: cfg.from.Address}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			if _, err := New(tc.url, tc.from, discardLogger()); err != nil {
				t.Errorf("New: %v", err)
			}
		})
	}

	bad := []struct {
		url, from string
		wantErr   string   // substring of the error
		secrets   []string // must not appear in the error
	}{
		{"http://mail.example.com", testFrom, "unsupported scheme", nil},
		{"mail.example.com:587", testFrom, "unsupported scheme", nil},
		{"//mail.example.com", testFrom, "missing scheme", nil},
		{"smtp:mail.example.com", testFrom, "missing //", nil},
		{"smtp://", testFrom, "missing host", nil},
		{"smtp://user:hunter2@:25", testFrom, "missing host", []string{"hunter2"}},
		{"smtp://mail.example.com:0", testFrom, "invalid port", nil},
		{"smtp://user:hunter2@mail.example.com:99999", testFrom, "invalid port", []string{"hunter2"}},
		{"smtp://mail.example.com:abc", testFrom, "invalid port", nil},
		{"smtp://mail.example.com/relay", testFrom, "unexpected path", nil},
		{"smtp://mail.example.com#x", testFrom, "unexpected fragment", nil},
		{"smtp://user:hunter2@mail.example.com?tls=maybe", testFrom, "unknown tls mode", []string{"hunter2"}},
		{"smtp://mail.example.com?tsl=none", testFrom, `unknown parameter "tsl"`, nil},
		{"smtp://mail.example.com?tls=none&tls=tls", testFrom, "more than once", nil},
		{"smtp://mail.example.com?tls=none;x", testFrom, "invalid query", nil},
		{"smtps://mail.example.com?tls=starttls", testFrom, "smtps means implicit TLS", nil},
		{"smtps://mail.example.com?tls=none", testFrom, "smtps means implicit TLS", nil},
		{"smtp://user:hunter2@mail.example.com?tls=none", testFrom, "clear text", []string{"hunter2"}},
		{"smtp://:hunter2@mail.example.com", testFrom, "without a user", []string{"hunter2"}},
		{"smtp://user:hunter2@mail.example.com", "", "no sender address", []string{"hunter2"}},
		{"smtp://user:hunter2@mail.example.com?from=", testFrom, "empty from", []string{"hunter2"}},
		{"smtp://user:hunter2@mail.example.com?from=not-an-address", testFrom, "invalid sender address", []string{"hunter2"}},
		{"smtp://user:hunter2@mail.example.com", "Broken <", "invalid sender address", []string{"hunter2"}},
		// Unescaped special characters in the password: url.Parse itself
		// fails and would quote pieces of the password.
		{"smtp://user:hun/ter2@mail.example.com", testFrom, "invalid port", []string{"hun", "ter2"}},
		{"smtp://user:100%pure@mail.example.com", testFrom, "percent-escape", []string{"pure", "%pu", "100"}},
		{"smtp://user:p ss@mail.example.com", testFrom, "invalid", []string{"p ss"}},
	}
	for _, tc := range bad {
		t.Run("bad "+tc.url, func(t *testing.T) {
			_, err := New(tc.url, tc.from, discardLogger())
			if err == nil {
				t.Fatalf("New succeeded, want error containing %q", tc.wantErr)
			}
			t.Logf("error: %v", err)
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "mail: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			for _, s := range tc.secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q reveals %q from the password", err, s)
				}
			}
		})
	}
}

func TestNewWithoutURLLogsMail(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	s, err := New("", "", log)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, ok := s.(LogSender); !ok {
		t.Fatalf("New(\"\") = %T, want LogSender", s)
	}
	text := "Hi,\n\nReset your password: " + resetURL + "\n\nThanks"
	if err := s.Send(context.Background(), Message{To: "a@example.com", Subject: "Reset", Text: text}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("log is not one JSON record: %v\n%s", err, buf.String())
	}
	if rec["level"] != "INFO" || rec["to"] != "a@example.com" || rec["subject"] != "Reset" || rec["text"] != text {
		t.Errorf("log record = %v", rec)
	}
	if link := smtptest.LinkIn(rec["text"].(string)); link != resetURL {
		t.Errorf("link in logged text = %q, want %q", link, resetURL)
	}
}

func TestLogSenderTextHandlerKeepsLinkCopyable(t *testing.T) {
	log, buf := testLogger()
	if err := (LogSender{Log: log}).Send(context.Background(), Message{To: "a@example.com", Subject: "Reset", Text: "Open " + resetURL + " now"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), resetURL) {
		t.Errorf("log does not contain the link verbatim:\n%s", buf)
	}
	if link := smtptest.LinkIn(buf.String()); link != resetURL {
		t.Errorf("link in log = %q, want %q", link, resetURL)
	}
}

func TestOutboxDeliversThroughRealServerAndCloseDrains(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := New(srv.URL(), testFrom, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	log, logs := testLogger()
	ob := NewOutbox(s, log, 10)
	subjects := []string{"one", "two", "three"}
	for _, subj := range subjects {
		if err := ob.Send(context.Background(), Message{To: "a@example.com", Subject: subj, Text: "link: " + resetURL}); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	if err := ob.Close(timeoutCtx(t, 30*time.Second)); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Close drained the queue: everything has arrived, no waiting needed.
	got := srv.Messages()
	if len(got) != len(subjects) {
		t.Fatalf("after Close the server has %d messages, want %d\nlog:\n%s", len(got), len(subjects), logs)
	}
	for i, m := range got {
		if m.Subject != subjects[i] {
			t.Errorf("message %d subject = %q, want %q (order must be kept)", i, m.Subject, subjects[i])
		}
		if link := smtptest.LinkIn(m.Text); link != resetURL {
			t.Errorf("message %d link = %q", i, link)
		}
	}
	if err := ob.Send(context.Background(), Message{To: "a@example.com", Subject: "late"}); !errors.Is(err, ErrOutboxClosed) {
		t.Errorf("Send after Close = %v, want ErrOutboxClosed", err)
	}
	if err := ob.Close(context.Background()); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestOutboxSendReturnsAtOnceWhenServerUnreachable(t *testing.T) {
	s, err := New(closedPortURL(t), testFrom, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	log, logs := testLogger()
	ob := NewOutbox(s, log, 10, WithBackoff(time.Millisecond, time.Millisecond, time.Millisecond))

	start := time.Now()
	err = ob.Send(context.Background(), Message{To: "a@example.com", Subject: "Reset your password", Text: "SECRET-BODY " + resetURL})
	if elapsed := time.Since(start); elapsed > 100*time.Millisecond {
		t.Errorf("Send took %v with an unreachable server", elapsed)
	}
	if err != nil {
		t.Fatalf("Send = %v, want nil (delivery failures are logged, not returned)", err)
	}
	if err := ob.Close(timeoutCtx(t, 10*time.Second)); err != nil {
		t.Fatalf("Close: %v", err)
	}
	out := logs.String()
	for _, want := range []string{"mail not sent, giving up", "to=a@example.com", `subject="Reset your password"`, "attempts=4"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "will retry"); n != 3 {
		t.Errorf("logged %d retries, want 3:\n%s", n, out)
	}
	if strings.Contains(out, "SECRET-BODY") {
		t.Errorf("log contains the mail body:\n%s", out)
	}
}

func TestOutboxSendReturnsAtOnceWhenServerHangs(t *testing.T) {
	// A server that accepts connections and never says a word: a real SMTP
	// client waits up to its 15 s timeout, the request must not.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})

	s, err := New("smtp://"+ln.Addr().String()+"?tls=none", testFrom, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	ob := NewOutbox(s, discardLogger(), 10, WithBackoff(time.Millisecond))
	start := time.Now()
	for _, subj := range []string{"first", "second"} {
		if err := ob.Send(context.Background(), Message{To: "a@example.com", Subject: subj, Text: "x"}); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	if elapsed := time.Since(start); elapsed > 100*time.Millisecond {
		t.Errorf("two Sends took %v with a hanging server", elapsed)
	}

	// Close honours its deadline even though a send is stuck.
	start = time.Now()
	err = ob.Close(timeoutCtx(t, 300*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Close took %v past its 300ms deadline", elapsed)
	}
}

// flakySender fails its first failures calls, then records what it sends.
type flakySender struct {
	failures int
	calls    atomic.Int32
	mu       sync.Mutex
	sent     []Message
	ctxErrs  []error
}

func (f *flakySender) Send(ctx context.Context, m Message) error {
	n := int(f.calls.Add(1))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ctxErrs = append(f.ctxErrs, ctx.Err())
	if n <= f.failures {
		return errors.New("451 temporary failure")
	}
	f.sent = append(f.sent, m)
	return nil
}

func TestOutboxRetriesUntilDelivered(t *testing.T) {
	f := &flakySender{failures: 2}
	log, logs := testLogger()
	ob := NewOutbox(f, log, 10, WithBackoff(time.Millisecond, 2*time.Millisecond, 4*time.Millisecond))

	// The request's context ends right after Send, as it does when the
	// handler returns: the mail must still go out.
	ctx, cancel := context.WithCancel(context.Background())
	msg := Message{To: "a@example.com", Subject: "Invitation", Text: "SECRET-BODY"}
	if err := ob.Send(ctx, msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	cancel()
	if err := ob.Close(timeoutCtx(t, 10*time.Second)); err != nil {
		t.Fatalf("Close: %v", err)
	}

	if n := f.calls.Load(); n != 3 {
		t.Errorf("sender called %d times, want 3 (2 failures + 1 success)", n)
	}
	if len(f.sent) != 1 || f.sent[0] != msg {
		t.Errorf("delivered %v, want exactly %v", f.sent, msg)
	}
	for i, err := range f.ctxErrs {
		if err != nil {
			t.Errorf("attempt %d ran with a dead context: %v", i+1, err)
		}
	}
	out := logs.String()
	if n := strings.Count(out, "will retry"); n != 2 {
		t.Errorf("logged %d retries, want 2:\n%s", n, out)
	}
	for _, want := range []string{"to=a@example.com", "subject=Invitation", "451 temporary failure", "mail sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "SECRET-BODY") {
		t.Errorf("log contains the mail body:\n%s", out)
	}
}

func TestOutboxGivesUpAfterThreeRetries(t *testing.T) {
	if len(DefaultBackoff) != 3 {
		t.Errorf("DefaultBackoff has %d retries, want 3", len(DefaultBackoff))
	}
	f := &flakySender{failures: 1000}
	log, logs := testLogger()
	ob := NewOutbox(f, log, 10, WithBackoff(time.Millisecond, time.Millisecond, time.Millisecond))
	if err := ob.Send(context.Background(), Message{To: "a@example.com", Subject: "x"}); err != nil {
		t.Fatal(err)
	}
	// A later message is still tried after one that failed for good.
	if err := ob.Send(context.Background(), Message{To: "b@example.com", Subject: "y"}); err != nil {
		t.Fatal(err)
	}
	if err := ob.Close(timeoutCtx(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := f.calls.Load(); n != 8 {
		t.Errorf("sender called %d times, want 8 (2 messages x 4 attempts)", n)
	}
	if n := strings.Count(logs.String(), "giving up"); n != 2 {
		t.Errorf("logged %d give-ups, want 2:\n%s", n, logs)
	}
}

// blockingSender blocks each Send until released or its context ends.
type blockingSender struct {
	started chan Message
	release chan struct{}
	mu      sync.Mutex
	sent    []Message
}

func newBlockingSender() *blockingSender {
	return &blockingSender{started: make(chan Message, 10), release: make(chan struct{})}
}

func (b *blockingSender) Send(ctx context.Context, m Message) error {
	b.started <- m
	select {
	case <-b.release:
		b.mu.Lock()
		b.sent = append(b.sent, m)
		b.mu.Unlock()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestOutboxQueueFull(t *testing.T) {
	b := newBlockingSender()
	ob := NewOutbox(b, discardLogger(), 1, WithBackoff())
	m1 := Message{To: "a@example.com", Subject: "1"}
	m2 := Message{To: "a@example.com", Subject: "2"}
	if err := ob.Send(context.Background(), m1); err != nil {
		t.Fatal(err)
	}
	<-b.started // the worker holds m1, the queue is empty
	if err := ob.Send(context.Background(), m2); err != nil {
		t.Fatalf("Send into empty queue: %v", err)
	}
	start := time.Now()
	if err := ob.Send(context.Background(), Message{To: "a@example.com", Subject: "3"}); !errors.Is(err, ErrOutboxFull) {
		t.Errorf("Send into full queue = %v, want ErrOutboxFull", err)
	}
	if elapsed := time.Since(start); elapsed > 100*time.Millisecond {
		t.Errorf("Send into full queue blocked for %v", elapsed)
	}
	close(b.release)
	if err := ob.Close(timeoutCtx(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if len(b.sent) != 2 || b.sent[0] != m1 || b.sent[1] != m2 {
		t.Errorf("sent %v, want [m1 m2]", b.sent)
	}
}

func TestOutboxCloseDeadlineDropsPending(t *testing.T) {
	b := newBlockingSender()
	log, logs := testLogger()
	ob := NewOutbox(b, log, 10, WithBackoff(time.Hour))
	for _, subj := range []string{"stuck", "pending"} {
		if err := ob.Send(context.Background(), Message{To: "a@example.com", Subject: subj}); err != nil {
			t.Fatal(err)
		}
	}
	<-b.started
	err := ob.Close(timeoutCtx(t, 50*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close = %v, want DeadlineExceeded", err)
	}
	// The abort cancels the stuck send (no hour-long backoff) and the worker
	// exits, logging what it could not send.
	select {
	case <-ob.done:
	case <-time.After(5 * time.Second):
		t.Fatal("worker still running after Close gave up")
	}
	out := logs.String()
	for _, want := range []string{`mail not sent, giving up`, "subject=stuck", "mail dropped", "subject=pending"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if len(b.sent) != 0 {
		t.Errorf("sent %v after abort", b.sent)
	}
}

type panickySender struct{ calls atomic.Int32 }

func (p *panickySender) Send(context.Context, Message) error {
	if p.calls.Add(1) == 1 {
		panic("boom")
	}
	return nil
}

func TestOutboxSurvivesPanickingSender(t *testing.T) {
	p := &panickySender{}
	log, logs := testLogger()
	ob := NewOutbox(p, log, 10, WithBackoff(time.Millisecond))
	if err := ob.Send(context.Background(), Message{To: "a@example.com", Subject: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := ob.Close(timeoutCtx(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := p.calls.Load(); n != 2 {
		t.Errorf("sender called %d times, want 2", n)
	}
	if !strings.Contains(logs.String(), "sender panicked: boom") || !strings.Contains(logs.String(), "mail sent") {
		t.Errorf("log:\n%s", logs)
	}
}
