// Package apperr defines the application's error codes. Capabilities return
// an *Error with a code and a message meant for the person using the app;
// the web layer maps the code to an HTTP status in one place and logs only
// internal errors. Any other error is internal: its text is never shown.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error for the person who caused it.
type Code string

// The codes, each mapped to one HTTP status by the web layer.
const (
	Invalid      Code = "invalid"      // 422: the input is wrong; the message says how
	BadRequest   Code = "bad_request"  // 400: the request itself is malformed
	NotFound     Code = "not_found"    // 404
	Unauthorized Code = "unauthorized" // 401: sign in first
	Forbidden    Code = "forbidden"    // 403
	Conflict     Code = "conflict"     // 409: someone else changed it first
	TooMany      Code = "too_many"     // 429: slow down; RetryAfter says for how long
	Unavailable  Code = "unavailable"  // 503: try again shortly (maintenance)
	Internal     Code = "internal"     // 500: our fault; details only in the log
)

// Error is an application error whose Message may be shown to the user.
type Error struct {
	Code    Code
	Message string
	// Fields holds per-field messages of an Invalid error (form field name
	// -> message), so a form can show every problem next to its field.
	Fields map[string]string
	// RetryAfter, on TooMany and Unavailable errors, is when trying again
	// makes sense; the web layer sends it as the Retry-After header.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err: the code of the first *Error in its chain,
// or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-facing message of err, or a generic message for
// internal errors so that no detail leaks.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again; if it keeps happening, contact support."
}

// RetryAfterOf returns the RetryAfter of the first *Error in err's chain,
// or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Fields collects validation messages by form field while a form is checked.
type Fields map[string]string

// Err returns an Invalid *Error carrying f, or nil if f is empty.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "Please correct the highlighted fields.", Fields: f}
}

// FieldsOf returns the per-field messages of err, if it carries any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
