package sql

import (
	"errors"
	"fmt"
)

// ErrSyntax is wrapped by every *ParseError so callers can test for a
// syntax problem with errors.Is without inspecting the message.
var ErrSyntax = errors.New("sql: syntax error")

// ParseError is a syntax error at a position of the input. Its message
// follows Spark's: "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'
// (line 1, pos 7)", with Line 1-based and Pos a 0-based character offset in
// the line. Class is the Spark error class in brackets.
type ParseError struct {
	Class string // PARSE_SYNTAX_ERROR, INVALID_TYPED_LITERAL, ...
	Msg   string // the message without the class and the position
	Line  int
	Pos   int
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("[%s] %s (line %d, pos %d)", e.Class, e.Msg, e.Line, e.Pos)
}

func (e *ParseError) Unwrap() error { return ErrSyntax }

// syntaxErrorAt is Spark's generic complaint about the token t.
func syntaxErrorAt(t token) *ParseError {
	near := "end of input"
	if t.kind != tokEOF {
		near = "'" + t.raw + "'"
	}
	return &ParseError{Class: "PARSE_SYNTAX_ERROR", Msg: "Syntax error at or near " + near, Line: t.line, Pos: t.col}
}

// errorAt is an error of a given class at the position of t.
func errorAt(t token, class, format string, args ...any) *ParseError {
	return &ParseError{Class: class, Msg: fmt.Sprintf(format, args...), Line: t.line, Pos: t.col}
}
