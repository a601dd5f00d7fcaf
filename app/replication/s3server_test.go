package replication

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// fakeS3 is gofakes3 (in memory) on a loopback port. It does not check
// request signatures; versityS3 does.
type fakeS3 struct {
	endpoint string
	backend  *s3mem.Backend
	down     atomic.Bool // when set, every request fails with 503
}

// startFakeS3 starts a fresh server with an empty testBucket.
func startFakeS3(t testing.TB) *fakeS3 {
	t.Helper()
	f := &fakeS3{backend: s3mem.New()}
	if err := f.backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(f.backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	h := faker.Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.down.Load() {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.endpoint = srv.URL
	return f
}

// url returns the replica URL for a prefix in the test bucket.
func (f *fakeS3) url(prefix string) string {
	return s3URL(f.endpoint, prefix)
}

func s3URL(endpoint, prefix string) string {
	return fmt.Sprintf("s3://%s/%s?endpoint=%s&region=us-east-1&force-path-style=true", testBucket, prefix, url.QueryEscape(endpoint))
}

// keys lists the object keys under prefix.
func (f *fakeS3) keys(t testing.TB, prefix string) []string {
	t.Helper()
	p := gofakes3.NewPrefix(&prefix, nil)
	var keys []string
	page := gofakes3.ListBucketPage{}
	for {
		list, err := f.backend.ListBucket(testBucket, &p, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list.Contents {
			keys = append(keys, c.Key)
		}
		if !list.IsTruncated || len(list.Contents) == 0 {
			return keys
		}
		page.Marker = list.Contents[len(list.Contents)-1].Key
		page.HasMarker = true
	}
}

// corrupt flips a byte in the middle of an object, keeping its metadata
// (and so its Litestream timestamp).
func (f *fakeS3) corrupt(t testing.TB, key string) {
	t.Helper()
	obj, err := f.backend.GetObject(testBucket, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(obj.Contents)
	obj.Contents.Close()
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if _, err := f.backend.PutObject(testBucket, key, obj.Metadata, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatal(err)
	}
}

// hasKeyWith reports whether any key contains every part.
func hasKeyWith(keys []string, parts ...string) bool {
	for _, k := range keys {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(k, p)
		}
		if ok {
			return true
		}
	}
	return false
}
