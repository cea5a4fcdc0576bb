package sql

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// Operators the SQL dialect has beyond those internal/expr names. They use
// the same string-typed operator kinds so they sit in ordinary Binary and
// Unary nodes.
const (
	OpBitAnd expr.BinaryOperator = "&"
	OpBitOr  expr.BinaryOperator = "|"
	OpBitXor expr.BinaryOperator = "^"
	OpIntDiv expr.BinaryOperator = "DIV"
	OpBitNot expr.UnaryOperator  = "~"
)

// FormatExpr renders e as canonical SQL: every operator application is
// parenthesised, literals carry their type (1L, 1.5D, DATE '...'), and
// identifiers are backquoted when needed, so the text parses back to the
// same tree. It differs from expr.Expr.String, which produces Spark's
// column names rather than parseable SQL.
func FormatExpr(e expr.Expr) string { return exprSQL(e) }

func exprSQL(e expr.Expr) string {
	var b strings.Builder
	writeSQL(&b, e)
	return b.String()
}

// writeSQL writes e's canonical SQL into one builder, so rendering a tree
// costs time linear in the length of the text.
func writeSQL(b *strings.Builder, e expr.Expr) {
	switch e := e.(type) {
	case nil:
		b.WriteString("<nil>")
	case *expr.ColumnRef:
		if e.Qualifier != "" {
			b.WriteString(quoteQualifier(e.Qualifier) + ".")
		}
		b.WriteString(quoteIdent(e.Name))
	case *expr.Star:
		if e.Qualifier != "" {
			b.WriteString(quoteQualifier(e.Qualifier) + ".")
		}
		b.WriteString("*")
	case *expr.Literal:
		b.WriteString(literalSQL(e))
	case *expr.Alias:
		writeSQL(b, e.Child)
		b.WriteString(" AS " + quoteIdent(e.Name))
	case *expr.Cast:
		b.WriteString("CAST(")
		writeSQL(b, e.Child)
		b.WriteString(" AS " + e.To.SQL() + ")")
	case *expr.Binary:
		writeChain(b, e)
	case *expr.Unary:
		switch {
		case e.Op == expr.OpIsNull || e.Op == expr.OpIsNotNull:
			b.WriteString("(")
			writeSQL(b, e.Child)
			b.WriteString(" " + string(e.Op) + ")")
			return
		}
		// A run of prefix operators of one kind is written inside one pair
		// of parentheses, (NOT NOT x) or (- ~ - x), so a long run renders
		// without nesting (which the parser limits).
		b.WriteString("(")
		var c expr.Expr = e
		for {
			u, ok := c.(*expr.Unary)
			if !ok || u.Op == expr.OpIsNull || u.Op == expr.OpIsNotNull || (u.Op == expr.OpNot) != (e.Op == expr.OpNot) {
				break
			}
			b.WriteString(string(u.Op) + " ")
			c = u.Child
		}
		if l, ok := c.(*expr.Literal); ok && e.Op != expr.OpNot {
			// "- 20" would re-parse as the literal -20: keep the operator.
			b.WriteString("(" + literalSQL(l) + "))")
			return
		}
		writeSQL(b, c)
		b.WriteString(")")
	case *expr.Call:
		if isConcat2(e) {
			writeChain(b, e)
			return
		}
		b.WriteString(quoteFuncName(e.Name) + "(")
		writeSQLList(b, e.Args)
		b.WriteString(")")
	case *expr.AggCall:
		b.WriteString(quoteFuncName(e.Name))
		if e.Star {
			b.WriteString("(*)")
			return
		}
		b.WriteString("(")
		if e.Distinct {
			b.WriteString("DISTINCT ")
		}
		writeSQLList(b, e.Args)
		b.WriteString(")")
	case *expr.SortOrder:
		b.WriteString(sortSQL(e))
	case *expr.CaseWhen:
		b.WriteString("CASE")
		for _, w := range e.Whens {
			b.WriteString(" WHEN ")
			writeSQL(b, w.Cond)
			b.WriteString(" THEN ")
			writeSQL(b, w.Value)
		}
		if e.Else != nil {
			b.WriteString(" ELSE ")
			writeSQL(b, e.Else)
		}
		b.WriteString(" END")
	case *expr.In:
		b.WriteString("(")
		writeSQL(b, e.Child)
		if e.Not {
			b.WriteString(" NOT")
		}
		b.WriteString(" IN (")
		writeSQLList(b, e.List)
		b.WriteString("))")
	case *expr.Like:
		b.WriteString("(")
		writeSQL(b, e.Child)
		if e.Not {
			b.WriteString(" NOT")
		}
		b.WriteString(" LIKE ")
		writeSQL(b, e.Pattern)
		b.WriteString(")")
	default:
		b.WriteString(e.String())
	}
}

// chainPrec is the binding power the parser gives a binary operator
// (binaryPrec), or 0 for AND and OR, whose chains the parser balances.
func chainPrec(op expr.BinaryOperator) int {
	switch op {
	case expr.OpEq, expr.OpNotEq, expr.OpLt, expr.OpLtEq, expr.OpGt, expr.OpGtEq, expr.OpNullSafe:
		return 1
	case OpBitOr:
		return 2
	case OpBitXor:
		return 3
	case OpBitAnd:
		return 4
	case expr.OpAdd, expr.OpSub:
		return 5
	case expr.OpMul, expr.OpDiv, expr.OpMod, OpIntDiv:
		return 6
	}
	return 0
}

// isConcat2 reports whether e is concat(a, b), which a || b parses to.
func isConcat2(e expr.Expr) bool {
	c, ok := e.(*expr.Call)
	return ok && len(c.Args) == 2 && strings.EqualFold(c.Name, "concat")
}

// chainLink splits e into its left operand, operator text and right
// operand if it is a binary operation the parser reads left-associatively
// at precedence prec (|| is concat at the precedence of + and -).
func chainLink(e expr.Expr, prec int) (left expr.Expr, op string, right expr.Expr, ok bool) {
	switch e := e.(type) {
	case *expr.Binary:
		if p := chainPrec(e.Op); p != 0 && p == prec {
			return e.Left, string(e.Op), e.Right, true
		}
	case *expr.Call:
		if prec == 5 && isConcat2(e) {
			return e.Args[0], "||", e.Args[1], true
		}
	}
	return nil, "", nil, false
}

// writeChain writes a binary operation. Operators of one precedence that
// the parser reads left to right share one pair of parentheses,
// (a + b - c) for ((a + b) - c), so a long chain renders without nesting
// and parses back to the same left-deep tree.
func writeChain(b *strings.Builder, e expr.Expr) {
	prec := 5
	if bin, ok := e.(*expr.Binary); ok {
		prec = chainPrec(bin.Op)
		if prec == 0 {
			b.WriteString("(")
			writeSQL(b, bin.Left)
			b.WriteString(" " + string(bin.Op) + " ")
			writeSQL(b, bin.Right)
			b.WriteString(")")
			return
		}
	}
	type link struct {
		op    string
		right expr.Expr
	}
	var links []link
	c := e
	for {
		left, op, right, ok := chainLink(c, prec)
		if !ok {
			break
		}
		links = append(links, link{op, right})
		c = left
	}
	b.WriteString("(")
	writeSQL(b, c)
	for i := len(links) - 1; i >= 0; i-- {
		b.WriteString(" " + links[i].op + " ")
		writeSQL(b, links[i].right)
	}
	b.WriteString(")")
}

func exprList(es []expr.Expr) string {
	var b strings.Builder
	writeSQLList(&b, es)
	return b.String()
}

func writeSQLList(b *strings.Builder, es []expr.Expr) {
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		writeSQL(b, e)
	}
}

func sortSQL(s *expr.SortOrder) string {
	dir, nulls := " ASC", " NULLS LAST"
	if s.Desc {
		dir = " DESC"
	}
	if s.NullsFirst {
		nulls = " NULLS FIRST"
	}
	return exprSQL(s.Child) + dir + nulls
}

func sortList(os []*expr.SortOrder) string {
	parts := make([]string, len(os))
	for i, o := range os {
		parts[i] = sortSQL(o)
	}
	return strings.Join(parts, ", ")
}

// literalSQL writes a literal so that it lexes back to the same type:
// integer suffixes for non-INT integers, D for doubles, BD for integral
// decimals, typed strings for dates and timestamps.
func literalSQL(l *expr.Literal) string {
	if l.Value == nil {
		if l.Type == nil || l.Type == types.Null {
			return "NULL"
		}
		return "CAST(NULL AS " + l.Type.SQL() + ")"
	}
	switch v := l.Value.(type) {
	case bool:
		if v {
			return "TRUE"
		}
		return "FALSE"
	case int8:
		return strconv.FormatInt(int64(v), 10) + "Y"
	case int16:
		return strconv.FormatInt(int64(v), 10) + "S"
	case int32:
		switch l.Type {
		case types.Date:
			return "DATE '" + time.Unix(int64(v)*86400, 0).UTC().Format("2006-01-02") + "'"
		}
		return strconv.FormatInt(int64(v), 10)
	case int64:
		switch l.Type {
		case types.Timestamp, types.TimestampNTZ:
			ts := time.UnixMicro(v).UTC().Format("2006-01-02 15:04:05.999999")
			return l.Type.SQL() + " '" + ts + "'"
		}
		return strconv.FormatInt(v, 10) + "L"
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "CAST('" + javaSpecial(v) + "' AS DOUBLE)"
		}
		return strconv.FormatFloat(v, 'g', -1, 64) + "D"
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return "CAST('" + javaSpecial(float64(v)) + "' AS FLOAT)"
		}
		return strconv.FormatFloat(float64(v), 'g', -1, 32) + "F"
	case string:
		return quoteString(v)
	case []byte:
		return "X'" + strings.ToUpper(hex.EncodeToString(v)) + "'"
	case expr.Decimal:
		return decimalSQL(v)
	case *expr.Decimal:
		return decimalSQL(*v)
	}
	return fmt.Sprintf("%v", l.Value)
}

func javaSpecial(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case v > 0:
		return "Infinity"
	}
	return "-Infinity"
}

// decimalSQL renders a decimal with exactly its scale. A decimal whose
// precision exceeds its digit count (DECIMAL(5,1) holding 1.5) cannot be
// written as a plain literal, so it is cast.
func decimalSQL(d expr.Decimal) string {
	neg := strings.HasPrefix(d.Unscaled, "-")
	digits := strings.TrimPrefix(d.Unscaled, "-")
	s := digits
	if d.Scale > 0 {
		for len(s) <= d.Scale {
			s = "0" + s
		}
		s = s[:len(s)-d.Scale] + "." + s[len(s)-d.Scale:]
	}
	if neg {
		s = "-" + s
	}
	if d.Scale == 0 {
		s += "BD"
	}
	p, sc := decimalLiteralType(strings.TrimLeft(digits, "0"), d.Scale)
	if p != d.Precision || sc != d.Scale {
		return "CAST(" + s + " AS DECIMAL(" + strconv.Itoa(d.Precision) + "," + strconv.Itoa(d.Scale) + "))"
	}
	return s
}

// quoteString renders s as a single-quoted Spark string literal.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			// \% and \_ are kept verbatim by the lexer, so they need no doubling.
			if i+1 < len(s) && (s[i+1] == '%' || s[i+1] == '_') {
				b.WriteByte('\\')
			} else {
				b.WriteString(`\\`)
			}
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0:
			// Not \0: the lexer reads \0 and two octal digits after it as
			// one octal escape, so NUL then "00" would come back as NUL.
			b.WriteString(`\u0000`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// quoteIdent backquotes an identifier that is not a plain word or that
// the parser would read as a keyword in an expression or alias position.
func quoteIdent(s string) string {
	if s == "" {
		return "``"
	}
	plain := !isDigit(s[0])
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c)
	}
	if plain && !reserved[strings.ToUpper(s)] && !exprKeywords[strings.ToUpper(s)] {
		return s
	}
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}

// quoteQualifier quotes each dot-separated part of a qualifier.
func quoteQualifier(q string) string {
	parts := strings.Split(q, ".")
	for i, p := range parts {
		parts[i] = quoteIdent(p)
	}
	return strings.Join(parts, ".")
}

// quoteFuncName leaves function names that clash with keywords (left,
// right, if, date, ...) unquoted, since a name followed by '(' is always
// read as a call.
func quoteFuncName(s string) string {
	q := quoteIdent(s)
	if q != s && !strings.ContainsAny(s, "` .") && s != "" && !isDigit(s[0]) {
		return s
	}
	return q
}

func (n TableName) String() string {
	if n.Path != "" {
		return quoteIdent(n.Format) + "." + "`" + strings.ReplaceAll(n.Path, "`", "``") + "`"
	}
	var parts []string
	for _, p := range []string{n.Catalog, n.Database} {
		if p != "" {
			parts = append(parts, quoteIdent(p))
		}
	}
	return strings.Join(append(parts, quoteIdent(n.Name)), ".")
}

func identList(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = quoteIdent(n)
	}
	return strings.Join(parts, ", ")
}

func propertyList(ps []Property) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = propertyKey(p.Key) + " = " + quoteString(p.Value)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// propertyKey renders a key unquoted when it is a dotted word
// (delta.appendOnly), else as a string.
func propertyKey(k string) string {
	for _, part := range strings.Split(k, ".") {
		if quoteIdent(part) != part {
			return quoteString(k)
		}
	}
	return k
}
