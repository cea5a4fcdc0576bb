package types

import (
	"fmt"
	"strings"
)

// ParseSQLType parses a type as written in SQL DDL and casts, in any case:
// "INT", "bigint", "decimal(10, 2)", "array<string>", "map<string,int>",
// "struct<a:int,b string>". Spark's aliases are accepted (INTEGER, LONG,
// TINYINT, SMALLINT, REAL, DEC, NUMERIC, TEXT is not Spark and is rejected).
func ParseSQLType(s string) (DataType, error) {
	p := &typeParser{s: s}
	t, err := p.parse()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("types: unexpected %q after type in %q", p.s[p.i:], s)
	}
	return t, nil
}

type typeParser struct {
	s string
	i int
}

func (p *typeParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *typeParser) word() string {
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '`' {
		end := strings.IndexByte(p.s[p.i+1:], '`')
		if end < 0 {
			return ""
		}
		w := p.s[p.i+1 : p.i+1+end]
		p.i += end + 2
		return w
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

func (p *typeParser) expect(c byte) error {
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != c {
		return fmt.Errorf("types: expected %q at offset %d in %q", c, p.i, p.s)
	}
	p.i++
	return nil
}

func (p *typeParser) peek(c byte) bool {
	p.skipSpace()
	return p.i < len(p.s) && p.s[p.i] == c
}

func (p *typeParser) parse() (DataType, error) {
	w := strings.ToLower(p.word())
	switch w {
	case "boolean", "bool":
		return Boolean, nil
	case "tinyint", "byte":
		return Byte, nil
	case "smallint", "short":
		return Short, nil
	case "int", "integer":
		return Integer, nil
	case "bigint", "long":
		return Long, nil
	case "float", "real":
		return Float, nil
	case "double":
		return Double, nil
	case "string", "varchar", "char":
		if p.peek('(') { // VARCHAR(n) and CHAR(n) read as STRING, as Spark does by default.
			p.i++
			p.word()
			if err := p.expect(')'); err != nil {
				return nil, err
			}
		}
		return String, nil
	case "binary":
		return Binary, nil
	case "date":
		return Date, nil
	case "timestamp", "timestamp_ltz":
		return Timestamp, nil
	case "timestamp_ntz":
		return TimestampNTZ, nil
	case "void":
		return Null, nil
	case "decimal", "dec", "numeric":
		if !p.peek('(') {
			return DecimalType{Precision: 10, Scale: 0}, nil
		}
		p.i++
		start := p.i
		end := strings.IndexByte(p.s[start:], ')')
		if end < 0 {
			return nil, fmt.Errorf("types: unclosed decimal( in %q", p.s)
		}
		p.i = start + end + 1
		return parseDecimalArgs(p.s[start : start+end])
	case "array":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		et, err := p.parse()
		if err != nil {
			return nil, err
		}
		if err := p.expect('>'); err != nil {
			return nil, err
		}
		return ArrayType{ElementType: et, ContainsNull: true}, nil
	case "map":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		kt, err := p.parse()
		if err != nil {
			return nil, err
		}
		if err := p.expect(','); err != nil {
			return nil, err
		}
		vt, err := p.parse()
		if err != nil {
			return nil, err
		}
		if err := p.expect('>'); err != nil {
			return nil, err
		}
		return MapType{KeyType: kt, ValueType: vt, ValueContainsNull: true}, nil
	case "struct":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		var st StructType
		for !p.peek('>') {
			name := p.word()
			if name == "" {
				return nil, fmt.Errorf("types: expected a field name at offset %d in %q", p.i, p.s)
			}
			if p.peek(':') {
				p.i++
			}
			ft, err := p.parse()
			if err != nil {
				return nil, err
			}
			st.Fields = append(st.Fields, Field(name, ft))
			if !p.peek(',') {
				break
			}
			p.i++
		}
		if err := p.expect('>'); err != nil {
			return nil, err
		}
		return st, nil
	case "":
		return nil, fmt.Errorf("types: expected a type name at offset %d in %q", p.i, p.s)
	}
	return nil, fmt.Errorf("types: [UNSUPPORTED_DATATYPE] unsupported data type %q: %w", w, ErrUnsupportedType)
}
