// Package s3test runs an S3-compatible server (gofakes3, in memory) on a
// loopback port for tests that replicate to "S3" and restore from it.
// (The replication package's own tests also run versitygw, which checks
// request signatures.)
package s3test

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Bucket is the bucket every server starts with.
const Bucket = "sportsapp-test"

// Server is a running fake S3.
type Server struct {
	Endpoint string
}

// Start runs a server until the test ends. It also sets the AWS credential
// variables the SDK reads and clears AWS_CA_BUNDLE, which breaks
// Litestream's S3 client.
func Start(t testing.TB) *Server {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(Bucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_CA_BUNDLE", "")
	return &Server{Endpoint: srv.URL}
}

// URL returns the replica URL of prefix in the bucket.
func (s *Server) URL(prefix string) string {
	return fmt.Sprintf("s3://%s/%s?endpoint=%s&region=us-east-1&force-path-style=true", Bucket, prefix, url.QueryEscape(s.Endpoint))
}
