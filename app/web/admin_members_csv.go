package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// memberExportPage is how many members one read of the export returns (a
// variable so that a test can make pages small).
var memberExportPage = 500

// memberExportHeader is the export's header row, in the order of
// memberExportRecord.
var memberExportHeader = []string{"name", "email", "role", "account_status", "joined", "last_sign_in",
	"membership_season", "membership_type", "membership_status",
	"date_of_birth", "pronouns", "phone", "emergency_name", "emergency_relationship", "emergency_phone"}

// memberExportRecord is one member's line: dates in the organization's
// time zone, what members typed made safe for spreadsheets. Never a
// password hash or a token.
func memberExportRecord(r orgdb.MemberExportPageRow, season string, loc *time.Location) []string {
	typeName, status, _ := strings.Cut(r.Membership, "\t")
	if status == "" {
		status = "none"
	}
	last := ""
	if r.LastLoginAt.Valid {
		last = localDateTime(r.LastLoginAt.Time, loc)
	}
	return []string{csvCell(r.Name), csvCell(r.Email), r.Role, r.Status, localDate(r.CreatedAt, loc), last,
		csvCell(season), csvCell(typeName), status,
		r.DateOfBirth, csvCell(r.Pronouns), csvCell(r.Phone), csvCell(r.EmergencyName), csvCell(r.EmergencyRelationship), csvCell(r.EmergencyPhone)}
}

// csvCell stops a spreadsheet from running a value typed by a member as a
// formula (a leading =, +, -, @, tab or carriage return).
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// handleMembersCSV downloads every member as CSV: the account, the
// membership for the current season and the profile with the emergency
// contact. The first page is read inside the request (so a failure is an
// ordinary error page); the body is then streamed, page by page, each page
// read with the org's database held only for that read, never while
// waiting on a slow client.
func (s *Server) handleMembersCSV(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st, err := s.settings.Get(ctx, sc)
	if err != nil {
		return err
	}
	season, loc, org := st.SeasonName, st.Location(), sc.Org
	rows, err := sc.Q().MemberExportPage(ctx, orgdb.MemberExportPageParams{SeasonName: season, Limit: int64(memberExportPage)})
	if err != nil {
		return err
	}
	name := org.Slug + "-members-" + st.Today(s.now()).Format(settings.DateLayout) + ".csv"
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if c.Method() == fiber.MethodHead {
		return nil
	}
	log := s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// A byte order mark first: without it Excel reads UTF-8 as the
		// local code page and garbles accented names (Québec, Chloé).
		_, _ = w.WriteString("\ufeff")
		cw := csv.NewWriter(w)
		_ = cw.Write(memberExportHeader)
		for {
			for _, r := range rows {
				_ = cw.Write(memberExportRecord(r, season, loc))
			}
			if cw.Flush(); cw.Error() != nil || w.Flush() != nil {
				return // the client went away
			}
			if len(rows) < memberExportPage {
				return
			}
			next, err := s.memberExportNext(org, season, rows[len(rows)-1].ID)
			if err != nil {
				log.Error("members export", "org", org.Slug, "err", err) // the download is cut short
				return
			}
			rows = next
		}
	})
	return nil
}

// memberExportNext reads the page after id, holding the org's database
// (through the pool) for that read only.
func (s *Server) memberExportNext(org tenant.Org, season string, after int64) ([]orgdb.MemberExportPageRow, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := s.pool.Acquire(ctx, org)
	if err != nil {
		return nil, err
	}
	defer h.Release()
	return tenant.NewScope(h).Q().MemberExportPage(ctx, orgdb.MemberExportPageParams{SeasonName: season, AfterID: after, Limit: int64(memberExportPage)})
}
