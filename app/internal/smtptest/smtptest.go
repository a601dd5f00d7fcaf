// Package smtptest runs a real SMTP server on loopback for tests, so code
// that sends mail can be exercised end to end (dial, SMTP dialogue, MIME
// encoding) instead of against a mock that would hide encoding or protocol
// bugs. It records every message it receives and decodes the parts tests
// care about: the subject and the plain-text body, with quoted-printable and
// base64 transfer encodings undone so links can be followed.
//
// It lives in a non-test file so that the tests of any package (mail, web
// handlers that send password-reset mails, ...) can import it.
package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message as the server received it. Tests assert on the decoded
// fields and can fall back to Raw for anything else (headers, encoding).
type Mail struct {
	// From is the envelope sender (MAIL FROM), which is what relays and
	// bounce handling use; the From header is available through Raw.
	From string
	// To holds the envelope recipients (RCPT TO), i.e. who really gets the
	// mail regardless of what the headers claim.
	To []string
	// Subject is the decoded Subject header (RFC 2047 words undone).
	Subject string
	// Text is the decoded text/plain body with CRLF line endings turned into
	// LF, so it compares equal to the text the sender passed in.
	Text string
	// AuthUser is the user name the client authenticated as with AUTH PLAIN,
	// or "" if it did not authenticate. It lets tests check that credentials
	// from an SMTP URL are really used.
	AuthUser string
	// Raw is the message exactly as transmitted in the DATA command.
	Raw []byte
}

// Server is a running loopback SMTP server. It accepts any sender and
// recipient, offers AUTH PLAIN accepting any credentials without requiring it,
// and speaks no TLS, which is what a local development relay looks like.
type Server struct {
	srv  *smtp.Server
	ln   net.Listener
	logw *testLogWriter

	mu      sync.Mutex
	msgs    []Mail
	changed chan struct{} // closed and replaced whenever msgs grows
}

// Start listens on 127.0.0.1 with a kernel-chosen port so parallel tests never
// collide, and stops the server when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Server{ln: ln, changed: make(chan struct{}), logw: &testLogWriter{t: t}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{server: s}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 100
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.ErrorLog = s.logw
	s.srv = srv

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // returns ErrServerClosed once Close is called
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		// srv.Close only closes listeners Serve has registered; if the test
		// ends before the goroutine above got that far, Serve would accept
		// forever. Closing ln ourselves makes Serve return either way.
		_ = ln.Close()
		<-done
		s.logw.stop()
	})
	return s
}

// URL is the address in the form mail.New expects, with TLS off because the
// server speaks none.
func (s *Server) URL() string {
	return fmt.Sprintf("smtp://%s?tls=none", s.ln.Addr().String())
}

// Addr is the host:port the server listens on, for tests that build their
// own URL (for example to add credentials or a different tls mode).
func (s *Server) Addr() string {
	return s.ln.Addr().String()
}

// Messages returns a copy of what has arrived so far, safe to keep while the
// server goes on receiving.
func (s *Server) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.msgs...)
}

// Wait blocks until at least n messages have arrived and returns them; mail
// is often sent asynchronously, so tests need to wait rather than look once.
// It fails the test if they do not arrive within timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Mail {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		got := len(s.msgs)
		if got >= n {
			msgs := append([]Mail(nil), s.msgs...)
			s.mu.Unlock()
			return msgs
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			t.Fatalf("smtptest: waited %v for %d message(s), got %d", timeout, n, got)
			return nil
		}
	}
}

func (s *Server) record(m Mail) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	close(s.changed)
	s.changed = make(chan struct{})
}

// session is one SMTP connection's transaction state.
type session struct {
	server   *Server
	authUser string
	from     string
	to       []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, _ string) error {
		ss.authUser = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Mail{From: ss.from, To: append([]string(nil), ss.to...), AuthUser: ss.authUser, Raw: raw}
	// A message we cannot parse is still recorded (with Raw) so the test can
	// show it; the parse error goes to the test log.
	subject, text, perr := parse(raw)
	if perr != nil {
		ss.server.logw.Printf("smtptest: cannot parse received message: %v", perr)
	}
	m.Subject, m.Text = subject, text
	ss.server.record(m)
	return nil
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }

// parse extracts the decoded subject and the first text/plain body.
func parse(raw []byte) (subject, text string, err error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", "", fmt.Errorf("read message: %w", err)
	}
	dec := new(mime.WordDecoder)
	subject, err = dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	body, err := textBody(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		return subject, "", err
	}
	return subject, strings.ReplaceAll(string(body), "\r\n", "\n"), nil
}

// textBody walks (possibly nested) multipart bodies to the first text/plain
// part and undoes its transfer encoding.
func textBody(contentType, transferEncoding string, r io.Reader) ([]byte, error) {
	mediaType := "text/plain" // RFC 2045 default
	var params map[string]string
	if contentType != "" {
		var err error
		mediaType, params, err = mime.ParseMediaType(contentType)
		if err != nil {
			return nil, fmt.Errorf("content-type %q: %w", contentType, err)
		}
	}
	switch {
	case strings.HasPrefix(mediaType, "multipart/"):
		mr := multipart.NewReader(r, params["boundary"])
		for {
			// NextRawPart: multipart.Reader.NextPart would silently decode
			// quoted-printable itself; decoding in one place keeps both
			// encodings handled the same way.
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil, errors.New("no text/plain part")
			}
			if err != nil {
				return nil, fmt.Errorf("multipart: %w", err)
			}
			b, err := textBody(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			if err == nil {
				return b, nil
			}
		}
	case mediaType == "text/plain":
		return decodeTransfer(transferEncoding, r)
	default:
		return nil, fmt.Errorf("not text/plain: %s", mediaType)
	}
}

func decodeTransfer(encoding string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(r))
	case "base64":
		// The base64 decoder skips the CRLFs that wrap encoded lines.
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, r))
	case "", "7bit", "8bit", "binary":
		return io.ReadAll(r)
	default:
		return nil, fmt.Errorf("unknown transfer encoding %q", encoding)
	}
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"']+`)

// LinkIn returns the first http:// or https:// URL in text, or "" if there is
// none, so tests can follow the link a mail contains (password reset,
// invitation, ...) the way a person would click it. Punctuation that ends a
// sentence right after the link is not part of it.
func LinkIn(text string) string {
	return strings.TrimRight(linkRE.FindString(text), ".,;:!?)]}")
}

// testLogWriter sends the SMTP server's error log to the test log while the
// test runs, and drops it afterwards: testing panics on logging after a test
// has finished.
type testLogWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testLogWriter) Printf(format string, v ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Logf(format, v...)
	}
}

func (w *testLogWriter) Println(v ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(v...)
	}
}

func (w *testLogWriter) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
}
