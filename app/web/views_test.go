package web

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"sportsapp/app/tenant"
	"sportsapp/views"
)

// viewSamples holds one sample of every view's data, keyed by template name.
// A template without a sample fails TestEveryViewRenders, so a new view
// cannot ship untested.
var viewSamples = map[string]any{
	"home/org": orgHomeView{page: page{Title: "Welcome", SiteName: "Quadball Canada", IsOrg: true},
		Org: tenant.Org{Name: "Quadball Canada", Slug: "quadball-canada"}},
	"home/platform": platformHomeView{page: page{Title: "Platform"}, BaseDomain: "localhost",
		Orgs: []orgLink{{Name: "Quadball Canada", URL: "http://quadball-canada.localhost/"}}},
	"errors/error":  errorView{page: page{Title: "Page not found"}, Status: 404, Heading: "Page not found", Message: "Nothing here.", HomeURL: "/"},
	"errors/_error": errorView{Status: 409, Heading: "Changed by someone else", Message: "Reload."},
}

func TestEveryViewRenders(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	err := fs.WalkDir(views.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") || strings.HasPrefix(path, "layouts/") {
			return err
		}
		name := strings.TrimSuffix(path, ".html")
		sample, ok := viewSamples[name]
		if !ok {
			t.Errorf("view %s has no sample in viewSamples", name)
			return nil
		}
		var buf bytes.Buffer
		var rerr error
		if isPartial(name) {
			rerr = e.srv.views.Render(&buf, name, sample)
		} else {
			rerr = e.srv.views.Render(&buf, name, sample, layout)
		}
		if rerr != nil {
			t.Errorf("render %s: %v", name, rerr)
		} else if buf.Len() == 0 {
			t.Errorf("render %s: empty", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIsPartial(t *testing.T) {
	for name, want := range map[string]bool{"errors/_error": true, "errors/error": false, "_x": true, "a/b/_c": true, "a/_b/c": false} {
		if got := isPartial(name); got != want {
			t.Errorf("isPartial(%q) = %v", name, got)
		}
	}
}
