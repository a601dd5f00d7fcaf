package replication

import "os"

// CheckEnvironment returns a warning for environment settings known to
// break replication, or "" when there is none; the application logs it at
// start-up, where it is read, instead of in a background retry loop.
//
// AWS_CA_BUNDLE: the AWS SDK can add a CA bundle only to its own HTTP
// client type, and Litestream's S3 client brings its own *http.Client, so
// with the variable set every S3 call fails with "unable to add custom
// RootCAs HTTPClient". Install the CA into the system trust store instead
// (Go reads it), or point SSL_CERT_FILE at a bundle that contains it and
// the public roots, and unset the variable.
func CheckEnvironment() string {
	if v := os.Getenv("AWS_CA_BUNDLE"); v != "" {
		return "AWS_CA_BUNDLE is set (" + v + "): Litestream's S3 client cannot use it and every S3 call will fail with " +
			`"unable to add custom RootCAs HTTPClient"; unset it and add the CA to the system trust store (or to a bundle named by SSL_CERT_FILE) instead`
	}
	return ""
}
