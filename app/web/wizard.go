package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
	"sportsapp/app/onboarding"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// wizardFields are the wizard's inputs and the step that shows each; the
// others travel as hidden inputs, so going back and forth loses nothing.
var wizardFields = []struct {
	name string
	step int
}{
	{"name", 1}, {"slug", 1},
	{settings.FCurrency, 2}, {settings.FTimezone, 2}, {settings.FSeasonName, 2},
	{settings.FSeasonStart, 2}, {settings.FSeasonEnd, 2},
	{"type_name", 2}, {"type_price", 2}, {"type_description", 2},
	{"admin_name", 3}, {"admin_email", 3},
}

var wizardSteps = []string{"Name and address", "Initial settings", "First admin", "Review and create"}

type stepView struct {
	Title         string
	Current, Done bool
}

type hiddenField struct{ Name, Value string }

type slugView struct {
	Value, Error, Host, BaseDomain string
	OK                             bool
}

type wizardView struct {
	CSRF           string
	Step           int
	Steps          []stepView
	Values         map[string]string
	Hidden         []hiddenField
	Errors         map[string]string
	Error          string
	Slug           slugView
	Host           string
	MailConfigured bool
}

type wizardPage struct {
	page
	Wizard wizardView
}

// wizardValues reads every wizard field from the request (or, with no
// values yet, the defaults).
func wizardValues(c *fiber.Ctx, fresh bool) map[string]string {
	v := map[string]string{}
	if fresh {
		d := onboarding.DefaultRequest(timeNow())
		for _, f := range wizardFields {
			v[f.name] = d.Settings[f.name]
		}
		v["type_name"], v["type_price"], v["type_description"] = d.FirstType.Name, d.FirstType.Price, d.FirstType.Description
		return v
	}
	for _, f := range wizardFields {
		v[f.name] = c.FormValue(f.name)
	}
	return v
}

// request turns wizard values into an onboarding request.
func request(v map[string]string) onboarding.Request {
	r := onboarding.DefaultRequest(timeNow())
	r.Name, r.Slug, r.AdminName, r.AdminEmail = v["name"], v["slug"], v["admin_name"], v["admin_email"]
	for _, f := range []string{settings.FCurrency, settings.FTimezone, settings.FSeasonName, settings.FSeasonStart, settings.FSeasonEnd} {
		r.Settings[f] = v[f]
	}
	r.FirstType = settings.TypeForm{Name: v["type_name"], Price: v["type_price"], Description: v["type_description"], Active: true}
	return r
}

// wizard builds the view of step with values and errors.
func (s *Server) wizard(c *fiber.Ctx, step int, values, errs map[string]string) wizardView {
	w := wizardView{Step: step, Values: values, Errors: errs, MailConfigured: s.mailConfigured}
	w.CSRF, _ = c.Locals(localCSRF).(string)
	for i, title := range wizardSteps {
		w.Steps = append(w.Steps, stepView{Title: title, Current: i+1 == step, Done: i+1 < step})
	}
	for _, f := range wizardFields {
		if f.step != step {
			w.Hidden = append(w.Hidden, hiddenField{Name: f.name, Value: values[f.name]})
		}
	}
	w.Slug = slugView{Value: values["slug"], Error: errs["slug"], BaseDomain: s.resolver.BaseDomain()}
	w.Host = s.hostURL(c, values["slug"])
	return w
}

// firstStepWithError is where the wizard goes back to when creating fails
// validation.
func firstStepWithError(errs map[string]string) int {
	step := onboarding.StepReview
	for _, f := range wizardFields {
		if errs[f.name] != "" && f.step < step {
			step = f.step
		}
	}
	return step
}

func (s *Server) renderWizard(c *fiber.Ctx, status int, w wizardView) error {
	if isHTMX(c) {
		return s.render(c, status, "console/_wizard", w)
	}
	return s.render(c, status, "console/new", wizardPage{page: s.pageFor(c, "New organization"), Wizard: w})
}

// handleWizard starts the onboarding wizard with the default settings, at
// the step in the URL (?step=N: each step is an entry of the browser's
// history, which htmx restores with what was typed; this answers a reload
// or a visit with nothing saved, from the defaults).
func (s *Server) handleWizard(c *fiber.Ctx) error {
	step := min(max(c.QueryInt("step", onboarding.StepOrg), onboarding.StepOrg), onboarding.StepReview)
	return s.renderWizard(c, fiber.StatusOK, s.wizard(c, step, wizardValues(c, true), nil))
}

// wizardStepURL is the address of a wizard step, pushed to the browser's
// history when the step changes.
func wizardStepURL(step int) string {
	if step == onboarding.StepOrg {
		return "/console/new"
	}
	return "/console/new?step=" + strconv.Itoa(step)
}

// renderStep answers a move to step: the step's address goes into the
// browser's history, so Back returns to the step before.
func (s *Server) renderStep(c *fiber.Ctx, w wizardView) error {
	if isHTMX(c) {
		c.Set("HX-Push-Url", wizardStepURL(w.Step))
	}
	return s.renderWizard(c, fiber.StatusOK, w)
}

// handleWizardStep moves between steps: "next" validates the current step
// first, "back" never does. Every value travels with the form.
func (s *Server) handleWizardStep(c *fiber.Ctx) error {
	step, _ := strconv.Atoi(c.FormValue("step"))
	step = min(max(step, onboarding.StepOrg), onboarding.StepReview)
	values := wizardValues(c, false)
	if c.FormValue("action") == "back" {
		return s.renderStep(c, s.wizard(c, max(step-1, onboarding.StepOrg), values, nil))
	}
	if step == onboarding.StepOrg && values["slug"] == "" {
		values["slug"] = onboarding.SuggestSlug(values["name"])
	}
	if errs := s.onboarding.ValidateStep(c.UserContext(), step, request(values)); errs != nil {
		return s.renderWizard(c, fiber.StatusUnprocessableEntity, s.wizard(c, step, values, errs))
	}
	return s.renderStep(c, s.wizard(c, min(step+1, onboarding.StepReview), values, nil))
}

// handleWizardSlug checks the address as it is typed (format, reserved
// words, availability), suggesting one from the name when it is empty.
func (s *Server) handleWizardSlug(c *fiber.Ctx) error {
	slug := c.FormValue("slug")
	if slug == "" {
		slug = onboarding.SuggestSlug(c.FormValue("name"))
	}
	v := slugView{Value: slug, BaseDomain: s.resolver.BaseDomain(), Host: s.hostURL(c, slug)}
	if slug != "" {
		v.Error = s.onboarding.SlugProblem(c.UserContext(), slug)
		v.OK = v.Error == ""
	}
	// While the address is typed only its message changes, so the input
	// keeps focus; a change of name may fill in the whole field.
	if c.Query("part") == "status" {
		return s.render(c, fiber.StatusOK, "console/_slug_status", v)
	}
	return s.render(c, fiber.StatusOK, "console/_slug", v)
}

type createdView struct {
	Org         tenant.Org
	URL         string
	Email, Link string
}

type createdPage struct {
	page
	Created createdView
}

// handleWizardCreate provisions the organization. Validation failures go
// back to the first step with a problem; success shows the result and,
// with no mail server, the invitation link once.
func (s *Server) handleWizardCreate(c *fiber.Ctx) error {
	values := wizardValues(c, false)
	res, err := s.onboarding.Provision(c.UserContext(), request(values), operator(c))
	if errs := apperr.FieldsOf(err); errs != nil {
		return s.renderWizard(c, fiber.StatusUnprocessableEntity, s.wizard(c, firstStepWithError(errs), values, errs))
	}
	if apperr.CodeOf(err) == apperr.Conflict {
		errs := map[string]string{"slug": apperr.MessageOf(err)}
		return s.renderWizard(c, fiber.StatusConflict, s.wizard(c, onboarding.StepOrg, values, errs))
	}
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return err
		}
		s.log.Error("provision organization", "slug", values["slug"], "err", err)
		w := s.wizard(c, onboarding.StepReview, values, nil)
		w.Error = "The organization could not be created, and nothing was left behind. Try again; if it fails again, the log has the reason (reference " + requestID(c) + ")."
		return s.renderWizard(c, fiber.StatusInternalServerError, w)
	}
	v := createdView{Org: res.Org, URL: s.hostURL(c, res.Org.Slug) + "/", Email: res.Invitation.Email}
	if !s.mailConfigured {
		v.Link = res.Link
	}
	if isHTMX(c) {
		return s.render(c, fiber.StatusOK, "console/_created", v)
	}
	return s.render(c, fiber.StatusOK, "console/created", createdPage{page: s.pageFor(c, res.Org.Name+" created"), Created: v})
}
