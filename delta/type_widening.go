package delta

import (
	"fmt"

	"github.com/ingotdata/ingot/types"
)

// checkTypeChanges validates the delta.typeChanges history of every field
// (PROTOCOL.md "Type Widening"): a reader must fail on a type change it
// does not support rather than misread old files. The Parquet reader casts
// file columns to the table type, which is right for exactly the widenings
// accepted here.
func checkTypeChanges(s types.StructType, prefix string) error {
	for _, f := range s.Fields {
		if raw, ok := f.Metadata["delta.typeChanges"]; ok {
			changes, ok := raw.([]any)
			if !ok {
				return fmt.Errorf("%w: column %s%s: delta.typeChanges is not a list", ErrCorruptLog, prefix, f.Name)
			}
			for _, c := range changes {
				m, _ := c.(map[string]any)
				from, _ := m["fromType"].(string)
				to, _ := m["toType"].(string)
				if err := checkWidening(from, to); err != nil {
					return fmt.Errorf("%w: typeWidening: column %s%s: %v", ErrUnsupportedFeature, prefix, f.Name, err)
				}
			}
		}
		if err := checkNestedTypeChanges(f.Type, prefix+f.Name+"."); err != nil {
			return err
		}
	}
	return nil
}

func checkNestedTypeChanges(t types.DataType, prefix string) error {
	switch t := t.(type) {
	case types.StructType:
		return checkTypeChanges(t, prefix)
	case types.ArrayType:
		return checkNestedTypeChanges(t.ElementType, prefix)
	case types.MapType:
		if err := checkNestedTypeChanges(t.KeyType, prefix); err != nil {
			return err
		}
		return checkNestedTypeChanges(t.ValueType, prefix)
	}
	return nil
}

// checkWidening accepts the type changes the protocol lists.
func checkWidening(from, to string) error {
	ft, err1 := types.ParseSimpleString(from)
	tt, err2 := types.ParseSimpleString(to)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("unknown type change %q -> %q", from, to)
	}
	rank := func(t types.DataType) int {
		switch t.(type) {
		case types.ByteType:
			return 1
		case types.ShortType:
			return 2
		case types.IntegerType:
			return 3
		case types.LongType:
			return 4
		}
		return 0
	}
	ok := false
	switch t := tt.(type) {
	case types.ShortType, types.IntegerType, types.LongType:
		ok = rank(ft) > 0 && rank(ft) < rank(tt)
	case types.DoubleType:
		_, isFloat := ft.(types.FloatType)
		ok = isFloat || (rank(ft) > 0 && rank(ft) <= 3)
	case types.TimestampNTZType:
		_, ok = ft.(types.DateType)
	case types.DecimalType:
		switch f := ft.(type) {
		case types.DecimalType:
			k1, k2 := t.Precision-f.Precision, t.Scale-f.Scale
			ok = k2 >= 0 && k1 >= k2
		default:
			r := rank(ft)
			switch {
			case r >= 1 && r <= 3:
				ok = t.Precision-t.Scale >= 10
			case r == 4:
				ok = t.Precision-t.Scale >= 20
			}
		}
	}
	if !ok {
		return fmt.Errorf("unsupported type change %s -> %s", from, to)
	}
	return nil
}
