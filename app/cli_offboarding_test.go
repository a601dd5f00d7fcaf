package main

import (
	"archive/zip"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOrgExportCommand: the CLI writes the zip, refuses to overwrite a
// file or export an unknown org, and audits the export.
func TestOrgExportCommand(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := cli(t, dir, "org", "create", "--slug", "quadball-canada", "--name", "Quadball Canada"); code != 0 {
		t.Fatalf("create: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := cli(t, dir, "org", "seed-demo", "--org", "quadball-canada", "--members", "12"); code != 0 {
		t.Fatalf("seed: %d %q %q", code, out, errOut)
	}
	zipPath := filepath.Join(t.TempDir(), "qc.zip")
	code, out, errOut := cli(t, dir, "org", "export", "--slug", "quadball-canada", "--output", zipPath)
	if code != 0 || !strings.Contains(out, "people.csv") || !strings.Contains(out, "12 rows") {
		t.Fatalf("export: %d %q %q", code, out, errOut)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	zr.Close()
	for name := range names {
		if strings.Contains(name, "litestream") {
			t.Errorf("Litestream's bookkeeping exported: %s", name)
		}
	}
	for _, want := range []string{"README.txt", "people.csv", "payments.csv", "registrations.csv", "quadball-canada.sqlite"} {
		if !names[want] {
			t.Errorf("%s missing from %v", want, names)
		}
	}
	if code, _, errOut := cli(t, dir, "org", "export", "--slug", "quadball-canada", "--output", zipPath); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("existing output: %d %q", code, errOut)
	}
	missing := filepath.Join(t.TempDir(), "none.zip")
	if code, _, errOut := cli(t, dir, "org", "export", "--slug", "no-such-org", "--output", missing); code != 1 || !strings.Contains(errOut, "No such organization") {
		t.Fatalf("unknown org: %d %q", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("a failed export left %s", missing)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestOrgDeleteCommand: scheduling needs a suspended org; --now needs an
// export (or --force); the org's files go, its neighbours' stay, and its
// slug is held. Without a server, then with one (through its control
// endpoint, the org open in its pool and replicated).
func TestOrgDeleteCommand(t *testing.T) {
	for _, withServer := range []bool{false, true} {
		name := "offline"
		if withServer {
			name = "server"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			var addr string
			if withServer {
				addr = startServer(t, dir, "--sync-interval", "100ms")
			}
			for _, slug := range []string{"leaving-league", "staying-league"} {
				if code, out, errOut := cli(t, dir, "org", "create", "--slug", slug, "--name", slug); code != 0 {
					t.Fatalf("create: %d %q %q", code, out, errOut)
				}
			}
			if withServer { // open it in the server's pool (hence replicated)
				req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
				req.Host = "leaving-league.localhost"
				res, err := http.DefaultClient.Do(req)
				if err != nil || res.StatusCode != 200 {
					t.Fatalf("open: %v %v", res, err)
				}
				res.Body.Close()
			}
			if code, _, errOut := cli(t, dir, "org", "delete", "--slug", "leaving-league"); code != 1 || !strings.Contains(errOut, "suspend it first") {
				t.Fatalf("active: %d %q", code, errOut)
			}
			if code, _, errOut := cli(t, dir, "org", "delete", "--slug", "no-such-league", "--now", "--force"); code != 1 || !strings.Contains(errOut, "No such organization") {
				t.Fatalf("missing: %d %q", code, errOut)
			}
			cli(t, dir, "org", "suspend", "--slug", "leaving-league")
			code, out, errOut := cli(t, dir, "org", "delete", "--slug", "leaving-league")
			if code != 0 || !strings.Contains(out, "will be deleted after") {
				t.Fatalf("schedule: %d %q %q", code, out, errOut)
			}
			if code, _, errOut := cli(t, dir, "org", "delete", "--slug", "leaving-league", "--now"); code != 1 || !strings.Contains(errOut, "never been exported") {
				t.Fatalf("unexported --now: %d %q", code, errOut)
			}
			_, list, _ := cli(t, dir, "org", "list")
			id := ""
			for _, line := range strings.Split(list, "\n") {
				if f := strings.Fields(line); len(f) > 0 && f[0] == "leaving-league" {
					id = f[len(f)-1]
				}
			}
			zipPath := filepath.Join(t.TempDir(), "leaving.zip")
			if code, _, errOut := cli(t, dir, "org", "export", "--slug", "leaving-league", "--output", zipPath); code != 0 {
				t.Fatalf("export: %q", errOut)
			}
			before, _ := os.ReadDir(filepath.Join(dir, "orgs"))
			code, out, errOut = cli(t, dir, "org", "delete", "--slug", "leaving-league", "--now")
			if code != 0 || !strings.Contains(out, "is deleted") {
				t.Fatalf("--now: %d %q %q", code, out, errOut)
			}
			after, _ := os.ReadDir(filepath.Join(dir, "orgs"))
			for _, e := range before {
				gone := true
				for _, a := range after {
					gone = gone && a.Name() != e.Name()
				}
				if strings.Contains(e.Name(), id) != gone {
					t.Errorf("%s: gone %v (deleted org %s)", e.Name(), gone, id)
				}
			}
			_, list, _ = cli(t, dir, "org", "list")
			if strings.Contains(list, "leaving-league") || !strings.Contains(list, "staying-league") {
				t.Errorf("list after deletion:\n%s", list)
			}
			if code, _, errOut := cli(t, dir, "org", "create", "--slug", "leaving-league", "--name", "Again"); code != 1 || !strings.Contains(errOut, "deleted organization") {
				t.Errorf("slug reused: %d %q", code, errOut)
			}
			if code, out, errOut := cli(t, dir, "integrity", "check", "--all"); code != 0 || strings.Contains(out, "leaving") {
				t.Errorf("integrity after deletion: %d %q %q", code, out, errOut)
			}
		})
	}
}
