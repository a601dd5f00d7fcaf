package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"sportsapp/app/internal/dnstest"
	"sportsapp/app/tenant"
)

func TestDomainCommands(t *testing.T) {
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := tenant.NewRegistry(db, dir)
	for _, slug := range []string{"quadball-canada", "quadball-alberta"} {
		if _, err := reg.Create(context.Background(), slug, slug); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	dns := dnstest.Start(t)

	code, out, errOut := cli(t, dir, "domain", "add", "--org", "quadball-canada", "--domain", "Register.Quadball.Test")
	token := regexp.MustCompile(`_sportsapp-challenge\.register\.quadball\.test TXT (\S+)`).FindStringSubmatch(out)
	if code != 0 || token == nil {
		t.Fatalf("add: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := cli(t, dir, "domain", "add", "--org", "quadball-alberta", "--domain", "register.quadball.test"); code != 1 || !strings.Contains(errOut, "already used by another organization") {
		t.Fatalf("claimed twice: %d %q", code, errOut)
	}
	if code, _, errOut := cli(t, dir, "domain", "add", "--org", "quadball-alberta", "--domain", "admin.localhost"); code != 1 || !strings.Contains(errOut, "belong to the platform") {
		t.Fatalf("reserved: %d %q", code, errOut)
	}
	if code, out, _ := cli(t, dir, "domain", "verify", "--domain", "register.quadball.test", "--dns-server", dns.Addr); code != 1 || !strings.Contains(out, "not found yet") {
		t.Fatalf("verify without the record: %d %q", code, out)
	}
	dns.SetTXT("_sportsapp-challenge.register.quadball.test", token[1])
	if code, out, errOut := cli(t, dir, "domain", "verify", "--domain", "register.quadball.test", "--dns-server", dns.Addr); code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("verify: %d %q %q", code, out, errOut)
	}
	if code, out, _ := cli(t, dir, "domain", "list", "--org", "quadball-canada"); code != 0 || !strings.Contains(out, "register.quadball.test") || !strings.Contains(out, "verified") {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, out, _ := cli(t, dir, "domain", "list", "--org", "quadball-alberta"); code != 0 || strings.Contains(out, "register.quadball.test") {
		t.Fatalf("list of another org: %d %q", code, out)
	}
	if code, out, errOut := cli(t, dir, "domain", "remove", "--domain", "register.quadball.test"); code != 0 || !strings.Contains(out, "removed") {
		t.Fatalf("remove: %d %q %q", code, out, errOut)
	}
	if code, _, _ := cli(t, dir, "domain", "remove", "--domain", "register.quadball.test"); code != 1 {
		t.Fatalf("remove twice: %d", code)
	}
	if code, _, _ := cli(t, dir, "domain", "frob"); code != 2 {
		t.Fatalf("bad subcommand: %d", code)
	}
}
