package expr

import (
	"strings"
)

// This file gives every node its String, Children and WithChildren. String
// follows Spark's auto-generated column names (toPrettySQL): attributes by
// bare name, numeric literals as Java prints them, string literals unquoted,
// implicit casts invisible, operators parenthesised.

func (c *ColumnRef) String() string            { return c.Name }
func (c *ColumnRef) Children() []Expr          { return nil }
func (c *ColumnRef) WithChildren([]Expr) Expr  { cp := *c; return &cp }
func (b *BoundRef) String() string             { return b.Name }
func (b *BoundRef) Children() []Expr           { return nil }
func (b *BoundRef) WithChildren([]Expr) Expr   { cp := *b; return &cp }
func (l *Literal) Children() []Expr            { return nil }
func (l *Literal) WithChildren([]Expr) Expr    { cp := *l; return &cp }
func (s *Star) Children() []Expr               { return nil }
func (s *Star) WithChildren([]Expr) Expr       { cp := *s; return &cp }
func (a *Alias) String() string                { return a.Child.String() }
func (a *Alias) Children() []Expr              { return []Expr{a.Child} }
func (a *Alias) WithChildren(ch []Expr) Expr   { cp := *a; cp.Child = ch[0]; return &cp }
func (c *Cast) Children() []Expr               { return []Expr{c.Child} }
func (c *Cast) WithChildren(ch []Expr) Expr    { cp := *c; cp.Child = ch[0]; return &cp }
func (b *Binary) Children() []Expr             { return []Expr{b.Left, b.Right} }
func (b *Binary) WithChildren(ch []Expr) Expr  { cp := *b; cp.Left, cp.Right = ch[0], ch[1]; return &cp }
func (u *Unary) Children() []Expr              { return []Expr{u.Child} }
func (u *Unary) WithChildren(ch []Expr) Expr   { cp := *u; cp.Child = ch[0]; return &cp }
func (c *Call) Children() []Expr               { return c.Args }
func (c *Call) WithChildren(ch []Expr) Expr    { cp := *c; cp.Args = cloneExprs(ch); return &cp }
func (a *AggCall) Children() []Expr            { return a.Args }
func (a *AggCall) WithChildren(ch []Expr) Expr { cp := *a; cp.Args = cloneExprs(ch); return &cp }
func (s *SortOrder) Children() []Expr          { return []Expr{s.Child} }
func (s *SortOrder) WithChildren(ch []Expr) Expr {
	cp := *s
	cp.Child = ch[0]
	return &cp
}
func (l *Like) Children() []Expr { return []Expr{l.Child, l.Pattern} }
func (l *Like) WithChildren(ch []Expr) Expr {
	cp := *l
	cp.Child, cp.Pattern = ch[0], ch[1]
	return &cp
}

func (c *CaseWhen) Children() []Expr {
	out := make([]Expr, 0, 2*len(c.Whens)+1)
	for _, w := range c.Whens {
		out = append(out, w.Cond, w.Value)
	}
	if c.Else != nil {
		out = append(out, c.Else)
	}
	return out
}

func (c *CaseWhen) WithChildren(ch []Expr) Expr {
	cp := &CaseWhen{Whens: make([]When, len(c.Whens))}
	for i := range c.Whens {
		cp.Whens[i] = When{Cond: ch[2*i], Value: ch[2*i+1]}
	}
	if c.Else != nil {
		cp.Else = ch[2*len(c.Whens)]
	}
	return cp
}

func (in *In) Children() []Expr { return append([]Expr{in.Child}, in.List...) }
func (in *In) WithChildren(ch []Expr) Expr {
	cp := *in
	cp.Child = ch[0]
	cp.List = cloneExprs(ch[1:])
	return &cp
}

func cloneExprs(es []Expr) []Expr { return append([]Expr(nil), es...) }

func (l *Literal) String() string {
	if l.Value == nil {
		return "NULL"
	}
	s := formatValue(l.Value, l.Type)
	switch l.Type.(type) {
	case dateT:
		return "DATE '" + s + "'"
	case tsT:
		return "TIMESTAMP '" + s + "'"
	case tsNTZT:
		return "TIMESTAMP_NTZ '" + s + "'"
	}
	return s
}

func (s *Star) String() string {
	if s.Qualifier != "" {
		return s.Qualifier + ".*"
	}
	return "*"
}

// stringWriter is implemented by this package's nodes: they write their
// name into one builder, so naming a tree costs time linear in the length
// of the name. (Concatenating children's String results copied each
// subtree's text once per ancestor.)
type stringWriter interface {
	writeString(b *strings.Builder)
}

// writeExpr writes e's name; nodes of other packages are asked for String.
func writeExpr(b *strings.Builder, e Expr) {
	if w, ok := e.(stringWriter); ok {
		w.writeString(b)
		return
	}
	b.WriteString(e.String())
}

func exprString(w stringWriter) string {
	var b strings.Builder
	w.writeString(&b)
	return b.String()
}

func (a *Alias) writeString(b *strings.Builder) { writeExpr(b, a.Child) }

func (c *Cast) String() string { return exprString(c) }
func (c *Cast) writeString(b *strings.Builder) {
	if c.Implicit {
		writeExpr(b, c.Child)
		return
	}
	b.WriteString("CAST(")
	writeExpr(b, c.Child)
	b.WriteString(" AS " + c.To.SQL() + ")")
}

func (b *Binary) String() string { return exprString(b) }
func (b *Binary) writeString(w *strings.Builder) {
	switch b.Op {
	case OpNotEq:
		w.WriteString("(NOT (")
		writeExpr(w, b.Left)
		w.WriteString(" = ")
		writeExpr(w, b.Right)
		w.WriteString("))")
		return
	}
	op := string(b.Op)
	if b.Op == OpIntDiv {
		op = "div" // Spark names the column (a div b)
	}
	w.WriteString("(")
	writeExpr(w, b.Left)
	w.WriteString(" " + op + " ")
	writeExpr(w, b.Right)
	w.WriteString(")")
}

func (u *Unary) String() string { return exprString(u) }
func (u *Unary) writeString(b *strings.Builder) {
	switch u.Op {
	case OpIsNull, OpIsNotNull:
		b.WriteString("(")
		writeExpr(b, u.Child)
		b.WriteString(" " + string(u.Op) + ")")
		return
	}
	b.WriteString("(" + string(u.Op) + " ")
	writeExpr(b, u.Child)
	b.WriteString(")")
}

func (c *Call) String() string { return exprString(c) }
func (c *Call) writeString(b *strings.Builder) {
	name := strings.ToLower(c.Name)
	if f, ok := LookupFunction(name); ok && f.PrettyName != "" {
		name = f.PrettyName
	}
	b.WriteString(name + "(")
	writeExprs(b, c.Args)
	b.WriteString(")")
}

func (a *AggCall) String() string { return exprString(a) }
func (a *AggCall) writeString(b *strings.Builder) {
	name := strings.ToLower(a.Name)
	if a.Star {
		b.WriteString(name + "(1)")
		return
	}
	b.WriteString(name + "(")
	if a.Distinct {
		b.WriteString("DISTINCT ")
	}
	writeExprs(b, a.Args)
	b.WriteString(")")
}

func (s *SortOrder) String() string { return exprString(s) }
func (s *SortOrder) writeString(b *strings.Builder) {
	dir, nulls := " ASC", " NULLS LAST"
	if s.Desc {
		dir = " DESC"
	}
	if s.NullsFirst {
		nulls = " NULLS FIRST"
	}
	writeExpr(b, s.Child)
	b.WriteString(dir + nulls)
}

func (c *CaseWhen) String() string { return exprString(c) }
func (c *CaseWhen) writeString(b *strings.Builder) {
	b.WriteString("CASE")
	for _, w := range c.Whens {
		b.WriteString(" WHEN ")
		writeExpr(b, w.Cond)
		b.WriteString(" THEN ")
		writeExpr(b, w.Value)
	}
	if c.Else != nil {
		b.WriteString(" ELSE ")
		writeExpr(b, c.Else)
	}
	b.WriteString(" END")
}

func (in *In) String() string { return exprString(in) }
func (in *In) writeString(b *strings.Builder) {
	if in.Not {
		b.WriteString("(NOT ")
	}
	b.WriteString("(")
	writeExpr(b, in.Child)
	b.WriteString(" IN (")
	writeExprs(b, in.List)
	b.WriteString("))")
	if in.Not {
		b.WriteString(")")
	}
}

func (l *Like) String() string { return exprString(l) }
func (l *Like) writeString(b *strings.Builder) {
	if l.Not {
		b.WriteString("(NOT ")
	}
	writeExpr(b, l.Child)
	b.WriteString(" LIKE ")
	writeExpr(b, l.Pattern)
	if l.Not {
		b.WriteString(")")
	}
}

func writeExprs(b *strings.Builder, es []Expr) {
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		writeExpr(b, e)
	}
}
