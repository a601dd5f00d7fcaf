package replication

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	t.Parallel()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	ok := []struct {
		raw                    string
		scheme, bucket, prefix string
		url                    string // Target.URL("orgs/x")
	}{
		{"s3://bkt/prod?endpoint=http://127.0.0.1:9000&region=us-east-1&force-path-style=true", "s3", "bkt", "prod",
			"s3://bkt/prod/orgs/x?endpoint=http%3A%2F%2F127.0.0.1%3A9000&force-path-style=true&region=us-east-1"},
		{"s3://bkt", "s3", "bkt", "", "s3://bkt/orgs/x"},
		{"s3://bkt/a/b/", "s3", "bkt", "a/b", "s3://bkt/a/b/orgs/x"},
		{"file:///var/backups", "file", "", "/var/backups", "file:///var/backups/orgs/x"},
		{"file://localhost/var/backups", "file", "", "/var/backups", "file:///var/backups/orgs/x"},
		{"/var/backups/", "file", "", "/var/backups", "file:///var/backups/orgs/x"},
		{"./backups", "file", "", filepath.Join(wd, "backups"), "file://" + filepath.Join(wd, "backups", "orgs", "x")},
	}
	for _, c := range ok {
		tg, err := ParseTarget(c.raw)
		if err != nil {
			t.Errorf("ParseTarget(%q): %v", c.raw, err)
			continue
		}
		if tg.Scheme != c.scheme || tg.Bucket != c.bucket || tg.Prefix != c.prefix || tg.URL("orgs/x") != c.url {
			t.Errorf("ParseTarget(%q) = %+v, URL %q; want %s %q %q %q", c.raw, tg, tg.URL("orgs/x"), c.scheme, c.bucket, c.prefix, c.url)
		}
	}

	bad := []struct{ raw, want string }{
		{"", "empty"},
		{"gs://bkt/prefix", `unsupported scheme "gs"`},
		{"s3:///prefix", "missing bucket"},
		{"s3://bkt/p?endpont=http://x", `unknown option "endpont"`},
		{"s3://bkt/p?endpoint=127.0.0.1:9000", "must look like http://host:port"},
		{"s3://key:secret@bkt/p", "AWS_ACCESS_KEY_ID"},
		{"file://backups/x", "three slashes"},
		{"file:///x?mode=1", "no options"},
	}
	for _, c := range bad {
		_, err := ParseTarget(c.raw)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseTarget(%q) = %v, want an error about %q", c.raw, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseTarget(%q) leaks the password: %v", c.raw, err)
		}
	}
	if _, err := New(Config{URL: "ftp://x"}); err == nil {
		t.Error("New accepted an unsupported URL")
	}
}

func TestValidateName(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"platform", "orgs/0190a0b0-0000-7000-8000-000000000001", "a_b.c-d/e"} {
		if err := ValidateName(n); err != nil {
			t.Errorf("ValidateName(%q): %v", n, err)
		}
	}
	for _, n := range []string{"", "/abs", "orgs/", "orgs//x", "../x", "orgs/..", "orgs/.hidden", "a b", "orgs/0009", "x/ltx", "generations", strings.Repeat("a", 256)} {
		if err := ValidateName(n); err == nil {
			t.Errorf("ValidateName(%q) accepted", n)
		}
	}
}

func TestCheckEnvironment(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
	if w := CheckEnvironment(); !strings.Contains(w, "AWS_CA_BUNDLE") || !strings.Contains(w, "unable to add custom RootCAs HTTPClient") {
		t.Fatalf("warning: %q", w)
	}
	t.Setenv("AWS_CA_BUNDLE", "")
	if w := CheckEnvironment(); w != "" {
		t.Fatalf("warning without AWS_CA_BUNDLE: %q", w)
	}
}

// TestLogHandler: Litestream's errors are recorded per database and
// printed with the replica name; its Info chatter is demoted to Debug;
// a recovery message clears the error.
func TestLogHandler(t *testing.T) {
	t.Parallel()
	var out logBuffer
	sink := newErrorSink()
	sink.setName("x.db", "orgs/x")
	h := &logHandler{next: slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}), sink: sink}
	dbLog := slog.New(h).With("db", "x.db")

	dbLog.Info("compaction complete", "level", 1)
	if out.String() != "" {
		t.Fatalf("Info was printed: %s", out.String())
	}
	dbLog.Error("monitor error", "error", "boom")
	if e, ok := sink.lastError("x.db"); !ok || e.text != "monitor error: boom" {
		t.Fatalf("recorded %+v %v", e, ok)
	}
	if !strings.Contains(out.String(), "replica_name=orgs/x") || !strings.Contains(out.String(), "boom") {
		t.Fatalf("printed: %s", out.String())
	}
	dbLog.With("replica", "s3").Info("replica sync recovered", "previous_errors", 3)
	if _, ok := sink.lastError("x.db"); ok {
		t.Fatal("recovery did not clear the error")
	}
	if !h.Enabled(context.Background(), slog.LevelInfo) {
		t.Fatal("Info must reach the handler so recoveries are seen")
	}
}
