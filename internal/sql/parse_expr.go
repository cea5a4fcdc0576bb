package sql

import (
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// expr parses a full boolean expression. A top-level expression's tree is
// checked against MaxExprDepth once it is complete.
func (p *parser) expr() expr.Expr {
	p.enter()
	defer p.leave()
	p.exprNesting++
	defer func() { p.exprNesting-- }()
	start := p.peek()
	e := p.orExpr()
	if p.exprNesting == 1 && exprDeeperThan(e, MaxExprDepth) {
		p.fail(errorAt(start, "FAILED_TO_PARSE_TOO_COMPLEX",
			"The statement, including potential SQL functions and referenced views, was too complex to parse (an expression tree more than %d levels deep). To mitigate this error divide the statement into multiple, less complex chunks.", MaxExprDepth))
	}
	return e
}

// exprDeeperThan reports whether e's tree is more than limit nodes deep,
// walking it with an explicit stack so that the check itself cannot
// overflow.
func exprDeeperThan(e expr.Expr, limit int) bool {
	type item struct {
		e     expr.Expr
		depth int
	}
	stack := []item{{e, 1}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.e == nil {
			continue
		}
		if it.depth > limit {
			return true
		}
		for _, c := range it.e.Children() {
			stack = append(stack, item{c, it.depth + 1})
		}
	}
	return false
}

func (p *parser) orExpr() expr.Expr {
	e := p.andExpr()
	if !p.peek().is("OR") {
		return e
	}
	es := []expr.Expr{e}
	for p.accept("OR") {
		es = append(es, p.andExpr())
	}
	return balanced(expr.OpOr, es)
}

func (p *parser) andExpr() expr.Expr {
	e := p.notExpr()
	if !p.peek().is("AND") {
		return e
	}
	es := []expr.Expr{e}
	for p.accept("AND") {
		es = append(es, p.notExpr())
	}
	return balanced(expr.OpAnd, es)
}

// balanced joins a chain a AND b AND c ... into a balanced tree, as
// Spark's AstBuilder does for AND and OR, so a long chain is log-deep
// rather than one level per term. The split is Spark's (the left half
// takes the middle term), so generated column names match: a AND b AND c
// is ((a AND b) AND c), four terms are ((a AND b) AND (c AND d)).
func balanced(op expr.BinaryOperator, es []expr.Expr) expr.Expr {
	if len(es) == 1 {
		return es[0]
	}
	mid := (len(es) - 1) / 2
	return &expr.Binary{Op: op, Left: balanced(op, es[:mid+1]), Right: balanced(op, es[mid+1:])}
}

// notExpr is NOT at its Spark precedence: below comparisons and
// predicates, so NOT a = b means NOT (a = b). "!" is a synonym. A run of
// NOTs is read in a loop, not by recursion.
func (p *parser) notExpr() expr.Expr {
	nots := 0
	for p.accept("NOT") || p.peek().isOp("!") && p.advance().isOp("!") {
		nots++
	}
	e := p.predicate()
	for range nots {
		e = &expr.Unary{Op: expr.OpNot, Child: e}
	}
	return e
}

// predicate parses a value expression followed by any of Spark's
// predicates ([NOT] BETWEEN/IN/LIKE/RLIKE/ILIKE, IS ...).
func (p *parser) predicate() expr.Expr {
	e := p.binary(0)
	for {
		start := p.pos
		not := p.accept("NOT")
		switch {
		case p.accept("BETWEEN"):
			lo := p.binary(0)
			p.expect("AND")
			hi := p.binary(0)
			// Spark rewrites BETWEEN to this conjunction while parsing.
			var b expr.Expr = &expr.Binary{Op: expr.OpAnd,
				Left:  &expr.Binary{Op: expr.OpGtEq, Left: e, Right: lo},
				Right: &expr.Binary{Op: expr.OpLtEq, Left: e, Right: hi}}
			e = negateIf(not, b)
		case p.accept("IN"):
			if p.peek().isOp("(") && p.startsQuery(1) {
				p.advance()
				q := p.query()
				p.expectOp(")")
				e = &InSubquery{Child: e, Query: q, Not: not}
				continue
			}
			e = &expr.In{Child: e, List: p.parenExprList(false), Not: not}
		case p.accept("LIKE"):
			e = p.likeRest(e, not, "like")
		case p.accept("ILIKE"):
			e = p.likeRest(e, not, "ilike")
		case p.accept("RLIKE") || p.accept("REGEXP"):
			e = negateIf(not, &expr.Call{Name: "rlike", Args: []expr.Expr{e, p.binary(0)}})
		case !not && p.accept("IS"):
			isNot := p.accept("NOT")
			switch {
			case p.accept("NULL") || p.accept("UNKNOWN"):
				op := expr.OpIsNull
				if isNot {
					op = expr.OpIsNotNull
				}
				e = &expr.Unary{Op: op, Child: e}
			case p.peek().is("TRUE") || p.peek().is("FALSE"):
				// x IS TRUE is exactly x <=> TRUE: false for NULL, never NULL.
				v := p.advance().is("TRUE")
				e = negateIf(isNot, &expr.Binary{Op: expr.OpNullSafe, Left: e, Right: &expr.Literal{Value: v, Type: types.Boolean}})
			case p.acceptSeq("DISTINCT", "FROM"):
				e = negateIf(!isNot, &expr.Binary{Op: expr.OpNullSafe, Left: e, Right: p.binary(0)})
			default:
				p.failAt(p.peek())
			}
		default:
			p.pos = start
			return e
		}
	}
}

func negateIf(not bool, e expr.Expr) expr.Expr {
	if not {
		return &expr.Unary{Op: expr.OpNot, Child: e}
	}
	return e
}

// likeRest parses what follows LIKE/ILIKE: a pattern with an optional
// ESCAPE, or ANY/ALL/SOME (patterns).
func (p *parser) likeRest(e expr.Expr, not bool, fn string) expr.Expr {
	if p.peek().is("ANY") || p.peek().is("ALL") || p.peek().is("SOME") {
		q := strings.ToLower(p.advance().text)
		if q == "some" {
			q = "any"
		}
		name := fn + "_" + q
		if not {
			name = "not_" + name
		}
		return &expr.Call{Name: name, Args: append([]expr.Expr{e}, p.parenExprList(false)...)}
	}
	pat := p.binary(0)
	if p.accept("ESCAPE") {
		esc := p.stringLiteralExpr()
		return negateIf(not, &expr.Call{Name: fn, Args: []expr.Expr{e, pat, esc}})
	}
	if fn == "ilike" {
		return negateIf(not, &expr.Call{Name: fn, Args: []expr.Expr{e, pat}})
	}
	return &expr.Like{Child: e, Pattern: pat, Not: not}
}

func (p *parser) stringLiteralExpr() expr.Expr {
	return &expr.Literal{Value: p.stringLit(), Type: types.String}
}

// binaryPrec gives the binding power of the binary operator at t (0 if t
// is not one): comparisons < | < ^ < & < + - || < * / % DIV.
func binaryPrec(t token) (int, expr.BinaryOperator) {
	if t.kind == tokIdent && t.is("DIV") {
		return 6, OpIntDiv
	}
	if t.kind != tokOp {
		return 0, ""
	}
	switch t.text {
	case "=", "==":
		return 1, expr.OpEq
	case "!=", "<>":
		return 1, expr.OpNotEq
	case "<":
		return 1, expr.OpLt
	case "<=":
		return 1, expr.OpLtEq
	case ">":
		return 1, expr.OpGt
	case ">=":
		return 1, expr.OpGtEq
	case "<=>":
		return 1, expr.OpNullSafe
	case "|":
		return 2, OpBitOr
	case "^":
		return 3, OpBitXor
	case "&":
		return 4, OpBitAnd
	case "+":
		return 5, expr.OpAdd
	case "-":
		return 5, expr.OpSub
	case "||":
		return 5, "||"
	case "*":
		return 6, expr.OpMul
	case "/":
		return 6, expr.OpDiv
	case "%":
		return 6, expr.OpMod
	}
	return 0, ""
}

// binary is precedence climbing over the left-associative binary
// operators whose precedence exceeds min.
func (p *parser) binary(min int) expr.Expr {
	left := p.unary()
	for {
		prec, op := binaryPrec(p.peek())
		if prec == 0 || prec <= min {
			return left
		}
		p.advance()
		right := p.binary(prec)
		if op == "||" {
			// || is string concatenation in Spark.
			left = &expr.Call{Name: "concat", Args: []expr.Expr{left, right}}
			continue
		}
		left = &expr.Binary{Op: op, Left: left, Right: right}
	}
}

// unary reads prefix -, + and ~ operators (in a loop: a long run of them
// does not recurse) and the operand they apply to.
func (p *parser) unary() expr.Expr {
	var ops []string
	var e expr.Expr
	for e == nil {
		t := p.peek()
		switch {
		case t.isOp("-"):
			p.advance()
			if n := p.peek(); n.kind == tokNumber && !strings.HasPrefix(n.text, "X") && !strings.HasPrefix(n.text, "x") {
				// A minus directly before a number is part of the literal, as in
				// Spark's grammar, so -2147483648 is an INT.
				p.advance()
				e = p.postfix(p.numberLiteral(n, true))
				continue
			}
			ops = append(ops, "-")
		case t.isOp("+"):
			p.advance()
		case t.isOp("~"):
			p.advance()
			ops = append(ops, "~")
		default:
			e = p.postfix(p.primary())
		}
	}
	for i := len(ops) - 1; i >= 0; i-- {
		if ops[i] == "-" {
			e = &expr.Unary{Op: expr.OpNeg, Child: e}
		} else {
			e = &expr.Unary{Op: OpBitNot, Child: e}
		}
	}
	return e
}

// postfix applies subscripts and :: casts.
func (p *parser) postfix(e expr.Expr) expr.Expr {
	for {
		switch {
		case p.acceptOp("["):
			idx := p.expr()
			p.expectOp("]")
			e = &Subscript{Child: e, Index: idx}
		case p.acceptOp("::"):
			e = &expr.Cast{Child: e, To: p.dataType()}
		case p.peek().isOp(".") && (p.peekN(1).kind == tokIdent || p.peekN(1).kind == tokQuoted):
			// Field of a computed struct, f(x).a: Spark extracts it like
			// x['a'] (ExtractValue), so it is a Subscript by name. Plain
			// a.b.c is read by columnOrCall and never gets here.
			p.advance()
			name := p.identOrKeyword()
			e = &Subscript{Child: e, Index: &expr.Literal{Value: name, Type: types.String}}
		default:
			return e
		}
	}
}

// primary parses literals, column references, function calls, CAST, CASE,
// parenthesised expressions and subqueries.
func (p *parser) primary() expr.Expr {
	t := p.peek()
	switch t.kind {
	case tokNumber:
		p.advance()
		return p.numberLiteral(t, false)
	case tokString:
		return p.stringLiteralExpr()
	case tokQuoted:
		return p.columnOrCall()
	case tokOp:
		switch t.text {
		case "(":
			if p.startsQuery(1) {
				p.advance()
				q := p.query()
				p.expectOp(")")
				return &ScalarSubquery{Query: q}
			}
			if lam, ok := p.tryLambda(); ok {
				return lam
			}
			p.advance()
			e := p.aliasedArg()
			if p.acceptOp(",") {
				// (a, b) is a struct, used in tuple IN predicates.
				args := []expr.Expr{e}
				for {
					args = append(args, p.aliasedArg())
					if !p.acceptOp(",") {
						break
					}
				}
				p.expectOp(")")
				return &expr.Call{Name: "struct", Args: args}
			}
			p.expectOp(")")
			if _, ok := e.(*expr.Alias); ok {
				return &expr.Call{Name: "struct", Args: []expr.Expr{e}}
			}
			return e
		case "*":
			p.advance()
			return &expr.Star{}
		}
		p.failAt(t)
	case tokIdent:
		if p.peekN(1).isOp("->") {
			p.pos += 2
			return &Lambda{Params: []string{t.text}, Body: p.expr()}
		}
		switch strings.ToUpper(t.text) {
		case "NULL":
			p.advance()
			return &expr.Literal{Value: nil, Type: types.Null}
		case "TRUE", "FALSE":
			p.advance()
			return &expr.Literal{Value: t.is("TRUE"), Type: types.Boolean}
		case "DATE", "TIMESTAMP", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ":
			if p.peekN(1).kind == tokString {
				p.advance()
				return p.typedLiteral(t, p.stringLit())
			}
		case "INTERVAL":
			if n := p.peekN(1); n.kind == tokString || n.kind == tokNumber || n.isOp("-") || n.isOp("+") {
				return p.interval()
			}
		case "CAST", "TRY_CAST":
			if p.peekN(1).isOp("(") {
				p.pos += 2
				child := p.expr()
				p.expect("AS")
				to := p.dataType()
				p.expectOp(")")
				// Non-ANSI CAST already yields NULL for bad input, so TRY_CAST
				// is the same node.
				return &expr.Cast{Child: child, To: to}
			}
		case "CASE":
			return p.caseExpr()
		case "EXISTS":
			if p.peekN(1).isOp("(") && p.startsQuery(2) {
				p.pos += 2
				q := p.query()
				p.expectOp(")")
				return &Exists{Query: q}
			}
		case "CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_USER", "CURRENT_DATABASE", "CURRENT_SCHEMA":
			if !p.peekN(1).isOp("(") {
				p.advance()
				return &expr.Call{Name: strings.ToLower(t.text)}
			}
		}
		if reserved[strings.ToUpper(t.text)] && !p.peekN(1).isOp("(") {
			p.failAt(t)
		}
		return p.columnOrCall()
	}
	p.failAt(t)
	return nil
}

// aliasedArg parses an expression that may be named, as struct fields
// are: struct(a + 1 AS x), (0 AS sum, 0 AS n).
func (p *parser) aliasedArg() expr.Expr {
	e := p.expr()
	if p.accept("AS") {
		return &expr.Alias{Child: e, Name: p.identOrKeyword()}
	}
	return e
}

// tryLambda parses (a, b) -> body when the tokens have that shape.
func (p *parser) tryLambda() (expr.Expr, bool) {
	i := 1
	var params []string
	for {
		n := p.peekN(i)
		if n.kind != tokIdent && n.kind != tokQuoted {
			return nil, false
		}
		params = append(params, n.text)
		i++
		if p.peekN(i).isOp(",") {
			i++
			continue
		}
		if p.peekN(i).isOp(")") && p.peekN(i+1).isOp("->") {
			p.pos += i + 2
			return &Lambda{Params: params, Body: p.expr()}, true
		}
		return nil, false
	}
}

// startsQuery reports whether the token n ahead begins a query (SELECT,
// WITH, VALUES, FROM? no: only the unambiguous starters), looking through
// nested parentheses.
func (p *parser) startsQuery(n int) bool {
	n += p.opensAt(p.pos + n)
	t := p.peekN(n)
	return t.is("SELECT") || t.is("WITH") || t.is("VALUES") || t.is("TABLE") && p.peekN(n+1).kind != tokOp
}

// columnOrCall parses name, a.b, a.*, x -> body, or name(args).
func (p *parser) columnOrCall() expr.Expr {
	first := p.peek()
	if p.peekN(1).isOp("->") {
		p.pos += 2
		return &Lambda{Params: []string{first.text}, Body: p.expr()}
	}
	if p.peekN(1).isOp("(") {
		return p.call()
	}
	parts := []string{p.identOrKeyword()}
	for p.peek().isOp(".") {
		n := p.peekN(1)
		if n.isOp("*") {
			p.pos += 2
			return &expr.Star{Qualifier: strings.Join(parts, ".")}
		}
		if n.kind != tokIdent && n.kind != tokQuoted {
			p.failAt(n)
		}
		p.pos++
		parts = append(parts, p.identOrKeyword())
	}
	if len(parts) == 1 {
		return &expr.ColumnRef{Name: parts[0]}
	}
	// a.b.c keeps all but the last part as the qualifier; the analyzer
	// decides whether it names a table or a struct field.
	return &expr.ColumnRef{Qualifier: strings.Join(parts[:len(parts)-1], "."), Name: parts[len(parts)-1]}
}

// aggregates are the functions parsed into expr.AggCall.
var aggregates = wordSet(`AVG MEAN COUNT SUM MIN MAX FIRST LAST FIRST_VALUE LAST_VALUE COUNT_IF
	ANY SOME EVERY BOOL_AND BOOL_OR COLLECT_LIST COLLECT_SET ARRAY_AGG STDDEV STDDEV_SAMP
	STDDEV_POP STD VARIANCE VAR_SAMP VAR_POP APPROX_COUNT_DISTINCT PERCENTILE PERCENTILE_APPROX
	APPROX_PERCENTILE MEDIAN MODE MAX_BY MIN_BY CORR COVAR_POP COVAR_SAMP SKEWNESS KURTOSIS
	BIT_AND BIT_OR BIT_XOR SUM_DISTINCT TRY_SUM TRY_AVG REGR_COUNT REGR_AVGX REGR_AVGY
	REGR_SLOPE REGR_INTERCEPT REGR_R2 REGR_SXX REGR_SYY REGR_SXY HISTOGRAM_NUMERIC
	COUNT_MIN_SKETCH HLL_SKETCH_AGG GROUPING GROUPING_ID`)

// IsAggregateName reports whether the parser makes an AggCall of a call to
// the function name.
func IsAggregateName(name string) bool { return aggregates[strings.ToUpper(name)] }

// call parses name(args) with Spark's special argument forms, then an
// optional FILTER (WHERE ...), IGNORE/RESPECT NULLS and OVER window.
func (p *parser) call() expr.Expr {
	name := strings.ToLower(p.advance().text)
	p.expectOp("(")
	if e, ok := p.specialCall(name); ok {
		return p.callSuffix(e)
	}
	var args []expr.Expr
	distinct, star := false, false
	switch {
	case p.acceptOp(")"):
	case p.peek().isOp("*") && p.peekN(1).isOp(")"):
		p.pos += 2
		star = true
	default:
		if p.accept("DISTINCT") {
			distinct = true
		} else {
			p.accept("ALL")
		}
		for {
			args = append(args, p.aliasedArg())
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	var e expr.Expr
	if aggregates[strings.ToUpper(name)] {
		e = &expr.AggCall{Name: name, Args: args, Distinct: distinct, Star: star}
	} else {
		if star {
			args = []expr.Expr{&expr.Star{}}
		}
		if distinct {
			p.fail(errorAt(p.toks[p.pos-1], "INVALID_SQL_SYNTAX", "DISTINCT is only allowed in aggregate functions, not in %s", name))
		}
		e = &expr.Call{Name: name, Args: args}
	}
	return p.callSuffix(e)
}

func (p *parser) callSuffix(e expr.Expr) expr.Expr {
	if p.peek().is("FILTER") && p.peekN(1).isOp("(") {
		p.pos += 2
		p.expect("WHERE")
		cond := p.expr()
		p.expectOp(")")
		// agg(x) FILTER (WHERE c) aggregates only rows where c holds; the
		// argument becomes CASE WHEN c THEN x END, which every aggregate
		// that skips NULLs treats the same way.
		if a, ok := e.(*expr.AggCall); ok {
			cp := *a
			if cp.Star {
				cp.Star = false
				cp.Args = []expr.Expr{&expr.Literal{Value: int32(1), Type: types.Integer}}
			}
			args := make([]expr.Expr, len(cp.Args))
			for i, arg := range cp.Args {
				args[i] = &expr.CaseWhen{Whens: []expr.When{{Cond: cond, Value: arg}}}
			}
			cp.Args = args
			e = &cp
		}
	}
	if p.acceptSeq("IGNORE", "NULLS") {
		if a, ok := e.(*expr.AggCall); ok && (a.Name == "first" || a.Name == "last" || a.Name == "first_value" || a.Name == "last_value") {
			a.Args = append(a.Args, &expr.Literal{Value: true, Type: types.Boolean})
		}
	} else {
		p.acceptSeq("RESPECT", "NULLS")
	}
	if p.accept("OVER") {
		return p.window(e)
	}
	return e
}

// specialCall handles functions with keyword-separated arguments.
func (p *parser) specialCall(name string) (expr.Expr, bool) {
	lit := func(s string) expr.Expr { return &expr.Literal{Value: s, Type: types.String} }
	switch name {
	case "extract":
		if !p.peekN(1).is("FROM") {
			return nil, false
		}
		var field string
		if p.peek().kind == tokString {
			field = p.stringLit()
		} else {
			field = p.identOrKeyword()
		}
		p.expect("FROM")
		src := p.expr()
		p.expectOp(")")
		return &expr.Call{Name: "date_part", Args: []expr.Expr{lit(strings.ToUpper(field)), src}}, true
	case "position":
		if p.isInForm() {
			sub := p.binary(0)
			p.expect("IN")
			str := p.expr()
			p.expectOp(")")
			return &expr.Call{Name: "locate", Args: []expr.Expr{sub, str}}, true
		}
	case "substring", "substr":
		save := p.pos
		s := p.expr()
		if p.accept("FROM") {
			args := []expr.Expr{s, p.expr()}
			if p.accept("FOR") {
				args = append(args, p.expr())
			}
			p.expectOp(")")
			return &expr.Call{Name: name, Args: args}, true
		}
		p.pos = save
	case "trim":
		fn := "trim"
		switch {
		case p.accept("BOTH"):
		case p.accept("LEADING"):
			fn = "ltrim"
		case p.accept("TRAILING"):
			fn = "rtrim"
		}
		if fn != "trim" || p.peek().is("FROM") {
			if p.accept("FROM") {
				src := p.expr()
				p.expectOp(")")
				return &expr.Call{Name: fn, Args: []expr.Expr{src}}, true
			}
		}
		save := p.pos
		if !p.peek().isOp(")") {
			chars := p.expr()
			if p.accept("FROM") {
				src := p.expr()
				p.expectOp(")")
				return &expr.Call{Name: fn, Args: []expr.Expr{src, chars}}, true
			}
			if fn != "trim" {
				p.expectOp(")")
				return &expr.Call{Name: fn, Args: []expr.Expr{chars}}, true
			}
		}
		p.pos = save
	}
	return nil, false
}

// isInForm reports whether a top-level IN follows before the closing ')'.
func (p *parser) isInForm() bool {
	depth := 0
	for i := 0; ; i++ {
		t := p.peekN(i)
		switch {
		case t.kind == tokEOF:
			return false
		case t.isOp("("):
			depth++
		case t.isOp(")"):
			if depth == 0 {
				return false
			}
			depth--
		case depth == 0 && t.is("IN"):
			return true
		}
	}
}

// caseExpr parses both CASE forms; CASE x WHEN v is rewritten to
// CASE WHEN x = v, as Spark evaluates it.
func (p *parser) caseExpr() expr.Expr {
	p.expect("CASE")
	var subject expr.Expr
	if !p.peek().is("WHEN") {
		subject = p.expr()
	}
	c := &expr.CaseWhen{}
	for p.accept("WHEN") {
		cond := p.expr()
		if subject != nil {
			cond = &expr.Binary{Op: expr.OpEq, Left: subject, Right: cond}
		}
		p.expect("THEN")
		c.Whens = append(c.Whens, expr.When{Cond: cond, Value: p.expr()})
	}
	if len(c.Whens) == 0 {
		p.failAt(p.peek())
	}
	if p.accept("ELSE") {
		c.Else = p.expr()
	}
	p.expect("END")
	return c
}

// window parses what follows OVER.
func (p *parser) window(fn expr.Expr) expr.Expr {
	w := &WindowCall{Func: fn}
	if !p.peek().isOp("(") {
		w.Name = p.ident()
		return w
	}
	if (p.peekN(1).kind == tokIdent || p.peekN(1).kind == tokQuoted) && p.peekN(2).isOp(")") && !p.peekN(1).is("ROWS") {
		// OVER (w) names a window like OVER w.
		p.advance()
		w.Name = p.ident()
		p.advance()
		return w
	}
	p.advance()
	if p.accept("PARTITION") || p.accept("DISTRIBUTE") {
		p.expect("BY")
		w.PartitionBy = p.exprList()
	}
	if p.accept("ORDER") || p.accept("SORT") {
		p.expect("BY")
		w.OrderBy = p.sortList()
	}
	if p.peek().is("ROWS") || p.peek().is("RANGE") {
		f := &WindowFrame{Range: p.advance().is("RANGE")}
		if p.accept("BETWEEN") {
			f.Start = p.frameBound()
			p.expect("AND")
			f.End = p.frameBound()
		} else {
			f.Start = p.frameBound()
			f.End = FrameBound{Current: true}
		}
		w.Frame = f
	}
	p.expectOp(")")
	return w
}

func (p *parser) frameBound() FrameBound {
	if p.acceptSeq("CURRENT", "ROW") {
		return FrameBound{Current: true}
	}
	var b FrameBound
	if p.accept("UNBOUNDED") {
		b.Unbounded = true
	} else {
		b.Offset = p.binary(0)
	}
	switch {
	case p.accept("PRECEDING"):
	case p.accept("FOLLOWING"):
		b.Following = true
	default:
		p.failAt(p.peek())
	}
	return b
}

func (p *parser) exprList() []expr.Expr {
	var es []expr.Expr
	for {
		es = append(es, p.expr())
		if !p.acceptOp(",") {
			return es
		}
	}
}

// sortList parses e [ASC|DESC] [NULLS FIRST|LAST], ... with Spark's
// default null ordering (first for ascending, last for descending).
func (p *parser) sortList() []*expr.SortOrder {
	var os []*expr.SortOrder
	for {
		o := &expr.SortOrder{Child: p.expr()}
		if p.accept("DESC") {
			o.Desc = true
		} else {
			p.accept("ASC")
		}
		o.NullsFirst = !o.Desc
		if p.accept("NULLS") {
			switch {
			case p.accept("FIRST"):
				o.NullsFirst = true
			case p.accept("LAST"):
				o.NullsFirst = false
			default:
				p.failAt(p.peek())
			}
		}
		os = append(os, o)
		if !p.acceptOp(",") {
			return os
		}
	}
}

// intervalUnits maps Spark's interval unit words to their singular form.
var intervalUnits = map[string]string{
	"YEAR": "YEAR", "YEARS": "YEAR", "MONTH": "MONTH", "MONTHS": "MONTH", "WEEK": "WEEK", "WEEKS": "WEEK",
	"DAY": "DAY", "DAYS": "DAY", "HOUR": "HOUR", "HOURS": "HOUR", "MINUTE": "MINUTE", "MINUTES": "MINUTE",
	"SECOND": "SECOND", "SECONDS": "SECOND", "MILLISECOND": "MILLISECOND", "MILLISECONDS": "MILLISECOND",
	"MICROSECOND": "MICROSECOND", "MICROSECONDS": "MICROSECOND",
}

// interval parses INTERVAL 'text' [unit [TO unit]] or INTERVAL n unit ...
func (p *parser) interval() expr.Expr {
	p.expect("INTERVAL")
	iv := &Interval{}
	for {
		t := p.peek()
		if len(iv.Parts) > 0 && !p.intervalPartAhead() {
			return iv
		}
		var val string
		switch {
		case t.kind == tokString:
			val = quoteString(p.stringLit())
		case t.kind == tokNumber:
			val = p.advance().raw
		case (t.isOp("-") || t.isOp("+")) && (p.peekN(1).kind == tokNumber || p.peekN(1).kind == tokString):
			sign := p.advance().text
			if sign == "+" {
				sign = ""
			}
			if p.peek().kind == tokString {
				val = sign + quoteString(p.stringLit())
			} else {
				val = sign + p.advance().raw
			}
		default:
			if len(iv.Parts) == 0 {
				p.failAt(t)
			}
			return iv
		}
		unit := ""
		if u, ok := intervalUnits[strings.ToUpper(p.peek().text)]; ok && p.peek().kind == tokIdent {
			p.advance()
			unit = u
			if p.accept("TO") {
				u2, ok := intervalUnits[strings.ToUpper(p.peek().text)]
				if !ok {
					p.failAt(p.peek())
				}
				p.advance()
				unit += " TO " + u2
			}
		} else if !strings.HasSuffix(val, "'") {
			p.failAt(p.peek())
		}
		iv.Parts = append(iv.Parts, IntervalPart{Value: val, Unit: unit})
		if unit == "" {
			return iv
		}
	}
}

// intervalPartAhead reports whether [sign] value unit comes next.
func (p *parser) intervalPartAhead() bool {
	i := 0
	if p.peek().isOp("-") || p.peek().isOp("+") {
		i++
	}
	if v := p.peekN(i); v.kind != tokNumber && v.kind != tokString {
		return false
	}
	_, ok := intervalUnits[strings.ToUpper(p.peekN(i+1).text)]
	return ok && p.peekN(i+1).kind == tokIdent
}

// dataType reads a type written in SQL (INT, DECIMAL(10,2),
// ARRAY<STRUCT<a: INT>>) and hands its text to types.ParseSQLType.
func (p *parser) dataType() types.DataType {
	start := p.peek()
	if start.kind != tokIdent && start.kind != tokQuoted {
		p.failAt(start)
	}
	var b strings.Builder
	b.WriteString(p.advance().raw)
	depth := 0
	if p.peek().isOp("(") {
		for {
			t := p.advance()
			if t.kind == tokEOF {
				p.failAt(t)
			}
			b.WriteString(" " + t.raw)
			if t.isOp(")") {
				break
			}
		}
	}
	if p.peek().isOp("<") {
		for {
			t := p.advance()
			switch {
			case t.kind == tokEOF:
				p.failAt(t)
			case t.isOp("<"):
				// types.ParseSQLType recurses once per level.
				if depth++; depth > MaxNesting {
					p.tooComplex()
				}
			case t.isOp(">"):
				depth--
			case t.isOp("<>"):
				// STRUCT<> lexes as the <> operator.
			}
			b.WriteString(" " + t.raw)
			if depth == 0 {
				break
			}
		}
	}
	dt, err := types.ParseSQLType(b.String())
	if err != nil {
		if strings.Contains(err.Error(), "UNSUPPORTED_DATATYPE") {
			p.fail(errorAt(start, "UNSUPPORTED_DATATYPE", "Unsupported data type %q", strings.ToUpper(b.String())))
		}
		p.fail(errorAt(start, "PARSE_SYNTAX_ERROR", "Syntax error at or near '%s': %v", start.raw, err))
	}
	return dt
}
