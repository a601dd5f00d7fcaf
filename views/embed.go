// Package views embeds the HTML templates: layouts/ for the page shells,
// <resource>/<page>.html for pages and <resource>/_<name>.html for htmx
// partials.
package views

import "embed"

// FS holds every template.
//
//go:embed */*.html
var FS embed.FS
