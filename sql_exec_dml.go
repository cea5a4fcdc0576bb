package ingot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/catalog"
	"github.com/ingotdata/ingot/internal/dml"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/internal/sql"
	"github.com/ingotdata/ingot/types"
)

// execDeltaDML runs the statements that change or describe a Delta table
// in place: DELETE, UPDATE, MERGE INTO, ALTER TABLE, SHOW TBLPROPERTIES,
// DESCRIBE HISTORY and DESCRIBE DETAIL.
func (s *Session) execDeltaDML(ctx context.Context, stmt sql.Statement) (*DataFrame, error) {
	switch st := stmt.(type) {
	case *sql.Delete:
		return s.execDelete(ctx, st)
	case *sql.Update:
		return s.execUpdate(ctx, st)
	case *sql.Merge:
		return s.execMerge(ctx, st)
	case *sql.AlterTableAddColumns:
		return s.alterAddColumns(ctx, st)
	case *sql.AlterTableSetProperties:
		return s.alterProperties(ctx, st.Table, st.Properties, nil, false)
	case *sql.AlterTableUnsetProperties:
		return s.alterProperties(ctx, st.Table, nil, st.Keys, st.IfExists)
	case *sql.AlterTableAddConstraint:
		return s.addConstraint(ctx, st)
	case *sql.AlterTableDropConstraint:
		return s.dropConstraint(ctx, st)
	case *sql.ShowTblProperties:
		return s.showTblProperties(ctx, st)
	case *sql.DescribeHistory:
		return s.describeHistory(ctx, st)
	case *sql.DescribeDetail:
		return s.describeDetail(ctx, st)
	}
	return nil, fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] statement not supported yet: %s", firstLine(stmt.String()))
}

func (s *Session) dmlTarget(ctx context.Context, dt *deltaTarget, alias string, params map[string]string) dml.Target {
	name := alias
	if name == "" {
		name = dt.name
	}
	return dml.Target{Table: dt.table, Name: name, ParseConstraint: sql.ParseExpr, Params: params, Exec: s.execOptions(),
		Filter: func(input plan.Node, cond expr.Expr) (plan.Node, error) {
			// SELECT * FROM <input> WHERE cond, planned by the SQL planner so
			// IN/EXISTS subqueries become semi and anti joins; the input
			// goes by a name no user table has, so the subquery's own
			// references to the target read the table itself.
			q := &sql.Query{Body: &sql.Select{Items: []expr.Expr{&expr.Star{}}, From: &sql.Table{Name: sql.TableName{Name: dmlInputName}}, Where: cond}}
			return sql.PlanQuery(ctx, q, dmlResolver{inner: s.sqlResolver(), input: input})
		}}
}

const dmlInputName = "__ingot_dml_input"

// dmlResolver resolves the DML input by its reserved name and every other
// table as the session does.
type dmlResolver struct {
	inner sql.Resolver
	input plan.Node
}

func (r dmlResolver) ResolveTable(ctx context.Context, name sql.TableName, tt *sql.TimeTravel) (plan.Node, error) {
	if !name.IsPath() && name.Catalog == "" && name.Database == "" && name.Name == dmlInputName && tt == nil {
		return r.input, nil
	}
	return r.inner.ResolveTable(ctx, name, tt)
}

// predicateParam renders a condition as Spark's operationParameters do:
// a JSON list of the SQL text.
func predicateParam(e expr.Expr) string {
	if e == nil {
		return "[]"
	}
	b, _ := json.Marshal([]string{sql.FormatExpr(e)})
	return string(b)
}

// checkDMLExprs rejects what the row-level statements cannot evaluate
// per row: subqueries (the planner turns them into joins only in queries)
// and aggregate functions.
func checkDMLExprs(stmt string, es ...expr.Expr) error {
	return checkRowExprs(stmt, false, es...)
}

// checkWhere is checkDMLExprs for a DELETE or UPDATE condition, where
// top-level IN and EXISTS subqueries are planned as joins (Target.Filter).
func checkWhere(stmt string, e expr.Expr) error {
	return checkRowExprs(stmt, true, e)
}

func checkRowExprs(stmt string, subqueries bool, es ...expr.Expr) error {
	for _, e := range es {
		if e == nil {
			continue
		}
		var bad error
		_, _ = expr.Transform(e, func(n expr.Expr) (expr.Expr, error) {
			switch n.(type) {
			case *sql.InSubquery, *sql.Exists:
				if subqueries {
					return n, nil
				}
				bad = fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] subqueries in %s are not supported yet: %s", stmt, sql.FormatExpr(e))
			case *sql.ScalarSubquery:
				bad = fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] subqueries in %s are not supported yet: %s", stmt, sql.FormatExpr(e))
			}
			return n, nil
		})
		if bad != nil {
			return bad
		}
		if expr.ContainsAggregate(e) {
			return fmt.Errorf("ingot: [UNSUPPORTED_EXPR_FOR_OPERATOR] aggregate functions are not allowed in %s: %s", stmt, sql.FormatExpr(e))
		}
	}
	return nil
}

func setValues(as []sql.Assignment) []expr.Expr {
	out := make([]expr.Expr, len(as))
	for i, a := range as {
		out[i] = a.Value
	}
	return out
}

// checkQualifiers rejects SET t.col = ... whose qualifier is not the
// target's alias (or name).
func checkQualifiers(as []sql.Assignment, target ...string) error {
	for _, a := range as {
		q := a.Column.Qualifier
		if q == "" {
			continue
		}
		ok := false
		for _, t := range target {
			ok = ok || (t != "" && strings.EqualFold(q, t))
		}
		if !ok {
			return fmt.Errorf("ingot: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `%s`.`%s` cannot be resolved in the SET clause", q, a.Column.Name)
		}
	}
	return nil
}

func assignments(as []sql.Assignment) []dml.Assignment {
	out := make([]dml.Assignment, len(as))
	for i, a := range as {
		out[i] = dml.Assignment{Column: a.Column.Name, Value: a.Value}
	}
	return out
}

func (s *Session) execDelete(ctx context.Context, st *sql.Delete) (*DataFrame, error) {
	dt, err := s.openTarget(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	if err := checkWhere("DELETE", st.Where); err != nil {
		return nil, err
	}
	res, err := dml.Delete(ctx, s.dmlTarget(ctx, dt, st.Alias, map[string]string{"predicate": predicateParam(st.Where)}), st.Where)
	if err != nil {
		return nil, fmt.Errorf("ingot: DELETE FROM %s: %w", dt.label, err)
	}
	return s.localFrame(types.NewStruct(types.Field("num_affected_rows", types.Long)), [][]any{{res.Affected}})
}

func (s *Session) execUpdate(ctx context.Context, st *sql.Update) (*DataFrame, error) {
	dt, err := s.openTarget(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	if err := checkDMLExprs("UPDATE", setValues(st.Set)...); err != nil {
		return nil, err
	}
	if err := checkWhere("UPDATE", st.Where); err != nil {
		return nil, err
	}
	if err := checkQualifiers(st.Set, st.Alias, dt.name); err != nil {
		return nil, err
	}
	set, err := generatedUpdates(ctx, dt.table, assignments(st.Set))
	if err != nil {
		return nil, err
	}
	res, err := dml.Update(ctx, s.dmlTarget(ctx, dt, st.Alias, map[string]string{"predicate": predicateParam(st.Where)}), set, st.Where)
	if err != nil {
		return nil, fmt.Errorf("ingot: UPDATE %s: %w", dt.label, err)
	}
	return s.localFrame(types.NewStruct(types.Field("num_affected_rows", types.Long)), [][]any{{res.Affected}})
}

func (s *Session) execMerge(ctx context.Context, st *sql.Merge) (*DataFrame, error) {
	dt, err := s.openTarget(ctx, st.Target)
	if err != nil {
		return nil, err
	}
	// The source is planned as SELECT * FROM <source>: its columns keep
	// the source's alias as qualifier.
	src, err := sql.PlanQuery(ctx, &sql.Query{Body: &sql.Select{Items: []expr.Expr{&expr.Star{}}, From: st.Source}}, s.sqlResolver())
	if err != nil {
		return nil, err
	}
	if err := checkDMLExprs("MERGE", st.On); err != nil {
		return nil, err
	}
	if err := refuseGeneratedMerge(ctx, dt.table); err != nil {
		return nil, err
	}
	spec := dml.MergeSpec{Source: src, On: st.On}
	preds := map[sql.MergeMatch][]map[string]string{}
	for _, c := range st.Clauses {
		if err := checkDMLExprs("MERGE", append(append(setValues(c.Set), c.Values...), c.Cond)...); err != nil {
			return nil, err
		}
		if err := checkQualifiers(c.Set, st.TargetAlias, dt.name); err != nil {
			return nil, err
		}
		dc := dml.Clause{Cond: c.Cond, Star: c.Star, Set: assignments(c.Set), Columns: c.Columns, Values: c.Values}
		switch c.Match {
		case sql.WhenMatched:
			dc.Match = dml.Matched
		case sql.WhenNotMatched:
			dc.Match = dml.NotMatched
		case sql.WhenNotMatchedBySource:
			dc.Match = dml.NotMatchedBySource
		}
		p := map[string]string{}
		switch c.Action {
		case sql.MergeUpdate:
			dc.Action = dml.UpdateAction
			p["actionType"] = "update"
		case sql.MergeDelete:
			dc.Action = dml.DeleteAction
			p["actionType"] = "delete"
		case sql.MergeInsert:
			dc.Action = dml.InsertAction
			p["actionType"] = "insert"
		}
		if c.Star {
			p["actionType"] += "Star"
		}
		if c.Cond != nil {
			p["predicate"] = sql.FormatExpr(c.Cond)
		}
		preds[c.Match] = append(preds[c.Match], p)
		spec.Clauses = append(spec.Clauses, dc)
	}
	js := func(v []map[string]string) string {
		if v == nil {
			v = []map[string]string{}
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	params := map[string]string{
		"predicate":                    predicateParam(st.On),
		"matchedPredicates":            js(preds[sql.WhenMatched]),
		"notMatchedPredicates":         js(preds[sql.WhenNotMatched]),
		"notMatchedBySourcePredicates": js(preds[sql.WhenNotMatchedBySource]),
	}
	res, err := dml.Merge(ctx, s.dmlTarget(ctx, dt, st.TargetAlias, params), spec)
	if err != nil {
		return nil, fmt.Errorf("ingot: MERGE INTO %s: %w", dt.label, err)
	}
	return s.localFrame(types.NewStruct(types.Field("num_affected_rows", types.Long), types.Field("num_updated_rows", types.Long),
		types.Field("num_deleted_rows", types.Long), types.Field("num_inserted_rows", types.Long)),
		[][]any{{res.Affected, res.Updated, res.Deleted, res.Inserted}})
}

// alterCommit runs fn in a transaction on the table and commits it.
func (s *Session) alterCommit(ctx context.Context, n sql.TableName, op string, fn func(dt *deltaTarget, tx *delta.Transaction) (map[string]string, error)) (*DataFrame, error) {
	dt, err := s.openTarget(ctx, n)
	if err != nil {
		return nil, err
	}
	tx, err := dt.table.Begin(ctx)
	if err != nil {
		return nil, err
	}
	params, err := fn(dt, tx)
	if err != nil {
		tx.Abort(ctx)
		return nil, err
	}
	if params == nil {
		return s.empty(), nil // nothing to change
	}
	if _, err := tx.Commit(ctx, op, params); err != nil {
		return nil, fmt.Errorf("ingot: %s %s: %w", op, dt.label, err)
	}
	return s.empty(), nil
}

func (s *Session) alterAddColumns(ctx context.Context, st *sql.AlterTableAddColumns) (*DataFrame, error) {
	return s.alterCommit(ctx, st.Table, "ADD COLUMNS", func(dt *deltaTarget, tx *delta.Transaction) (map[string]string, error) {
		schema := tx.Snapshot().Schema()
		out := types.StructType{Fields: append([]types.StructField(nil), schema.Fields...)}
		var added []map[string]any
		for _, c := range st.Columns {
			if out.FieldIndex(c.Name) >= 0 {
				return nil, fmt.Errorf("ingot: [FIELDS_ALREADY_EXISTS] Cannot add column, because `%s` already exists in %s", c.Name, dt.label)
			}
			if c.NotNull {
				return nil, fmt.Errorf("ingot: [DELTA_NOT_NULL_COLUMN_NOT_FOUND_IN_STRUCT] cannot add NOT NULL column %s to %s: existing rows would hold NULL", c.Name, dt.label)
			}
			if c.Generated != nil || c.Default != nil {
				return nil, fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] ADD COLUMNS with a generated or default value (%s) is not supported yet", c.Name)
			}
			f := types.StructField{Name: c.Name, Type: c.Type, Nullable: true}
			if c.Comment != nil {
				f.Metadata = map[string]any{"comment": *c.Comment}
			}
			out.Fields = append(out.Fields, f)
			added = append(added, map[string]any{"column": map[string]any{"name": c.Name, "type": c.Type.SQL(), "nullable": true}})
		}
		if err := tx.SetSchema(out); err != nil {
			return nil, err
		}
		b, _ := json.Marshal(added)
		return map[string]string{"columns": string(b)}, nil
	})
}

func (s *Session) alterProperties(ctx context.Context, n sql.TableName, set []sql.Property, unset []string, ifExists bool) (*DataFrame, error) {
	op := "SET TBLPROPERTIES"
	if set == nil {
		op = "UNSET TBLPROPERTIES"
	}
	var target *deltaTarget
	df, err := s.alterCommit(ctx, n, op, func(dt *deltaTarget, tx *delta.Transaction) (map[string]string, error) {
		target = dt
		return s.propertyChange(dt, tx, set, unset, ifExists)
	})
	if err != nil || target == nil || target.db == "" {
		return df, err
	}
	// The Delta log is authoritative; the catalog entry mirrors it, as
	// CREATE TABLE ... TBLPROPERTIES stored them there too.
	err = s.catalog.AlterTable(ctx, target.db, target.name, func(t *catalog.Table) error {
		for _, p := range set {
			t.Properties[p.Key] = p.Value
		}
		for _, k := range unset {
			delete(t.Properties, k)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ingot: %s %s: committed to the table, but the catalog entry was not updated: %w", op, target.label, err)
	}
	return df, nil
}

// propertyChange stages SET or UNSET TBLPROPERTIES and returns the
// commit's operation parameters.
func (s *Session) propertyChange(dt *deltaTarget, tx *delta.Transaction, set []sql.Property, unset []string, ifExists bool) (map[string]string, error) {
	conf := tx.Metadata().Configuration
	props := map[string]string{}
	for _, p := range set {
		if strings.HasPrefix(strings.ToLower(p.Key), "delta.constraints.") {
			return nil, fmt.Errorf("ingot: [DELTA_CANNOT_MODIFY_TABLE_PROPERTY] The Delta table configuration %s cannot be specified by the user; use ALTER TABLE ADD CONSTRAINT", p.Key)
		}
		props[p.Key] = p.Value
	}
	var missing []string
	for _, k := range unset {
		if _, ok := conf[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 && !ifExists {
		return nil, fmt.Errorf("ingot: [UNSET_NONEXISTENT_PROPERTIES] Attempted to unset non-existent properties [%s] in table %s", strings.Join(missing, ", "), dt.label)
	}
	if err := tx.SetProperties(props, unset...); err != nil {
		return nil, err
	}
	if set != nil {
		b, _ := json.Marshal(props)
		return map[string]string{"properties": string(b)}, nil
	}
	b, _ := json.Marshal(unset)
	return map[string]string{"properties": string(b), "ifExists": strconv.FormatBool(ifExists)}, nil
}

const constraintPrefix = "delta.constraints."

func (s *Session) addConstraint(ctx context.Context, st *sql.AlterTableAddConstraint) (*DataFrame, error) {
	return s.alterCommit(ctx, st.Table, "ADD CONSTRAINT", func(dt *deltaTarget, tx *delta.Transaction) (map[string]string, error) {
		key := constraintPrefix + strings.ToLower(st.Name)
		if old, ok := tx.Metadata().Configuration[key]; ok {
			return nil, fmt.Errorf("ingot: [DELTA_CONSTRAINT_ALREADY_EXISTS] Constraint '%s' already exists. Please delete the old constraint first.\nOld constraint:\n%s", st.Name, old)
		}
		text := trimOuterParens(sql.FormatExpr(st.Check))
		// Every existing row must satisfy the new constraint.
		schema := tx.Snapshot().Schema()
		// Binding it first reports unknown columns and non-boolean checks.
		if _, err := dml.NewConstraintChecker(schema, []dml.Constraint{{Name: st.Name, SQL: text, Expr: st.Check}}); err != nil {
			return nil, err
		}
		cond := &expr.CaseWhen{Whens: []expr.When{{Cond: st.Check, Value: expr.Lit(true)}}, Else: expr.Lit(false)}
		rel := &plan.Scan{Source: &snapshotSource{snap: tx.Snapshot(), label: dt.label}, Alias: dt.name}
		bad := &plan.Filter{Input: rel, Cond: &expr.Unary{Op: expr.OpNot, Child: cond}}
		n, err := countPlanRows(ctx, bad, s.execOptions())
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, fmt.Errorf("ingot: [DELTA_NEW_CHECK_CONSTRAINT_VIOLATION] %d rows in %s violate the new CHECK constraint (%s)", n, dt.label, text)
		}
		if err := tx.SetProperties(map[string]string{key: text}); err != nil {
			return nil, err
		}
		return map[string]string{"name": st.Name, "expr": text}, nil
	})
}

func (s *Session) dropConstraint(ctx context.Context, st *sql.AlterTableDropConstraint) (*DataFrame, error) {
	return s.alterCommit(ctx, st.Table, "DROP CONSTRAINT", func(dt *deltaTarget, tx *delta.Transaction) (map[string]string, error) {
		key := constraintPrefix + strings.ToLower(st.Name)
		old, ok := tx.Metadata().Configuration[key]
		if !ok {
			if st.IfExists {
				return nil, nil
			}
			return nil, fmt.Errorf("ingot: [DELTA_CONSTRAINT_DOES_NOT_EXIST] Cannot drop nonexistent constraint %s from table %s. To avoid throwing an error, provide the parameter IF EXISTS", st.Name, dt.label)
		}
		if err := tx.SetProperties(nil, key); err != nil {
			return nil, err
		}
		return map[string]string{"name": st.Name, "expr": old}, nil
	})
}

// trimOuterParens drops the parentheses FormatExpr puts around a whole
// binary expression, so the stored constraint reads as written: id > 0.
func trimOuterParens(s string) string {
	for len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		depth, inStr := 0, byte(0)
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case inStr != 0:
				if c == inStr {
					inStr = 0
				}
			case c == '\'' || c == '"' || c == '`':
				inStr = c
			case c == '(':
				depth++
			case c == ')':
				depth--
				if depth == 0 && i != len(s)-1 {
					return s // the first '(' closes before the end: (a) AND (b)
				}
			}
		}
		s = s[1 : len(s)-1]
	}
	return s
}

// snapshotSource reads one pinned snapshot (the one a transaction read).
type snapshotSource struct {
	snap  *delta.Snapshot
	label string
}

func (d *snapshotSource) Name() string             { return d.label }
func (d *snapshotSource) Schema() types.StructType { return d.snap.Schema() }
func (d *snapshotSource) Scan(ctx context.Context, req plan.ScanRequest) (batch.Reader, error) {
	var cols []string
	if req.Columns != nil {
		cols = []string{}
		for _, c := range req.Columns {
			cols = append(cols, d.snap.Schema().Fields[c].Name)
		}
	}
	return d.snap.Scan(ctx, delta.ScanOptions{Columns: cols})
}

func countPlanRows(ctx context.Context, n plan.Node, opts plan.ExecOptions) (int64, error) {
	r, err := plan.Execute(ctx, n, opts)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var rows int64
	for {
		rec, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return 0, err
		}
		rows += rec.NumRows()
		rec.Release()
	}
}

// constrain wraps data so that every batch is checked against the CHECK
// constraints of table t (columns matched by name) as it streams into the
// writer; the first violating batch fails the write with
// [DELTA_VIOLATE_CONSTRAINT_WITH_VALUES] and delta removes the files it had
// written, so nothing is committed. checked reports whether t has
// constraints: the caller then sets delta.WriteOptions.ConstraintsChecked,
// without which a constrained table refuses the write. Checking while
// writing, rather than in a first pass, computes the data once.
func constrain(ctx context.Context, t *delta.Table, schema types.StructType, data batch.Reader) (out batch.Reader, checked bool, err error) {
	snap, err := t.Snapshot(ctx)
	if errors.Is(err, delta.ErrNotATable) {
		return data, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	// Generated columns first: a CHECK constraint may read one.
	gen, err := newGenerator(snap.Schema(), snap.GeneratedColumns(), schema)
	if err != nil {
		return nil, false, err
	}
	if gen != nil {
		data, schema = gen.Reader(data), gen.outType
	}
	// CHECK constraints and column invariants (Delta's older form of a
	// per-column check, delta.invariants in the column metadata) hold the
	// same way: a row for which one is false or NULL fails the write.
	defs := delta.ConstraintsOf(snap.Metadata())
	invariants := snap.Invariants()
	if len(defs) == 0 && len(invariants) == 0 {
		return data, gen != nil, nil
	}
	var cs []dml.Constraint
	add := func(kind, name, text string) error {
		e, err := sql.ParseExpr(text)
		if err != nil {
			return fmt.Errorf("ingot: %s %s (%s): %w", kind, name, text, err)
		}
		cs = append(cs, dml.Constraint{Name: name, SQL: text, Expr: e})
		return nil
	}
	for name, text := range defs {
		if err := add("CHECK constraint", name, text); err != nil {
			return nil, false, err
		}
	}
	for column, text := range invariants {
		if err := add("invariant", "invariant("+column+")", text); err != nil {
			return nil, false, err
		}
	}
	chk, err := dml.NewConstraintChecker(schema, cs)
	if err != nil {
		return nil, false, err
	}
	return chk.Reader(data), true, nil
}

func (s *Session) showTblProperties(ctx context.Context, st *sql.ShowTblProperties) (*DataFrame, error) {
	dt, err := s.openTarget(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	snap, err := dt.table.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	props := map[string]string{}
	for k, v := range snap.Metadata().Configuration {
		props[k] = v
	}
	p := snap.Protocol()
	props["delta.minReaderVersion"] = strconv.Itoa(p.MinReaderVersion)
	props["delta.minWriterVersion"] = strconv.Itoa(p.MinWriterVersion)
	for _, f := range p.WriterFeatures {
		props["delta.feature."+f] = "supported"
	}
	for _, f := range p.ReaderFeatures {
		props["delta.feature."+f] = "supported"
	}
	schema := types.NewStruct(notNull("key", types.String), notNull("value", types.String))
	if st.Key != nil {
		v, ok := props[*st.Key]
		if !ok {
			v = fmt.Sprintf("Table %s does not have property: %s", dt.label, *st.Key)
		}
		return s.localFrame(schema, [][]any{{*st.Key, v}})
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k, props[k]}
	}
	return s.localFrame(schema, rows)
}

// The map, array and struct columns of DESCRIBE HISTORY and DETAIL
// (operationParameters, operationMetrics, job, notebook, partitionColumns,
// properties, ...) are STRING holding the value as Spark's CAST(x AS
// STRING) prints it ({k -> v}, [a, b]): the engine cannot cast or show
// complex values yet, and a result nobody can display is worse than a
// flatter type. Switch these to MapType/ArrayType/StructType once it can.
var (
	jobType       types.DataType = types.String
	notebookType  types.DataType = types.String
	stringMapType types.DataType = types.String
	stringsType   types.DataType = types.String
)

func (s *Session) describeHistory(ctx context.Context, st *sql.DescribeHistory) (*DataFrame, error) {
	dt, err := s.openTarget(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	limit := 0
	if st.Limit != nil {
		if *st.Limit <= 0 {
			return nil, fmt.Errorf("ingot: [DELTA_INVALID_HISTORY_LIMIT] DESCRIBE HISTORY LIMIT must be positive, got %d", *st.Limit)
		}
		limit = int(*st.Limit)
	}
	hist, err := dt.table.History(ctx, limit)
	if err != nil {
		return nil, err
	}
	schema := types.NewStruct(
		types.Field("version", types.Long), types.Field("timestamp", types.Timestamp),
		types.Field("userId", types.String), types.Field("userName", types.String),
		types.Field("operation", types.String), types.Field("operationParameters", stringMapType),
		types.Field("job", jobType), types.Field("notebook", notebookType),
		types.Field("clusterId", types.String), types.Field("readVersion", types.Long),
		types.Field("isolationLevel", types.String), types.Field("isBlindAppend", types.Boolean),
		types.Field("operationMetrics", stringMapType), types.Field("userMetadata", types.String),
		types.Field("engineInfo", types.String))
	rows := make([][]any, len(hist))
	for i, h := range hist {
		ci := h.Info
		str := func(k string) any {
			if v, ok := ci[k].(string); ok {
				return v
			}
			return nil
		}
		var readVersion, blind any
		if v, ok := ci["readVersion"].(float64); ok {
			readVersion = int64(v)
		} else if v, ok := ci["readVersion"].(int64); ok {
			readVersion = v
		}
		if v, ok := ci["isBlindAppend"].(bool); ok {
			blind = v
		}
		rows[i] = []any{h.Version, h.Timestamp, str("userId"), str("userName"), str("operation"), stringMap(ci["operationParameters"]),
			nil, nil, str("clusterId"), readVersion, str("isolationLevel"), blind, stringMap(ci["operationMetrics"]),
			str("userMetadata"), str("engineInfo")}
	}
	return s.resultFrame(schema, rows)
}

// stringMap converts a commitInfo map (JSON-decoded values) to strings.
func stringMap(v any) any {
	switch m := v.(type) {
	case map[string]string:
		return m
	case map[string]any:
		out := make(map[string]string, len(m))
		for k, x := range m {
			if s, ok := x.(string); ok {
				out[k] = s
			} else {
				b, _ := json.Marshal(x)
				out[k] = string(b)
			}
		}
		return out
	}
	return nil
}

func (s *Session) describeDetail(ctx context.Context, st *sql.DescribeDetail) (*DataFrame, error) {
	dt, err := s.openTarget(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	snap, err := dt.table.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	md := snap.Metadata()
	var size int64
	for _, f := range snap.Files() {
		size += f.Size
	}
	var created, modified any
	if md.CreatedTime != nil {
		created = time.UnixMilli(*md.CreatedTime).UTC()
	}
	if h, err := dt.table.History(ctx, 1); err == nil && len(h) > 0 {
		modified = h[0].Timestamp
	}
	var name, desc any
	if !st.Table.IsPath() {
		name = dt.label
	}
	if md.Description != "" {
		desc = md.Description
	}
	p := snap.Protocol()
	schema := types.NewStruct(
		types.Field("format", types.String), types.Field("id", types.String), types.Field("name", types.String),
		types.Field("description", types.String), types.Field("location", types.String),
		types.Field("createdAt", types.Timestamp), types.Field("lastModified", types.Timestamp),
		types.Field("partitionColumns", stringsType), types.Field("clusteringColumns", stringsType),
		types.Field("numFiles", types.Long), types.Field("sizeInBytes", types.Long),
		types.Field("properties", stringMapType), types.Field("minReaderVersion", types.Integer),
		types.Field("minWriterVersion", types.Integer), types.Field("tableFeatures", stringsType))
	parts := append([]string{}, md.PartitionColumns...)
	return s.resultFrame(schema, [][]any{{"delta", md.ID, name, desc, dt.table.Store().URL(), created, modified,
		parts, []string{}, int64(len(snap.Files())), size, md.Configuration,
		int32(p.MinReaderVersion), int32(p.MinWriterVersion), tableFeatures(p)}})
}

// tableFeatures lists the features a protocol enables: explicit ones at
// reader 3 / writer 7, else those legacy versions imply.
func tableFeatures(p delta.Protocol) []string {
	set := map[string]bool{}
	if p.MinWriterVersion >= 7 {
		for _, f := range p.WriterFeatures {
			set[f] = true
		}
		for _, f := range p.ReaderFeatures {
			set[f] = true
		}
	} else {
		implied := []struct {
			w     int
			names []string
		}{{2, []string{"appendOnly", "invariants"}}, {3, []string{"checkConstraints"}},
			{4, []string{"changeDataFeed", "generatedColumns"}}, {5, []string{"columnMapping"}}, {6, []string{"identityColumns"}}}
		for _, im := range implied {
			if p.MinWriterVersion >= im.w {
				for _, n := range im.names {
					set[n] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// resultFrame is localFrame for result rows that also hold timestamps
// (time.Time), string maps, string lists and null structs.
func (s *Session) resultFrame(schema types.StructType, rows [][]any) (*DataFrame, error) {
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema.ArrowSchema())
	defer b.Release()
	for _, r := range rows {
		for i, v := range r {
			if err := appendValue(b.Field(i), v); err != nil {
				return nil, fmt.Errorf("ingot: column %s: %w", schema.Fields[i].Name, err)
			}
		}
	}
	rec := b.NewRecordBatch()
	return s.newDataFrame(&plan.LocalRelation{Struct: schema, Batches: []arrow.RecordBatch{rec}}), nil
}

func appendValue(fb array.Builder, v any) error {
	if v == nil {
		fb.AppendNull()
		return nil
	}
	switch fb := fb.(type) {
	case *array.StringBuilder:
		switch v := v.(type) {
		case map[string]string:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = k + " -> " + v[k]
			}
			fb.Append("{" + strings.Join(parts, ", ") + "}")
		case []string:
			fb.Append("[" + strings.Join(v, ", ") + "]")
		default:
			fb.Append(fmt.Sprint(v))
		}
	case *array.BooleanBuilder:
		fb.Append(v.(bool))
	case *array.Int64Builder:
		fb.Append(v.(int64))
	case *array.Int32Builder:
		fb.Append(v.(int32))
	case *array.TimestampBuilder:
		fb.Append(arrow.Timestamp(v.(time.Time).UnixMicro()))
	case *array.MapBuilder:
		m := v.(map[string]string)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fb.Append(true)
		kb, vb := fb.KeyBuilder().(*array.StringBuilder), fb.ItemBuilder().(*array.StringBuilder)
		for _, k := range keys {
			kb.Append(k)
			vb.Append(m[k])
		}
	case *array.ListBuilder:
		fb.Append(true)
		eb := fb.ValueBuilder().(*array.StringBuilder)
		for _, x := range v.([]string) {
			eb.Append(x)
		}
	default:
		return fmt.Errorf("no builder for %T", fb)
	}
	return nil
}
