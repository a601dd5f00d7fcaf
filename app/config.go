package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"sportsapp/app/logging"
	"sportsapp/app/replication"
	"sportsapp/app/tenant"
)

// config is the application's configuration. Every field has a working
// default, can be set by an environment variable, and can be overridden by a
// command-line flag of the same meaning.
type config struct {
	Addr            string
	DataDir         string
	BaseDomain      string
	MaxOpenOrgs     int
	IdleTimeout     time.Duration
	Readers         int
	KeepPages       bool
	MigrateParallel int
	LogFormat       string
	LogLevel        string
	LogFlush        time.Duration // serve: log lines go out in batches at least this often (0: each at once)
	PublicURL       string
	SMTPURL         string
	MailFrom        string
	ReplicaURL      string
	SyncInterval    time.Duration
	OpsAddr         string
	TrustedProxies  string
	DNSServer       string // custom domains' TXT look-ups go to this host:port only
	PublicIPs       string // the platform's public addresses, comma-separated
	// AnalyticsInterval is how often serve's analytics collector looks for
	// changed organizations (0 turns it off; docs/analytics.md).
	AnalyticsInterval time.Duration
	// NewPlatform lets a command create a new platform on a data directory
	// without one even when the replica cannot be checked for an existing
	// platform (never when it holds one).
	NewPlatform bool
}

// env returns the environment variable name, or def when it is unset.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(env(name, "")); err == nil {
		return v
	}
	return def
}

func envBool(name string, def bool) bool {
	if v, err := strconv.ParseBool(env(name, "")); err == nil {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(env(name, "")); err == nil {
		return v
	}
	return def
}

// flags registers the options every command shares on fs.
func (c *config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", env("SPORTSAPP_DATA_DIR", "./tenants"), "directory of the platform and organization databases (SPORTSAPP_DATA_DIR)")
	fs.StringVar(&c.BaseDomain, "base-domain", env("SPORTSAPP_BASE_DOMAIN", "localhost"), "organizations live at <slug>.<base-domain> (SPORTSAPP_BASE_DOMAIN)")
	fs.StringVar(&c.LogFormat, "log-format", env("SPORTSAPP_LOG_FORMAT", "text"), "log format: text or json (SPORTSAPP_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", env("SPORTSAPP_LOG_LEVEL", "info"), "log level: debug, info, warn, error (SPORTSAPP_LOG_LEVEL)")
	fs.StringVar(&c.Addr, "addr", env("SPORTSAPP_ADDR", ":8080"), "address to listen on (SPORTSAPP_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", env("SPORTSAPP_PUBLIC_URL", ""), "how users reach the base domain, e.g. https://sports.example.org; https makes cookies Secure (SPORTSAPP_PUBLIC_URL; default http://<base-domain><port of addr>)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("SPORTSAPP_SMTP_URL", ""), "SMTP relay, smtp://user:pass@host:587?tls=starttls; empty logs mail instead (SPORTSAPP_SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", env("SPORTSAPP_MAIL_FROM", "no-reply@localhost"), "sender address of the app's mail (SPORTSAPP_MAIL_FROM)")
	fs.StringVar(&c.ReplicaURL, "replica-url", env("SPORTSAPP_REPLICA_URL", "./backups"), "where every database is replicated: s3://bucket/prefix?endpoint=...&region=..., file:///dir or a directory (SPORTSAPP_REPLICA_URL)")
	fs.DurationVar(&c.SyncInterval, "sync-interval", envDuration("SPORTSAPP_SYNC_INTERVAL", time.Second), "how often database changes are shipped to the replica (SPORTSAPP_SYNC_INTERVAL)")
	fs.StringVar(&c.DNSServer, "dns-server", env("SPORTSAPP_DNS_SERVER", ""), "host:port of the one DNS server custom domains' TXT records are looked up on; empty uses the system resolver (SPORTSAPP_DNS_SERVER)")
	fs.StringVar(&c.PublicIPs, "public-ips", env("SPORTSAPP_PUBLIC_IPS", ""), "comma-separated public IPs of the platform: a custom domain with A/AAAA records among them points at it, like a CNAME to the org's subdomain (SPORTSAPP_PUBLIC_IPS)")
	fs.IntVar(&c.MigrateParallel, "migrate-parallel", envInt("SPORTSAPP_MIGRATE_PARALLEL", 4), "org databases migrated at once (SPORTSAPP_MIGRATE_PARALLEL)")
}

// serveFlags registers the server's own options on fs.
func (c *config) serveFlags(fs *flag.FlagSet) {
	fs.IntVar(&c.MaxOpenOrgs, "max-open-orgs", envInt("SPORTSAPP_MAX_OPEN_ORGS", 0), "organization databases kept open at most; 0 derives it from the open-file limit (SPORTSAPP_MAX_OPEN_ORGS)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", envDuration("SPORTSAPP_IDLE_TIMEOUT", 10*time.Minute), "close an organization database unused for this long (SPORTSAPP_IDLE_TIMEOUT)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("SPORTSAPP_TRUSTED_PROXIES", ""), "comma-separated IPs or CIDRs of the TLS proxy whose X-Forwarded-For/-Proto/-Host are believed (SPORTSAPP_TRUSTED_PROXIES)")
	fs.StringVar(&c.OpsAddr, "ops-addr", env("SPORTSAPP_OPS_ADDR", "127.0.0.1:0"), "loopback address of the control endpoint the restore command uses (SPORTSAPP_OPS_ADDR)")
	fs.DurationVar(&c.AnalyticsInterval, "analytics-interval", envDuration("SPORTSAPP_ANALYTICS_INTERVAL", time.Minute), "how often the analytics collector re-reads the organizations that changed; figures are at most this old plus one pass (0 turns it off) (SPORTSAPP_ANALYTICS_INTERVAL)")
	fs.BoolVar(&c.KeepPages, "keep-pages", envBool("SPORTSAPP_KEEP_PAGES", true), "keep the bodies of the admin dashboard and members' homes until the organization's database changes (SPORTSAPP_KEEP_PAGES; false renders them on every request)")
	fs.IntVar(&c.Readers, "readers", envInt("SPORTSAPP_READERS", 4), "read connections per open organization database (SPORTSAPP_READERS)")
	fs.DurationVar(&c.LogFlush, "log-flush", envDuration("SPORTSAPP_LOG_FLUSH", logging.DefaultEvery), "write info lines to the log in batches, at least this often (64 KiB at most; warnings and errors at once); 0 writes every line at once (SPORTSAPP_LOG_FLUSH)")
}

// newPlatformFlag registers --new-platform on the commands that may create
// the platform database.
func (c *config) newPlatformFlag(fs *flag.FlagSet) {
	fs.BoolVar(&c.NewPlatform, "new-platform", false, "on a data directory without a platform database, create a new platform even if the replica cannot be checked for an existing one (a replica that holds one is never written over)")
}

// logger builds the structured logger the configuration asks for.
func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", c.LogLevel, err)
	}
	opts := &slog.HandlerOptions{Level: level}
	var bw *logging.Writer
	if c.LogFlush > 0 {
		// The server logs a line per request: batched, they cost one
		// write a batch instead of one a request (see app/logging).
		bw = logging.NewWriter(w, c.LogFlush, 0)
		w = bw
	}
	var h slog.Handler
	switch strings.ToLower(c.LogFormat) {
	case "json":
		h = slog.NewJSONHandler(w, opts)
	case "text", "":
		h = slog.NewTextHandler(w, opts)
	default:
		return nil, fmt.Errorf("log format %q: want text or json", c.LogFormat)
	}
	if bw != nil {
		h = logging.FlushOn(h, bw, slog.LevelWarn)
	}
	return slog.New(h), nil
}

// links returns how users reach the platform, for links in mail and for
// deciding whether cookies must be Secure.
func (c *config) links() (tenant.Links, error) {
	if c.PublicURL == "" {
		port := strings.TrimPrefix(portOf(c.Addr), ":")
		return tenant.Links{Scheme: "http", BaseDomain: c.BaseDomain, Port: port}, nil
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return tenant.Links{}, fmt.Errorf("public URL %q: want http(s)://<base-domain>[:port]", c.PublicURL)
	}
	if !strings.EqualFold(u.Hostname(), c.BaseDomain) {
		return tenant.Links{}, fmt.Errorf("public URL host %q differs from the base domain %q", u.Hostname(), c.BaseDomain)
	}
	return tenant.Links{Scheme: u.Scheme, BaseDomain: c.BaseDomain, Port: u.Port()}, nil
}

// replica returns the replication settings.
func (c *config) replica(log *slog.Logger) replication.Config {
	return replication.Config{URL: c.ReplicaURL, SyncInterval: c.SyncInterval, Logger: log}
}

// splitList splits a comma-separated setting, dropping empty items.
func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// trustedProxies splits the trusted proxy list.
func (c *config) trustedProxies() []string {
	var out []string
	for p := range strings.SplitSeq(c.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
