package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"strings"

	"sportsapp/app/account"
	"sportsapp/app/tenant"
)

// cmdUser: sportsapp user invite --org S --email E --role R [--name N].
// This is how an organization gets its first admin before onboarding
// exists in the console: the link is printed, and mailed when SMTP is set.
func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "invite" {
		fmt.Fprintln(stderr, "usage: sportsapp user invite --org SLUG --email EMAIL --role member|admin [--name NAME]")
		return errUsage
	}
	var cfg config
	fs := flag.NewFlagSet("user invite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	slug := fs.String("org", "", "the organization's slug")
	email := fs.String("email", "", "who to invite")
	role := fs.String("role", "member", "member or admin")
	name := fs.String("name", "", "the person's name (optional)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	a, err := open(ctx, &cfg, stderr, false)
	if err != nil {
		return err
	}
	defer a.close()
	return a.withOrg(ctx, *slug, func(sc *tenant.Scope) error {
		inv, link, err := a.accounts.Invite(ctx, sc, account.Actor{Label: "cli"}, *email, *name, account.Role(*role))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "invited %s as %s to %s (expires %s)\n", inv.Email, inv.Role, sc.Org.Name, inv.ExpiresAt.Format("2006-01-02 15:04 MST"))
		if cfg.SMTPURL == "" {
			fmt.Fprintln(stdout, "no SMTP configured: pass this link on (it works once):")
		} else {
			fmt.Fprintln(stdout, "mailed; the link is also:")
		}
		fmt.Fprintln(stdout, link)
		return nil
	})
}

// cmdSuperadmin: sportsapp superadmin create --email E [--name N]
// [--password-stdin]. Without --password-stdin a strong password is
// generated and printed once.
func cmdSuperadmin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: sportsapp superadmin create --email EMAIL [--name NAME] [--password-stdin]")
		return errUsage
	}
	var cfg config
	fs := flag.NewFlagSet("superadmin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	email := fs.String("email", "", "the super-admin's email")
	name := fs.String("name", "", "the super-admin's name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	cfg.newPlatformFlag(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	password := ""
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password from standard input: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password = rand.Text()
	}
	a, err := open(ctx, &cfg, stderr, true)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.writes(ctx); err != nil {
		return err
	}
	admin, err := a.super.Create(ctx, *email, *name, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created super-admin %s; sign in at %s/login\n", admin.Email, a.links.Platform())
	if !*fromStdin {
		fmt.Fprintf(stdout, "password (shown once): %s\n", password)
	}
	return nil
}
