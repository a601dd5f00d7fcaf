package ops

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Client talks to a running server's control endpoint.
type Client struct {
	info Info
	http *http.Client
}

// Connect returns a client for the server running on dataDir, or an error
// if none publishes an endpoint there.
func Connect(dataDir string) (*Client, error) {
	info, err := ReadInfo(dataDir)
	if err != nil {
		return nil, err
	}
	return &Client{info: info, http: &http.Client{Timeout: 30 * time.Minute}}, nil
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			return 0, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.info.Addr+path, &buf)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.info.Token)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("reach the running server (pid %d) at %s: %w", c.info.PID, c.info.Addr, err)
	}
	defer res.Body.Close()
	return res.StatusCode, json.NewDecoder(res.Body).Decode(out)
}

// Restore asks the server to restore org in place.
func (c *Client) Restore(ctx context.Context, org string, at time.Time) (RestoreResponse, error) {
	var out RestoreResponse
	status, err := c.do(ctx, http.MethodPost, "/restore", RestoreRequest{Org: org, At: at}, &out)
	if err != nil {
		return out, err
	}
	if status != http.StatusOK {
		return out, fmt.Errorf("restore failed: %s", out.Error)
	}
	return out, nil
}

// Replicas returns the server's replication status.
func (c *Client) Replicas(ctx context.Context) ([]ReplicaRow, error) {
	var out []ReplicaRow
	status, err := c.do(ctx, http.MethodGet, "/replicas", nil, &out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("status %d", status)
	}
	return out, err
}
