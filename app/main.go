// Command sportsapp runs the multi-organization registration platform and
// its operations commands. `go run ./app` with no arguments serves HTTP on
// embedded defaults.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: sportsapp [command] [flags]

commands:
  serve                         run the web server (the default); on a data directory
                                without a platform it refuses while the replica holds one
  migrate                       migrate the platform and every organization database
  org create --slug S --name N [--admin-email E [--admin-name A]]
                                provision an organization (with an admin: exactly what
                                the console's wizard does; prints the invitation link)
  org list                      list the organizations
  org suspend|activate --slug S suspend or reactivate an organization
  org export --slug S --output F.zip
                                an organization's data: CSV per table, README and an
                                SQLite snapshot (safe next to a running server)
  org delete --slug S [--now [--force]] [--keep-replica]
                                schedule a suspended organization's deletion (30 days'
                                grace), or delete it now (docs/offboarding.md)
  org seed-demo --org S [--members N]
                                fill an organization with demo data (development only)
  user invite --org S --email E --role member|admin
                                invite someone to an organization (prints the link)
  superadmin create --email E   create a platform operator (password printed once,
                                or read with --password-stdin)
  restore --org S [--timestamp T] [--output P]
                                restore an organization's database from the replica
                                (in place, through the running server if there is one)
  restore --list --org S        show what the replica holds for an organization
                                (--org platform: the platform database)
  restore --all [--timestamp T] [--parallel N]
                                restore the platform and every organization into an
                                empty data directory (the server stopped)
  replicas status               replication state of every database
  integrity check [--all | --org S]
                                PRAGMA quick_check on the platform and every organization
                                database (read-only, safe next to a running server)
  domain add --org S --domain D | verify --domain D | list [--org S] | remove --domain D
                                an organization's custom domains (docs/domains.md)
  analytics collect [--org S | --all] [--parallel N]
                                recompute the analytics roll-ups: one organization,
                                every one, or (default) those changed (docs/analytics.md)
  loadtest [-orgs N] [-duration D] [-runs R] [-only M,...] [-reuse]
                                the load harness: N orgs, the server in process and a
                                bare Fiber server, one table of ratios (development only)

Run "sportsapp <command> -h" for a command's flags. Every flag can also be set
with the SPORTSAPP_* environment variable named in its help.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = cmdServe(ctx, args, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args, stdout, stderr)
	case "org":
		err = cmdOrg(ctx, args, stdout, stderr)
	case "user":
		err = cmdUser(ctx, args, stdout, stderr)
	case "superadmin":
		err = cmdSuperadmin(ctx, args, stdin, stdout, stderr)
	case "restore":
		err = cmdRestore(ctx, args, stdout, stderr)
	case "replicas":
		err = cmdReplicas(ctx, args, stdout, stderr)
	case "integrity":
		err = cmdIntegrity(ctx, args, stdout, stderr)
	case "domain":
		err = cmdDomain(ctx, args, stdout, stderr)
	case "analytics":
		err = cmdAnalytics(ctx, args, stdout, stderr)
	case "loadtest":
		err = cmdLoadtest(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	return 0
}
