package delta

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/types"
)

// Keys of the constraint-like features: CHECK constraints live in the
// table configuration, invariants and generation expressions in column
// metadata (PROTOCOL.md "Column Invariants", "CHECK Constraints",
// "Generated Columns").
const (
	constraintPrefix        = "delta.constraints."
	invariantsKey           = "delta.invariants"
	generationExpressionKey = "delta.generationExpression"
)

// Constraints returns the table's CHECK constraints: constraint name ->
// SQL boolean expression. This package cannot evaluate SQL, so a writer
// to a table with constraints must check every row itself, through
// WriteOptions.Validate.
func (s *Snapshot) Constraints() map[string]string {
	return ConstraintsOf(s.metadata)
}

// Invariants returns the column invariants of the table: dotted column
// path (for a nested field, "a.b") -> SQL boolean expression, parsed from
// the delta.invariants column metadata ({"expression":{"expression":...}}).
// Like CHECK constraints, they are the caller's to evaluate in
// WriteOptions.Validate; a row for which one is false or NULL must abort
// the write. An invariant whose metadata does not parse is returned as
// its raw text, so a caller compiling it fails loudly rather than
// skipping it.
func (s *Snapshot) Invariants() map[string]string {
	out := map[string]string{}
	collectInvariants(s.schema, "", out)
	return out
}

func collectInvariants(st types.StructType, prefix string, out map[string]string) {
	for _, f := range st.Fields {
		path := prefix + f.Name
		if raw, ok := f.Metadata[invariantsKey]; ok {
			out[path] = invariantExpression(raw)
		}
		if sub, ok := f.Type.(types.StructType); ok {
			collectInvariants(sub, path+".", out)
		}
	}
}

// invariantExpression extracts the SQL text of a delta.invariants value,
// which Spark stores as a JSON string (or, from some writers, an object).
func invariantExpression(raw any) string {
	var doc struct {
		Expression struct {
			Expression string `json:"expression"`
		} `json:"expression"`
	}
	switch v := raw.(type) {
	case string:
		if json.Unmarshal([]byte(v), &doc) == nil && doc.Expression.Expression != "" {
			return doc.Expression.Expression
		}
		return v
	default:
		b, _ := json.Marshal(v)
		if json.Unmarshal(b, &doc) == nil && doc.Expression.Expression != "" {
			return doc.Expression.Expression
		}
		return string(b)
	}
}

// GeneratedColumns returns the table's generated columns: column name ->
// SQL generation expression (delta.generationExpression).
//
// The contract for writers: data written to the table must contain every
// generated column, computed by the caller (a write missing one fails
// with ErrSchemaMismatch; this package cannot compute SQL), and the
// caller's WriteOptions.Validate must reject a batch where a value is not
// NULL-safe equal to its expression, as PROTOCOL.md requires
// ((value <=> expression) IS TRUE).
func (s *Snapshot) GeneratedColumns() map[string]string {
	out := map[string]string{}
	for _, f := range s.schema.Fields {
		if e, ok := f.Metadata[generationExpressionKey].(string); ok {
			out[f.Name] = e
		}
	}
	return out
}

// validatedFeatures names the features of a table whose rows only the
// caller can check (CHECK constraints, invariants, generated columns), so
// a write without WriteOptions.Validate (or ConstraintsChecked) must be
// refused rather than let unchecked rows in.
func validatedFeatures(schema types.StructType, conf map[string]string) []string {
	var out []string
	for k := range conf {
		if strings.HasPrefix(k, constraintPrefix) {
			out = append(out, "CHECK constraint "+strings.TrimPrefix(k, constraintPrefix))
		}
	}
	sort.Strings(out)
	if key := columnMetadataKey(schema, invariantsKey, generationExpressionKey); key != "" {
		out = append(out, "column "+key)
	}
	return out
}

// checkGeneratedColumnsPresent fails when the data lacks a generated
// column of the table: computing it is the caller's job.
func checkGeneratedColumnsPresent(schema, data types.StructType) error {
	for _, f := range schema.Fields {
		e, ok := f.Metadata[generationExpressionKey].(string)
		if !ok || data.FieldIndex(f.Name) >= 0 {
			continue
		}
		return fmt.Errorf("delta: write: generated column %q (GENERATED ALWAYS AS (%s)) is missing from the data; the caller must compute it: %w", f.Name, e, ErrSchemaMismatch)
	}
	return nil
}

// validate hands WriteOptions.Validate one input batch aligned to the
// table schema; column yields table column ti of the batch (a new
// reference) the way the file writer aligns it.
func (fw *fileWriter) validate(rec arrow.RecordBatch, column func(int) (arrow.Array, error)) error {
	p := fw.plan
	cols := make([]arrow.Array, len(p.schema.Fields))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for ti := range cols {
		c, err := column(ti)
		if err != nil {
			return err
		}
		cols[ti] = c
	}
	tb := array.NewRecordBatch(p.tableArrow, cols, rec.NumRows())
	defer tb.Release()
	if err := fw.opts.Validate(tb); err != nil {
		return fmt.Errorf("delta: write: rows rejected by validation: %w", err)
	}
	return nil
}
