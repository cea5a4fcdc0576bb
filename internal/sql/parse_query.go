package sql

import (
	"strconv"
	"strings"
	"time"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// query parses [WITH ...] body [ORDER BY ...] [LIMIT n] [OFFSET n].
func (p *parser) query() *Query {
	p.enter()
	defer p.leave()
	// A subquery's expressions are trees of their own: depth-check each.
	outer := p.exprNesting
	p.exprNesting = 0
	defer func() { p.exprNesting = outer }()
	q := &Query{}
	if p.accept("WITH") {
		p.accept("RECURSIVE")
		for {
			c := CTE{Name: p.ident()}
			if p.peek().isOp("(") {
				c.Columns = p.parenIdentList()
			}
			p.accept("AS")
			p.expectOp("(")
			c.Query = p.query()
			p.expectOp(")")
			for _, prev := range q.With {
				if strings.EqualFold(prev.Name, c.Name) {
					p.fail(errorAt(p.toks[p.pos-1], "DUPLICATE_CTE_NAMES", "CTE definition can't have duplicate names: '%s'.", c.Name))
				}
			}
			q.With = append(q.With, c)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	q.Body = p.setExpr()
	p.queryTail(q)
	return q
}

// queryTail parses the ORDER BY / LIMIT / OFFSET that follow a body.
func (p *parser) queryTail(q *Query) {
	if p.acceptSeq("ORDER", "BY") || p.acceptSeq("SORT", "BY") {
		q.OrderBy = p.sortList()
	}
	if p.accept("LIMIT") {
		if !p.accept("ALL") {
			q.Limit = p.expr()
		}
	}
	if p.accept("OFFSET") {
		q.Offset = p.expr()
	}
}

// setExpr parses UNION/EXCEPT chains over INTERSECT chains: INTERSECT
// binds tighter, as in Spark.
func (p *parser) setExpr() QueryBody {
	left := p.intersectExpr()
	for {
		var kind SetOpKind
		switch {
		case p.accept("UNION"):
			kind = Union
		case p.accept("EXCEPT") || p.accept("MINUS"):
			kind = Except
		default:
			return left
		}
		all := p.setQuantifier()
		left = &SetOp{Kind: kind, All: all, Left: left, Right: p.intersectExpr()}
	}
}

func (p *parser) intersectExpr() QueryBody {
	left := p.queryPrimary()
	for p.accept("INTERSECT") {
		all := p.setQuantifier()
		left = &SetOp{Kind: Intersect, All: all, Left: left, Right: p.queryPrimary()}
	}
	return left
}

func (p *parser) setQuantifier() bool {
	if p.accept("ALL") {
		return true
	}
	p.accept("DISTINCT")
	return false
}

// queryPrimary is a SELECT block, VALUES, TABLE t, or a parenthesised
// query; a parenthesised query with nothing but a body is unwrapped.
func (p *parser) queryPrimary() QueryBody {
	t := p.peek()
	switch {
	case t.is("SELECT"):
		return p.selectBlock()
	case t.is("VALUES"):
		p.advance()
		rows := p.valuesRows()
		if alias, cols := p.relationAlias(); alias != "" {
			// VALUES ... AS t(a, b) as a query is SELECT * over the inline table.
			return &Select{Items: []expr.Expr{&expr.Star{}}, From: &InlineTable{Rows: rows, Alias: alias, Columns: cols}}
		}
		return &Values{Rows: rows}
	case t.is("TABLE"):
		p.advance()
		return &Select{Items: []expr.Expr{&expr.Star{}}, From: &Table{Name: p.tableName()}}
	case t.isOp("("):
		p.advance()
		q := p.query()
		p.expectOp(")")
		if len(q.With) == 0 && len(q.OrderBy) == 0 && q.Limit == nil && q.Offset == nil {
			return q.Body
		}
		return q
	}
	p.failAt(t)
	return nil
}

// valuesRows parses (a, b), (c, d) or a single-column list 1, 2.
func (p *parser) valuesRows() [][]expr.Expr {
	var rows [][]expr.Expr
	for {
		if p.peek().isOp("(") && !p.startsQuery(1) {
			rows = append(rows, p.parenExprList(false))
		} else {
			rows = append(rows, []expr.Expr{p.expr()})
		}
		if !p.acceptOp(",") {
			return rows
		}
	}
}

func (p *parser) selectBlock() *Select {
	p.expect("SELECT")
	s := &Select{}
	if p.accept("DISTINCT") {
		s.Distinct = true
	} else {
		p.accept("ALL")
	}
	for {
		s.Items = append(s.Items, p.selectItem())
		if !p.acceptOp(",") {
			break
		}
	}
	if p.accept("FROM") {
		s.From = p.fromClause()
	}
	if p.accept("WHERE") {
		s.Where = p.expr()
	}
	if p.acceptSeq("GROUP", "BY") {
		s.GroupBy = p.groupBy()
	}
	if p.accept("HAVING") {
		s.Having = p.expr()
	}
	if p.accept("WINDOW") {
		for {
			name := p.ident()
			p.expect("AS")
			w, _ := p.window(nil).(*WindowCall)
			s.Windows = append(s.Windows, NamedWindow{Name: name, Spec: w})
			if !p.acceptOp(",") {
				break
			}
		}
	}
	return s
}

// groupBy parses grouping expressions; GROUP BY a, b WITH ROLLUP|CUBE
// becomes rollup(a, b) / cube(a, b), which is also how ROLLUP(..) and
// CUBE(..) parse as calls.
func (p *parser) groupBy() []expr.Expr {
	if p.peek().is("ALL") && !p.peekN(1).isOp("(") {
		// GROUP BY ALL stays a reference to a column named ALL, as in
		// Spark: the analyzer groups by every non-aggregate item unless
		// such a column exists.
		p.advance()
		return []expr.Expr{&expr.ColumnRef{Name: "ALL"}}
	}
	var es []expr.Expr
	for {
		if p.acceptSeq("GROUPING", "SETS") {
			es = append(es, p.groupingSets())
		} else {
			es = append(es, p.expr())
		}
		if !p.acceptOp(",") {
			break
		}
	}
	if p.acceptSeq("GROUPING", "SETS") {
		// Hive's GROUP BY a, b GROUPING SETS (...): the sets alone decide.
		return []expr.Expr{p.groupingSets()}
	}
	if p.accept("WITH") {
		switch {
		case p.accept("ROLLUP"):
			es = []expr.Expr{&expr.Call{Name: "rollup", Args: es}}
		case p.accept("CUBE"):
			es = []expr.Expr{&expr.Call{Name: "cube", Args: es}}
		default:
			p.failAt(p.peek())
		}
	}
	return es
}

// groupingSets parses ((a, b), a, ()) after GROUPING SETS.
func (p *parser) groupingSets() expr.Expr {
	p.expectOp("(")
	gs := &GroupingSets{}
	for {
		if p.peek().isOp("(") && !p.startsQuery(1) {
			gs.Sets = append(gs.Sets, p.parenExprList(true))
		} else {
			gs.Sets = append(gs.Sets, []expr.Expr{p.expr()})
		}
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return gs
}

// selectItem parses one projection item with an optional alias.
func (p *parser) selectItem() expr.Expr {
	e := p.expr()
	if p.accept("AS") {
		if p.peek().isOp("(") {
			// Multi-alias for generators: AS (a, b).
			return &MultiAlias{Child: e, Names: p.parenIdentList()}
		}
		return &expr.Alias{Child: e, Name: p.aliasName()}
	}
	if p.isIdent() {
		return &expr.Alias{Child: e, Name: p.ident()}
	}
	return e
}

func (p *parser) aliasName() string {
	if p.peek().kind == tokString {
		return p.stringLit()
	}
	return p.identOrKeyword()
}

// fromClause parses comma-separated relations; a comma is a cross join
// that binds looser than explicit JOINs.
func (p *parser) fromClause() Relation {
	rel := p.joinedRelation()
	for p.acceptOp(",") {
		rel = &Join{Type: CrossJoin, Left: rel, Right: p.joinedRelation()}
	}
	return rel
}

func (p *parser) joinedRelation() Relation {
	left := p.relationPrimary()
	for {
		start := p.pos
		natural := p.accept("NATURAL")
		typ, ok := p.joinType()
		if !ok {
			p.pos = start
			return left
		}
		right := p.relationPrimary()
		j := &Join{Type: typ, Natural: natural, Left: left, Right: right}
		if !natural {
			switch {
			case p.accept("ON"):
				j.On = p.expr()
			case p.accept("USING"):
				j.Using = p.parenIdentList()
			}
		}
		left = j
	}
}

// joinType consumes a join operator and reports its kind.
func (p *parser) joinType() (JoinType, bool) {
	switch {
	case p.accept("JOIN"):
		return InnerJoin, true
	case p.acceptSeq("INNER", "JOIN"):
		return InnerJoin, true
	case p.acceptSeq("CROSS", "JOIN"):
		return CrossJoin, true
	case p.acceptSeq("LEFT", "OUTER", "JOIN"), p.acceptSeq("LEFT", "JOIN"):
		return LeftJoin, true
	case p.acceptSeq("RIGHT", "OUTER", "JOIN"), p.acceptSeq("RIGHT", "JOIN"):
		return RightJoin, true
	case p.acceptSeq("FULL", "OUTER", "JOIN"), p.acceptSeq("FULL", "JOIN"):
		return FullJoin, true
	case p.acceptSeq("LEFT", "SEMI", "JOIN"), p.acceptSeq("SEMI", "JOIN"):
		return LeftSemiJoin, true
	case p.acceptSeq("LEFT", "ANTI", "JOIN"), p.acceptSeq("ANTI", "JOIN"):
		return LeftAntiJoin, true
	}
	return 0, false
}

// relationPrimary parses one FROM item with its alias.
func (p *parser) relationPrimary() Relation {
	t := p.peek()
	switch {
	case t.isOp("("):
		if p.startsQuery(1) {
			p.advance()
			q := p.query()
			p.expectOp(")")
			s := &Subquery{Query: q}
			s.Alias, s.Columns = p.relationAlias()
			return s
		}
		p.advance()
		r := p.fromClause()
		p.expectOp(")")
		if alias, cols := p.relationAlias(); alias != "" {
			// (a JOIN b) AS x(c1, ...) aliases the join's output, which is
			// what SELECT * over it in a subquery does.
			sel := &Select{Items: []expr.Expr{&expr.Star{}}, From: r}
			return &Subquery{Query: &Query{Body: sel}, Alias: alias, Columns: cols}
		}
		return r
	case t.is("VALUES"):
		p.advance()
		it := &InlineTable{Rows: p.valuesRows()}
		it.Alias, it.Columns = p.relationAlias()
		return it
	case (t.kind == tokIdent || t.kind == tokQuoted) && p.peekN(1).isOp("(") && !pathFormats[strings.ToUpper(t.text)]:
		name := strings.ToLower(p.advance().text)
		tf := &TableFunction{Name: name, Args: p.parenExprList(true)}
		tf.Alias, tf.Columns = p.relationAlias()
		return tf
	}
	tb := &Table{Name: p.tableName()}
	tb.TimeTravel = p.timeTravel()
	tb.Alias, tb.Columns = p.relationAlias()
	return tb
}

// timeTravel parses VERSION AS OF n / TIMESTAMP AS OF expr (with the
// optional FOR SYSTEM_... spellings).
func (p *parser) timeTravel() *TimeTravel {
	if p.peek().isOp("@") {
		// Delta's t@v12 (version) and t@yyyyMMddHHmmssSSS (timestamp).
		at := p.advance()
		n := p.advance()
		switch {
		case n.kind == tokIdent && (n.text[0] == 'v' || n.text[0] == 'V'):
			if v, err := strconv.ParseInt(n.text[1:], 10, 64); err == nil {
				return &TimeTravel{Version: &v}
			}
		case n.kind == tokNumber && len(n.text) == 17:
			if ts, err := time.Parse("20060102150405.000", n.text[:14]+"."+n.text[14:]); err == nil {
				return &TimeTravel{Timestamp: &expr.Literal{Value: ts.UnixMicro(), Type: types.Timestamp}}
			}
		}
		p.fail(errorAt(at, "INVALID_TIME_TRAVEL_SPEC", "Invalid time travel spec '@%s': expected @v<version> or @yyyyMMddHHmmssSSS", n.raw))
	}
	switch {
	case p.acceptSeq("VERSION", "AS", "OF"), p.acceptSeq("FOR", "SYSTEM_VERSION", "AS", "OF"), p.acceptSeq("FOR", "VERSION", "AS", "OF"):
		t := p.peek()
		var v int64
		var err error
		switch t.kind {
		case tokNumber:
			v, err = strconv.ParseInt(strings.TrimRight(t.text, "Ll"), 10, 64)
		case tokString:
			v, err = strconv.ParseInt(t.text, 10, 64)
		default:
			p.failAt(t)
		}
		if err != nil {
			p.fail(errorAt(t, "INVALID_TIME_TRAVEL_SPEC", "Cannot time travel to version %s: not an integer", t.raw))
		}
		p.advance()
		return &TimeTravel{Version: &v}
	case p.acceptSeq("TIMESTAMP", "AS", "OF"), p.acceptSeq("FOR", "SYSTEM_TIME", "AS", "OF"), p.acceptSeq("FOR", "TIMESTAMP", "AS", "OF"):
		return &TimeTravel{Timestamp: p.binary(0)}
	}
	return nil
}

// relationAlias parses [AS] alias [(col, ...)].
func (p *parser) relationAlias() (string, []string) {
	var alias string
	switch {
	case p.accept("AS"):
		alias = p.ident()
	case p.isIdent():
		alias = p.ident()
	default:
		return "", nil
	}
	if p.peek().isOp("(") {
		return alias, p.parenIdentList()
	}
	return alias, nil
}

// intLiteral reads an integer literal token.
func (p *parser) intLiteral() int64 {
	t := p.peek()
	if t.kind != tokNumber {
		p.failAt(t)
	}
	n, err := strconv.ParseInt(strings.TrimRight(t.text, "Ll"), 10, 64)
	if err != nil {
		p.failAt(t)
	}
	p.advance()
	return n
}

// literalValue reads a property value: a string, a number, a boolean or a
// bare word, kept as the text Spark would store.
func (p *parser) literalValue() string {
	t := p.peek()
	switch t.kind {
	case tokString:
		return p.stringLit()
	case tokNumber:
		p.advance()
		return t.text
	case tokIdent, tokQuoted:
		p.advance()
		if t.is("TRUE") || t.is("FALSE") {
			return strings.ToLower(t.text)
		}
		return t.text
	case tokOp:
		if t.isOp("-") && p.peekN(1).kind == tokNumber {
			p.advance()
			return "-" + p.advance().text
		}
	}
	p.failAt(t)
	return ""
}
