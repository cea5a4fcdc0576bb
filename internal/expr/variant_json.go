package expr

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// Variant decoding: the Parquet Variant binary encoding (VariantEncoding.md
// in apache/parquet-format) read straight from the value and metadata bytes
// of a variant column and printed as the JSON text Spark's Variant.toJson
// produces. Nothing is materialised into Go values: each row's bytes are
// walked once and appended to one reused buffer.

var (
	// ErrMalformedVariant: variant bytes that break the encoding (truncated
	// data, offsets out of range, a metadata version other than 1).
	ErrMalformedVariant = errors.New("[MALFORMED_VARIANT] Variant binary is malformed. Please check the data source is valid")
	// ErrUnknownVariantType: a primitive type id this engine does not know
	// (Spark 4.0 knows ids 0..16; time, nanosecond timestamps and uuid are
	// newer and refused rather than printed wrongly).
	ErrUnknownVariantType = errors.New("[UNKNOWN_PRIMITIVE_TYPE_IN_VARIANT] unknown primitive type in variant value")
)

// maxVariantDepth bounds object/array nesting so hostile bytes cannot
// recurse without end; Spark's own builder rejects far shallower JSON.
const maxVariantDepth = 1000

// Variant primitive type ids (the primitive_header of basic type 0).
const (
	vNull         = 0
	vTrue         = 1
	vFalse        = 2
	vInt8         = 3
	vInt16        = 4
	vInt32        = 5
	vInt64        = 6
	vDouble       = 7
	vDecimal4     = 8
	vDecimal8     = 9
	vDecimal16    = 10
	vDate         = 11
	vTimestamp    = 12
	vTimestampNTZ = 13
	vFloat        = 14
	vBinary       = 15
	vString       = 16
)

// Basic types (the low two bits of a value's first byte).
const (
	vPrimitive   = 0
	vShortString = 1
	vObject      = 2
	vArray       = 3
)

// variantMetadata is a parsed metadata header: the key dictionary is read
// lazily, by id, only for the objects a value contains.
type variantMetadata struct {
	b          []byte
	offSize    int
	dictSize   int
	offsetsAt  int // start of the dictSize+1 offsets
	stringsAt  int // start of the string bytes
	stringsLen int
}

func parseVariantMetadata(b []byte) (variantMetadata, error) {
	if len(b) < 1 {
		return variantMetadata{}, fmt.Errorf("%w: empty metadata", ErrMalformedVariant)
	}
	if v := b[0] & 0x0f; v != 1 {
		return variantMetadata{}, fmt.Errorf("%w: metadata version %d (want 1)", ErrMalformedVariant, v)
	}
	m := variantMetadata{b: b, offSize: int(b[0]>>6) + 1}
	n, ok := readUint(b, 1, m.offSize)
	if !ok {
		return m, fmt.Errorf("%w: metadata truncated in dictionary size", ErrMalformedVariant)
	}
	m.dictSize = n
	m.offsetsAt = 1 + m.offSize
	m.stringsAt = m.offsetsAt + (n+1)*m.offSize
	if n < 0 || m.stringsAt > len(b) || m.stringsAt < m.offsetsAt {
		return m, fmt.Errorf("%w: metadata dictionary of %d keys does not fit %d bytes", ErrMalformedVariant, n, len(b))
	}
	m.stringsLen = len(b) - m.stringsAt
	return m, nil
}

// key returns dictionary entry id.
func (m *variantMetadata) key(id int) ([]byte, error) {
	if id < 0 || id >= m.dictSize {
		return nil, fmt.Errorf("%w: field id %d outside dictionary of %d keys", ErrMalformedVariant, id, m.dictSize)
	}
	start, _ := readUint(m.b, m.offsetsAt+id*m.offSize, m.offSize)
	end, _ := readUint(m.b, m.offsetsAt+(id+1)*m.offSize, m.offSize)
	if start > end || end > m.stringsLen {
		return nil, fmt.Errorf("%w: dictionary key %d at bytes [%d,%d) of %d", ErrMalformedVariant, id, start, end, m.stringsLen)
	}
	return m.b[m.stringsAt+start : m.stringsAt+end], nil
}

// readUint reads an unsigned little-endian integer of size 1..4 bytes at pos.
func readUint(b []byte, pos, size int) (int, bool) {
	if pos < 0 || pos+size > len(b) {
		return 0, false
	}
	var v uint32
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint32(b[pos+i])
	}
	return int(v), true
}

// AppendVariantJSON appends the JSON text of one variant (its value and
// metadata binaries) to dst, as Spark's CAST(v AS STRING) prints it:
// object keys in the order the encoding stores them (sorted), strings
// JSON-escaped, dates and timestamps quoted (timestamps in the session zone,
// UTC), binaries quoted base64, decimals without trailing zeros.
func AppendVariantJSON(dst, value, metadata []byte) ([]byte, error) {
	m, err := parseVariantMetadata(metadata)
	if err != nil {
		return dst, err
	}
	return appendVariantValue(dst, value, &m, 0)
}

func appendVariantValue(dst, v []byte, m *variantMetadata, depth int) ([]byte, error) {
	if len(v) == 0 {
		return dst, fmt.Errorf("%w: empty value", ErrMalformedVariant)
	}
	if depth > maxVariantDepth {
		return dst, fmt.Errorf("%w: nested deeper than %d", ErrMalformedVariant, maxVariantDepth)
	}
	hdr := int(v[0] >> 2)
	switch v[0] & 3 {
	case vShortString:
		if 1+hdr > len(v) {
			return dst, fmt.Errorf("%w: short string of %d bytes truncated", ErrMalformedVariant, hdr)
		}
		return appendJSONString(dst, v[1:1+hdr]), nil
	case vObject:
		return appendVariantObject(dst, v, hdr, m, depth)
	case vArray:
		return appendVariantArray(dst, v, hdr, m, depth)
	}
	return appendVariantPrimitive(dst, v, hdr)
}

// container reads the shared head of objects and arrays: the element count
// (1 or 4 bytes as is_large says) and where the id and offset lists start.
func containerCount(v []byte, large bool) (n, pos int, err error) {
	size := 1
	if large {
		size = 4
	}
	n, ok := readUint(v, 1, size)
	if !ok {
		return 0, 0, fmt.Errorf("%w: container truncated in element count", ErrMalformedVariant)
	}
	return n, 1 + size, nil
}

func appendVariantObject(dst, v []byte, hdr int, m *variantMetadata, depth int) ([]byte, error) {
	offSize, idSize := hdr&3+1, (hdr>>2)&3+1
	n, pos, err := containerCount(v, hdr&0x10 != 0)
	if err != nil {
		return dst, err
	}
	offsAt := pos + n*idSize
	dataAt := offsAt + (n+1)*offSize
	if dataAt > len(v) || dataAt < pos {
		return dst, fmt.Errorf("%w: object of %d fields does not fit %d bytes", ErrMalformedVariant, n, len(v))
	}
	dst = append(dst, '{')
	for i := 0; i < n; i++ {
		id, _ := readUint(v, pos+i*idSize, idSize)
		key, err := m.key(id)
		if err != nil {
			return dst, err
		}
		child, err := containerChild(v, offsAt, dataAt, offSize, i)
		if err != nil {
			return dst, err
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, key)
		dst = append(dst, ':')
		if dst, err = appendVariantValue(dst, child, m, depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

func appendVariantArray(dst, v []byte, hdr int, m *variantMetadata, depth int) ([]byte, error) {
	offSize := hdr&3 + 1
	n, pos, err := containerCount(v, hdr&0x04 != 0)
	if err != nil {
		return dst, err
	}
	dataAt := pos + (n+1)*offSize
	if dataAt > len(v) || dataAt < pos {
		return dst, fmt.Errorf("%w: array of %d elements does not fit %d bytes", ErrMalformedVariant, n, len(v))
	}
	dst = append(dst, '[')
	for i := 0; i < n; i++ {
		child, err := containerChild(v, pos, dataAt, offSize, i)
		if err != nil {
			return dst, err
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = appendVariantValue(dst, child, m, depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// containerChild returns element i's bytes. Object values need not be in
// offset order, so a child runs from its offset to the end of the data; its
// own header says how long it is (offset i+1 is only checked for range).
func containerChild(v []byte, offsAt, dataAt, offSize, i int) ([]byte, error) {
	start, _ := readUint(v, offsAt+i*offSize, offSize)
	if dataAt+start >= len(v) {
		return nil, fmt.Errorf("%w: element %d at offset %d beyond %d bytes", ErrMalformedVariant, i, start, len(v)-dataAt)
	}
	return v[dataAt+start:], nil
}

func appendVariantPrimitive(dst, v []byte, typ int) ([]byte, error) {
	body := v[1:]
	need := func(n int) error {
		if len(body) < n {
			return fmt.Errorf("%w: primitive type %d needs %d bytes, has %d", ErrMalformedVariant, typ, n, len(body))
		}
		return nil
	}
	switch typ {
	case vNull:
		return append(dst, "null"...), nil
	case vTrue:
		return append(dst, "true"...), nil
	case vFalse:
		return append(dst, "false"...), nil
	case vInt8:
		if err := need(1); err != nil {
			return dst, err
		}
		return strconv.AppendInt(dst, int64(int8(body[0])), 10), nil
	case vInt16:
		if err := need(2); err != nil {
			return dst, err
		}
		return strconv.AppendInt(dst, int64(int16(binary.LittleEndian.Uint16(body))), 10), nil
	case vInt32:
		if err := need(4); err != nil {
			return dst, err
		}
		return strconv.AppendInt(dst, int64(int32(binary.LittleEndian.Uint32(body))), 10), nil
	case vInt64:
		if err := need(8); err != nil {
			return dst, err
		}
		return strconv.AppendInt(dst, int64(binary.LittleEndian.Uint64(body)), 10), nil
	case vDouble:
		if err := need(8); err != nil {
			return dst, err
		}
		return append(dst, javaFloat(math.Float64frombits(binary.LittleEndian.Uint64(body)), 64)...), nil
	case vFloat:
		if err := need(4); err != nil {
			return dst, err
		}
		return append(dst, javaFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(body))), 32)...), nil
	case vDecimal4, vDecimal8, vDecimal16:
		// Each width caps the precision (9, 18, 38 digits) as Spark's
		// reader checks; a value beyond it is malformed, not printed.
		size, maxDigits := 16, 38
		switch typ {
		case vDecimal4:
			size, maxDigits = 4, 9
		case vDecimal8:
			size, maxDigits = 8, 18
		}
		if err := need(1 + size); err != nil {
			return dst, err
		}
		scale := int(body[0])
		if scale > maxDigits {
			return dst, fmt.Errorf("%w: decimal scale %d above precision %d", ErrMalformedVariant, scale, maxDigits)
		}
		return appendPlainDecimal(dst, body[1:1+size], scale, maxDigits)
	case vDate:
		if err := need(4); err != nil {
			return dst, err
		}
		dst = append(dst, '"')
		dst = append(dst, formatDate(int32(binary.LittleEndian.Uint32(body)))...)
		return append(dst, '"'), nil
	case vTimestamp, vTimestampNTZ:
		if err := need(8); err != nil {
			return dst, err
		}
		dst = append(dst, '"')
		dst = append(dst, formatTimestamp(int64(binary.LittleEndian.Uint64(body)))...)
		if typ == vTimestamp {
			// Spark appends the session zone's offset; the session zone is UTC.
			dst = append(dst, "+00:00"...)
		}
		return append(dst, '"'), nil
	case vBinary, vString:
		if err := need(4); err != nil {
			return dst, err
		}
		n := int(binary.LittleEndian.Uint32(body))
		if n < 0 || 4+n > len(body) {
			return dst, fmt.Errorf("%w: %d-byte payload truncated", ErrMalformedVariant, n)
		}
		if typ == vString {
			return appendJSONString(dst, body[4:4+n]), nil
		}
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, body[4:4+n])
		return append(dst, '"'), nil
	}
	return dst, fmt.Errorf("%w: type id %d", ErrUnknownVariantType, typ)
}

// appendPlainDecimal prints a little-endian two's-complement unscaled value
// at scale like Java's BigDecimal.stripTrailingZeros().toPlainString(),
// which is what Spark's variant JSON shows (1.50 prints as 1.5, 100 as 100).
func appendPlainDecimal(dst, le []byte, scale, maxDigits int) ([]byte, error) {
	be := make([]byte, len(le))
	for i, b := range le {
		be[len(le)-1-i] = b
	}
	n := new(big.Int).SetBytes(be)
	if le[len(le)-1]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(le))))
	}
	s := n.String()
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) > maxDigits {
		return dst, fmt.Errorf("%w: decimal of %d digits in a %d-digit slot", ErrMalformedVariant, len(s), maxDigits)
	}
	if neg {
		dst = append(dst, '-')
	}
	for scale > 0 && len(s) > 1 && s[len(s)-1] == '0' {
		s, scale = s[:len(s)-1], scale-1
	}
	if s == "0" {
		scale = 0
	}
	if scale == 0 {
		return append(dst, s...), nil
	}
	for len(s) <= scale {
		s = "0" + s
	}
	dst = append(dst, s[:len(s)-scale]...)
	dst = append(dst, '.')
	return append(dst, s[len(s)-scale:]...), nil
}

// appendJSONString quotes s as Jackson does for Spark: quote, backslash and
// control characters escaped, everything else (including non-ASCII and '/')
// written as is. Invalid UTF-8 becomes U+FFFD rather than broken JSON.
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789ABCDEF"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		default:
			if c < 0x20 {
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			} else {
				dst = append(dst, c)
			}
		}
		i++
	}
	return append(dst, '"')
}

// binaryValues is what the binary children of a variant struct offer,
// whichever binary layout the reader produced.
type binaryValues interface {
	arrow.Array
	Value(i int) []byte
}

// castVariantToString turns a variant column (struct<value, metadata>)
// into its JSON text; a NULL variant stays NULL, a variant holding JSON
// null prints "null". Bad bytes fail the cast naming the row.
func castVariantToString(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	st, ok := a.(*array.Struct)
	if !ok {
		return nil, fmt.Errorf("cast VARIANT to STRING: column is %s, not struct<value, metadata>: %w", a.DataType(), ErrMalformedVariant)
	}
	stt := st.DataType().(*arrow.StructType)
	vi, okV := stt.FieldIdx(types.VariantValueField)
	mi, okM := stt.FieldIdx(types.VariantMetadataField)
	if !okV || !okM {
		return nil, fmt.Errorf("cast VARIANT to STRING: column %s lacks value or metadata: %w", stt, ErrMalformedVariant)
	}
	vals, okV := st.Field(vi).(binaryValues)
	metas, okM := st.Field(mi).(binaryValues)
	if !okV || !okM {
		return nil, fmt.Errorf("cast VARIANT to STRING: value/metadata are %s/%s, not binary: %w",
			st.Field(vi).DataType(), st.Field(mi).DataType(), ErrMalformedVariant)
	}
	bld := array.NewStringBuilder(mem)
	defer bld.Release()
	bld.Reserve(a.Len())
	var buf []byte
	for i := 0; i < a.Len(); i++ {
		if st.IsNull(i) {
			bld.AppendNull()
			continue
		}
		if vals.IsNull(i) || metas.IsNull(i) {
			return nil, fmt.Errorf("cast VARIANT to STRING: row %d: null value or metadata in a present variant: %w", i, ErrMalformedVariant)
		}
		var err error
		if buf, err = AppendVariantJSON(buf[:0], vals.Value(i), metas.Value(i)); err != nil {
			return nil, fmt.Errorf("cast VARIANT to STRING: row %d: %w", i, err)
		}
		bld.BinaryBuilder.Append(buf)
	}
	return bld.NewArray(), nil
}
