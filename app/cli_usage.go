package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"sportsapp/app/metrics"
	"sportsapp/app/ops"
)

// errNoServerUsage: usage is counted in a running server's memory.
var errNoServerUsage = errors.New("no server is running for this data directory: usage (requests, writes, cold opens, database size, replica lag) is counted in the server's memory since it started")

// printUsage prints the running server's top organizations in the order by
// (metrics.UsageOrders), at most n, under title.
func printUsage(ctx context.Context, client *ops.Client, by string, n int, title string, w io.Writer) error {
	rows, err := client.Usage(ctx, by, n)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, title)
	if len(rows) == 0 {
		fmt.Fprintln(w, "  (no organization has had a request since the server started)")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tREQUESTS\tWRITES\tCOLD OPENS\tDB SIZE\tREPLICA LAG")
	for _, r := range rows {
		size, lag := "-", "-"
		if r.Bytes > 0 {
			size = fmt.Sprintf("%.1f MB", float64(r.Bytes)/1e6)
		}
		if r.LagSeconds > 0 {
			lag = fmt.Sprintf("%.0fs", r.LagSeconds)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\n", r.Slug, r.Requests, r.Writes, r.ColdOpens, size, lag)
	}
	return tw.Flush()
}

// orgListUsage is `org list --usage --by X`: the top 20 organizations of
// the running server.
func orgListUsage(ctx context.Context, dataDir, by string, stdout io.Writer) error {
	if !metrics.ValidUsageOrder(by) {
		return fmt.Errorf("--by must be one of %v", metrics.UsageOrders)
	}
	client, err := ops.Connect(dataDir)
	if err != nil {
		return errNoServerUsage
	}
	return printUsage(ctx, client, by, 20, "Top 20 organizations by "+by+" since the server started:", stdout)
}
