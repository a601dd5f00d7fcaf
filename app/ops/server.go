package ops

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/metrics"
	"sportsapp/app/offboard"
	"sportsapp/app/replication"
	"sportsapp/app/restore"
	"sportsapp/app/tenant"
)

// Server is the control endpoint of a running application.
type Server struct {
	Registry   *tenant.Registry
	Restore    *restore.Service
	Replicator *replication.Replicator
	Pool       *tenant.Pool
	// Offboard deletes organizations (org delete --now); nil: refused.
	Offboard *offboard.Deleter
	Log      *slog.Logger
	// Usage, if set, answers GET /usage: the busiest organizations.
	Usage *metrics.Metrics

	srv   *http.Server
	token string
	holds holds
}

// RestoreRequest asks the server to restore one organization in place.
type RestoreRequest struct {
	Org string    `json:"org"`
	At  time.Time `json:"at"` // zero: latest
}

// RestoreResponse is the outcome of a restore.
type RestoreResponse struct {
	Path       string   `json:"path,omitempty"`
	MovedAside []string `json:"moved_aside,omitempty"`
	TookMS     int64    `json:"took_ms,omitempty"`
	Error      string   `json:"error,omitempty"`
}

// ReplicaRow is one database in the replication status.
type ReplicaRow struct {
	Org      string    `json:"org"` // slug, or "platform"
	Name     string    `json:"name"`
	InSync   bool      `json:"in_sync"`
	LastSync time.Time `json:"last_sync"`
	Err      string    `json:"error,omitempty"`
}

// Start listens on addr (loopback only) and publishes the endpoint in
// dataDir.
func (s *Server) Start(addr, dataDir string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return errors.New("the ops endpoint listens on loopback only, e.g. 127.0.0.1:0")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	info, err := Publish(dataDir, ln.Addr().String())
	if err != nil {
		ln.Close()
		return err
	}
	s.token = info.Token
	mux := http.NewServeMux()
	mux.HandleFunc("POST /restore", s.auth(s.handleRestore))
	mux.HandleFunc("GET /replicas", s.auth(s.handleReplicas))
	mux.HandleFunc("POST /hold", s.auth(s.handleHold))
	mux.HandleFunc("POST /release", s.auth(s.handleRelease))
	mux.HandleFunc("POST /ship", s.auth(s.handleShip))
	mux.HandleFunc("POST /delete-org", s.auth(s.handleDeleteOrg))
	mux.HandleFunc("GET /usage", s.auth(s.handleUsage))
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Log.Error("ops endpoint", "err", err)
		}
	}()
	return nil
}

// Shutdown stops the endpoint and removes its file.
func (s *Server) Shutdown(ctx context.Context, dataDir string) error {
	Unpublish(dataDir)
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !validToken(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), s.token) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// handleRestore restores one organization in place, in this process, so it
// can put the organization into maintenance and pause its replication.
func (s *Server) handleRestore(w http.ResponseWriter, r *http.Request) {
	var req RestoreRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, RestoreResponse{Error: "bad request: " + err.Error()})
		return
	}
	org, err := s.Registry.BySlug(r.Context(), req.Org)
	if err != nil {
		writeJSON(w, http.StatusNotFound, RestoreResponse{Error: "no organization " + req.Org})
		return
	}
	res, err := s.Restore.Live(r.Context(), org, req.At)
	if err != nil {
		status := http.StatusInternalServerError
		if c := apperr.CodeOf(err); c == apperr.Conflict {
			status = http.StatusConflict
		}
		writeJSON(w, status, RestoreResponse{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, RestoreResponse{Path: res.Path, MovedAside: res.MovedAside, TookMS: res.Took.Milliseconds()})
}

// handleReplicas reports every replicated database.
func (s *Server) handleReplicas(w http.ResponseWriter, r *http.Request) {
	rows, err := StatusRows(r.Context(), s.Registry, s.Replicator)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, rows)
}

// StatusRows joins the replicator's status with the registry's slugs.
func StatusRows(ctx context.Context, reg *tenant.Registry, rep *replication.Replicator) ([]ReplicaRow, error) {
	orgs, err := reg.List(ctx)
	if err != nil {
		return nil, err
	}
	slugByName := map[string]string{"platform": "platform"}
	for _, o := range orgs {
		slugByName["orgs/"+o.ID] = o.Slug
	}
	var rows []ReplicaRow
	for _, st := range rep.Status() {
		slug := slugByName[st.Name]
		if slug == "" {
			slug = st.Name
		}
		rows = append(rows, ReplicaRow{Org: slug, Name: st.Name, InSync: st.InSync, LastSync: st.LastSync, Err: st.Err})
	}
	return rows, nil
}
