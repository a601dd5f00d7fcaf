package web

import (
	"bufio"
	"context"
	"fmt"
	"path/filepath"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/offboard"
	"sportsapp/app/tenant"
)

// Exports (issue 17, docs/offboarding.md): a super-admin downloads an
// organization's whole export from the console (CSV files and the SQLite
// snapshot); an org admin downloads the CSV files from /admin/export. The
// snapshot is taken before the response starts (so a failure is an
// ordinary error page), then the zip is streamed from it: never the whole
// export in memory.

// exportTempDir is where snapshots are made: the data directory's tmp.
func (s *Server) exportTempDir() string { return filepath.Join(s.reg.DataDir(), "tmp") }

// handleConsoleExport downloads an organization's full export.
func (s *Server) handleConsoleExport(c *fiber.Ctx) error {
	o, err := s.consoleOrg(c)
	if err != nil {
		return err
	}
	snap, err := offboard.Take(c.UserContext(), s.pool, o, s.exportTempDir())
	if err != nil {
		return err
	}
	by := operator(c)
	if err := s.reg.Audit(c.UserContext(), by.Label, "org.export", o, "download from the console, with the database", by.IP); err != nil {
		snap.Close()
		return err
	}
	return s.sendExport(c, snap, offboard.Options{Database: true})
}

type adminExportView struct {
	page
	Files []offboard.File
}

// handleAdminExportPage offers the organization's export to its admins.
func (s *Server) handleAdminExportPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "offboarding/admin_export", adminExportView{page: s.pageFor(c, "Export your data"), Files: offboard.Tables()})
}

// handleAdminExport downloads the organization's CSV files (no database
// snapshot: that is for operators). The org's audit log records it.
func (s *Server) handleAdminExport(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	snap, err := offboard.Take(c.UserContext(), s.pool, sc.Org, s.exportTempDir())
	if err != nil {
		return err
	}
	if err := account.Audit(c.UserContext(), sc.W(), s.now(), actor(c), "org.export", "", "CSV files"); err != nil {
		snap.Close()
		return err
	}
	return s.sendExport(c, snap, offboard.Options{})
}

// sendExport streams snap's zip as the response body and removes the
// snapshot afterwards. An error once the body has started can only be
// logged (the download is then cut short, and the zip is unreadable).
func (s *Server) sendExport(c *fiber.Ctx, snap *offboard.Snapshot, opt offboard.Options) error {
	name := fmt.Sprintf("%s-export-%s.zip", snap.Org.Slug, snap.At.Format("2006-01-02"))
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if c.Method() == fiber.MethodHead {
		return snap.Close()
	}
	log := s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer snap.Close()
		if _, err := snap.WriteZip(context.Background(), w, opt); err != nil {
			log.Error("export stream", "org", snap.Org.Slug, "err", err)
			return
		}
		if err := w.Flush(); err != nil {
			log.Warn("export stream", "org", snap.Org.Slug, "err", err)
		}
	})
	return nil
}
