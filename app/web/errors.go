package web

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/apperr"
)

// statusOf maps application error codes to HTTP statuses: the one place
// where that mapping lives.
var statusOf = map[apperr.Code]int{
	apperr.Invalid:      http.StatusUnprocessableEntity,
	apperr.BadRequest:   http.StatusBadRequest,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.Conflict:     http.StatusConflict,
	apperr.TooMany:      http.StatusTooManyRequests,
	apperr.Unavailable:  http.StatusServiceUnavailable,
	apperr.Internal:     http.StatusInternalServerError,
}

// headings are the short titles of the error pages.
var headings = map[int]string{
	http.StatusBadRequest:            "Bad request",
	http.StatusUnauthorized:          "Please sign in",
	http.StatusForbidden:             "Not allowed",
	http.StatusNotFound:              "Page not found",
	http.StatusMethodNotAllowed:      "Not allowed",
	http.StatusConflict:              "Changed by someone else",
	http.StatusRequestEntityTooLarge: "Too large",
	http.StatusUnprocessableEntity:   "Please check your input",
	http.StatusTooManyRequests:       "Too many requests",
	http.StatusInternalServerError:   "Something went wrong",
	http.StatusServiceUnavailable:    "Temporarily unavailable",
}

// messages are the default explanations when an error carries none of its own.
var messages = map[int]string{
	http.StatusNotFound:         "There is nothing at this address. Check the link, or start from the home page.",
	http.StatusForbidden:        "You do not have access to this page.",
	http.StatusMethodNotAllowed: "This page cannot be used that way.",
	http.StatusTooManyRequests:  "Too many attempts. Please wait a minute and try again.",
}

// errorView is the data of the error page and partial.
type errorView struct {
	page
	Status  int
	Heading string
	Message string
	HomeURL string
	Links   []errorLink // where to go from here, instead of the home page
}

// errorLink is one way out of an error page.
type errorLink struct{ Label, URL string }

// classify turns any error into a status and a message safe to show.
func classify(err error) (int, string) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		msg := messages[fe.Code]
		if msg == "" && fe.Code < 500 {
			msg = fe.Message
		}
		if msg == "" {
			msg = apperr.MessageOf(err)
		}
		return fe.Code, msg
	}
	status, ok := statusOf[apperr.CodeOf(err)]
	if !ok {
		status = http.StatusInternalServerError
	}
	return status, apperr.MessageOf(err)
}

// handleError is the single error path: it maps err to a status, logs
// internal errors (and only those), and renders the error page, or for htmx
// requests a partial swapped into the page's alert region.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, msg := classify(err)
	if status >= 500 {
		s.log.LogAttrs(c.UserContext(), slog.LevelError, "request failed",
			slog.String("request_id", requestID(c)),
			slog.String("org", orgSlug(c)),
			slog.String("path", c.Path()),
			slog.Any("err", err))
	}
	if ra := apperr.RetryAfterOf(err); ra > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(ra.Seconds()))))
	} else if status == http.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, "30")
	}
	heading := headings[status]
	if heading == "" {
		heading = http.StatusText(status)
	}
	v := errorView{page: s.pageFor(c, heading), Status: status, Heading: heading, Message: msg, HomeURL: "/"}
	s.explain(c, err, &v)
	name := "errors/error"
	if isHTMX(c) {
		name = "errors/_error"
		c.Set(hxRetarget, "#alerts")
		c.Set(hxReswap, "innerHTML")
	}
	if rerr := s.render(c, status, name, v); rerr != nil {
		s.log.Error("render error page", "request_id", requestID(c), "err", rerr)
		c.Type("txt", "utf-8")
		return c.Status(status).SendString(heading + ": " + msg)
	}
	return nil
}
