// Package views embeds the html/template views: <resource>/<page>.html
// for pages' bodies and <resource>/_<name>.html for htmx partials. The
// page shell around every page, the menus and the two hottest signed-in
// pages are templ components in app/web (*.templ).
package views

import "embed"

// FS holds every template.
//
//go:embed */*.html
var FS embed.FS
