package ops

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"sportsapp/app/tenant"
)

// A CLI command that writes an organization's database while a server runs
// writes it directly (SQLite coordinates the two processes), but the
// server's replicator only ships an org it holds. So the command first
// asks the server to hold the org (open in the pool and replicated, as
// before a request's first write),
// writes, and then releases it: the server syncs the org to the replica
// before answering, so every write the command made is in the replica when
// it exits. An org created by a command is shipped the same way.

// holdTimeout frees a hold whose command died without releasing it.
const holdTimeout = 15 * time.Minute

// HoldRequest names the organization to hold, or a hold to release.
type HoldRequest struct {
	Org   string `json:"org,omitempty"`   // slug (hold)
	Name  string `json:"name,omitempty"`  // replica name, orgs/<id> (ship)
	Token string `json:"token,omitempty"` // from a hold (release)
}

// HoldResponse answers a hold, release or ship.
type HoldResponse struct {
	Token string `json:"token,omitempty"`
	Error string `json:"error,omitempty"`
}

type hold struct {
	org   tenant.Org
	h     *tenant.Handle
	timer *time.Timer
}

// holds are the server's outstanding holds, by token.
type holds struct {
	mu sync.Mutex
	m  map[string]*hold
}

func (s *Server) handleHold(w http.ResponseWriter, r *http.Request) {
	var req HoldRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, HoldResponse{Error: "bad request: " + err.Error()})
		return
	}
	org, err := s.Registry.BySlug(r.Context(), req.Org)
	if err != nil {
		writeJSON(w, http.StatusNotFound, HoldResponse{Error: "no organization " + req.Org})
		return
	}
	h, err := s.Pool.Acquire(r.Context(), org)
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, HoldResponse{Error: err.Error()})
		return
	}
	// The command is about to write: replication starts now, as before a
	// request's first write.
	h.BeforeWrite(r.Context())
	h.Wrote()
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	s.holds.mu.Lock()
	if s.holds.m == nil {
		s.holds.m = map[string]*hold{}
	}
	hd := &hold{org: org, h: h}
	hd.timer = time.AfterFunc(holdTimeout, func() {
		if s.take(token) != nil {
			s.Log.Warn("a CLI command's hold on an organization expired", "org", org.Slug)
			s.finish(context.Background(), hd)
		}
	})
	s.holds.m[token] = hd
	s.holds.mu.Unlock()
	writeJSON(w, http.StatusOK, HoldResponse{Token: token})
}

func (s *Server) handleRelease(w http.ResponseWriter, r *http.Request) {
	var req HoldRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, HoldResponse{Error: "bad request: " + err.Error()})
		return
	}
	hd := s.take(req.Token)
	if hd == nil {
		writeJSON(w, http.StatusNotFound, HoldResponse{Error: "no such hold (expired?)"})
		return
	}
	hd.timer.Stop()
	if err := s.finish(r.Context(), hd); err != nil {
		writeJSON(w, http.StatusBadGateway, HoldResponse{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, HoldResponse{})
}

// take removes and returns the hold with token, or nil.
func (s *Server) take(token string) *hold {
	s.holds.mu.Lock()
	defer s.holds.mu.Unlock()
	hd := s.holds.m[token]
	delete(s.holds.m, token)
	return hd
}

// finish ships what the command wrote, then lets the org go.
func (s *Server) finish(ctx context.Context, hd *hold) error {
	defer hd.h.Release()
	path, err := s.Registry.OrgPath(hd.org.ID)
	if err != nil {
		return err
	}
	return s.Replicator.Sync(ctx, path)
}

// handleShip replicates an organization a command has just created,
// named by its replica name (orgs/<id>).
func (s *Server) handleShip(w http.ResponseWriter, r *http.Request) {
	var req HoldRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, HoldResponse{Error: "bad request: " + err.Error()})
		return
	}
	id, ok := strings.CutPrefix(req.Name, "orgs/")
	path, err := s.Registry.OrgPath(id)
	if !ok || err != nil {
		writeJSON(w, http.StatusBadRequest, HoldResponse{Error: "not an organization's replica name: " + req.Name})
		return
	}
	if err := s.Replicator.Ship(r.Context(), req.Name, path); err != nil {
		writeJSON(w, http.StatusBadGateway, HoldResponse{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, HoldResponse{})
}

// Hold asks the server to keep org open (and replicated) until Release.
func (c *Client) Hold(ctx context.Context, org string) (string, error) {
	var out HoldResponse
	status, err := c.do(ctx, http.MethodPost, "/hold", HoldRequest{Org: org}, &out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("hold %s: %s", org, out.Error)
	}
	return out.Token, err
}

// Release ends a hold; the server syncs the org to the replica first.
func (c *Client) Release(ctx context.Context, token string) error {
	var out HoldResponse
	status, err := c.do(ctx, http.MethodPost, "/release", HoldRequest{Token: token}, &out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("release: %s", out.Error)
	}
	return err
}

// Ship asks the server to replicate the organization database with the
// replica name (orgs/<id>) now, after a command created it.
func (c *Client) Ship(ctx context.Context, name string) error {
	var out HoldResponse
	status, err := c.do(ctx, http.MethodPost, "/ship", HoldRequest{Name: name}, &out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("replicate %s: %s", name, out.Error)
	}
	return err
}
