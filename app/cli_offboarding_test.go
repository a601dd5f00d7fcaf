package main

import (
	"archive/zip"
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
