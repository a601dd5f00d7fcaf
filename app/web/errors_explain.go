package web

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/tenant"
)

// explain words the error pages people meet without having done anything
// wrong, so they say what happened and lead somewhere that works: an
// address with no organization (whose home page would be the same 404), a
// suspended organization (whose every page is the same refusal) and an
// invitation or reset link that was used, revoked or has expired.
func (s *Server) explain(c *fiber.Ctx, err error, v *errorView) {
	platform := errorLink{"Go to the platform's home page", s.hostURL(c, tenant.PlatformSubdomain) + "/"}
	switch {
	case errors.Is(err, tenant.ErrUnknownHost):
		v.Heading = "No organization at this address"
		v.Message = "There is no organization at " + c.Hostname() + ". Check the spelling of the address, or ask your organization for the link to its registration site."
		v.HomeURL, v.Links = "", []errorLink{platform}
	case errors.Is(err, errSuspended):
		t, _ := targetOf(c)
		v.Heading = t.Org.Name + " is suspended"
		v.Message = "This organization's registration site is suspended for now, so its pages and sign-in are closed. Its data is kept safe. Contact " + t.Org.Name + " directly to find out more, or the platform's operators if you run it."
		v.HomeURL, v.Links = "", []errorLink{platform}
	case v.Status == http.StatusNotFound && c.Path() == "/invite":
		v.Heading = "This invitation link no longer works"
		v.Message = "It was already used, it was revoked, or it expired. If you already set your password, sign in. Otherwise ask whoever invited you to send a new invitation."
		v.HomeURL, v.Links = "", []errorLink{{"Sign in", "/login"}, {"Forgot your password?", "/password/forgot"}}
	case v.Status == http.StatusNotFound && c.Path() == "/password/reset":
		v.Heading = "This reset link no longer works"
		v.Message = "Reset links work once and expire after a while. Ask for a new one; it will be sent to your email address."
		v.HomeURL, v.Links = "", []errorLink{{"Send me a new link", "/password/forgot"}, {"Sign in", "/login"}}
	}
	v.Title = v.Heading
	v.Lost = v.HomeURL == "" && (errors.Is(err, tenant.ErrUnknownHost) || errors.Is(err, errSuspended))
}
