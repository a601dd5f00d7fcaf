// Package mail sends the application's e-mail (password resets, invitations,
// notifications) as plain text.
//
// Code that needs to send mail depends only on the Sender interface, so the
// same code runs with a real SMTP relay in production, with LogSender on a
// developer machine that has no relay (the mail, links included, is written
// to the log), and with a loopback SMTP server in tests. New picks the
// implementation from configuration; Outbox wraps any Sender so that requests
// never wait for SMTP.
package mail

import (
	"context"
	"log/slog"
)

// Message is the mail the application sends: one recipient, a subject and a
// plain-text body. Plain text keeps templates trivial and links visible, and
// a single recipient per message means one user's address is never disclosed
// to another.
type Message struct {
	// To is a single address, e.g. "alice@example.com" or
	// "Alice <alice@example.com>".
	To string
	// Subject is a single line; line breaks are replaced by spaces so a
	// subject built from user input cannot inject headers.
	Subject string
	// Text is the UTF-8 body. Long lines (links) are encoded safely for
	// transport and arrive intact.
	Text string
	// FromName, if set, replaces the sender's display name (an
	// organization's name); the address stays the platform's own.
	FromName string
}

// Sender is what the rest of the application depends on to send mail, so it
// never needs to know whether mail goes to an SMTP relay, to the log, or into
// an asynchronous outbox.
type Sender interface {
	// Send delivers m or returns why it could not. Implementations may be
	// slow (SMTP); callers on a request path should use an Outbox.
	Send(ctx context.Context, m Message) error
}

// New builds the Sender described by configuration, so main only passes
// strings through.
//
// An empty smtpURL gives a LogSender: the application keeps working without
// a relay and the mails (with their links) can be read in the log. Otherwise
// smtpURL describes the relay, see the URL format below; from is the sender
// address (e.g. "Quadball Canada <noreply@example.org>") unless the URL's
// from parameter overrides it. log may be nil (slog.Default is used).
//
// URL format:
//
//	smtp://[user[:password]@]host[:port][?tls=none|starttls|tls][&from=address]
//	smtps://[user[:password]@]host[:port][?from=address]
//
// where:
//   - tls=starttls (the default for smtp://): plain connection upgraded with
//     STARTTLS, which is mandatory: if the server does not offer it, or the
//     certificate does not verify, nothing is sent. There is deliberately no
//     opportunistic mode, which an attacker on the path could downgrade to
//     clear text.
//   - tls=tls, or scheme smtps://: implicit TLS from the first byte.
//   - tls=none: clear text, for a relay on loopback or a development mail
//     catcher. Credentials are then only sent to a loopback host.
//   - port defaults to 465 with implicit TLS, 587 otherwise.
//   - user and password, when a user is given, are used for AUTH PLAIN
//     (percent-encode special characters). No user means no AUTH.
//   - from overrides the from argument.
//
// Unknown query parameters are rejected so a typo (say "tsl=none") fails at
// startup instead of silently changing security. Error messages never
// contain the password.
func New(smtpURL, from string, log *slog.Logger) (Sender, error) {
	if log == nil {
		log = slog.Default()
	}
	if smtpURL == "" {
		return LogSender{Log: log}, nil
	}
	cfg, err := parseURL(smtpURL, from)
	if err != nil {
		return nil, err
	}
	return newSMTPSender(cfg, log)
}

// LogSender "sends" mail by writing it to the log at Info level, full body
// included. It is what the application uses when no SMTP relay is
// configured, so a developer can still complete flows such as a password
// reset by copying the link from the log. It must not be used in production:
// the log then contains secrets (reset tokens) meant for the recipient only.
type LogSender struct {
	// Log receives the messages; nil means slog.Default().
	Log *slog.Logger
}

// Send logs m with attributes to, subject and text and always succeeds, so
// callers behave exactly as they would with a working relay.
func (s LogSender) Send(ctx context.Context, m Message) error {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "mail not sent (no SMTP configured), logged instead",
		slog.String("to", m.To),
		slog.String("subject", m.Subject),
		slog.String("text", m.Text),
	)
	return nil
}
