package logging

import "context"

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id, so code below the
// HTTP layer that logs (the slow-query log, called from the statement
// cache with only the query's context) can name the request the line
// belongs to.
func WithRequestID(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	if ctx == nil {
		return ""
	}
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
