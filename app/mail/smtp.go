package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// sendTimeout bounds one SMTP transaction (dial, TLS, AUTH, DATA) so a relay
// that stops answering cannot hold a sender forever.
const sendTimeout = 15 * time.Second

// Default ports: 587 is the submission port (STARTTLS), 465 the submission
// port with implicit TLS (RFC 8314).
const (
	defaultPort    = 587
	defaultTLSPort = 465
)

// tlsMode is how the connection to the relay is protected.
type tlsMode string

const (
	tlsNone     tlsMode = "none"     // clear text; loopback/dev relays only
	tlsStartTLS tlsMode = "starttls" // mandatory STARTTLS upgrade
	tlsImplicit tlsMode = "tls"      // TLS from the first byte (smtps)
)

// smtpConfig is a validated SMTP URL plus sender address.
type smtpConfig struct {
	host     string
	port     int
	tls      tlsMode
	user     string // "" means no AUTH
	password string
	from     *netmail.Address
}

// addr is host:port, for error messages and dialing.
func (c smtpConfig) addr() string {
	return net.JoinHostPort(c.host, strconv.Itoa(c.port))
}

// parseURL validates an SMTP URL (format documented on New). Every error
// names the problem and never contains the password: configuration errors
// end up in logs and crash reports.
func parseURL(raw, from string) (smtpConfig, error) {
	var cfg smtpConfig
	u, err := url.Parse(raw)
	if err != nil {
		return cfg, fmt.Errorf("mail: invalid SMTP URL: %s", describeParseError(raw, err))
	}
	// From here on only the redacted form of the URL is ever shown.
	shown := u.Redacted()
	fail := func(format string, args ...any) (smtpConfig, error) {
		return smtpConfig{}, fmt.Errorf("mail: invalid SMTP URL %q: %s", shown, fmt.Sprintf(format, args...))
	}

	switch u.Scheme {
	case "smtp":
		cfg.tls = tlsStartTLS
	case "smtps":
		cfg.tls = tlsImplicit
	case "":
		return fail("missing scheme (want smtp:// or smtps://)")
	default:
		return fail("unsupported scheme %q (want smtp or smtps)", u.Scheme)
	}
	if u.Opaque != "" {
		return fail("missing // after %s:", u.Scheme)
	}
	if u.Path != "" && u.Path != "/" {
		return fail("unexpected path %q", u.Path)
	}
	if u.Fragment != "" {
		return fail("unexpected fragment %q", u.Fragment)
	}
	cfg.host = u.Hostname()
	if cfg.host == "" {
		return fail("missing host")
	}

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return fail("invalid query string: %v", err)
	}
	for key, values := range q {
		if len(values) > 1 {
			return fail("parameter %q given more than once", key)
		}
		switch key {
		case "tls", "from":
		default:
			return fail("unknown parameter %q (known: tls, from)", key)
		}
	}
	if q.Has("tls") {
		mode := tlsMode(strings.ToLower(q.Get("tls")))
		switch mode {
		case tlsNone, tlsStartTLS, tlsImplicit:
		default:
			return fail("unknown tls mode %q (want none, starttls or tls)", q.Get("tls"))
		}
		if u.Scheme == "smtps" && mode != tlsImplicit {
			return fail("scheme smtps means implicit TLS, but tls=%s", mode)
		}
		cfg.tls = mode
	}

	if p := u.Port(); p == "" {
		cfg.port = defaultPort
		if cfg.tls == tlsImplicit {
			cfg.port = defaultTLSPort
		}
	} else {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fail("invalid port %q (want 1-65535)", p)
		}
		cfg.port = n
	}

	if u.User != nil {
		cfg.user = u.User.Username()
		cfg.password, _ = u.User.Password()
		if cfg.user == "" && cfg.password != "" {
			return fail("password given without a user name")
		}
		if cfg.user != "" && cfg.tls == tlsNone && !isLoopback(cfg.host) {
			return fail("tls=none would send the password in clear text to %q; use tls=starttls or tls (credentials in clear text are only allowed to a loopback relay)", cfg.host)
		}
	}

	if q.Has("from") {
		from = q.Get("from")
		if from == "" {
			return fail("empty from parameter")
		}
	}
	if from == "" {
		return fail("no sender address: pass one or add ?from=address")
	}
	cfg.from, err = netmail.ParseAddress(from)
	if err != nil {
		return fail("invalid sender address %q: %v", from, err)
	}
	return cfg, nil
}

// describeParseError explains a url.Parse failure. url.Parse quotes parts of
// its input (a port, an escape sequence), which can be pieces of a password
// that contains an unescaped '/', '%' or ':'; so when the URL may hold
// credentials only a generic but actionable description is given.
func describeParseError(raw string, err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	if !strings.Contains(raw, "@") {
		return err.Error()
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "invalid port"):
		return "invalid port (if the password contains '/', '@', ':' or '%', percent-encode it)"
	case strings.Contains(msg, "invalid URL escape"):
		return "invalid percent-escape (a literal '%' must be written %25)"
	case strings.Contains(msg, "invalid userinfo"):
		return "invalid character in user or password (percent-encode it)"
	case strings.Contains(msg, "host name"):
		return "invalid character in host name"
	default:
		return "cannot parse (percent-encode special characters in user and password)"
	}
}

// isLoopback reports whether host is this machine, where clear-text
// credentials never cross a network.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// smtpSender sends each message over its own SMTP connection. A connection
// per message keeps the sender stateless (no idle connection the relay may
// drop, safe for concurrent use); the application's mail volume is low.
type smtpSender struct {
	cfg  smtpConfig
	opts []gomail.Option
	log  *slog.Logger
}

func newSMTPSender(cfg smtpConfig, log *slog.Logger) (*smtpSender, error) {
	opts := []gomail.Option{
		gomail.WithPort(cfg.port),
		gomail.WithTimeout(sendTimeout),
	}
	switch cfg.tls {
	case tlsNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case tlsStartTLS:
		// Mandatory, never opportunistic: a relay (or an attacker) that does
		// not offer STARTTLS gets nothing rather than a clear-text mail.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case tlsImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if cfg.user != "" {
		auth := gomail.SMTPAuthPlain
		if cfg.tls == tlsNone {
			// parseURL only allows this towards loopback; go-mail's own
			// check would refuse any loopback address but 127.0.0.1/::1.
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts,
			gomail.WithSMTPAuth(auth),
			gomail.WithUsername(cfg.user),
			gomail.WithPassword(cfg.password),
		)
	}
	// Build a client once so option errors surface at startup, not on the
	// first password reset.
	if _, err := gomail.NewClient(cfg.host, opts...); err != nil {
		return nil, fmt.Errorf("mail: SMTP client for %s: %w", cfg.addr(), err)
	}
	return &smtpSender{cfg: cfg, opts: opts, log: log}, nil
}

// Send dials the relay, sends m and closes the connection, all within
// sendTimeout.
func (s *smtpSender) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(s.cfg.host, s.opts...)
	if err != nil {
		return fmt.Errorf("mail: SMTP client for %s: %w", s.cfg.addr(), err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: sending %q to %s via %s: %w", m.Subject, m.To, s.cfg.addr(), err)
	}
	s.log.DebugContext(ctx, "mail sent", slog.String("to", m.To), slog.String("subject", m.Subject))
	return nil
}

// subjectCleaner folds line breaks in a subject into spaces: a subject is a
// single header line, and a line break taken from user input (a team name,
// say) must not be able to start a new header.
var subjectCleaner = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

func (s *smtpSender) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg() // UTF-8, quoted-printable
	from := *s.cfg.from
	if name := subjectCleaner.Replace(m.FromName); name != "" {
		from.Name = name
	}
	if err := msg.From(from.String()); err != nil {
		return nil, fmt.Errorf("mail: invalid sender %q: %w", from.String(), err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail: invalid recipient %q: %w", m.To, err)
	}
	msg.Subject(subjectCleaner.Replace(m.Subject))
	msg.SetDate()
	msg.SetMessageIDWithValue(messageID(s.cfg.from.Address))
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return msg, nil
}

// messageID makes a unique Message-ID under the sender's domain. go-mail's
// SetMessageID would use the machine's host name, which in a container is a
// meaningless random name that some spam filters hold against a mail.
func messageID(fromAddress string) string {
	domain := "localhost.localdomain"
	if i := strings.LastIndexByte(fromAddress, '@'); i >= 0 && i < len(fromAddress)-1 {
		domain = fromAddress[i+1:]
	}
	return strings.ToLower(rand.Text()) + "@" + domain
}
