package domain

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"sportsapp/app/tenant"
)

// background is the actor of checks made by the server on its own.
var background = Actor{Label: "background"}

// CheckDue checks every domain whose next check is due: pending ones with
// backoff (1 minute, doubling, at most 6 hours) until PendingFor has passed,
// then they are expired; verified ones daily, remembering since when their
// record is missing (Flagged after FlagAfter). It returns how many it
// checked.
func (s *Service) CheckDue(ctx context.Context) (int, error) {
	due, err := s.reader().DomainDue(ctx, sqlNullTime(s.now()))
	if err != nil {
		return 0, err
	}
	for _, r := range due {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		_, out, err := s.check(ctx, r)
		if err != nil {
			return 0, err
		}
		if out == Verified && r.Status != StatusVerified {
			org, err := s.reader().OrganizationByID(ctx, r.OrgID)
			if err != nil {
				return 0, err
			}
			if err := s.audit(ctx, background, "domain.verify", tenant.Org{ID: org.ID, Slug: org.Slug}, r.Name); err != nil {
				return 0, err
			}
		}
	}
	return len(due), nil
}

// Run calls CheckDue every interval until ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := s.CheckDue(ctx); err != nil && ctx.Err() == nil && log != nil {
				log.Error("domain checks", "err", err)
			}
		}
	}
}

func sqlNullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: true} }
