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

// adminLink is one entry of the admin area's menu; also marks the
// entry as current on the paths of another part of its page (Settings
// covers the membership types' pages).
type adminLink struct {
	href, label string
	also        string
}

// adminLinks is the admin area's menu, in order.
var adminLinks = []adminLink{
	{href: "/admin", label: "Dashboard"},
	{href: "/admin/members", label: "Members"},
	{href: "/admin/invitations", label: "Invitations"},
	{href: "/admin/payments", label: "Payments"},
	{href: "/admin/analytics", label: "Analytics"},
	{href: "/admin/events", label: "Events"},
	{href: "/admin/teams", label: "Teams"},
	{href: "/admin/domains", label: "Domains"},
	{href: "/admin/export", label: "Export"},
	{href: "/admin/settings", label: "Settings", also: "/admin/membership-types"},
}

func (l adminLink) current(path string) bool {
	p := page{Path: path}
	return p.Here(l.href) || (l.also != "" && p.Here(l.also))
}
