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
		b.WriteString("(")
		writeSQL(b, e.Left)
		b.WriteString(" " + string(e.Op) + " ")
		writeSQL(b, e.Right)
		b.WriteString(")")
	case *expr.Unary:
		switch {
		case e.Op == expr.OpIsNull || e.Op == expr.OpIsNotNull:
			b.WriteString("(")
			writeSQL(b, e.Child)
			b.WriteString(" " + string(e.Op) + ")")
			return
		}
		if l, ok := e.Child.(*expr.Literal); ok && e.Op == expr.OpNeg {
			// "- 20" would re-parse as the literal -20: keep the operator.
			b.WriteString("(- (" + literalSQL(l) + "))")
			return
		}
		b.WriteString("(" + string(e.Op) + " ")
		writeSQL(b, e.Child)
		b.WriteString(")")
	case *expr.Call:
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
