package web

import "strings"

// auditWords say in words what an audit log's action code records, for
// the admin's dashboard and the console (the codes stay in the database).
var auditWords = map[string]string{
	"domain.add":                  "Added a domain",
	"domain.primary":              "Made a domain primary",
	"domain.remove":               "Removed a domain",
	"domain.verify":               "Verified a domain",
	"event.cancel":                "Cancelled an event",
	"event.create":                "Created an event",
	"event.delete":                "Deleted an event",
	"event.update":                "Changed an event",
	"event_registration.confirm":  "Confirmed an event registration",
	"event_registration.withdraw": "Withdrew an event registration",
	"invitation.accept":           "Accepted an invitation",
	"invitation.create":           "Sent an invitation",
	"invitation.resend":           "Sent a new invitation",
	"invitation.revoke":           "Revoked an invitation",
	"membership_type.archive":     "Archived a membership type",
	"membership_type.create":      "Added a membership type",
	"membership_type.restore":     "Restored a membership type",
	"membership_type.update":      "Changed a membership type",
	"org.activate":                "Reactivated the organization",
	"org.create":                  "Created the organization",
	"org.export":                  "Exported the organization's data",
	"org.delete":                  "Deleted the organization",
	"org.delete_cancel":           "Cancelled the organization's deletion",
	"org.delete_schedule":         "Scheduled the organization's deletion",
	"org.delete_start":            "Started deleting the organization",
	"org.replica_purge":           "Purged the organization's replica",
	"org.suspend":                 "Suspended the organization",
	"payment.confirmed":           "Confirmed a payment",
	"payment.rejected":            "Rejected a payment",
	"settings.save":               "Saved the settings",
	"team.captain":                "Made a team captain",
	"team.create":                 "Created a team",
	"team.remove":                 "Removed someone from a team",
	"team.update":                 "Changed a team",
	"user.disable":                "Disabled an account",
	"user.enable":                 "Enabled an account",
	"user.erase":                  "Deleted an account",
	"user.export":                 "Downloaded their data",
	"user.role":                   "Changed a role",
}

// auditAction is an audit action in words; a code without words yet is
// shown readably ("thing.do_it" as "Thing: do it") rather than raw.
func auditAction(code string) string {
	if w, ok := auditWords[code]; ok {
		return w
	}
	thing, act, _ := strings.Cut(strings.ReplaceAll(code, "_", " "), ".")
	if thing == "" {
		return code
	}
	s := strings.ToUpper(thing[:1]) + thing[1:]
	if act != "" {
		s += ": " + act
	}
	return s
}

// membershipName names a membership of a type: "Adult player membership",
// but "Adult membership" for a type already called that, never
// "Adult membership membership".
func membershipName(typeName string) string {
	if strings.HasSuffix(strings.ToLower(strings.TrimSpace(typeName)), "membership") {
		return typeName
	}
	return typeName + " membership"
}
