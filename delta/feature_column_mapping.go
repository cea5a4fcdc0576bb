package delta

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/uuid"

	"github.com/ingotdata/ingot/types"
)

// Column mapping table properties (PROTOCOL.md "Column Mapping").
const (
	columnMappingModeKey = "delta.columnMapping.mode"
	cmMaxColumnID        = "delta.columnMapping.maxColumnId"
)

// errColumnMappingModeChange is the error class of a column mapping mode
// change Delta does not allow (anything but none -> name on an existing
// table, or id/name on a new one).
const errColumnMappingModeChange = "[DELTA_UNSUPPORTED_COLUMN_MAPPING_MODE_CHANGE]"

// assignColumnMapping gives every field of schema (nested ones included)
// that lacks them a delta.columnMapping.id and physicalName, and records
// the largest id in conf's delta.columnMapping.maxColumnId. It is a no-op
// when conf does not turn column mapping on.
//
// prev is the table before this write (nil for a new table) and replace
// says the write replaces all data (a new table, or an overwrite of the
// schema). Physical names are fresh "col-<uuid>" names, except when an
// existing table switches from no mapping to name mode: its data files
// already store columns under their display names, so the existing
// columns keep those as physical names (as Delta does on that upgrade).
// Ids continue from the previous maxColumnId, so a dropped column's id or
// physical name is never reused.
func assignColumnMapping(schema types.StructType, conf map[string]string, prev *Snapshot, replace bool) (types.StructType, error) {
	mode := conf[columnMappingModeKey]
	prevMode, prevConf := "", map[string]string{}
	if prev != nil {
		prevMode = prev.columnMappingMode()
		prevConf = prev.metadata.Configuration
	}
	if mode == "" || mode == "none" {
		if prevMode != "" {
			return schema, fmt.Errorf("%s changing column mapping mode from %q to %q is not supported: %w", errColumnMappingModeChange, prevMode, "none", ErrUnsupportedFeature)
		}
		return schema, nil
	}
	if mode != "name" && mode != "id" {
		return schema, fmt.Errorf("[DELTA_MODE_NOT_SUPPORTED] column mapping mode %q is not supported (none, name, id): %w", mode, ErrUnsupportedFeature)
	}
	upgrade := false
	switch {
	case prev == nil:
	case prevMode == "" && !replace:
		if mode != "name" {
			return schema, fmt.Errorf("%s changing column mapping mode from %q to %q is not supported: %w", errColumnMappingModeChange, "none", mode, ErrUnsupportedFeature)
		}
		upgrade = true
	case prevMode != "" && prevMode != mode:
		return schema, fmt.Errorf("%s changing column mapping mode from %q to %q is not supported: %w", errColumnMappingModeChange, prevMode, mode, ErrUnsupportedFeature)
	}
	var maxID int64
	for _, c := range []map[string]string{prevConf, conf} {
		if v, err := strconv.ParseInt(c[cmMaxColumnID], 10, 64); err == nil && v > maxID {
			maxID = v
		}
	}
	maxID = max(maxID, maxColumnID(schema))
	var old types.StructType
	if prev != nil && prevMode != "" && !replace {
		old = prev.schema
	}
	out, err := assignFields(schema, old, upgrade, &maxID)
	if err != nil {
		return schema, err
	}
	conf[cmMaxColumnID] = strconv.FormatInt(maxID, 10)
	return out, nil
}

// assignFields maps the fields of st. A top-level field of old (the
// mapped table's previous schema) must already be mapped: writing it
// under a new physical name would hide its existing data. keepNames is
// the none -> name upgrade.
func assignFields(st types.StructType, old types.StructType, keepNames bool, maxID *int64) (types.StructType, error) {
	out := types.StructType{Fields: make([]types.StructField, len(st.Fields))}
	for i, f := range st.Fields {
		if f.Name == ChangeTypeColumn {
			// Change data files store _change_type under that name, which
			// readers look up literally; it is never a table column.
			out.Fields[i] = f
			continue
		}
		if _, ok := f.Metadata[cmPhysicalName]; !ok && old.FieldIndex(f.Name) >= 0 {
			return st, fmt.Errorf("delta: write: column %q of a column-mapped table has no %s: %w", f.Name, cmPhysicalName, ErrUnsupportedFeature)
		}
		nf, err := assignField(f, keepNames, maxID)
		if err != nil {
			return st, err
		}
		out.Fields[i] = nf
	}
	return out, nil
}

func assignField(f types.StructField, keepNames bool, maxID *int64) (types.StructField, error) {
	md := make(map[string]any, len(f.Metadata)+2)
	for k, v := range f.Metadata {
		md[k] = v
	}
	if _, ok := columnID(f); !ok {
		*maxID++
		md[cmID] = *maxID
	}
	if s, _ := md[cmPhysicalName].(string); s == "" {
		if keepNames {
			md[cmPhysicalName] = f.Name
		} else {
			md[cmPhysicalName] = "col-" + uuid.NewString()
		}
	}
	f.Metadata = md
	t, err := assignType(f.Type, keepNames, maxID)
	if err != nil {
		return f, err
	}
	f.Type = t
	return f, nil
}

func assignType(t types.DataType, keepNames bool, maxID *int64) (types.DataType, error) {
	switch t := t.(type) {
	case types.StructType:
		out := types.StructType{Fields: make([]types.StructField, len(t.Fields))}
		for i, f := range t.Fields {
			nf, err := assignField(f, keepNames, maxID)
			if err != nil {
				return t, err
			}
			out.Fields[i] = nf
		}
		return out, nil
	case types.ArrayType:
		e, err := assignType(t.ElementType, keepNames, maxID)
		t.ElementType = e
		return t, err
	case types.MapType:
		k, err := assignType(t.KeyType, keepNames, maxID)
		if err != nil {
			return t, err
		}
		v, err := assignType(t.ValueType, keepNames, maxID)
		t.KeyType, t.ValueType = k, v
		return t, err
	}
	return t, nil
}

// maxColumnID is the largest delta.columnMapping.id in the schema.
func maxColumnID(st types.StructType) int64 {
	var m int64
	var walk func(t types.DataType)
	walk = func(t types.DataType) {
		switch t := t.(type) {
		case types.StructType:
			for _, f := range t.Fields {
				if id, ok := columnID(f); ok && id > m {
					m = id
				}
				walk(f.Type)
			}
		case types.ArrayType:
			walk(t.ElementType)
		case types.MapType:
			walk(t.KeyType)
			walk(t.ValueType)
		}
	}
	walk(st)
	return m
}

// physicalFileField is the Arrow field a column-mapped table's data files
// store f as: physical names at every struct level and each field's
// column id as its Parquet field id (PROTOCOL.md: writers must write the
// id into the field_id of the Parquet SchemaElement).
func physicalFileField(f types.StructField) arrow.Field {
	af := arrow.Field{Name: physicalName(f), Type: physicalFileType(f.Type), Nullable: f.Nullable}
	if id, ok := columnID(f); ok {
		af.Metadata = arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{strconv.FormatInt(id, 10)})
	}
	return af
}

func physicalFileType(t types.DataType) arrow.DataType {
	switch t := t.(type) {
	case types.StructType:
		fs := make([]arrow.Field, len(t.Fields))
		for i, f := range t.Fields {
			fs[i] = physicalFileField(f)
		}
		return arrow.StructOf(fs...)
	case types.ArrayType:
		return arrow.ListOfField(arrow.Field{Name: "element", Type: physicalFileType(t.ElementType), Nullable: t.ContainsNull})
	case types.MapType:
		m := arrow.MapOf(physicalFileType(t.KeyType), physicalFileType(t.ValueType))
		m.SetItemNullable(t.ValueContainsNull)
		return m
	}
	return types.ToArrow(t)
}

// mappingEnabled reports whether a write with this configuration stores
// physical names (name or id mode). The write's protocol always supports
// column mapping then: planWrite upgrades it for the feature.
func mappingEnabled(conf map[string]string) bool {
	m := conf[columnMappingModeKey]
	return m == "name" || m == "id"
}
