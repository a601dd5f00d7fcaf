package web

import "strings"

// Here reports whether a menu link to href leads to the current page or to
// a page under it (/admin/settings for /admin/settings/history), so menus
// can mark it with aria-current. "/" and the section roots listed in
// exactHere match only themselves.
func (p page) Here(href string) bool {
	if p.Path == href {
		return true
	}
	if exactHere[href] {
		return false
	}
	return strings.HasPrefix(p.Path, href+"/")
}

// exactHere are the links that stand for one page, not for the pages
// under them: the home page and the dashboards of the admin area and the
// console, whose sub-pages have links of their own.
var exactHere = map[string]bool{"/": true, "/admin": true, "/console": true}

// Section reports whether the current page is in the section rooted at
// href (the top menu's Admin and Console links cover their whole areas).
func (p page) Section(href string) bool {
	return p.Path == href || strings.HasPrefix(p.Path, href+"/")
}
