// Package onboarding provisions a new organization in one step that either
// completes or leaves nothing behind: the registry row, its database file
// migrated, its initial settings and first membership type, the invitation
// of its first admin, and replication. The console's wizard and the
// `org create` command both call Provision, so they do exactly the same.
package onboarding

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// Replicator ships a new organization's database to the replica; the
// replication package implements it. Nil disables replication. A new org
// is shipped once at creation (its initial data must not wait for its
// first request) and from then on replicated while the pool has it open.
type Replicator interface {
	Ship(ctx context.Context, name, dbPath string) error
}

// ReplicaState is one database's replication as the console shows it.
type ReplicaState struct {
	Known    bool      // the database is being replicated
	LastSync time.Time // last confirmed copy; zero until the first
	InSync   bool      // nothing known is waiting to be uploaded
	Err      string    // the last error, if replication is failing
}

// ReplicaName is where an organization's database replicates, under the
// replica URL's prefix: derived from its immutable id, never its slug.
func ReplicaName(org tenant.Org) string { return "orgs/" + org.ID }

// PlatformReplica is where the platform database replicates, under the
// replica URL's prefix.
const PlatformReplica = "platform"

// Request is everything the wizard collects.
type Request struct {
	Name       string
	Slug       string
	Settings   settings.Form     // initial settings (display name and contact default from the org and admin)
	FirstType  settings.TypeForm // the first membership type and its fee
	AdminName  string
	AdminEmail string
}

// Actor is the operator who provisions, for the audit logs.
type Actor struct {
	Label string // e.g. the super-admin's email, or "cli"
	IP    string
}

// Result is a provisioned organization and its first admin's invitation.
type Result struct {
	Org        tenant.Org
	Invitation account.Invitation
	// Link is the invitation link. It is mailed when SMTP is configured;
	// the console shows it once otherwise.
	Link string
}

// Service provisions organizations.
type Service struct {
	Registry   *tenant.Registry
	Accounts   *account.Service
	Replicator Replicator
	// ReplicaStatus reports a database file's replication, for the
	// checklist and the console; nil when replication is off.
	ReplicaStatus func(dbPath string) ReplicaState
	Log           *slog.Logger
	Now           func() time.Time

	// extraInit runs inside the new database's initial transaction; tests
	// use it to inject a failure at that step.
	extraInit []tenant.InitFunc
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Steps of the wizard.
const (
	StepOrg      = 1 // name and slug
	StepSettings = 2 // initial settings and first membership type
	StepAdmin    = 3 // first admin
	StepReview   = 4 // review and create
)

// Type form fields carry this prefix in the wizard, beside the settings.
const typePrefix = "type_"

// ValidateStep checks the fields of one step (StepReview checks all) and
// returns the messages by form field.
func (s *Service) ValidateStep(ctx context.Context, step int, r Request) apperr.Fields {
	errs := apperr.Fields{}
	if step == StepOrg || step == StepReview {
		if err := tenant.ValidateName(r.Name); err != nil {
			errs["name"] = apperr.MessageOf(err)
		}
		if msg := s.SlugProblem(ctx, r.Slug); msg != "" {
			errs["slug"] = msg
		}
	}
	if step == StepSettings || step == StepReview {
		if _, fe := settings.Parse(s.initialForm(r)); fe != nil {
			for k, v := range fe {
				errs[k] = v
			}
		}
		if _, fe := settings.ParseType(r.FirstType); fe != nil {
			for k, v := range fe {
				errs[typePrefix+k] = v
			}
		}
	}
	if step == StepAdmin || step == StepReview {
		if _, ok := account.NormalizeEmail(r.AdminEmail); !ok {
			errs["admin_email"] = "Enter the first admin's email, like name@example.org."
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(r.AdminName)); n > 200 {
			errs["admin_name"] = "Enter a name of at most 200 characters."
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// SlugProblem explains why slug cannot be used (format, reserved, taken), or
// returns "".
func (s *Service) SlugProblem(ctx context.Context, slug string) string {
	if err := tenant.ValidateSlug(slug); err != nil {
		return apperr.MessageOf(err)
	}
	if _, err := s.Registry.BySlug(ctx, slug); err == nil {
		return fmt.Sprintf("%q is already taken.", slug)
	}
	if err := s.Registry.CheckTombstone(ctx, slug); err != nil {
		return apperr.MessageOf(err)
	}
	return ""
}

// SuggestSlug turns an organization's name into a slug: "Quadball
// Alberta" -> "quadball-alberta", "Québec Quadball" -> "quebec-quadball".
// Accents are dropped (NFD, then combining marks removed); anything else
// that is not a letter or digit becomes a single hyphen.
func SuggestSlug(name string) string {
	plain, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), name)
	if err != nil {
		plain = name
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(plain) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 63 {
		out = strings.Trim(out[:63], "-")
	}
	return out
}

// initialForm is the settings form with the organization's name, and the
// admin's email as contact when none was given.
func (s *Service) initialForm(r Request) settings.Form {
	f := settings.Form{}
	for k, v := range r.Settings {
		f[k] = v
	}
	f[settings.FDisplayName] = r.Name
	if strings.TrimSpace(f[settings.FContactEmail]) == "" {
		f[settings.FContactEmail] = r.AdminEmail
	}
	return f
}

// DefaultRequest is a request pre-filled with the default settings and
// membership type, the wizard's starting point.
func DefaultRequest(today time.Time) Request {
	return Request{Settings: settings.Defaults("", today).Form(), FirstType: settings.DefaultMembershipType}
}

// Provision creates the organization described by r. Either everything
// exists afterwards (registry row, migrated file with settings, membership
// type and invitation, replication running) or nothing does: a failure at
// any step undoes the steps before it. The invitation mail is sent last; a
// mail failure is logged, not fatal (the link is returned).
func (s *Service) Provision(ctx context.Context, r Request, by Actor) (Result, error) {
	r.Name, r.Slug = strings.TrimSpace(r.Name), strings.TrimSpace(r.Slug)
	if errs := s.ValidateStep(ctx, StepReview, r); errs != nil {
		return Result{}, errs.Err()
	}
	now := s.now()
	st, _ := settings.Parse(s.initialForm(r))
	init, err := settings.Initial(st, []settings.TypeForm{r.FirstType}, "onboarding ("+by.Label+")", now)
	if err != nil {
		return Result{}, err
	}
	inv, err := s.Accounts.PrepareInvitation(account.Actor{Label: "onboarding (" + by.Label + ")", IP: by.IP}, r.AdminEmail, r.AdminName, account.RoleAdmin)
	if err != nil {
		return Result{}, err
	}
	inits := append([]tenant.InitFunc{init, func(ctx context.Context, q *orgdb.Queries) error { return inv.Write(ctx, q) }}, s.extraInit...)
	org, err := s.Registry.Create(ctx, r.Slug, r.Name, inits...)
	if err != nil {
		return Result{}, err
	}
	undo := func(cause error) error {
		if rerr := s.Registry.Remove(context.WithoutCancel(ctx), org); rerr != nil {
			return errors.Join(cause, fmt.Errorf("undo: %w", rerr))
		}
		return cause
	}
	if s.Replicator != nil {
		path, _ := s.Registry.OrgPath(org.ID)
		if err := s.Replicator.Ship(ctx, ReplicaName(org), path); err != nil {
			return Result{}, undo(fmt.Errorf("replicate %s: %w", org.Slug, err))
		}
	}
	if err := s.Registry.Audit(ctx, by.Label, "org.create", org, "first admin "+inv.Invitation.Email, by.IP); err != nil {
		return Result{}, undo(err)
	}
	link := s.Accounts.SendInvitation(ctx, org, inv)
	return Result{Org: org, Invitation: inv.Invitation, Link: link}, nil
}
