package types

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Schema JSON is the format of Spark's DataType.json and of the schemaString
// in a Delta metaData action. Primitive types are JSON strings holding their
// SimpleString ("integer", "decimal(10,2)"); complex types are objects:
//
//	{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{}}]}
//	{"type":"array","elementType":"string","containsNull":true}
//	{"type":"map","keyType":"string","valueType":"long","valueContainsNull":true}
//
// Field order inside the objects follows Spark's output so that bytes we
// write compare equal to what Spark writes for the same schema.

// MarshalSchema returns the schema JSON of t.
func MarshalSchema(t DataType) ([]byte, error) {
	var b strings.Builder
	if err := writeTypeJSON(&b, t); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// ParseSchema parses schema JSON into a StructType.
func ParseSchema(data []byte) (StructType, error) {
	t, err := ParseTypeJSON(data)
	if err != nil {
		return StructType{}, err
	}
	st, ok := t.(StructType)
	if !ok {
		return StructType{}, fmt.Errorf("types: schema JSON is a %s, not a struct", t.SimpleString())
	}
	return st, nil
}

// ParseTypeJSON parses the schema JSON of any data type.
func ParseTypeJSON(data []byte) (DataType, error) {
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("types: parse schema JSON: %w", err)
	}
	return typeFromJSON(raw)
}

func writeTypeJSON(b *strings.Builder, t DataType) error {
	switch t := t.(type) {
	case StructType:
		b.WriteString(`{"type":"struct","fields":[`)
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"name":`)
			b.WriteString(strconv.Quote(f.Name))
			b.WriteString(`,"type":`)
			if err := writeTypeJSON(b, f.Type); err != nil {
				return fmt.Errorf("field %q: %w", f.Name, err)
			}
			b.WriteString(`,"nullable":`)
			b.WriteString(strconv.FormatBool(f.Nullable))
			b.WriteString(`,"metadata":`)
			md := f.Metadata
			if md == nil {
				md = map[string]any{}
			}
			mb, err := json.Marshal(md)
			if err != nil {
				return fmt.Errorf("field %q metadata: %w", f.Name, err)
			}
			b.Write(mb)
			b.WriteByte('}')
		}
		b.WriteString(`]}`)
	case ArrayType:
		b.WriteString(`{"type":"array","elementType":`)
		if err := writeTypeJSON(b, t.ElementType); err != nil {
			return err
		}
		b.WriteString(`,"containsNull":` + strconv.FormatBool(t.ContainsNull) + `}`)
	case MapType:
		b.WriteString(`{"type":"map","keyType":`)
		if err := writeTypeJSON(b, t.KeyType); err != nil {
			return err
		}
		b.WriteString(`,"valueType":`)
		if err := writeTypeJSON(b, t.ValueType); err != nil {
			return err
		}
		b.WriteString(`,"valueContainsNull":` + strconv.FormatBool(t.ValueContainsNull) + `}`)
	case nil:
		return fmt.Errorf("types: nil data type")
	default:
		b.WriteString(strconv.Quote(t.SimpleString()))
	}
	return nil
}

func typeFromJSON(raw any) (DataType, error) {
	switch v := raw.(type) {
	case string:
		return ParseSimpleString(v)
	case map[string]any:
		kind, _ := v["type"].(string)
		switch kind {
		case "struct":
			fields, _ := v["fields"].([]any)
			st := StructType{Fields: make([]StructField, 0, len(fields))}
			for i, fr := range fields {
				fm, ok := fr.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("types: struct field %d is not an object", i)
				}
				name, _ := fm["name"].(string)
				ft, err := typeFromJSON(fm["type"])
				if err != nil {
					return nil, fmt.Errorf("types: field %q: %w", name, err)
				}
				nullable, ok := fm["nullable"].(bool)
				if !ok {
					nullable = true
				}
				md, _ := fm["metadata"].(map[string]any)
				if len(md) == 0 {
					md = nil
				}
				st.Fields = append(st.Fields, StructField{Name: name, Type: ft, Nullable: nullable, Metadata: md})
			}
			return st, nil
		case "array":
			et, err := typeFromJSON(v["elementType"])
			if err != nil {
				return nil, fmt.Errorf("types: array element: %w", err)
			}
			cn, _ := v["containsNull"].(bool)
			return ArrayType{ElementType: et, ContainsNull: cn}, nil
		case "map":
			kt, err := typeFromJSON(v["keyType"])
			if err != nil {
				return nil, fmt.Errorf("types: map key: %w", err)
			}
			vt, err := typeFromJSON(v["valueType"])
			if err != nil {
				return nil, fmt.Errorf("types: map value: %w", err)
			}
			vcn, _ := v["valueContainsNull"].(bool)
			return MapType{KeyType: kt, ValueType: vt, ValueContainsNull: vcn}, nil
		case "udt":
			if sql, ok := v["sqlType"]; ok {
				return typeFromJSON(sql)
			}
		}
		return nil, fmt.Errorf("types: unknown complex type %q", kind)
	}
	return nil, fmt.Errorf("types: unexpected schema JSON value %v", raw)
}

// ParseSimpleString parses a primitive type's SimpleString as found in schema
// JSON: "integer", "long", "decimal(10,2)", "timestamp_ntz".
func ParseSimpleString(s string) (DataType, error) {
	switch s {
	case "void", "null":
		return Null, nil
	case "boolean":
		return Boolean, nil
	case "byte":
		return Byte, nil
	case "short":
		return Short, nil
	case "integer":
		return Integer, nil
	case "long":
		return Long, nil
	case "float":
		return Float, nil
	case "double":
		return Double, nil
	case "string":
		return String, nil
	case "binary":
		return Binary, nil
	case "date":
		return Date, nil
	case "timestamp":
		return Timestamp, nil
	case "timestamp_ntz":
		return TimestampNTZ, nil
	case "variant":
		return Variant, nil
	case "decimal":
		return DecimalType{Precision: 10, Scale: 0}, nil
	}
	if strings.HasPrefix(s, "decimal(") && strings.HasSuffix(s, ")") {
		return parseDecimalArgs(s[len("decimal(") : len(s)-1])
	}
	return nil, fmt.Errorf("types: unknown type %q: %w", s, ErrUnsupportedType)
}

func parseDecimalArgs(args string) (DataType, error) {
	ps := strings.Split(args, ",")
	if len(ps) < 1 || len(ps) > 2 {
		return nil, fmt.Errorf("types: bad decimal arguments %q", args)
	}
	p, err := strconv.Atoi(strings.TrimSpace(ps[0]))
	if err != nil {
		return nil, fmt.Errorf("types: bad decimal precision %q", ps[0])
	}
	sc := 0
	if len(ps) == 2 {
		if sc, err = strconv.Atoi(strings.TrimSpace(ps[1])); err != nil {
			return nil, fmt.Errorf("types: bad decimal scale %q", ps[1])
		}
	}
	if p < 1 || p > MaxDecimalPrecision || sc < 0 || sc > p {
		return nil, fmt.Errorf("types: decimal(%d,%d) out of range (precision 1..38, 0 <= scale <= precision)", p, sc)
	}
	return DecimalType{Precision: p, Scale: sc}, nil
}
