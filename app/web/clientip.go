package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// localClientIP holds the request's client address (clientAddr), set once
// per request by the request logger.
const localClientIP = "client_ip"

// trustedNets parses the trusted proxies (addresses or CIDRs); entries
// that parse as neither are skipped (Fiber's own check ignores them too).
func trustedNets(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out
}

func (s *Server) isTrusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr returns the address of the client behind the request: the
// peer's, or, when the peer is a trusted proxy, the right-most
// X-Forwarded-For entry that is not itself a trusted proxy. A proxy that
// appends the address it saw to the header leaves on the left whatever the
// client sent, so the left-most entry (what Fiber's c.IP returns) is the
// client's to choose: rate limits keyed on it could be bypassed by sending
// a new X-Forwarded-For with each attempt. A right-most entry that is not
// an address is refused the same way: the peer's address is used.
func (s *Server) clientAddr(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	if len(s.trusted) == 0 || !c.IsProxyTrusted() {
		return peer
	}
	xff := c.Get(fiber.HeaderXForwardedFor)
	if xff == "" {
		return peer
	}
	parts := strings.Split(xff, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(parts[i]))
		if err != nil {
			return peer
		}
		if !s.isTrusted(a) || i == 0 {
			return a.Unmap().String()
		}
	}
	return peer
}

// ipOf returns the request's client address (clientAddr), as set by the
// request logger, for rate limits, sessions and the audit log.
func ipOf(c *fiber.Ctx) string {
	if ip, ok := c.Locals(localClientIP).(string); ok {
		return ip
	}
	return c.Context().RemoteIP().String()
}
