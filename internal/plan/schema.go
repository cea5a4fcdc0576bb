package plan

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/types"
)

// Column is one output column of a plan node. Qualifier is the relation
// name or alias the column can be referenced through ("p" in "p.name"); ""
// when none.
type Column struct {
	Qualifier string
	Name      string
	Type      types.DataType
	Nullable  bool
	// alts are further qualifiers that reach the column.
	alts []string
	// hidden marks a column reachable only by qualified name and left out
	// of *: the side keys of a USING join (see analyzeUsing). Such columns
	// flow through filters, sorts and joins and are projected away where a
	// relation's output becomes fixed (see stripHidden).
	hidden bool
}

// Schema is the ordered output columns of a node.
type Schema struct {
	Columns []Column
}

// SchemaOf returns the columns of st, all qualified by qualifier.
func SchemaOf(qualifier string, st types.StructType) Schema {
	cols := make([]Column, len(st.Fields))
	for i, f := range st.Fields {
		cols[i] = Column{Qualifier: qualifier, Name: f.Name, Type: f.Type, Nullable: f.Nullable}
	}
	return Schema{Columns: cols}
}

// hasHidden reports whether some column is hidden.
func (s Schema) hasHidden() bool {
	for _, c := range s.Columns {
		if c.hidden {
			return true
		}
	}
	return false
}

// hiddenFlags lists which columns are hidden (nil when none is).
func (s Schema) hiddenFlags() []bool {
	if !s.hasHidden() {
		return nil
	}
	out := make([]bool, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = c.hidden
	}
	return out
}

// Len is the number of columns.
func (s Schema) Len() int { return len(s.Columns) }

// ToStruct returns the schema as a Spark row type (qualifiers dropped), as
// printSchema shows it.
func (s Schema) ToStruct() types.StructType {
	fs := make([]types.StructField, len(s.Columns))
	for i, c := range s.Columns {
		t := c.Type
		if t == nil {
			t = types.Null
		}
		fs[i] = types.StructField{Name: c.Name, Type: t, Nullable: c.Nullable}
	}
	return types.StructType{Fields: fs}
}

// ArrowSchema returns the Arrow schema of the batches the node produces.
func (s Schema) ArrowSchema() *arrow.Schema { return s.ToStruct().ArrowSchema() }

func (s Schema) withQualifier(q string) Schema {
	cols := make([]Column, len(s.Columns))
	for i, c := range s.Columns {
		c.Qualifier, c.alts = q, nil
		cols[i] = c
	}
	return Schema{Columns: cols}
}

func concatSchemas(a, b Schema) Schema {
	return Schema{Columns: append(append([]Column(nil), a.Columns...), b.Columns...)}
}
