package main

import (
	"context"
	"fmt"
	"log/slog"

	"sportsapp/app/db/platformdb"
	"sportsapp/app/domain"
	"sportsapp/app/mail"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// notifyFlagged returns domain.Service.OnFlagged for the server: when a
// verified custom domain's TXT record has been missing for three days, the
// organization's active admins and every active super-admin get a mail
// (and the log a warning). The domain keeps routing: it is flagged, not
// dropped. Failures are logged; the check goes on.
func notifyFlagged(reg *tenant.Registry, platform *sqlite.DB, pool *tenant.Pool, sender mail.Sender, log *slog.Logger) func(context.Context, domain.Domain) {
	return func(ctx context.Context, d domain.Domain) {
		log.Warn("custom domain flagged: its TXT record is missing", "org", d.OrgSlug, "domain", d.Name, "since", d.MissingSince)
		org, err := reg.BySlug(ctx, d.OrgSlug)
		if err != nil {
			log.Error("flagged domain: organization", "org", d.OrgSlug, "err", err)
			return
		}
		var to []string
		if h, err := pool.Acquire(ctx, org); err != nil {
			log.Error("flagged domain: open organization", "org", org.Slug, "err", err)
		} else {
			admins, err := tenant.NewScope(h).Q().UserListActiveAdmins(ctx)
			h.Release()
			if err != nil {
				log.Error("flagged domain: admins", "org", org.Slug, "err", err)
			}
			for _, u := range admins {
				to = append(to, u.Email)
			}
		}
		supers, err := platformdb.New(platform.Reader()).SuperAdminListActive(ctx)
		if err != nil {
			log.Error("flagged domain: super-admins", "err", err)
		}
		for _, s := range supers {
			to = append(to, s.Email)
		}
		subject := fmt.Sprintf("%s: the DNS record of %s is missing", org.Name, d.Name)
		text := fmt.Sprintf("Hello,\n\nThe DNS record that proves %s belongs to %s has not been found since %s:\n\n  %s TXT %s\n\n"+
			"The domain still serves the organization's site. Please create the record again at the domain's DNS provider; "+
			"the domain is checked once a day, and its state is on the Domains page of the organization's admin area.\n",
			d.Name, org.Name, d.MissingSince.Format("January 2, 2006"), d.RecordName(), d.Token)
		for _, addr := range to {
			if err := sender.Send(ctx, mail.Message{To: addr, Subject: subject, Text: text, FromName: org.Name}); err != nil {
				log.Error("flagged domain: mail", "to", addr, "err", err)
			}
		}
	}
}
