package web

import (
	"context"
	"net"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/domain"
	"sportsapp/app/tenant"
)

// Custom domains of an organization (docs/domains.md): the admin screens at
// /admin/domains, the redirect from <slug>.<base> to the primary domain,
// and the TLS ask endpoint Caddy consults before issuing a certificate.

// errNoDomains answers the domain routes of a server built without custom
// domains (the load harness).
var errNoDomains = apperr.Errorf(apperr.NotFound, "Custom domains are not available on this server.")

type domainsView struct {
	page
	Domain     string // the add form's value
	Errors     map[string]string
	Notice     string
	Target     string // what a CNAME should point at: <slug>.<base>
	Domains    []domain.Domain
	BaseDomain string
}

// domainsPage fills the view with the org's domains.
func (s *Server) domainsPage(c *fiber.Ctx, org tenant.Org) (domainsView, error) {
	v := domainsView{page: s.pageFor(c, "Domains"), Target: org.Slug + "." + s.resolver.BaseDomain(), BaseDomain: s.resolver.BaseDomain()}
	list, err := s.domains.List(c.UserContext(), org)
	if err != nil {
		return v, err
	}
	v.Domains = list
	return v, nil
}

// renderDomains sends the whole page, or the section for htmx.
func (s *Server) renderDomains(c *fiber.Ctx, status int, v domainsView) error {
	if isHTMX(c) {
		return s.render(c, status, "admin/_domains", v)
	}
	return s.render(c, status, "admin/domains", v)
}

// domainActor is who changes a domain, for the platform and org audit logs.
func domainActor(c *fiber.Ctx) (domain.Actor, account.Actor) {
	a := actor(c)
	return domain.Actor{Label: "org-admin:" + a.Label, IP: a.IP}, a
}

// orgAudit writes the change to the organization's own audit log too.
func (s *Server) orgAudit(c *fiber.Ctx, sc *tenant.Scope, a account.Actor, action, name string) error {
	return account.Audit(c.UserContext(), sc.W(), s.now(), a, action, name, "")
}

// handleDomains lists the org's domains with the add form.
func (s *Server) handleDomains(c *fiber.Ctx) error {
	if s.domains == nil {
		return errNoDomains
	}
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	v, err := s.domainsPage(c, sc.Org)
	if err != nil {
		return err
	}
	return s.renderDomains(c, fiber.StatusOK, v)
}

// handleDomainAdd claims a domain (pending until its TXT record is seen).
func (s *Server) handleDomainAdd(c *fiber.Ctx) error {
	if s.domains == nil {
		return errNoDomains
	}
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	pa, oa := domainActor(c)
	input := c.FormValue(domain.Field)
	d, aerr := s.domains.Add(c.UserContext(), pa, sc.Org, input)
	if aerr != nil && apperr.FieldsOf(aerr) == nil {
		return aerr
	}
	if aerr == nil {
		if err := s.orgAudit(c, sc, oa, "domain.add", d.Name); err != nil {
			return err
		}
	}
	v, err := s.domainsPage(c, sc.Org)
	if err != nil {
		return err
	}
	if fields := apperr.FieldsOf(aerr); fields != nil {
		v.Domain, v.Errors = input, fields
		return s.renderDomains(c, fiber.StatusUnprocessableEntity, v)
	}
	v.Notice = d.Name + " added: create its TXT record, then press Check now."
	return s.domainDone(c, v)
}

// domainDone answers a successful change: the section for htmx, a 303 with
// a flash message otherwise.
func (s *Server) domainDone(c *fiber.Ctx, v domainsView) error {
	if !isHTMX(c) {
		s.flash(c, v.Notice)
		return redirect(c, "/admin/domains")
	}
	return s.renderDomains(c, fiber.StatusOK, v)
}

// domainParam is the :name of a domain route, unescaped.
func domainParam(c *fiber.Ctx) string {
	name, err := url.PathUnescape(c.Params("name"))
	if err != nil {
		return ""
	}
	return name
}

// handleDomainCheck looks the TXT record up now.
func (s *Server) handleDomainCheck(c *fiber.Ctx) error {
	if s.domains == nil {
		return errNoDomains
	}
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	pa, oa := domainActor(c)
	before, err := s.domains.Get(c.UserContext(), domainParam(c))
	if err != nil || before.OrgID != sc.Org.ID {
		return domain.ErrNotFound
	}
	d, out, err := s.domains.Check(c.UserContext(), pa, sc.Org, before.Name)
	if err != nil {
		return err
	}
	if out == domain.Verified && !before.Verified() {
		if err := s.orgAudit(c, sc, oa, "domain.verify", d.Name); err != nil {
			return err
		}
	}
	v, err := s.domainsPage(c, sc.Org)
	if err != nil {
		return err
	}
	v.Notice = d.Name + ": " + out.Message() + "."
	if d.Warning != "" {
		v.Notice += " Note: " + d.Warning + "."
	}
	return s.domainDone(c, v)
}

// handleDomainPrimary makes a verified domain the primary one.
func (s *Server) handleDomainPrimary(c *fiber.Ctx) error {
	if s.domains == nil {
		return errNoDomains
	}
	return s.domainChange(c, "domain.primary", s.domains.SetPrimary, func(name, target string) string {
		return name + " is now the primary domain: " + target + " redirects to it."
	})
}

// handleDomainRemove deletes a domain; it stops routing at once.
func (s *Server) handleDomainRemove(c *fiber.Ctx) error {
	if s.domains == nil {
		return errNoDomains
	}
	return s.domainChange(c, "domain.remove", s.domains.Remove, func(name, _ string) string {
		return name + " removed."
	})
}

// domainChange applies change to the domain named in the URL, records it
// in the org's audit log as action, and re-renders the list with the
// notice built from the domain and the org's subdomain.
func (s *Server) domainChange(c *fiber.Ctx, action string, change func(context.Context, domain.Actor, tenant.Org, string) error, notice func(name, target string) string) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	pa, oa := domainActor(c)
	name := domain.Lookup(domainParam(c))
	if err := change(c.UserContext(), pa, sc.Org, name); err != nil {
		return err
	}
	if err := s.orgAudit(c, sc, oa, action, name); err != nil {
		return err
	}
	v, err := s.domainsPage(c, sc.Org)
	if err != nil {
		return err
	}
	v.Notice = notice(name, v.Target)
	return s.domainDone(c, v)
}

// toPrimary sends a request on <slug>.<base> to the same path on the org's
// primary domain: 301 for GET and HEAD, 308 for other methods so a form
// post is neither lost nor turned into a GET.
func toPrimary(c *fiber.Ctx, primary string) error {
	host := primary
	if _, port, err := net.SplitHostPort(c.Hostname()); err == nil && port != "" {
		host = net.JoinHostPort(primary, port)
	}
	status := fiber.StatusPermanentRedirect
	if m := c.Method(); m == fiber.MethodGet || m == fiber.MethodHead {
		status = fiber.StatusMovedPermanently
	}
	return c.Redirect(scheme(c)+"://"+host+string(c.Request().URI().RequestURI()), status)
}

// primaryRedirect answers for an org's subdomain whose org has a primary
// custom domain; it reports whether it did.
func (s *Server) primaryRedirect(c *fiber.Ctx, t tenant.Target) (bool, error) {
	if s.domains == nil || s.domains.Table == nil || t.Kind != tenant.HostOrg || t.Domain != "" {
		return false, nil
	}
	p := s.domains.Table.Primary(t.Org.ID)
	if p == "" {
		return false, nil
	}
	return true, toPrimary(c, p)
}

// handleTLSAsk is Caddy's on-demand TLS "ask" endpoint: 200 when domain is
// <slug>.<base> of an active org or a verified custom domain of an active
// org, 404 otherwise, 400 for a malformed value. It answers from memory (no
// DNS, no database) and only to loopback or a trusted proxy, whatever the
// Host header says; anyone else gets a 404.
func (s *Server) handleTLSAsk(c *fiber.Ctx) error {
	if !c.Context().RemoteIP().IsLoopback() && !c.IsProxyTrusted() {
		return c.SendStatus(fiber.StatusNotFound)
	}
	raw := c.Query("domain")
	name := domain.Lookup(raw)
	if name == "" || strings.ContainsAny(raw, ":/") {
		return c.Status(fiber.StatusBadRequest).SendString("malformed domain\n")
	}
	if s.tlsAllowed(c.UserContext(), name) {
		return c.SendString("ok\n")
	}
	return c.SendStatus(fiber.StatusNotFound)
}

// tlsAllowed says whether a certificate may be issued for name.
func (s *Server) tlsAllowed(ctx context.Context, name string) bool {
	if s.domains == nil || s.domains.Table == nil {
		return false
	}
	t := s.domains.Table
	if org, ok := t.ByDomain(name); ok {
		return org.Status == tenant.StatusActive
	}
	if _, _, err := tenant.ParseHost(name, s.resolver.BaseDomain()); err != nil {
		return false
	}
	// A subdomain: the host resolver's cache answers (unknown slugs are
	// cached too), so the table need not hold every organization.
	target, err := s.resolver.Resolve(ctx, name)
	if err != nil || target.Kind != tenant.HostOrg { // admin.<base> and <base> are named in the Caddyfile
		return false
	}
	return target.Org.Status == tenant.StatusActive
}

// consoleDomain is a domain as the console shows it.
type consoleDomain struct {
	domain.Domain
	Flagged bool // its TXT record has been missing for domain.FlagAfter
}

// consoleDomains lists org's domains for the console's organization page.
func (s *Server) consoleDomains(c *fiber.Ctx, o tenant.Org) ([]consoleDomain, error) {
	if s.domains == nil {
		return nil, nil
	}
	list, err := s.domains.List(c.UserContext(), o)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]consoleDomain, len(list))
	for i, d := range list {
		out[i] = consoleDomain{Domain: d, Flagged: d.Flagged(now)}
	}
	return out, nil
}

// handleConsoleDomainRemove lets an operator remove an organization's
// domain (a dispute, a hijacked name); it is written to the platform audit
// and to the organization's own audit log.
func (s *Server) handleConsoleDomainRemove(c *fiber.Ctx) error {
	if s.domains == nil {
		return errNoDomains
	}
	o, err := s.consoleOrg(c)
	if err != nil {
		return err
	}
	op := operator(c)
	name := domain.Lookup(domainParam(c))
	if err := s.domains.Remove(c.UserContext(), domain.Actor{Label: op.Label, IP: op.IP}, o, name); err != nil {
		return err
	}
	h, err := s.pool.Acquire(c.UserContext(), o)
	if err != nil {
		return err
	}
	defer h.Release()
	if err := account.Audit(c.UserContext(), tenant.NewScope(h).W(), s.now(), account.Actor{Label: "operator:" + op.Label, IP: op.IP}, "domain.remove", name, "by the platform's operators"); err != nil {
		return err
	}
	s.flash(c, name+" removed.")
	return redirect(c, "/console/orgs/"+o.Slug)
}

// orgURL is an organization's origin as links show it: its primary custom
// domain when it has one (the subdomain redirects there), else its
// subdomain; with the request's scheme and port.
func (s *Server) orgURL(c *fiber.Ctx, o tenant.Org) string {
	if s.domains != nil && s.domains.Table != nil {
		if p := s.domains.Table.Primary(o.ID); p != "" {
			host := p
			if _, port, err := net.SplitHostPort(c.Hostname()); err == nil && port != "" {
				host = net.JoinHostPort(p, port)
			}
			return scheme(c) + "://" + host
		}
	}
	return s.hostURL(c, o.Slug)
}
