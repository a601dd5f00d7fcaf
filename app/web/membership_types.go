package web

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

type typeRowView struct {
	Type     settings.MembershipType
	Currency string
	CSRF     string
	Message  string
	Error    string
}

type typeEditView struct {
	Type     settings.MembershipType
	Form     settings.TypeForm
	Errors   map[string]string
	Currency string
	CSRF     string
}

type typesView struct {
	Rows     []typeRowView
	New      settings.TypeForm
	Errors   map[string]string
	Message  string
	Currency string
	CSRF     string
}

// typesView lists the membership types for the settings page.
func (s *Server) typesView(c *fiber.Ctx, sc *tenant.Scope) (typesView, error) {
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return typesView{}, err
	}
	types, err := settings.Types(c.UserContext(), sc)
	if err != nil {
		return typesView{}, err
	}
	v := typesView{Currency: st.Currency}
	v.CSRF, _ = c.Locals(localCSRF).(string)
	for _, t := range types {
		v.Rows = append(v.Rows, typeRowView{Type: t, Currency: st.Currency, CSRF: v.CSRF})
	}
	return v, nil
}

func typeForm(c *fiber.Ctx) settings.TypeForm {
	return settings.TypeForm{Name: c.FormValue("name"), Description: c.FormValue("description"), Price: c.FormValue("price"), Active: c.FormValue("active") == "on"}
}

func typeID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Errorf(apperr.NotFound, "No such membership type.")
	}
	return id, nil
}

// handleTypeCreate adds a membership type; htmx gets the refreshed list.
func (s *Server) handleTypeCreate(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	f := typeForm(c)
	t, cerr := s.settings.CreateType(c.UserContext(), sc, actor(c), f)
	fields := apperr.FieldsOf(cerr)
	if cerr != nil && fields == nil {
		return cerr
	}
	if !isHTMX(c) && cerr == nil {
		s.flash(c, "Added "+t.Name+".")
		return redirect(c, "/admin/settings#fees")
	}
	v, err := s.typesView(c, sc)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if fields != nil {
		status, v.New, v.Errors = fiber.StatusUnprocessableEntity, f, fields
	} else {
		v.Message = "Added " + t.Name + "."
	}
	if isHTMX(c) {
		return s.render(c, status, "settings/_types", v)
	}
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return err
	}
	return s.render(c, status, "settings/edit", settingsView{page: s.pageFor(c, "Settings"), Form: settingsForm(c, st, st.Form(), nil), Types: v})
}

// rowView builds a type's row.
func (s *Server) rowView(c *fiber.Ctx, sc *tenant.Scope, t settings.MembershipType) (typeRowView, error) {
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return typeRowView{}, err
	}
	csrf, _ := c.Locals(localCSRF).(string)
	return typeRowView{Type: t, Currency: st.Currency, CSRF: csrf}, nil
}

// typeRow loads the membership type named by :id and its row.
func (s *Server) typeRow(c *fiber.Ctx) (typeRowView, error) {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return typeRowView{}, err
	}
	id, err := typeID(c)
	if err != nil {
		return typeRowView{}, err
	}
	t, err := settings.Type(c.UserContext(), sc, id)
	if err != nil {
		return typeRowView{}, err
	}
	return s.rowView(c, sc, t)
}

// handleTypeRow returns a type's row (cancelling an inline edit).
func (s *Server) handleTypeRow(c *fiber.Ctx) error {
	row, err := s.typeRow(c)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect("/admin/settings#fees", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "settings/_type_row", row)
}

// handleTypeEdit returns the inline edit form of a type.
func (s *Server) handleTypeEdit(c *fiber.Ctx) error {
	row, err := s.typeRow(c)
	if err != nil {
		return err
	}
	t := row.Type
	if t.Archived {
		return apperr.Errorf(apperr.Conflict, "This membership type is archived; restore it to edit it.")
	}
	v := typeEditView{Type: t, Form: t.Form(), Currency: row.Currency, CSRF: row.CSRF}
	if isHTMX(c) {
		return s.render(c, fiber.StatusOK, "settings/_type_edit", v)
	}
	return s.render(c, fiber.StatusOK, "settings/type_edit", typeEditPage{page: s.pageFor(c, "Edit "+t.Name), Edit: v})
}

type typeEditPage struct {
	page
	Edit typeEditView
}

// handleTypeSave saves an inline edit.
func (s *Server) handleTypeSave(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := typeID(c)
	if err != nil {
		return err
	}
	f := typeForm(c)
	t, uerr := s.settings.UpdateType(c.UserContext(), sc, actor(c), id, f)
	if fields := apperr.FieldsOf(uerr); fields != nil {
		cur, err := settings.Type(c.UserContext(), sc, id)
		if err != nil {
			return err
		}
		row, err := s.rowView(c, sc, cur)
		if err != nil {
			return err
		}
		v := typeEditView{Type: cur, Form: f, Errors: fields, Currency: row.Currency, CSRF: row.CSRF}
		if isHTMX(c) {
			return s.render(c, fiber.StatusUnprocessableEntity, "settings/_type_edit", v)
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "settings/type_edit", typeEditPage{page: s.pageFor(c, "Edit "+cur.Name), Edit: v})
	}
	if uerr != nil {
		return uerr
	}
	return s.typeDone(c, sc, t, "Saved.")
}

// handleTypeArchive retires a type.
func (s *Server) handleTypeArchive(c *fiber.Ctx) error {
	return s.typeAction(c, "Archived.", s.settings.ArchiveType)
}

// handleTypeRestore brings an archived type back.
func (s *Server) handleTypeRestore(c *fiber.Ctx) error {
	return s.typeAction(c, "Restored; it is not offered until you edit it.", s.settings.RestoreType)
}

func (s *Server) typeAction(c *fiber.Ctx, msg string, do func(context.Context, *tenant.Scope, account.Actor, int64) (settings.MembershipType, error)) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := typeID(c)
	if err != nil {
		return err
	}
	t, err := do(c.UserContext(), sc, actor(c), id)
	if err != nil {
		return err
	}
	return s.typeDone(c, sc, t, msg)
}

// typeDone answers a successful change: the row for htmx, a redirect
// otherwise.
func (s *Server) typeDone(c *fiber.Ctx, sc *tenant.Scope, t settings.MembershipType, msg string) error {
	if !isHTMX(c) {
		s.flash(c, t.Name+": "+msg)
		return redirect(c, "/admin/settings#fees")
	}
	row, err := s.rowView(c, sc, t)
	if err != nil {
		return err
	}
	row.Message = msg
	return s.render(c, fiber.StatusOK, "settings/_type_row", row)
}
