// Package static embeds the front-end files served under /static/: htmx and
// Pico CSS (pinned npm versions, copied by `make static`) and the app's own
// stylesheet and icon. Embedding makes the binary self-contained.
package static

import "embed"

// FS holds every file in this directory except Go sources.
//
//go:embed *.js *.css *.svg
var FS embed.FS
