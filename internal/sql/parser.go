package sql

import (
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
)

// parser is a recursive-descent parser over a pre-lexed token slice.
// Errors are returned as *ParseError and carried by panicking with a
// parseBailout that the entry points recover; this keeps the many small
// grammar functions free of error plumbing. No panic escapes the package.
type parser struct {
	src  string
	toks []token
	pos  int
	// opens[i] is the number of consecutive '(' tokens from token i,
	// computed on first use, so that looking through a run of parentheses
	// (startsQuery) costs O(1) instead of rescanning the run at each level.
	opens []int32
	// nesting is how deep the parser is in nested expressions, queries and
	// types; exprNesting how deep in expressions of the current query
	// (1 in a top-level expression, whose finished tree is depth-checked).
	nesting, exprNesting int
}

// MaxNesting bounds how deeply expressions, queries and types may nest in
// SQL text (parentheses, CASE inside CASE, subqueries, ARRAY<ARRAY<...>>),
// and MaxExprDepth how deep a parsed expression tree may be (a chain like
// NOT NOT ... x or 1 + 1 + ... is read in a loop but builds a deep tree).
// The parser recurses once per level of nesting, with frames of a few
// kilobytes, and analysis, optimization and compilation recurse once per
// level of the tree; Go cannot recover from a stack overflow (its stack
// stops at 1 GB), so deeper input is refused with Spark's
// FAILED_TO_PARSE_TOO_COMPLEX instead of crashing the process. Spark's
// own parser fails much earlier, at the JVM thread's stack size (a few
// thousand levels with the default stack). Long flat lists are not
// limited: IN lists, select lists, and AND/OR chains (built balanced).
const (
	MaxNesting   = 10_000
	MaxExprDepth = 1 << 17 // 131072
)

func (p *parser) tooComplex() {
	p.fail(errorAt(p.peek(), "FAILED_TO_PARSE_TOO_COMPLEX",
		"The statement, including potential SQL functions and referenced views, was too complex to parse (nested more than %d levels deep). To mitigate this error divide the statement into multiple, less complex chunks.", MaxNesting))
}

// enter counts one more level of nesting, failing beyond MaxNesting; the
// caller defers p.leave().
func (p *parser) enter() {
	p.nesting++
	if p.nesting > MaxNesting {
		p.tooComplex()
	}
}

func (p *parser) leave() { p.nesting-- }

// opensAt is the number of consecutive '(' tokens from token i.
func (p *parser) opensAt(i int) int {
	if p.opens == nil {
		p.opens = make([]int32, len(p.toks)+1)
		for j := len(p.toks) - 1; j >= 0; j-- {
			if p.toks[j].isOp("(") {
				p.opens[j] = p.opens[j+1] + 1
			}
		}
	}
	if i >= len(p.toks) {
		return 0
	}
	return int(p.opens[i])
}

type parseBailout struct{ err *ParseError }

func (p *parser) fail(err *ParseError) { panic(parseBailout{err}) }

// failAt raises Spark's generic syntax error at token t.
func (p *parser) failAt(t token) { p.fail(syntaxErrorAt(t)) }

// run calls f, turning a bailout into an error.
func run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(parseBailout)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	f()
	return nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) peekN(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

// accept consumes the keyword kw if it is next.
func (p *parser) accept(kw string) bool {
	if p.peek().is(kw) {
		p.pos++
		return true
	}
	return false
}

// acceptSeq consumes the keywords kws if they all come next.
func (p *parser) acceptSeq(kws ...string) bool {
	for i, kw := range kws {
		if !p.peekN(i).is(kw) {
			return false
		}
	}
	p.pos += len(kws)
	return true
}

func (p *parser) expect(kw string) {
	if !p.accept(kw) {
		p.failAt(p.peek())
	}
}

func (p *parser) acceptOp(op string) bool {
	if p.peek().isOp(op) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expectOp(op string) {
	if !p.acceptOp(op) {
		p.failAt(p.peek())
	}
}

// reserved are the words that never serve as an implicit alias or an
// unquoted identifier, because they start or continue a clause.
var reserved = wordSet(`ALL AND ANTI AS ASC BETWEEN BY CASE CROSS CLUSTER DESC DISTINCT
	DISTRIBUTE ELSE END EXCEPT FALSE FROM FULL GROUP HAVING IN INNER INTERSECT IS JOIN
	LATERAL LEFT LIKE ILIKE RLIKE REGEXP LIMIT MINUS NATURAL NOT NULL OFFSET ON OR ORDER OUTER
	OVER PIVOT RIGHT SELECT SEMI SORT TABLESAMPLE THEN TRUE UNION UNPIVOT USING WHEN WHERE
	WINDOW WITH QUALIFY`)

// exprKeywords start special expression forms; a column with such a name
// must be backquoted when rendered.
var exprKeywords = wordSet(`CAST TRY_CAST DATE TIMESTAMP TIMESTAMP_NTZ TIMESTAMP_LTZ INTERVAL
	EXISTS VALUES`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// ident consumes an identifier: an unquoted word that is not reserved, or
// a backquoted one.
func (p *parser) ident() string {
	t := p.peek()
	switch t.kind {
	case tokQuoted:
		p.pos++
		return t.text
	case tokIdent:
		if !reserved[strings.ToUpper(t.text)] {
			p.pos++
			return t.text
		}
	}
	p.failAt(t)
	return ""
}

// identOrKeyword consumes any word, reserved or not (for positions such as
// function names and property keys where no ambiguity arises).
func (p *parser) identOrKeyword() string {
	t := p.peek()
	if t.kind == tokQuoted || t.kind == tokIdent {
		p.pos++
		return t.text
	}
	p.failAt(t)
	return ""
}

func (p *parser) isIdent() bool {
	t := p.peek()
	return t.kind == tokQuoted || t.kind == tokIdent && !reserved[strings.ToUpper(t.text)]
}

// multipartName reads a.b.c; every part may be backquoted.
func (p *parser) multipartName() []string {
	parts := []string{p.ident()}
	for p.peek().isOp(".") && (p.peekN(1).kind == tokIdent || p.peekN(1).kind == tokQuoted) {
		p.pos++
		parts = append(parts, p.identOrKeyword())
	}
	return parts
}

// pathFormats are the data source names Spark accepts as the "database"
// of a path-addressed table: delta.`/path`.
var pathFormats = wordSet(`DELTA PARQUET JSON CSV ORC TEXT AVRO BINARYFILE`)

// tableName reads a table name, recognising format.`path`.
func (p *parser) tableName() TableName {
	start := p.peek()
	if start.kind == tokIdent && pathFormats[strings.ToUpper(start.text)] && p.peekN(1).isOp(".") && p.peekN(2).kind == tokQuoted {
		p.pos += 3
		return TableName{Format: strings.ToLower(start.text), Path: p.toks[p.pos-1].text}
	}
	parts := p.multipartName()
	switch len(parts) {
	case 1:
		return TableName{Name: parts[0]}
	case 2:
		return TableName{Database: parts[0], Name: parts[1]}
	case 3:
		return TableName{Catalog: parts[0], Database: parts[1], Name: parts[2]}
	}
	p.fail(errorAt(start, "PARSE_SYNTAX_ERROR", "Syntax error at or near '%s': a table name has at most three parts", strings.Join(parts, ".")))
	return TableName{}
}

// stringLit consumes a string literal (adjacent literals concatenate).
func (p *parser) stringLit() string {
	t := p.peek()
	if t.kind != tokString {
		p.failAt(t)
	}
	var b strings.Builder
	for p.peek().kind == tokString {
		b.WriteString(p.advance().text)
	}
	return b.String()
}

// parenIdentList reads (a, b, c).
func (p *parser) parenIdentList() []string {
	p.expectOp("(")
	var names []string
	for {
		names = append(names, p.ident())
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return names
}

// parenExprList reads (e1, e2, ...); an empty list is allowed when
// allowEmpty.
func (p *parser) parenExprList(allowEmpty bool) []expr.Expr {
	p.expectOp("(")
	var es []expr.Expr
	if allowEmpty && p.acceptOp(")") {
		return es
	}
	for {
		es = append(es, p.expr())
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return es
}

// Parse parses exactly one statement; a trailing ';' is allowed.
func Parse(text string) (Statement, error) {
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	p := &parser{src: text, toks: toks}
	var st Statement
	err = run(func() {
		st = p.statement()
		for p.acceptOp(";") {
		}
		if p.peek().kind != tokEOF {
			p.failAt(p.peek())
		}
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// ParseScript parses ';'-separated statements. Empty statements (";;",
// trailing comments) are skipped. Splitting happens on tokens, so a ';'
// inside a string, a quoted identifier or a comment never splits.
func ParseScript(text string) ([]Statement, error) {
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	p := &parser{src: text, toks: toks}
	var out []Statement
	err = run(func() {
		for {
			for p.acceptOp(";") {
			}
			if p.peek().kind == tokEOF {
				return
			}
			out = append(out, p.statement())
			if p.peek().kind != tokEOF && !p.peek().isOp(";") {
				p.failAt(p.peek())
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SplitScript splits text into statement texts on ';' outside strings,
// quoted identifiers and comments, without parsing them; each piece is
// trimmed and empty pieces are dropped. A script runner uses it to report
// errors per statement and keep going.
func SplitScript(text string) ([]string, error) {
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	var out []string
	start := -1
	for _, t := range toks {
		if t.kind == tokEOF || t.isOp(";") {
			if start >= 0 {
				out = append(out, strings.TrimSpace(text[start:t.off]))
				start = -1
			}
			continue
		}
		if start < 0 {
			start = t.off
		}
	}
	return out, nil
}

// ParseExpr parses a single expression, as DataFrame.filter("a > 1") and
// selectExpr("avg(x) AS m") take them; an alias is allowed.
func ParseExpr(text string) (expr.Expr, error) {
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	p := &parser{src: text, toks: toks}
	var e expr.Expr
	err = run(func() {
		e = p.selectItem()
		if p.peek().kind != tokEOF {
			p.failAt(p.peek())
		}
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}
