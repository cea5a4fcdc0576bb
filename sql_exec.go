package ingot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/catalog"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/internal/source"
	"github.com/ingotdata/ingot/internal/sql"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// SQL runs one SQL statement. Commands (CREATE, DROP, USE, INSERT, ...) run
// now and return their result rows, if any; a query returns a lazy
// DataFrame, as spark.sql does.
func (s *Session) SQL(ctx context.Context, text string) (*DataFrame, error) {
	stmt, err := sql.Parse(text)
	if err != nil {
		return nil, err
	}
	return s.execStatement(ctx, stmt)
}

// RunScript runs ';'-separated statements in order, handing each result
// to fn before the next statement runs.
func (s *Session) RunScript(ctx context.Context, text string, fn func(*DataFrame) error) error {
	stmts, err := sql.ParseScript(text)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		df, err := s.execStatement(ctx, st)
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(df); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Session) execStatement(ctx context.Context, stmt sql.Statement) (*DataFrame, error) {
	switch st := stmt.(type) {
	case *sql.Query:
		n, err := sql.PlanQuery(ctx, st, s.sqlResolver())
		if err != nil {
			return nil, err
		}
		df := s.newDataFrame(n)
		return df, df.err
	case *sql.CreateDatabase:
		db := catalog.Database{Name: st.Name, Properties: map[string]string{}}
		if st.Comment != nil {
			db.Comment = *st.Comment
		}
		if st.Location != nil {
			db.Location = *st.Location
		}
		for _, p := range st.Properties {
			db.Properties[p.Key] = p.Value
		}
		return s.empty(), s.catalog.CreateDatabase(ctx, db, st.IfNotExists)
	case *sql.DropDatabase:
		if err := s.catalog.DropDatabase(ctx, st.Name, st.IfExists, st.Cascade); err != nil {
			return nil, err
		}
		s.mu.Lock()
		if strings.EqualFold(s.currentDB, st.Name) {
			s.currentDB = catalog.DefaultDatabase
		}
		s.mu.Unlock()
		return s.empty(), nil
	case *sql.Use:
		db, err := s.catalog.GetDatabase(ctx, st.Name)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.currentDB = db.Name
		s.mu.Unlock()
		return s.empty(), nil
	case *sql.ShowDatabases:
		dbs, err := s.catalog.ListDatabases(ctx, deref(st.Like))
		if err != nil {
			return nil, err
		}
		rows := make([][]any, len(dbs))
		for i, d := range dbs {
			rows[i] = []any{d.Name}
		}
		return s.localFrame(types.NewStruct(notNull("namespace", types.String)), rows)
	case *sql.ShowTables:
		db := st.Database
		if db == "" {
			db = s.CurrentDatabase()
		}
		tables, err := s.catalog.ListTables(ctx, db, deref(st.Like))
		if err != nil {
			return nil, err
		}
		rows := make([][]any, len(tables))
		for i, t := range tables {
			rows[i] = []any{t.Database, t.Name, false}
		}
		return s.localFrame(types.NewStruct(
			notNull("namespace", types.String), notNull("tableName", types.String), notNull("isTemporary", types.Boolean)), rows)
	case *sql.DescribeDatabase:
		return s.describeDatabase(ctx, st)
	case *sql.DescribeTable:
		return s.describeTable(ctx, st)
	case *sql.CreateTable:
		return s.createTable(ctx, st)
	case *sql.DropTable:
		name, err := s.catalogName(st.Name)
		if err != nil {
			return nil, err
		}
		return s.empty(), s.catalog.DropTable(ctx, name.db, name.table, st.IfExists)
	case *sql.Insert:
		return s.insert(ctx, st)
	case *sql.SetConfig:
		return s.setConfig(st)
	case *sql.Explain:
		q, ok := st.Statement.(*sql.Query)
		if !ok {
			return nil, fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] EXPLAIN of %T", st.Statement)
		}
		df, err := s.execStatement(ctx, q)
		if err != nil {
			return nil, err
		}
		text, err := df.Explain()
		if err != nil {
			return nil, err
		}
		return s.localFrame(types.NewStruct(notNull("plan", types.String)), [][]any{{text}})
	case *sql.Delete, *sql.Update, *sql.Merge, *sql.AlterTableAddColumns, *sql.AlterTableSetProperties,
		*sql.AlterTableUnsetProperties, *sql.AlterTableAddConstraint, *sql.AlterTableDropConstraint,
		*sql.ShowTblProperties, *sql.DescribeHistory, *sql.DescribeDetail:
		return s.execDeltaDML(ctx, stmt)
	case *sql.Optimize, *sql.Vacuum, *sql.Restore:
		return s.execMaintenance(ctx, stmt)
	}
	return nil, fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] statement not supported yet: %s", firstLine(stmt.String()))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func notNull(name string, t types.DataType) types.StructField {
	return types.StructField{Name: name, Type: t}
}

// empty is the result of a command without output rows.
func (s *Session) empty() *DataFrame {
	df, _ := s.localFrame(types.StructType{}, nil)
	return df
}

// localFrame builds a DataFrame over rows of Go values (string, bool,
// int64, nil) of a command's result.
func (s *Session) localFrame(schema types.StructType, rows [][]any) (*DataFrame, error) {
	as := schema.ArrowSchema()
	b := array.NewRecordBuilder(memory.DefaultAllocator, as)
	defer b.Release()
	for _, r := range rows {
		for i, v := range r {
			fb := b.Field(i)
			if v == nil {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.StringBuilder:
				fb.Append(fmt.Sprint(v))
			case *array.BooleanBuilder:
				fb.Append(v.(bool))
			case *array.Int64Builder:
				fb.Append(v.(int64))
			case *array.Int32Builder:
				fb.Append(v.(int32))
			default:
				return nil, fmt.Errorf("ingot: no builder for %T", fb)
			}
		}
	}
	rec := b.NewRecordBatch()
	var batches []arrow.RecordBatch
	if rec.NumRows() > 0 || len(schema.Fields) > 0 {
		batches = []arrow.RecordBatch{rec}
	} else {
		rec.Release()
	}
	return s.newDataFrame(&plan.LocalRelation{Struct: schema, Batches: batches}), nil
}

func (s *Session) catalogName(n sql.TableName) (tableName, error) {
	if n.IsPath() {
		return tableName{}, fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] a path-addressed table (%s) is not a catalog table", n.Path)
	}
	if n.Catalog != "" && !strings.EqualFold(n.Catalog, "spark_catalog") {
		return tableName{}, fmt.Errorf("ingot: [REQUIRES_SINGLE_PART_NAMESPACE] unknown catalog %q", n.Catalog)
	}
	db := n.Database
	if db == "" {
		db = s.CurrentDatabase()
	}
	return tableName{db: strings.ToLower(db), table: strings.ToLower(n.Name)}, nil
}

func (s *Session) describeDatabase(ctx context.Context, st *sql.DescribeDatabase) (*DataFrame, error) {
	db, err := s.catalog.GetDatabase(ctx, st.Name)
	if err != nil {
		return nil, err
	}
	rows := [][]any{
		{"Catalog Name", "spark_catalog"},
		{"Namespace Name", db.Name},
		{"Comment", db.Comment},
		{"Location", db.Location},
		{"Owner", currentUser()},
	}
	if st.Extended {
		keys := make([]string, 0, len(db.Properties))
		for k := range db.Properties {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = "(" + k + "," + db.Properties[k] + ")"
		}
		rows = append(rows, []any{"Properties", "(" + strings.Join(parts, ",") + ")"})
	}
	return s.localFrame(types.NewStruct(notNull("info_name", types.String), notNull("info_value", types.String)), rows)
}

func (s *Session) describeTable(ctx context.Context, st *sql.DescribeTable) (*DataFrame, error) {
	rel, err := s.resolveRelation(ctx, st.Table, nil)
	if err != nil {
		return nil, err
	}
	df := s.newDataFrame(rel)
	if df.err != nil {
		return nil, df.err
	}
	var rows [][]any
	for _, f := range df.Schema().Fields {
		rows = append(rows, []any{f.Name, types.CatalogString(f.Type), nil})
	}
	if st.Extended && !st.Table.IsPath() {
		name, _ := s.catalogName(st.Table)
		ct, err := s.catalog.GetTable(ctx, name.db, name.table)
		if err == nil {
			kind := "EXTERNAL"
			if ct.Managed {
				kind = "MANAGED"
			}
			rows = append(rows, []any{"", "", ""}, []any{"# Detailed Table Information", "", ""},
				[]any{"Catalog", "spark_catalog", ""}, []any{"Database", ct.Database, ""},
				[]any{"Table", ct.Name, ""}, []any{"Type", kind, ""},
				[]any{"Location", ct.Location, ""}, []any{"Provider", ct.Provider, ""})
		}
	}
	return s.localFrame(types.NewStruct(notNull("col_name", types.String), notNull("data_type", types.String), types.Field("comment", types.String)), rows)
}

func (s *Session) createTable(ctx context.Context, st *sql.CreateTable) (*DataFrame, error) {
	if st.Provider != "" && st.Provider != "delta" {
		return nil, fmt.Errorf("ingot: [UNSUPPORTED_DATA_SOURCE_FOR_WRITE] CREATE TABLE USING %s: ingot creates only delta tables", st.Provider)
	}
	var location string
	var ct catalog.Table
	if st.Name.IsPath() {
		location = st.Name.Path
	} else {
		name, err := s.catalogName(st.Name)
		if err != nil {
			return nil, err
		}
		exists, err := s.catalog.TableExists(ctx, name.db, name.table)
		if err != nil {
			return nil, err
		}
		var old catalog.Table
		if exists {
			switch {
			case st.IfNotExists:
				return s.empty(), nil
			case !st.OrReplace:
				return nil, fmt.Errorf("ingot: [TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view %s because it already exists", name)
			}
			if old, err = s.catalog.GetTable(ctx, name.db, name.table); err != nil {
				return nil, err
			}
		}
		if _, err := s.catalog.GetDatabase(ctx, name.db); err != nil {
			return nil, err
		}
		ct = catalog.Table{Database: name.db, Name: name.table, Provider: "delta", Managed: st.Location == nil, Comment: deref(st.Comment), Properties: map[string]string{}}
		switch {
		case st.Location != nil:
			if ct.Location, err = storage.CanonicalLocation(*st.Location); err != nil {
				return nil, fmt.Errorf("ingot: create table %s: %w", name, err)
			}
		case exists:
			// Replacing a table without naming a location replaces it where
			// it is, external or managed.
			ct.Location, ct.Managed = old.Location, old.Managed
		default:
			ct.Location = s.catalog.DefaultTableLocation(name.db, name.table)
			exists, err := s.checkManagedLocation(ctx, ct)
			if err != nil {
				return nil, err
			}
			if exists { // created concurrently since TableExists above
				if st.IfNotExists {
					return s.empty(), nil
				}
				return nil, fmt.Errorf("ingot: [TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view %s because it already exists", name)
			}
		}
		for _, p := range st.Properties {
			ct.Properties[p.Key] = p.Value
		}
		location = ct.Location
	}
	props := map[string]string{}
	for _, p := range st.Properties {
		props[p.Key] = p.Value
	}
	t, err := openDelta(ctx, location)
	if err != nil {
		return nil, err
	}
	var data batch.Reader
	var generated map[string]string
	if st.As != nil {
		q, err := s.execStatement(ctx, st.As)
		if err != nil {
			return nil, err
		}
		if data, err = q.Stream(ctx); err != nil {
			return nil, err
		}
	} else {
		schema := types.StructType{}
		for _, c := range st.Columns {
			schema.Fields = append(schema.Fields, types.StructField{Name: c.Name, Type: c.Type, Nullable: !c.NotNull})
		}
		if generated, err = generationExpressions(st.Columns, schema); err != nil {
			return nil, err
		}
		existing, err := t.Exists(ctx)
		if err != nil {
			return nil, err
		}
		switch {
		case len(schema.Fields) == 0 && !existing:
			return nil, errors.New("ingot: [DELTA_SCHEMA_NOT_SET] CREATE TABLE needs columns or AS SELECT when the location holds no table")
		case len(schema.Fields) > 0 && existing && !st.OrReplace:
			// Registering a table that already exists at the location: the
			// declared columns must be the table's, as Delta checks.
			snap, err := t.Snapshot(ctx)
			if err != nil {
				return nil, err
			}
			if !sameColumns(snap.Schema(), schema) {
				return nil, fmt.Errorf("ingot: [DELTA_CREATE_TABLE_SCHEMA_MISMATCH] The specified schema does not match the existing schema at %s: specified %s, existing %s",
					location, schema.SQL(), snap.Schema().SQL())
			}
		}
		data = batch.FromSlice(schema.ArrowSchema())
	}
	defer data.Close()
	mode := delta.ModeErrorIfExists
	if st.OrReplace {
		mode = delta.ModeOverwrite
	}
	existing, err := t.Exists(ctx)
	if err != nil {
		return nil, err
	}
	if !existing || st.OrReplace || st.As != nil {
		op := "CREATE TABLE"
		if st.As != nil {
			op = "CREATE TABLE AS SELECT"
		}
		if st.OrReplace {
			op = "CREATE OR REPLACE TABLE"
		}
		if _, err := t.Write(ctx, data, delta.WriteOptions{Mode: mode, PartitionBy: st.PartitionBy, Operation: op,
			Properties: props, Name: ct.Name, Description: deref(st.Comment), OverwriteSchema: st.OrReplace,
			KeepNullability: st.As == nil, GeneratedColumns: generated, ConstraintsChecked: len(generated) > 0}); err != nil {
			return nil, fmt.Errorf("ingot: create table %s: %w", location, err)
		}
	}
	if !st.Name.IsPath() {
		if err := s.catalog.CreateTable(ctx, ct, true); err != nil {
			return nil, err
		}
		if st.OrReplace {
			// CreateTable kept an existing entry: make it describe the new
			// table (location, comment, properties).
			if err := s.catalog.AlterTable(ctx, ct.Database, ct.Name, func(t *catalog.Table) error {
				t.Location, t.Managed, t.Comment, t.Properties = ct.Location, ct.Managed, ct.Comment, ct.Properties
				return nil
			}); err != nil {
				return nil, err
			}
		}
	}
	return s.empty(), nil
}

func (s *Session) insert(ctx context.Context, st *sql.Insert) (*DataFrame, error) {
	q, err := s.execStatement(ctx, st.Query)
	if err != nil {
		return nil, err
	}
	target, err := s.resolveRelation(ctx, st.Table, nil)
	if err != nil {
		return nil, err
	}
	tdf := s.newDataFrame(target)
	if tdf.err != nil {
		return nil, tdf.err
	}
	// Spark's INSERT matches columns by position and casts to the table's
	// types; a column list reorders (missing columns become NULL).
	tschema := tdf.Schema()
	gen := generatedOf(target)
	cols := st.Columns
	qcols := q.Columns()
	if len(cols) == 0 {
		cols = tschema.Names()
		if len(gen) > 0 && len(qcols) == len(cols)-len(gen) {
			// Without a column list, a query lacking exactly the generated
			// columns fills the others in order; the write computes them.
			cols = cols[:0:0]
			for _, f := range tschema.Fields {
				if _, ok := gen[f.Name]; !ok {
					cols = append(cols, f.Name)
				}
			}
		}
	}
	seen := map[string]bool{}
	for _, c := range st.Columns {
		if tschema.FieldIndex(c) < 0 {
			return nil, fmt.Errorf("ingot: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `%s` cannot be resolved. Did you mean one of the following? [%s]", c, strings.Join(tschema.Names(), ", "))
		}
		if seen[strings.ToLower(c)] {
			return nil, fmt.Errorf("ingot: [COLUMN_ALREADY_EXISTS] The column `%s` already exists in the INSERT column list", c)
		}
		seen[strings.ToLower(c)] = true
	}
	if len(qcols) != len(cols) {
		return nil, fmt.Errorf("ingot: [INSERT_COLUMN_ARITY_MISMATCH.%s] Cannot write to %s: the query has %d columns, the target %d",
			map[bool]string{true: "TOO_MANY_DATA_COLUMNS", false: "NOT_ENOUGH_DATA_COLUMNS"}[len(qcols) > len(cols)], st.Table, len(qcols), len(cols))
	}
	// The query's columns are taken by position, never by name: a query
	// may have duplicate or odd names (SELECT 5 AS x, 6 AS x; SELECT * of a
	// join). Positions refer to the analyzed query's output.
	qs := q.Schema()
	exprs := make([]expr.Expr, 0, len(tschema.Fields))
	for _, f := range tschema.Fields {
		idx := -1
		for i, c := range cols {
			if strings.EqualFold(c, f.Name) {
				idx = i
			}
		}
		if _, ok := gen[f.Name]; ok && idx < 0 {
			continue // computed by the write (constrain)
		}
		var e expr.Expr = &expr.Literal{Type: types.Null}
		if idx >= 0 {
			qf := qs.Fields[idx]
			e = &expr.BoundRef{Index: idx, Name: qf.Name, Type: qf.Type, Nullable: qf.Nullable}
		}
		exprs = append(exprs, &expr.Alias{Child: &expr.Cast{Child: e, To: f.Type}, Name: f.Name})
	}
	data := s.newDataFrame(&plan.Project{Input: q.analyzed, Exprs: exprs})
	if data.err != nil {
		return nil, data.err
	}
	w := data.Write().Format("delta").Mode("append")
	if st.Overwrite {
		w.Mode("overwrite")
	}
	if st.ReplaceWhere != nil {
		// INSERT INTO t REPLACE WHERE cond is an overwrite with the
		// replaceWhere option (replace_where.go).
		w.Mode("overwrite").Option("replaceWhere", sql.FormatExpr(st.ReplaceWhere))
	}
	if st.Table.IsPath() {
		return s.empty(), w.Save(ctx, st.Table.Path)
	}
	name, err := s.catalogName(st.Table)
	if err != nil {
		return nil, err
	}
	ct, err := s.catalog.GetTable(ctx, name.db, name.table)
	if err != nil {
		return nil, err
	}
	mode, _ := w.deltaMode()
	return s.empty(), w.saveTo(ctx, ct.Location, mode, "WRITE")
}

func (s *Session) setConfig(st *sql.SetConfig) (*DataFrame, error) {
	schema := types.NewStruct(notNull("key", types.String), notNull("value", types.String))
	if st.Key == "" {
		s.mu.Lock()
		keys := make([]string, 0, len(s.conf))
		for k := range s.conf {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		rows := make([][]any, len(keys))
		for i, k := range keys {
			rows[i] = []any{k, s.conf[k]}
		}
		s.mu.Unlock()
		return s.localFrame(schema, rows)
	}
	if st.Value != nil {
		s.SetConf(st.Key, *st.Value)
	}
	return s.localFrame(schema, [][]any{{st.Key, s.GetConf(st.Key, "<undefined>")}})
}

// sqlResolver lets the SQL planner find tables.
func (s *Session) sqlResolver() sql.Resolver { return sessionResolver{s} }

type sessionResolver struct{ s *Session }

func (r sessionResolver) ResolveTable(ctx context.Context, name sql.TableName, tt *sql.TimeTravel) (plan.Node, error) {
	return r.s.resolveRelation(ctx, name, tt)
}

// resolveRelation is the plan for a table named in SQL: a catalog table or
// delta.`path`, at the time-travel version if given.
func (s *Session) resolveRelation(ctx context.Context, name sql.TableName, tt *sql.TimeTravel) (plan.Node, error) {
	dt, err := s.openTarget(ctx, name)
	if err != nil {
		return nil, err
	}
	version, err := s.timeTravelVersion(ctx, dt.table, tt)
	if err != nil {
		return nil, err
	}
	snap, err := snapshotAt(ctx, dt.table, version)
	if err != nil {
		return nil, fmt.Errorf("ingot: %s: %w", dt.label, err)
	}
	src := &source.DeltaSnapshot{Table: dt.table, Snapshot: snap, Pinned: version >= 0, Label: dt.label,
		IgnoreCorruptFiles: s.confBool("spark.sql.files.ignoreCorruptFiles", false)}
	return &plan.Scan{Source: src, Alias: dt.name}, nil
}

// timeTravelVersion is the version VERSION AS OF or TIMESTAMP AS OF names
// (-1, the latest, without time travel). A timestamp picks the latest
// version committed at or before it; it is a string or TIMESTAMP literal,
// read in the session time zone.
func (s *Session) timeTravelVersion(ctx context.Context, t *delta.Table, tt *sql.TimeTravel) (int64, error) {
	switch {
	case tt == nil:
		return -1, nil
	case tt.Version != nil:
		return *tt.Version, nil
	}
	ts, err := s.constTimestamp(tt.Timestamp)
	if err != nil {
		return 0, err
	}
	v, err := t.VersionAtTimestamp(ctx, ts)
	if err != nil {
		return 0, fmt.Errorf("ingot: [DELTA_TIMESTAMP_OUT_OF_RANGE] TIMESTAMP AS OF %s: %w", ts.Format(time.RFC3339Nano), err)
	}
	return v, nil
}

// constTimestamp reads a constant timestamp expression: a string literal
// ('2024-01-02 10:00:00'), a TIMESTAMP literal, or a cast of either.
func (s *Session) constTimestamp(e expr.Expr) (time.Time, error) {
	for {
		c, ok := e.(*expr.Cast)
		if !ok {
			break
		}
		e = c.Child
	}
	if lit, ok := e.(*expr.Literal); ok {
		switch v := lit.Value.(type) {
		case string:
			return parseRestoreTimestamp(v, s.sessionLocation())
		case int64:
			if _, isTS := lit.Type.(types.TimestampType); isTS {
				return time.UnixMicro(v).UTC(), nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("ingot: [INVALID_TIME_TRAVEL_TIMESTAMP_EXPR] TIMESTAMP AS OF needs a constant timestamp, not %s", e.String())
}

// sameColumns compares two schemas' column names (case-insensitively) and
// types, ignoring nullability and metadata.
func sameColumns(a, b types.StructType) bool {
	if len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Fields {
		fa, fb := a.Fields[i], b.Fields[i]
		if !strings.EqualFold(fa.Name, fb.Name) || fa.Type.SQL() != fb.Type.SQL() {
			return false
		}
	}
	return true
}
