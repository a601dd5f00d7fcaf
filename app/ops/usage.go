package ops

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"sportsapp/app/metrics"
)

// handleUsage reports the busiest organizations since the server started,
// in the order ?by= names (metrics.UsageOrders), at most ?n= of them
// (default 20). The counts live in the server's memory, so the CLI asks
// here (`org list --usage`, `replicas status`).
func (s *Server) handleUsage(w http.ResponseWriter, r *http.Request) {
	if s.Usage == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "this server counts no usage"})
		return
	}
	by := r.URL.Query().Get("by")
	if by == "" {
		by = metrics.ByRequests
	}
	if !metrics.ValidUsageOrder(by) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("by must be one of %v", metrics.UsageOrders)})
		return
	}
	n := 20
	if v := r.URL.Query().Get("n"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 1000 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "n must be between 1 and 1000"})
			return
		}
	}
	writeJSON(w, http.StatusOK, s.Usage.TopOrgs(n, by))
}

// Usage asks the server for its n busiest organizations in the given
// order (metrics.UsageOrders).
func (c *Client) Usage(ctx context.Context, by string, n int) ([]metrics.OrgUsage, error) {
	var out []metrics.OrgUsage
	q := url.Values{"by": {by}, "n": {strconv.Itoa(n)}}
	status, err := c.do(ctx, http.MethodGet, "/usage?"+q.Encode(), nil, &out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("usage: status %d", status)
	}
	return out, err
}
