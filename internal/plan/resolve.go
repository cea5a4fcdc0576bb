package plan

import (
	"slices"
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
)

// resolver binds column references against one input schema, with Spark's
// rules: names and qualifiers compare case-insensitively
// (spark.sql.caseSensitive=false); a name matching columns of two relations
// is ambiguous unless qualified.
type resolver struct {
	in Schema
}

// matches lists the columns a (qualified) name denotes. Hidden columns are
// reachable only by qualified name, and only when no visible column
// matches: under an inner USING join "p.k" names both the merged key
// (qualified by both sides) and p's hidden key, which are equal.
func (r resolver) matches(q, name string) []int {
	var out, hidden []int
	for i, c := range r.in.Columns {
		if c.hidden && q == "" {
			continue
		}
		if strings.EqualFold(c.Name, name) && (q == "" || strings.EqualFold(c.Qualifier, q) ||
			slices.ContainsFunc(c.alts, func(a string) bool { return strings.EqualFold(a, q) })) {
			if c.hidden {
				hidden = append(hidden, i)
			} else {
				out = append(out, i)
			}
		}
	}
	if len(out) == 0 {
		return hidden
	}
	return out
}

func (r resolver) resolve(c *expr.ColumnRef) (*expr.BoundRef, error) {
	m := r.matches(c.Qualifier, c.Name)
	// The DataFrame API may hand over col("p.name") as one dotted name.
	if len(m) == 0 && c.Qualifier == "" {
		if i := strings.LastIndexByte(c.Name, '.'); i > 0 {
			m = r.matches(c.Name[:i], c.Name[i+1:])
		}
	}
	switch len(m) {
	case 1:
		col := r.in.Columns[m[0]]
		return &expr.BoundRef{Index: m[0], Name: col.Name, Type: col.Type, Nullable: col.Nullable}, nil
	case 0:
		return nil, r.unresolved(c)
	}
	cands := make([]string, len(m))
	for i, k := range m {
		cands[i] = quoted(r.in.Columns[k].Qualifier, r.in.Columns[k].Name)
	}
	return nil, analysisError(ErrAmbiguousReference, "AMBIGUOUS_REFERENCE",
		"Reference %s is ambiguous, could be: [%s].", quoted(c.Qualifier, c.Name), strings.Join(cands, ", "))
}

// unresolved builds Spark's UNRESOLVED_COLUMN error, suggesting the input
// columns closest to the name (by edit distance), at most five.
func (r resolver) unresolved(c *expr.ColumnRef) error {
	type cand struct {
		s string
		d int
	}
	want := strings.ToLower(c.Name)
	var cs []cand
	for _, col := range r.in.Columns {
		if col.hidden {
			continue
		}
		cs = append(cs, cand{quoted(col.Qualifier, col.Name), levenshtein(want, strings.ToLower(col.Name))})
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.d - b.d })
	if len(cs) > 5 {
		cs = cs[:5]
	}
	name := quoted(c.Qualifier, c.Name)
	if len(cs) == 0 {
		return analysisError(ErrUnresolvedColumn, "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
			"A column, variable, or function parameter with name %s cannot be resolved.", name)
	}
	sug := make([]string, len(cs))
	for i, x := range cs {
		sug[i] = x.s
	}
	return analysisError(ErrUnresolvedColumn, "UNRESOLVED_COLUMN.WITH_SUGGESTION",
		"A column, variable, or function parameter with name %s cannot be resolved. Did you mean one of the following? [%s].",
		name, strings.Join(sug, ", "))
}

func quoted(q, name string) string {
	if q == "" {
		return "`" + name + "`"
	}
	return "`" + q + "`.`" + name + "`"
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// bindExpr resolves, coerces and type-checks e against in.
func bindExpr(e expr.Expr, in Schema) (expr.Expr, error) {
	b, err := expr.Bind(e, resolver{in}.resolve)
	if err != nil {
		return nil, err
	}
	c, err := expr.Coerce(b)
	if err != nil {
		return nil, err
	}
	if _, _, err := expr.TypeOf(c); err != nil {
		return nil, err
	}
	return c, nil
}
