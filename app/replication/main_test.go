package replication

import (
	"os"
	"testing"
)

// Test credentials: the S3 servers started by the tests accept these, and
// Litestream's S3 client reads them from the environment like in
// production.
const (
	testAccessKey = "sportsapp-test-key"
	testSecretKey = "sportsapp-test-secret-0123456789"
	testBucket    = "backups"
)

// TestMain gives the whole test binary a clean AWS environment: static
// test credentials (so the SDK never looks for instance metadata off this
// machine) and no AWS_CA_BUNDLE, which would make every S3 call fail
// (see CheckEnvironment).
func TestMain(m *testing.M) {
	if path := os.Getenv(childReaderEnv); path != "" {
		os.Exit(outsideReader(path))
	}
	for _, k := range []string{"AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION", "LITESTREAM_S3_ENDPOINT"} {
		os.Unsetenv(k)
	}
	os.Setenv("AWS_ACCESS_KEY_ID", testAccessKey)
	os.Setenv("AWS_SECRET_ACCESS_KEY", testSecretKey)
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	os.Setenv("AWS_CONFIG_FILE", os.DevNull)
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	os.Exit(m.Run())
}
