package delta

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/types"
)

// Column mapping metadata keys (PROTOCOL.md "Column Mapping").
const (
	cmPhysicalName = "delta.columnMapping.physicalName"
	cmID           = "delta.columnMapping.id"
)

// columnMappingMode is "name", "id" or "" (none). The table property only
// counts when the protocol supports column mapping: reader version 2, or 3
// with the columnMapping reader feature.
func (s *Snapshot) columnMappingMode() string {
	return mappingMode(&s.protocol, &s.metadata)
}

func mappingMode(p *Protocol, m *Metadata) string {
	mode := m.Configuration["delta.columnMapping.mode"]
	if mode != "name" && mode != "id" {
		return ""
	}
	switch {
	case p.MinReaderVersion == 2:
		return mode
	case p.MinReaderVersion >= 3:
		for _, f := range p.ReaderFeatures {
			if f == "columnMapping" {
				return mode
			}
		}
	}
	return ""
}

// physicalName is the name a field has in data files, partition values and
// statistics: its delta.columnMapping.physicalName, or its name when unmapped.
func physicalName(f types.StructField) string {
	if s, ok := f.Metadata[cmPhysicalName].(string); ok && s != "" {
		return s
	}
	return f.Name
}

// hasPhysicalNames reports whether any top-level field is column-mapped.
func hasPhysicalNames(s types.StructType) bool {
	for _, f := range s.Fields {
		if _, ok := f.Metadata[cmPhysicalName]; ok {
			return true
		}
	}
	return false
}

// physicalArrowField is the Arrow field a data file stores f as: physical
// names at every struct level, and the column id as the Parquet field id
// so "id" mode can match on it.
func physicalArrowField(f types.StructField) arrow.Field {
	af := arrow.Field{Name: physicalName(f), Type: physicalArrowType(f.Type), Nullable: true}
	if id, ok := columnID(f); ok {
		af.Metadata = arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{strconv.FormatInt(id, 10)})
	}
	return af
}

func columnID(f types.StructField) (int64, bool) {
	switch v := f.Metadata[cmID].(type) {
	case float64:
		return int64(v), true
	case int64:
		return v, true
	case int:
		return int64(v), true
	}
	return 0, false
}

func physicalArrowType(t types.DataType) arrow.DataType {
	switch t := t.(type) {
	case types.StructType:
		fs := make([]arrow.Field, len(t.Fields))
		for i, f := range t.Fields {
			fs[i] = arrow.Field{Name: physicalName(f), Type: physicalArrowType(f.Type), Nullable: f.Nullable}
		}
		return arrow.StructOf(fs...)
	case types.ArrayType:
		return arrow.ListOfField(arrow.Field{Name: "element", Type: physicalArrowType(t.ElementType), Nullable: t.ContainsNull})
	case types.MapType:
		m := arrow.MapOf(physicalArrowType(t.KeyType), physicalArrowType(t.ValueType))
		m.SetItemNullable(t.ValueContainsNull)
		return m
	}
	return types.ToArrow(t)
}

// relabel returns arr (a new reference) typed as want, which must have the
// same layout and differ at most in field names: the physical-to-logical
// renaming of column mapping. Buffers are shared, nothing is copied.
func relabel(arr arrow.Array, want arrow.DataType) arrow.Array {
	if want == nil || arrow.TypeEqual(arr.DataType(), want) {
		arr.Retain()
		return arr
	}
	d := relabelData(arr.Data(), want)
	defer d.Release()
	return array.MakeFromData(d)
}

func relabelData(d arrow.ArrayData, want arrow.DataType) arrow.ArrayData {
	children := d.Children()
	var wantChildren []arrow.DataType
	switch w := want.(type) {
	case *arrow.StructType:
		for _, f := range w.Fields() {
			wantChildren = append(wantChildren, f.Type)
		}
	case *arrow.MapType:
		wantChildren = []arrow.DataType{w.Elem()}
	case *arrow.ListType:
		wantChildren = []arrow.DataType{w.Elem()}
	}
	if len(wantChildren) != len(children) {
		// Not a pure renaming; keep the data's own type.
		d.Retain()
		return d
	}
	newChildren := make([]arrow.ArrayData, len(children))
	for i, c := range children {
		newChildren[i] = relabelData(c, wantChildren[i])
	}
	out := array.NewData(want, d.Len(), d.Buffers(), newChildren, d.NullN(), d.Offset())
	for _, c := range newChildren {
		c.Release()
	}
	return out
}
