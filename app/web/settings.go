package web

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// fieldView is one settings field as the form shows it.
type fieldView struct {
	Name, Label, Kind, Value, Error, Help string
	List                                  []string
}

type fieldGroup struct {
	Title  string
	Fields []fieldView
}

type conflictView struct {
	Message string
	By      string
	Version int64
	Changes []settings.Change
}

// settingsFormView is the data of the settings form partial.
type settingsFormView struct {
	CSRF      string
	Version   int64
	UpdatedBy string
	UpdatedAt string
	Saved     string
	Invalid   int
	Conflict  *conflictView
	Groups    []fieldGroup
}

// settingsLayout says how each field is shown: its group, input kind and help.
var settingsLayout = []struct {
	title  string
	fields []string
}{
	{"Organization", []string{settings.FDisplayName, settings.FContactEmail, settings.FTimezone, settings.FCurrency}},
	{"Season", []string{settings.FSeasonName, settings.FSeasonStart, settings.FSeasonEnd}},
	{"Membership registration", []string{settings.FRegistrationOpen, settings.FRegistrationOpensOn, settings.FRegistrationClosesOn}},
	{"Waiver and brand", []string{settings.FWaiverText, settings.FBrandColor}},
}

var fieldKinds = map[string]string{
	settings.FContactEmail: "email", settings.FSeasonStart: "date", settings.FSeasonEnd: "date",
	settings.FRegistrationOpen: "checkbox", settings.FRegistrationOpensOn: "date", settings.FRegistrationClosesOn: "date",
	settings.FWaiverText: "textarea", settings.FBrandColor: "color",
}

var fieldHelp = map[string]string{
	settings.FContactEmail:         "Shown to members who need help.",
	settings.FTimezone:             "Dates such as the season's end are days in this time zone.",
	settings.FCurrency:             "ISO 4217 code. Fees are charged in this currency.",
	settings.FSeasonEnd:            "Memberships bought this season are valid until this day.",
	settings.FRegistrationOpensOn:  "Optional: registration opens automatically on this day.",
	settings.FRegistrationClosesOn: "Optional: registration closes after this day.",
	settings.FWaiverText:           "Members accept it when they buy a membership.",
}

// newField describes one field with its value and error.
func newField(name string, form settings.Form, errs map[string]string) fieldView {
	f := fieldView{Name: name, Label: settings.Label(name), Kind: fieldKinds[name], Value: form[name], Error: errs[name], Help: fieldHelp[name]}
	if f.Kind == "" {
		f.Kind = "text"
	}
	switch name {
	case settings.FTimezone:
		f.List = settings.Timezones
	case settings.FCurrency:
		f.List = settings.Currencies
	}
	return f
}

// settingsForm builds the form view from form text and errors.
func settingsForm(c *fiber.Ctx, st settings.Settings, form settings.Form, errs map[string]string) settingsFormView {
	v := settingsFormView{Version: st.Version, UpdatedBy: st.UpdatedBy, Invalid: len(errs)}
	v.CSRF, _ = c.Locals(localCSRF).(string)
	if !st.UpdatedAt.IsZero() {
		v.UpdatedAt = st.UpdatedAt.Format("2006-01-02 15:04") + " UTC"
	}
	for _, g := range settingsLayout {
		fg := fieldGroup{Title: g.title}
		for _, name := range g.fields {
			fg.Fields = append(fg.Fields, newField(name, form, errs))
		}
		v.Groups = append(v.Groups, fg)
	}
	return v
}

type settingsView struct {
	page
	Form  settingsFormView
	Types typesView
}

// handleSettingsEdit shows the settings form and the membership types.
func (s *Server) handleSettingsEdit(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	st, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return err
	}
	return s.renderSettingsPage(c, sc, fiber.StatusOK, settingsForm(c, st, st.Form(), nil))
}

func (s *Server) renderSettingsPage(c *fiber.Ctx, sc *tenant.Scope, status int, form settingsFormView) error {
	types, err := s.typesView(c, sc)
	if err != nil {
		return err
	}
	return s.render(c, status, "settings/edit", settingsView{page: s.pageFor(c, "Settings"), Form: form, Types: types})
}

// formOf reads the settings fields from the request body.
func formOf(c *fiber.Ctx) settings.Form {
	f := settings.Form{}
	for _, fd := range settings.Fields {
		f[fd.Name] = c.FormValue(fd.Name)
	}
	return f
}

// handleSettingsSave validates the whole form and saves it as the version
// after the one the admin opened. htmx gets the form back (with the
// confirmation, the errors, or the conflict); a plain post is redirected
// after success or gets the whole page otherwise.
func (s *Server) handleSettingsSave(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	form := formOf(c)
	base, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	current, err := s.settings.Get(c.UserContext(), sc)
	if err != nil {
		return err
	}
	next, errs := settings.Parse(form)
	if errs != nil {
		shown := current
		shown.Version = base
		return s.settingsResult(c, sc, fiber.StatusUnprocessableEntity, settingsForm(c, shown, form, errs))
	}
	saved, err := s.settings.Save(c.UserContext(), sc, actor(c), base, next)
	var conflict *settings.ConflictError
	if errors.As(err, &conflict) {
		// Keep the admin's entries; the next save applies them on top of
		// the current version, knowingly.
		v := settingsForm(c, conflict.Current, form, nil)
		v.Conflict = &conflictView{Message: apperr.MessageOf(err), By: conflict.By, Version: conflict.Current.Version, Changes: conflict.Changes}
		return s.settingsResult(c, sc, fiber.StatusConflict, v)
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Settings saved as version %d.", saved.Version)
	if !isHTMX(c) {
		s.flash(c, msg)
		return redirect(c, "/admin/settings")
	}
	v := settingsForm(c, saved, saved.Form(), nil)
	v.Saved = msg
	return s.render(c, fiber.StatusOK, "settings/_form", v)
}

func (s *Server) settingsResult(c *fiber.Ctx, sc *tenant.Scope, status int, v settingsFormView) error {
	if isHTMX(c) {
		return s.render(c, status, "settings/_form", v)
	}
	return s.renderSettingsPage(c, sc, status, v)
}

// handleSettingsValidate checks the form as the admin leaves a field and
// returns that field's partial with its message (cross-field rules, such as
// the season's end after its start, need the whole form).
func (s *Server) handleSettingsValidate(c *fiber.Ctx) error {
	name := c.Params("field")
	if settings.Label(name) == name {
		return apperr.Errorf(apperr.NotFound, "No such settings field.")
	}
	form := formOf(c)
	_, errs := settings.Parse(form)
	return s.render(c, fiber.StatusOK, "settings/_field", newField(name, form, errs))
}

type historyView struct {
	page
	History    settings.HistoryPage
	Prev, Next int
}

// handleSettingsHistory lists saved versions, newest first.
func (s *Server) handleSettingsHistory(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	h, err := settings.History(c.UserContext(), sc, c.QueryInt("page", 1))
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "settings/history", historyView{page: s.pageFor(c, "Settings history"), History: h, Prev: h.Page - 1, Next: h.Page + 1})
}

type versionRow struct{ Label, Value string }

type versionView struct {
	page
	Settings settings.Settings
	Rows     []versionRow
}

// handleSettingsVersion shows one past version as it was saved.
func (s *Server) handleSettingsVersion(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	v, err := strconv.ParseInt(c.Params("version"), 10, 64)
	if err != nil {
		return apperr.Errorf(apperr.NotFound, "No such version.")
	}
	st, err := settings.VersionAt(c.UserContext(), sc, v)
	if err != nil {
		return err
	}
	view := versionView{page: s.pageFor(c, fmt.Sprintf("Settings version %d", v)), Settings: st}
	form := st.Form()
	for _, f := range settings.Fields {
		val := form[f.Name]
		if f.Name == settings.FRegistrationOpen {
			val = map[bool]string{true: "open", false: "closed"}[st.RegistrationOpen]
		}
		view.Rows = append(view.Rows, versionRow{Label: f.Label, Value: val})
	}
	return s.render(c, fiber.StatusOK, "settings/version", view)
}
