package expr

import (
	"context"
	"time"
)

// Spark evaluates current_timestamp(), now(), current_date() and
// unix_timestamp() once per query: every row and every operator of one
// execution sees the same instant. A plan compiles several evaluators (one
// per operator, and per branch of a union or join), each at its own
// moment, so the instant cannot be fixed at compile time. The executor
// puts it in the context instead, and the evaluators read it there.

type queryTimeKey struct{}

// WithQueryTime returns ctx carrying t as the query's start time, which
// current_timestamp() and its kin return when evaluated under it.
func WithQueryTime(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, queryTimeKey{}, t)
}

// QueryTime returns the query start time ctx carries, if any.
func QueryTime(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(queryTimeKey{}).(time.Time)
	return t, ok
}
