package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"sportsapp/app/domain"
	"sportsapp/app/tenant"
)

// cliActor is the actor of domain changes made from the command line.
var cliActor = domain.Actor{Label: "cli"}

// cmdDomain manages organizations' custom domains (docs/domains.md): the
// same service the /admin/domains screens use, audited as "cli". A running
// server picks the changes up within 30 seconds.
func cmdDomain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: sportsapp domain add --org S --domain D | verify --domain D | list [--org S] | remove --domain D")
		return errUsage
	}
	var cfg config
	fs := flag.NewFlagSet("domain "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	var slug, name *string
	switch args[0] {
	case "add":
		slug = fs.String("org", "", "the organization's slug")
		name = fs.String("domain", "", "the domain, e.g. register.example.org")
	case "verify", "remove":
		name = fs.String("domain", "", "the domain")
	case "list":
		slug = fs.String("org", "", "only this organization's domains")
	default:
		fmt.Fprintf(stderr, "unknown domain command %q\n", args[0])
		return errUsage
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	a, err := open(ctx, &cfg, stderr, false)
	if err != nil {
		return err
	}
	defer a.close()
	if args[0] != "list" {
		if err := a.writes(ctx); err != nil { // the platform database reaches the replica
			return err
		}
	}
	switch args[0] {
	case "add":
		org, err := a.reg.BySlug(ctx, *slug)
		if err != nil {
			return err
		}
		d, err := a.domains.Add(ctx, cliActor, org, *name)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "%s added to %s, pending. Create this DNS record, then run `sportsapp domain verify --domain %s`:\n  %s TXT %s\nand point the domain at %s.%s (CNAME).\n",
			d.Name, org.Slug, d.Name, d.RecordName(), d.Token, org.Slug, a.domains.Base)
	case "verify":
		d, err := a.domains.Get(ctx, *name)
		if err != nil {
			return err
		}
		got, out, err := a.domains.Check(ctx, cliActor, tenant.Org{ID: d.OrgID, Slug: d.OrgSlug}, d.Name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s (%s)\n", got.Name, out.Message(), got.Status)
		if got.Warning != "" {
			fmt.Fprintf(stdout, "warning: %s\n", got.Warning)
		}
		if out != domain.Verified {
			return fmt.Errorf("%s is not verified: %s", got.Name, out.Message())
		}
	case "remove":
		d, err := a.domains.Get(ctx, *name)
		if err != nil {
			return err
		}
		if err := a.domains.Remove(ctx, cliActor, tenant.Org{ID: d.OrgID, Slug: d.OrgSlug}, d.Name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s removed from %s\n", d.Name, d.OrgSlug)
	case "list":
		all, err := a.domains.All(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ORG\tDOMAIN\tSTATUS\tPRIMARY\tLAST CHECK")
		for _, d := range all {
			if *slug != "" && d.OrgSlug != *slug {
				continue
			}
			primary := ""
			if d.Primary {
				primary = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.OrgSlug, d.Name, d.Status, primary, d.Result)
		}
		return tw.Flush()
	}
	return nil
}
