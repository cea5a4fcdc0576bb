package json

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ingotdata/ingot/types"
)

// kind is a column's Spark type reduced to what the decoder switches on.
type kind uint8

const (
	kBool kind = iota
	kByte
	kShort
	kInt
	kLong
	kFloat
	kDouble
	kString
	kBinary
	kDecimal
	kDate
	kTimestamp
	kStruct
	kArray
	kMap
	kNull
)

// column decodes JSON values of one Spark type into one Arrow builder. The
// typed builder pointers are resolved once so the per-value path is a switch
// and a direct append, with no interface boxing.
type column struct {
	kind kind
	typ  types.DataType
	name string // dotted path, for error messages

	b    array.Builder
	bo   *array.BooleanBuilder
	i8   *array.Int8Builder
	i16  *array.Int16Builder
	i32  *array.Int32Builder
	i64  *array.Int64Builder
	f32  *array.Float32Builder
	f64  *array.Float64Builder
	str  *array.StringBuilder
	bin  *array.BinaryBuilder
	dec  *array.Decimal128Builder
	d32  *array.Date32Builder
	ts   *array.TimestampBuilder
	st   *array.StructBuilder
	lst  *array.ListBuilder
	mp   *array.MapBuilder
	null *array.NullBuilder

	decType types.DecimalType
	fields  *structDecoder // kStruct
	elem    *column        // kArray
	key     *column        // kMap
	val     *column        // kMap
}

// structDecoder fills the fields of one struct (or the top-level record)
// from a JSON object. Fields are matched by exact name, as Spark's JSON
// parser does; unknown names are skipped and missing fields become NULL.
type structDecoder struct {
	cols   []*column
	byName map[string]int
	seen   []bool
}

func newStructDecoder(s types.StructType, builders func(i int) array.Builder, prefix string) (*structDecoder, error) {
	sd := &structDecoder{byName: make(map[string]int, len(s.Fields)), seen: make([]bool, len(s.Fields))}
	for i, f := range s.Fields {
		c, err := newColumn(f.Type, builders(i), prefix+f.Name)
		if err != nil {
			return nil, err
		}
		sd.cols = append(sd.cols, c)
		if _, dup := sd.byName[f.Name]; !dup {
			sd.byName[f.Name] = i
		}
	}
	return sd, nil
}

func newColumn(t types.DataType, b array.Builder, name string) (*column, error) {
	c := &column{typ: t, b: b, name: name}
	switch t := t.(type) {
	case types.BooleanType:
		c.kind, c.bo = kBool, b.(*array.BooleanBuilder)
	case types.ByteType:
		c.kind, c.i8 = kByte, b.(*array.Int8Builder)
	case types.ShortType:
		c.kind, c.i16 = kShort, b.(*array.Int16Builder)
	case types.IntegerType:
		c.kind, c.i32 = kInt, b.(*array.Int32Builder)
	case types.LongType:
		c.kind, c.i64 = kLong, b.(*array.Int64Builder)
	case types.FloatType:
		c.kind, c.f32 = kFloat, b.(*array.Float32Builder)
	case types.DoubleType:
		c.kind, c.f64 = kDouble, b.(*array.Float64Builder)
	case types.StringType:
		c.kind, c.str = kString, b.(*array.StringBuilder)
	case types.BinaryType:
		c.kind, c.bin = kBinary, b.(*array.BinaryBuilder)
	case types.DecimalType:
		c.kind, c.dec, c.decType = kDecimal, b.(*array.Decimal128Builder), t
	case types.DateType:
		c.kind, c.d32 = kDate, b.(*array.Date32Builder)
	case types.TimestampType, types.TimestampNTZType:
		c.kind, c.ts = kTimestamp, b.(*array.TimestampBuilder)
	case types.NullType:
		c.kind, c.null = kNull, b.(*array.NullBuilder)
	case types.StructType:
		c.kind, c.st = kStruct, b.(*array.StructBuilder)
		sd, err := newStructDecoder(t, func(i int) array.Builder { return c.st.FieldBuilder(i) }, name+".")
		if err != nil {
			return nil, err
		}
		c.fields = sd
	case types.ArrayType:
		c.kind, c.lst = kArray, b.(*array.ListBuilder)
		e, err := newColumn(t.ElementType, c.lst.ValueBuilder(), name+".element")
		if err != nil {
			return nil, err
		}
		c.elem = e
	case types.MapType:
		if _, ok := t.KeyType.(types.StringType); !ok {
			return nil, fmt.Errorf("json: column %s: map keys must be string, not %s: %w", name, t.KeyType.SimpleString(), types.ErrUnsupportedType)
		}
		c.kind, c.mp = kMap, b.(*array.MapBuilder)
		k, err := newColumn(t.KeyType, c.mp.KeyBuilder(), name+".key")
		if err != nil {
			return nil, err
		}
		v, err := newColumn(t.ValueType, c.mp.ItemBuilder(), name+".value")
		if err != nil {
			return nil, err
		}
		c.key, c.val = k, v
	default:
		return nil, fmt.Errorf("json: column %s: cannot read %s: %w", name, t.SimpleString(), types.ErrUnsupportedType)
	}
	return c, nil
}

// mismatch describes a value that parsed as JSON but does not fit a column.
type mismatch struct {
	col *column
	off int64 // decoder offset just before the value
	got string
}

// valueDecoder carries the per-file state the column decoders share.
type valueDecoder struct {
	d          *jsontext.Decoder
	numStrings bool   // AllowNumbersAsStrings
	scratch    []byte // unquoting and compaction
	bad        *mismatch
}

// miss records the first mismatch of the current record and appends NULL.
func (v *valueDecoder) miss(c *column, off int64, got string) {
	if v.bad == nil {
		v.bad = &mismatch{col: c, off: off, got: got}
	}
	c.b.AppendNull()
}

// skipMiss skips the value the decoder is at and records a mismatch.
func (v *valueDecoder) skipMiss(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	if err := v.d.SkipValue(); err != nil {
		return err
	}
	v.miss(c, off, kindName(k))
	return nil
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// stringBytes reads a JSON string value and returns its unquoted bytes, which
// alias the decoder's buffer (or v.scratch) until the next read.
func (v *valueDecoder) stringBytes() ([]byte, error) {
	raw, err := v.d.ReadValue()
	if err != nil {
		return nil, err
	}
	body := raw[1 : len(raw)-1]
	for _, ch := range body {
		if ch == '\\' {
			v.scratch, err = jsontext.AppendUnquote(v.scratch[:0], raw)
			return v.scratch, err
		}
	}
	return body, nil
}

// read decodes the next JSON value into c. A returned error is a syntax or
// I/O error; a value that does not fit is appended as NULL and noted in v.bad.
func (v *valueDecoder) read(c *column) error {
	d := v.d
	k := d.PeekKind()
	switch k {
	case 'n':
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		c.b.AppendNull()
		return nil
	case 0, ']', '}':
		_, err := d.ReadToken() // surfaces the syntax error
		if err == nil {
			err = fmt.Errorf("unexpected %v", k)
		}
		return err
	}
	switch c.kind {
	case kBool:
		if k != 't' && k != 'f' {
			return v.skipMiss(c, k)
		}
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		c.bo.Append(k == 't')
		return nil
	case kByte, kShort, kInt, kLong:
		return v.readInt(c, k)
	case kFloat, kDouble:
		return v.readFloat(c, k)
	case kString:
		return v.readString(c, k)
	case kBinary:
		if k != '"' {
			return v.skipMiss(c, k)
		}
		off := d.InputOffset()
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
		n, derr := base64.StdEncoding.Decode(out, s)
		if derr != nil {
			v.miss(c, off, "non-base64 string")
			return nil
		}
		c.bin.Append(out[:n])
		return nil
	case kDecimal:
		return v.readDecimal(c, k)
	case kDate, kTimestamp:
		return v.readTime(c, k)
	case kNull:
		if err := d.SkipValue(); err != nil {
			return err
		}
		c.null.AppendNull()
		return nil
	case kStruct:
		if k != '{' {
			return v.skipMiss(c, k)
		}
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		c.st.Append(true)
		return v.readObject(c.fields)
	case kArray:
		if k != '[' {
			return v.skipMiss(c, k)
		}
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		c.lst.Append(true)
		for d.PeekKind() != ']' {
			if err := v.read(c.elem); err != nil {
				return err
			}
		}
		_, err := d.ReadToken()
		return err
	case kMap:
		if k != '{' {
			return v.skipMiss(c, k)
		}
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		c.mp.Append(true)
		for d.PeekKind() != '}' {
			name, err := v.stringBytes()
			if err != nil {
				return err
			}
			c.key.str.BinaryBuilder.Append(name)
			if err := v.read(c.val); err != nil {
				return err
			}
		}
		_, err := d.ReadToken()
		return err
	}
	return fmt.Errorf("json: internal: unhandled column kind %d", c.kind)
}

// readObject fills sd from the members of an object whose '{' has been read,
// consuming the closing '}'. Fields absent from the object become NULL; a
// repeated name keeps its first value.
func (v *valueDecoder) readObject(sd *structDecoder) error {
	d := v.d
	clear(sd.seen)
	for d.PeekKind() != '}' {
		name, err := v.stringBytes()
		if err != nil {
			return err
		}
		i, ok := sd.byName[string(name)]
		if !ok || sd.seen[i] {
			if err := d.SkipValue(); err != nil {
				return err
			}
			continue
		}
		sd.seen[i] = true
		if err := v.read(sd.cols[i]); err != nil {
			return err
		}
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	for i, ok := range sd.seen {
		if !ok {
			sd.cols[i].b.AppendNull()
		}
	}
	return nil
}

func (v *valueDecoder) readInt(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	var text []byte
	switch {
	case k == '0':
		raw, err := v.d.ReadValue()
		if err != nil {
			return err
		}
		text = raw
	case k == '"' && v.numStrings:
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		text = s
	default:
		return v.skipMiss(c, k)
	}
	n, ok := parseInt(text)
	if !ok {
		v.miss(c, off, "number "+string(text))
		return nil
	}
	switch c.kind {
	case kByte:
		if n < math.MinInt8 || n > math.MaxInt8 {
			v.miss(c, off, "out-of-range number "+string(text))
			return nil
		}
		c.i8.Append(int8(n))
	case kShort:
		if n < math.MinInt16 || n > math.MaxInt16 {
			v.miss(c, off, "out-of-range number "+string(text))
			return nil
		}
		c.i16.Append(int16(n))
	case kInt:
		if n < math.MinInt32 || n > math.MaxInt32 {
			v.miss(c, off, "out-of-range number "+string(text))
			return nil
		}
		c.i32.Append(int32(n))
	default:
		c.i64.Append(n)
	}
	return nil
}

// parseInt parses an optionally signed decimal integer without allocating;
// fractions, exponents and overflow are rejected, as Spark's JSON reader
// rejects them for integral columns.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	switch b[0] {
	case '-':
		neg, b = true, b[1:]
	case '+':
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		u = u*10 + uint64(ch-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// specialFloat recognises the non-numeric number strings Spark's JSON reader
// accepts in float columns (allowNonNumericNumbers defaults to true).
func specialFloat(s []byte) (float64, bool) {
	switch string(s) {
	case "NaN":
		return math.NaN(), true
	case "Infinity", "+Infinity", "INF", "+INF", "Inf", "+Inf":
		return math.Inf(1), true
	case "-Infinity", "-INF", "-Inf":
		return math.Inf(-1), true
	}
	return 0, false
}

func (v *valueDecoder) readFloat(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	var f float64
	switch k {
	case '0':
		raw, err := v.d.ReadValue()
		if err != nil {
			return err
		}
		f, err = strconv.ParseFloat(string(raw), 64)
		if err != nil && !isRangeErr(err) {
			v.miss(c, off, "number "+string(raw))
			return nil
		}
	case '"':
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		var ok bool
		if f, ok = specialFloat(s); !ok {
			if !v.numStrings || !plainNumber(s) {
				v.miss(c, off, "string")
				return nil
			}
			if f, err = strconv.ParseFloat(string(s), 64); err != nil && !isRangeErr(err) {
				v.miss(c, off, "string")
				return nil
			}
		}
	default:
		return v.skipMiss(c, k)
	}
	if c.kind == kFloat {
		c.f32.Append(float32(f))
	} else {
		c.f64.Append(f)
	}
	return nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// plainNumber reports whether s is a decimal number as JSON writes one
// (optional sign, digits, fraction, exponent) — not Go's hex or "inf" forms.
func plainNumber(s []byte) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// readString stores strings as their text and any other value as its JSON
// text (compacted), as Spark does when a string column meets a number,
// boolean, object or array.
func (v *valueDecoder) readString(c *column, k jsontext.Kind) error {
	if k == '"' {
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		c.str.BinaryBuilder.Append(s)
		return nil
	}
	raw, err := v.d.ReadValue()
	if err != nil {
		return err
	}
	if k == '{' || k == '[' {
		v.scratch = append(v.scratch[:0], raw...)
		val := jsontext.Value(v.scratch)
		if err := val.Compact(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
			return err
		}
		c.str.BinaryBuilder.Append(val)
		return nil
	}
	c.str.BinaryBuilder.Append(raw)
	return nil
}

func (v *valueDecoder) readDecimal(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	var text []byte
	switch k {
	case '0':
		raw, err := v.d.ReadValue()
		if err != nil {
			return err
		}
		text = raw
	case '"':
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		text = s
	default:
		return v.skipMiss(c, k)
	}
	if !plainNumber(text) {
		v.miss(c, off, "string")
		return nil
	}
	n, err := decimal128.FromString(string(text), int32(c.decType.Precision), int32(c.decType.Scale))
	if err != nil {
		v.miss(c, off, "number "+string(text)+" out of range for "+c.decType.SimpleString())
		return nil
	}
	c.dec.Append(n)
	return nil
}

func (v *valueDecoder) readTime(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	switch k {
	case '"':
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		if c.kind == kDate {
			days, ok := parseDate(s)
			if !ok {
				v.miss(c, off, "string "+strconv.Quote(string(s)))
				return nil
			}
			c.d32.Append(arrow.Date32(days))
			return nil
		}
		us, ok := parseTimestamp(s)
		if !ok {
			v.miss(c, off, "string "+strconv.Quote(string(s)))
			return nil
		}
		c.ts.Append(arrow.Timestamp(us))
		return nil
	case '0':
		if c.kind == kDate {
			return v.skipMiss(c, k)
		}
		// Spark reads an integral number in a timestamp column as seconds
		// since the epoch.
		raw, err := v.d.ReadValue()
		if err != nil {
			return err
		}
		n, ok := parseInt(raw)
		if !ok || n > math.MaxInt64/1_000_000 || n < math.MinInt64/1_000_000 {
			v.miss(c, off, "number "+string(raw))
			return nil
		}
		c.ts.Append(arrow.Timestamp(n * 1e6))
		return nil
	}
	return v.skipMiss(c, k)
}
