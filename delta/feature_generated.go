package delta

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ingotdata/ingot/types"
)

// GenerationExpressionKey is the column metadata key holding a generated
// column's SQL expression (PROTOCOL.md "Generated Columns").
const GenerationExpressionKey = generationExpressionKey

// applyGenerationExpressions stores WriteOptions.GeneratedColumns as
// delta.generationExpression metadata on the schema a write creates or
// replaces. It runs before the protocol is derived from the schema, so
// the generatedColumns feature is added in the same commit. The data
// path (Arrow schemas) carries no column metadata, which is why the
// expressions travel beside it.
func applyGenerationExpressions(p *writePlan, replace bool, opts WriteOptions) error {
	if len(opts.GeneratedColumns) == 0 {
		return nil
	}
	if !replace {
		return fmt.Errorf("delta: write: generation expressions can only be set when the write creates or replaces the schema: %w", ErrSchemaMismatch)
	}
	names := make([]string, 0, len(opts.GeneratedColumns))
	for n := range opts.GeneratedColumns {
		names = append(names, n)
	}
	sort.Strings(names)
	fields := append([]types.StructField(nil), p.schema.Fields...)
	for _, n := range names {
		i := p.schema.FieldIndex(n)
		if i < 0 {
			return fmt.Errorf("delta: write: generated column %q is not a column of the data: %w", n, ErrSchemaMismatch)
		}
		e := strings.TrimSpace(opts.GeneratedColumns[n])
		if e == "" {
			return fmt.Errorf("delta: write: generated column %q has an empty expression: %w", n, ErrSchemaMismatch)
		}
		md := make(map[string]any, len(fields[i].Metadata)+1)
		for k, v := range fields[i].Metadata {
			md[k] = v
		}
		md[generationExpressionKey] = e
		fields[i].Metadata = md
	}
	p.schema = types.StructType{Fields: fields}
	return nil
}
