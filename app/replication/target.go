package replication

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	_ "github.com/benbjohnson/litestream/s3" // registers the "s3" replica client factory
)

// Target is a parsed replica URL (SPORTSAPP_REPLICA_URL): where every
// replicated database goes, each under its own name below Prefix.
//
// It exists so that a typo in the setting fails at start-up with a message
// that names the problem, instead of surfacing later as a stream of upload
// errors from a background goroutine.
type Target struct {
	// Scheme is "s3" or "file".
	Scheme string
	// Bucket is the S3 bucket; empty for file targets.
	Bucket string
	// Prefix is the key prefix inside the bucket (no leading or trailing
	// slash, may be empty), or the absolute directory of a file target.
	Prefix string
	// Query holds the S3 options (endpoint, region, force-path-style, ...),
	// passed to Litestream unchanged so that the app and the stock
	// `litestream` CLI read the same URL the same way.
	Query url.Values
}

// s3Options are the query parameters Litestream's S3 client understands.
// Anything else is refused: Litestream would silently ignore a misspelt
// "endpont" and send the database to AWS instead of the intended server.
var s3Options = []string{
	"endpoint", "region",
	"forcePathStyle", "force-path-style",
	"skipVerify", "skip-verify",
	"signPayload", "sign-payload",
	"signAcceptEncoding", "sign-accept-encoding",
	"requireContentMD5", "require-content-md5",
	"putObjectContentMD5", "put-object-content-md5",
	"concurrency", "partSize", "part-size",
	"storageClass", "storage-class",
	"sseCustomerAlgorithm", "sse-customer-algorithm",
	"sseCustomerKey", "sse-customer-key",
	"sseCustomerKeyMD5", "sse-customer-key-md5",
	"sseKmsKeyId", "sse-kms-key-id",
}

// ParseTarget validates a replica URL: "s3://bucket/prefix?endpoint=...",
// "file:///absolute/dir", or a plain directory path such as "./backups"
// (made absolute against the working directory, so a later chdir cannot
// move the backups).
func ParseTarget(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Target{}, errors.New("replica URL is empty: set it to s3://bucket/prefix, file:///abs/dir or a directory path")
	}
	if !strings.Contains(raw, "://") {
		return fileTarget(raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, fmt.Errorf("replica URL %q: %w", redact(raw), err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return Target{}, fmt.Errorf("replica URL %q: a file URL needs an absolute path with three slashes, like file:///var/backups", raw)
		}
		if u.RawQuery != "" {
			return Target{}, fmt.Errorf("replica URL %q: file URLs take no options", raw)
		}
		return fileTarget(u.Path)
	case "s3":
		return s3Target(u)
	default:
		return Target{}, fmt.Errorf("replica URL %q: unsupported scheme %q (use s3://bucket/prefix, file:///abs/dir or a directory path)", redact(raw), u.Scheme)
	}
}

func fileTarget(p string) (Target, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return Target{}, fmt.Errorf("replica directory %q: %w", p, err)
	}
	return Target{Scheme: "file", Prefix: abs}, nil
}

func s3Target(u *url.URL) (Target, error) {
	if u.User != nil {
		return Target{}, fmt.Errorf("replica URL %q: put credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, not in the URL", redact(u.String()))
	}
	if u.Host == "" {
		return Target{}, fmt.Errorf("replica URL %q: missing bucket (s3://bucket/prefix)", u.String())
	}
	q := u.Query()
	for k := range q {
		if !slices.Contains(s3Options, k) {
			return Target{}, fmt.Errorf("replica URL %q: unknown option %q (known: endpoint, region, force-path-style, skip-verify, storage-class, ...)", u.String(), k)
		}
	}
	if ep := q.Get("endpoint"); ep != "" {
		eu, err := url.Parse(ep)
		if err != nil || (eu.Scheme != "http" && eu.Scheme != "https") || eu.Host == "" {
			return Target{}, fmt.Errorf("replica URL %q: endpoint %q must look like http://host:port or https://host", u.String(), ep)
		}
	}
	prefix := strings.Trim(path.Clean("/"+u.Path), "/")
	return Target{Scheme: "s3", Bucket: u.Host, Prefix: prefix, Query: q}, nil
}

// redact hides a password that someone put in a URL before it reaches an
// error message (and so a log).
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// URL returns the replica URL of one database: the target's prefix joined
// with name. It is what the app replicates to and exactly what an operator
// passes to the stock `litestream restore` command.
func (t Target) URL(name string) string {
	switch t.Scheme {
	case "file":
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(t.Prefix, filepath.FromSlash(name)))}
		return u.String()
	default:
		u := url.URL{Scheme: "s3", Host: t.Bucket, Path: "/" + path.Join(t.Prefix, name), RawQuery: t.Query.Encode()}
		return u.String()
	}
}

// String returns the target as a URL (with the prefix, without a name).
func (t Target) String() string {
	switch t.Scheme {
	case "file":
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(t.Prefix)}).String()
	default:
		return (&url.URL{Scheme: "s3", Host: t.Bucket, Path: "/" + t.Prefix, RawQuery: t.Query.Encode()}).String()
	}
}

// client builds Litestream's replica client for one database name. It goes
// through Litestream's own URL factory, so the app interprets a URL exactly
// like the stock CLI does.
func (t Target) client(name string) (litestream.ReplicaClient, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	if t.Scheme == "file" {
		return file.NewReplicaClient(filepath.Join(t.Prefix, filepath.FromSlash(name))), nil
	}
	c, err := litestream.NewReplicaClientFromURL(t.URL(name))
	if err != nil {
		return nil, fmt.Errorf("replica client for %q: %w", name, err)
	}
	return c, nil
}

// nameSegment is one path segment of a replica name.
var nameSegment = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// levelDir matches the directory names Litestream uses for compaction
// levels ("0000".."0009" on S3, "ltx" in a file target). A name segment
// like that would make one database's listing include another's files.
var levelDir = regexp.MustCompile(`^([0-9a-fA-F]{4}|ltx|generations)$`)

// ValidateName checks a replica name such as "platform" or "orgs/<id>":
// slash-separated segments of letters, digits, '.', '_' and '-', none of
// which could escape the prefix or collide with Litestream's own layout.
func ValidateName(name string) error {
	if name == "" || len(name) > 255 {
		return fmt.Errorf("invalid replica name %q: 1 to 255 characters", name)
	}
	for _, seg := range strings.Split(name, "/") {
		if !nameSegment.MatchString(seg) || levelDir.MatchString(seg) || strings.Contains(seg, "..") {
			return fmt.Errorf("invalid replica name %q: use segments of letters, digits, '.', '_' and '-' separated by '/' (like orgs/<org-id>)", name)
		}
	}
	return nil
}
