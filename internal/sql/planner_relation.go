package sql

import (
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// relation plans one FROM item.
func (p *planner) relation(r Relation, scope *cteScope) (plan.Node, error) {
	switch r := r.(type) {
	case *Table:
		return p.table(r, scope)
	case *Subquery:
		n, err := p.query(r.Query, scope)
		if err != nil {
			return nil, err
		}
		return aliased(n, r.Alias, r.Columns)
	case *InlineTable:
		return p.inlineTable(r.Rows, r.Alias, r.Columns)
	case *TableFunction:
		return p.tableFunction(r)
	case *Join:
		return p.join(r, scope)
	}
	return nil, unsupported("FROM item %T is not supported yet", r)
}

// table plans a table reference: a CTE in scope when the name is a bare
// identifier naming one (CTEs shadow catalog tables, as in Spark), else
// whatever the Resolver finds.
func (p *planner) table(t *Table, scope *cteScope) (plan.Node, error) {
	name := t.Name
	if !name.IsPath() && name.Database == "" && name.Catalog == "" {
		if c := scope.lookup(name.Name); c != nil {
			if t.TimeTravel != nil {
				return nil, invalid("UNSUPPORTED_FEATURE.TIME_TRAVEL", "Time travel on the relation: `%s`, which is a common table expression, not a Delta table.", c.def.Name)
			}
			alias := t.Alias
			if alias == "" {
				alias = c.def.Name
			}
			return aliased(c.node, alias, t.Columns)
		}
	}
	if p.r == nil {
		return nil, invalid("TABLE_OR_VIEW_NOT_FOUND", "The table or view %s cannot be found.", tableSQL(name))
	}
	n, err := p.r.ResolveTable(p.ctx, name, t.TimeTravel)
	if err != nil {
		return nil, err
	}
	return aliased(n, t.Alias, t.Columns)
}

// tableSQL renders a table name for messages.
func tableSQL(n TableName) string {
	if n.IsPath() {
		return n.Format + ".`" + n.Path + "`"
	}
	var parts []string
	for _, s := range []string{n.Catalog, n.Database, n.Name} {
		if s != "" {
			parts = append(parts, "`"+s+"`")
		}
	}
	return strings.Join(parts, ".")
}

// aliased applies `AS alias(cols)` to a relation: column aliases rename its
// columns by position, the alias qualifies them.
func aliased(n plan.Node, alias string, cols []string) (plan.Node, error) {
	if len(cols) > 0 {
		var err error
		if n, err = renameColumns(n, cols); err != nil {
			return nil, err
		}
	}
	if alias != "" {
		n = &plan.SubqueryAlias{Input: n, Alias: alias}
	}
	return n, nil
}

// renameColumns names n's columns by position. The columns are only known
// once n is analyzed, and two of them may share a name, so the renaming
// Project refers to them by position over the analyzed input (analyzing an
// analyzed plan again is a no-op).
func renameColumns(n plan.Node, names []string) (plan.Node, error) {
	a, err := plan.Analyze(n)
	if err != nil {
		return nil, err
	}
	cols := a.Schema().Columns
	if len(cols) != len(names) {
		return nil, invalid("ASSIGNMENT_ARITY_MISMATCH", "Number of column aliases does not match number of columns. Number of column aliases: %d; number of columns: %d.", len(names), len(cols))
	}
	es := make([]expr.Expr, len(cols))
	for i, c := range cols {
		es[i] = &expr.Alias{Child: &expr.BoundRef{Index: i, Name: c.Name, Type: c.Type, Nullable: c.Nullable}, Name: names[i]}
	}
	return &plan.Project{Input: a, Exprs: es}, nil
}

var joinTypes = map[JoinType]plan.JoinType{
	InnerJoin:    plan.Inner,
	LeftJoin:     plan.LeftOuter,
	RightJoin:    plan.RightOuter,
	FullJoin:     plan.FullOuter,
	CrossJoin:    plan.Cross,
	LeftSemiJoin: plan.LeftSemi,
	LeftAntiJoin: plan.LeftAnti,
}

// join plans a join. A comma in FROM arrives as a CrossJoin without a
// condition; its WHERE clause, planned above it, filters the pairs (the
// optimizer pushes equalities into the join).
func (p *planner) join(j *Join, scope *cteScope) (plan.Node, error) {
	l, err := p.relation(j.Left, scope)
	if err != nil {
		return nil, err
	}
	r, err := p.relation(j.Right, scope)
	if err != nil {
		return nil, err
	}
	t, ok := joinTypes[j.Type]
	if !ok {
		return nil, unsupported("join type %s is not supported yet", j.Type)
	}
	if err := checkExpr("ON", j.On); err != nil {
		return nil, err
	}
	using := j.Using
	if j.Natural {
		if using, err = commonColumns(l, r); err != nil {
			return nil, err
		}
		if len(using) == 0 {
			// Spark: a natural join without common columns is a cross join.
			if t == plan.Inner {
				t = plan.Cross
			}
			return &plan.Join{Left: l, Right: r, Type: t}, nil
		}
	}
	return &plan.Join{Left: l, Right: r, Type: t, On: j.On, Using: using}, nil
}

// commonColumns lists the column names l and r share, in l's order, for a
// NATURAL join.
func commonColumns(l, r plan.Node) ([]string, error) {
	la, err := plan.Analyze(l)
	if err != nil {
		return nil, err
	}
	ra, err := plan.Analyze(r)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, lc := range la.Schema().Columns {
		for _, rc := range ra.Schema().Columns {
			if strings.EqualFold(lc.Name, rc.Name) {
				out = append(out, lc.Name)
				break
			}
		}
	}
	return out, nil
}
