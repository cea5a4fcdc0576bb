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

func (c *Cast) String() string {
	if c.Implicit {
		return c.Child.String()
	}
	return "CAST(" + c.Child.String() + " AS " + c.To.SQL() + ")"
}

func (b *Binary) String() string {
	switch b.Op {
	case OpNotEq:
		return "(NOT (" + b.Left.String() + " = " + b.Right.String() + "))"
	case OpIntDiv:
		return "(" + b.Left.String() + " div " + b.Right.String() + ")"
	}
	return "(" + b.Left.String() + " " + string(b.Op) + " " + b.Right.String() + ")"
}

func (u *Unary) String() string {
	switch u.Op {
	case OpIsNull, OpIsNotNull:
		return "(" + u.Child.String() + " " + string(u.Op) + ")"
	}
	return "(" + string(u.Op) + " " + u.Child.String() + ")"
}

func (c *Call) String() string {
	name := strings.ToLower(c.Name)
	if f, ok := LookupFunction(name); ok && f.PrettyName != "" {
		name = f.PrettyName
	}
	return name + "(" + joinExprs(c.Args) + ")"
}

func (a *AggCall) String() string {
	name := strings.ToLower(a.Name)
	if a.Star {
		return name + "(1)"
	}
	if a.Distinct {
		return name + "(DISTINCT " + joinExprs(a.Args) + ")"
	}
	return name + "(" + joinExprs(a.Args) + ")"
}

func (s *SortOrder) String() string {
	dir, nulls := " ASC", " NULLS LAST"
	if s.Desc {
		dir = " DESC"
	}
	if s.NullsFirst {
		nulls = " NULLS FIRST"
	}
	return s.Child.String() + dir + nulls
}

func (c *CaseWhen) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range c.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Value.String())
	}
	if c.Else != nil {
		b.WriteString(" ELSE " + c.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}

func (in *In) String() string {
	s := "(" + in.Child.String() + " IN (" + joinExprs(in.List) + "))"
	if in.Not {
		return "(NOT " + s + ")"
	}
	return s
}

func (l *Like) String() string {
	s := l.Child.String() + " LIKE " + l.Pattern.String()
	if l.Not {
		return "(NOT " + s + ")"
	}
	return s
}

func joinExprs(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}
