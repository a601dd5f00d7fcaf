package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"sync"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"sportsapp/app/account"
	"sportsapp/app/onboarding"
	"sportsapp/app/superadmin"
	"sportsapp/app/tenant"
	"sportsapp/static"
	"sportsapp/views"
)

// page is the data every full page's layout needs; each view embeds it.
type page struct {
	Title     string
	SiteName  string // the org's name on an org host, empty on the platform host
	IsOrg     bool
	RequestID string
	CSRF      string            // token for forms (_csrf) and htmx (X-CSRF-Token)
	User      *account.User     // signed-in org user, if any
	Admin     *superadmin.Admin // signed-in super-admin, if any
	Flash     string            // one-time confirmation from the previous request
	Path      string            // the request's path, for marking the current page in menus
	Lost      bool              // the host serves no pages (unknown, suspended): the layout links nowhere on it
}

// newEngine loads the embedded templates once, failing at start-up (not on
// a user's request) if one does not parse.
func newEngine(assets map[string]string) (*html.Engine, error) {
	engine := html.NewFileSystem(http.FS(views.FS), ".html")
	engine.AddFunc("input", newInput)
	engine.AddFunc("auditAction", auditAction)
	engine.AddFunc("asset", func(name string) (string, error) {
		u, ok := assets[name]
		if !ok {
			return "", fmt.Errorf("no static asset %q", name)
		}
		return u, nil
	})
	// Pieces shared with the templ pages are templ components; the
	// html/template pages call them through these.
	engine.AddFunc("adminNav", func(path string) (template.HTML, error) {
		return templ.ToGoHTML(context.Background(), adminNav(path))
	})
	engine.AddFunc("checklist", func(c onboarding.Checklist) (template.HTML, error) {
		return templ.ToGoHTML(context.Background(), checklist(c))
	})
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("load views: %w", err)
	}
	return engine, nil
}

// assetURLs maps each static file to a URL carrying a hash of its content,
// so the files can be cached for a year and a new release is fetched anew.
func assetURLs() (map[string]string, error) {
	urls := map[string]string{}
	err := fs.WalkDir(static.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static.FS, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		urls[path] = "/static/" + path + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
	return urls, err
}

// pageFor fills the layout data for the current request.
func (s *Server) pageFor(c *fiber.Ctx, title string) page {
	p := page{Title: title, RequestID: requestID(c), Path: c.Path()}
	p.CSRF, _ = c.Locals(localCSRF).(string)
	if t, ok := targetOf(c); ok && t.Kind == tenant.HostOrg {
		p.SiteName, p.IsOrg = t.Org.Name, true
	}
	if u, ok := currentUser(c); ok {
		p.User = &u
	}
	if a, ok := currentAdmin(c); ok {
		p.Admin = &a
	}
	if c.Method() == fiber.MethodGet && !isHTMX(c) {
		p.Flash = s.takeFlash(c)
	}
	return p
}

// layoutPage gives the layout its data from any view that embeds page.
func (p page) layoutPage() page { return p }

// paged is every full-page view.
type paged interface{ layoutPage() page }

// windowTitle is the page's title and, on an org host, the org's name.
func (l page) windowTitle() string {
	if l.SiteName == "" {
		return l.Title
	}
	return l.Title + " · " + l.SiteName
}

// brand is what the top left corner says: the org, or the platform.
func (l page) brand() string {
	if l.SiteName == "" {
		return "Sports registration platform"
	}
	return l.SiteName
}

func (l page) footer() string {
	if l.IsOrg {
		return l.SiteName + " · Registration and membership platform"
	}
	return "Registration and membership platform"
}

// htmxConfig is htmx's configuration: no inline indicator styles (the CSP
// forbids them), no eval, and which responses are swapped (validation
// errors, 409 and 422, are; error pages are swapped and flagged).
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"(409|422)","swap":true},{"code":"[45]..","swap":true,"error":true}]}`

// csrfHeaders is the body's hx-headers: htmx sends the CSRF token with
// every request it makes. The token is base64url, which needs no escaping
// in JSON.
func csrfHeaders(token string) string { return `{"X-CSRF-Token": "` + token + `"}` }

// assetSet is the URLs of the static files the layout links to.
type assetSet struct{ Favicon, Pico, App, HTMX string }

func assetSetOf(urls map[string]string) (assetSet, error) {
	var a assetSet
	for name, u := range map[string]*string{"favicon.svg": &a.Favicon, "pico.min.css": &a.Pico, "app.css": &a.App, "htmx.min.js": &a.HTMX} {
		if *u = urls[name]; *u == "" {
			return a, fmt.Errorf("no static asset %q", name)
		}
	}
	return a, nil
}

// templPage is a view whose body is a templ component rather than an
// html/template file.
type templPage interface {
	paged
	body() templ.Component
}

// render executes a view into a buffer first, so that a template error
// becomes a clean 500 instead of half a page. A full page is then wrapped
// in the layout; a partial (name with "_") is sent alone. The buffers are
// pooled; the response gets a copy (fasthttp's own pooled body buffer).
func (s *Server) render(c *fiber.Ctx, status int, name string, view any) error {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := s.renderHTML(buf, name, view); err != nil {
		return err
	}
	c.Vary(hxRequest)
	c.Type("html", "utf-8")
	c.Status(status).Response().SetBody(buf.Bytes())
	return nil
}

// buffers are rendering buffers, reused across requests: a page is
// rendered twice (its body, then the layout around it), into buffers that
// otherwise grow from nothing on every request.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// putBuffer returns b to the pool, unless an unusual page made it large.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 256<<10 {
		return
	}
	b.Reset()
	buffers.Put(b)
}

// execute runs one template of the set the engine loaded. The engine's own
// Render executes a copy of the template with its functions reset on every
// call, which re-escapes the template each time and races with concurrent
// requests; the loaded set itself is safe for concurrent use and escapes
// once.
func (s *Server) execute(w io.Writer, name string, data any) error {
	t := s.views.Templates.Lookup(name)
	if t == nil {
		return fmt.Errorf("template %s does not exist", name)
	}
	return t.Execute(w, data)
}

// renderHTML renders a partial, or a page inside the layout, into out. The
// layout is a template of its own with the page's HTML as data. On an
// error, out holds part of a page and must be discarded.
func (s *Server) renderHTML(out *bytes.Buffer, name string, view any) error {
	if isPartial(name) {
		if err := s.execute(out, name, view); err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		return nil
	}
	if tp, ok := view.(templPage); ok {
		if err := pageShell(tp.layoutPage(), s.assets, tp.body()).Render(context.Background(), out); err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		return nil
	}
	p, ok := view.(paged)
	if !ok {
		return fmt.Errorf("render %s: %T does not embed page", name, view)
	}
	body := getBuffer()
	defer putBuffer(body)
	if err := s.execute(body, name, view); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if err := pageShell(p.layoutPage(), s.assets, rawHTML(body.Bytes())).Render(context.Background(), out); err != nil {
		return fmt.Errorf("render %s in the layout: %w", name, err)
	}
	return nil
}

// rawHTML is HTML already rendered (and escaped) by html/template, as a
// component for the layout.
func rawHTML(b []byte) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// isPartial reports whether a template name is a partial (<dir>/_<name>).
func isPartial(name string) bool {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return i+1 < len(name) && name[i+1] == '_'
		}
	}
	return len(name) > 0 && name[0] == '_'
}

// input is the data of the shared "input" template: a labelled form field
// with its error message, marked for screen readers.
type input struct {
	Name, Label, Type, Value, Error, Autocomplete string
}

// newInput builds an input in templates:
// {{template "input" (input "email" "Email" "email" .Email (index .Errors "email") "username")}}.
func newInput(name, label, typ, value, err, autocomplete string) input {
	return input{Name: name, Label: label, Type: typ, Value: value, Error: err, Autocomplete: autocomplete}
}
