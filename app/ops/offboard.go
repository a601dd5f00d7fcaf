package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"sportsapp/app/apperr"
	"sportsapp/app/offboard"
)

// `org delete --now` next to a running server asks the server to delete
// the organization (issue 17): only the server can take the organization
// offline in its pool and unregister it from its replication before the
// files go.

// DeleteOrgRequest asks the server to delete an organization now.
type DeleteOrgRequest struct {
	Org         string `json:"org"`
	Actor       string `json:"actor"`
	Force       bool   `json:"force"`
	KeepReplica bool   `json:"keep_replica"`
}

// DeleteOrgResponse answers a DeleteOrgRequest.
type DeleteOrgResponse struct {
	Error string `json:"error,omitempty"`
}

func (s *Server) handleDeleteOrg(w http.ResponseWriter, r *http.Request) {
	var req DeleteOrgRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, DeleteOrgResponse{Error: "bad request: " + err.Error()})
		return
	}
	if s.Offboard == nil {
		writeJSON(w, http.StatusNotImplemented, DeleteOrgResponse{Error: "this server does not delete organizations"})
		return
	}
	err := s.Offboard.DeleteNow(r.Context(), req.Org, offboard.Actor{Label: req.Actor}, req.Force, req.KeepReplica)
	if err != nil {
		status := http.StatusInternalServerError
		switch apperr.CodeOf(err) {
		case apperr.NotFound:
			status = http.StatusNotFound
		case apperr.Conflict:
			status = http.StatusConflict
		}
		writeJSON(w, status, DeleteOrgResponse{Error: apperr.MessageOf(err)})
		return
	}
	writeJSON(w, http.StatusOK, DeleteOrgResponse{})
}

// DeleteOrg asks the server to delete an organization now.
func (c *Client) DeleteOrg(ctx context.Context, req DeleteOrgRequest) error {
	var out DeleteOrgResponse
	status, err := c.do(ctx, http.MethodPost, "/delete-org", req, &out)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("%s", out.Error)
	}
	return nil
}
