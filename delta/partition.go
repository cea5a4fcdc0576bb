package delta

import (
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/ingotdata/ingot/types"
)

// hiveNull is the directory value Spark uses for a NULL partition value.
const hiveNull = "__HIVE_DEFAULT_PARTITION__"

// escapePartitionValue escapes a value for a Hive-style directory name the
// way Spark does: control characters and "\"#%'*/:=?\\\x7f{[]^" become %XX.
func escapePartitionValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || strings.IndexByte("\"#%'*/:=?\\{[]^", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// partitionDir is the relative directory of a file with these values:
// col=value/col=value/ (unescaped for the store; the add action's path is
// this URL-encoded once more, see encodePath).
func partitionDir(cols []string, values map[string]*string) string {
	var b strings.Builder
	for _, c := range cols {
		b.WriteString(escapePartitionValue(c))
		b.WriteByte('=')
		if v := values[c]; v == nil {
			b.WriteString(hiveNull)
		} else {
			b.WriteString(escapePartitionValue(*v))
		}
		b.WriteByte('/')
	}
	return b.String()
}

// encodePath turns a relative store key into the URI form an add action's
// path holds (RFC 2396: so "%" in a Hive-escaped directory becomes "%25").
func encodePath(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// decodePath turns an add action's path into a store key. Absolute URIs are
// rejected unless they point inside the table (shallow clones are not
// supported).
func decodePath(p string, root string) (string, error) {
	if strings.Contains(p, "://") || strings.HasPrefix(p, "file:") || strings.HasPrefix(p, "/") {
		u, err := url.Parse(p)
		if err != nil {
			return "", fmt.Errorf("delta: file path %q: %w", p, err)
		}
		ru, err := url.Parse(strings.TrimSuffix(root, "/") + "/")
		if err != nil || u.Scheme != ru.Scheme || u.Host != ru.Host || !strings.HasPrefix(u.Path, ru.Path) {
			return "", fmt.Errorf("delta: file path %q is outside the table %s: %w", p, root, ErrUnsupportedFeature)
		}
		return strings.TrimPrefix(u.Path, ru.Path), nil
	}
	s, err := url.PathUnescape(p)
	if err != nil {
		return "", fmt.Errorf("delta: file path %q: %w", p, err)
	}
	return s, nil
}

// serializePartitionValue renders row i of a partition column as the
// protocol's string form; nil is NULL. An empty string is also NULL, as
// Spark cannot tell them apart in a directory name.
func serializePartitionValue(arr arrow.Array, i int) (*string, error) {
	if arr.IsNull(i) {
		return nil, nil
	}
	var s string
	switch a := arr.(type) {
	case *array.String:
		s = a.Value(i)
		if s == "" {
			return nil, nil
		}
	case *array.Binary:
		s = string(a.Value(i))
	case *array.Boolean:
		s = strconv.FormatBool(a.Value(i))
	case *array.Int8:
		s = strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int16:
		s = strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int32:
		s = strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int64:
		s = strconv.FormatInt(a.Value(i), 10)
	case *array.Float32:
		s = strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case *array.Float64:
		s = strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Date32:
		s = a.Value(i).ToTime().Format("2006-01-02")
	case *array.Timestamp:
		// The protocol recommends ISO-8601 adjusted to UTC for TIMESTAMP:
		// the older "yyyy-MM-dd HH:mm:ss" form means the writer's local
		// zone, which a reader cannot know. TIMESTAMP_NTZ has only that form.
		tt := a.DataType().(*arrow.TimestampType)
		tm := a.Value(i).ToTime(tt.Unit).UTC()
		if tt.TimeZone != "" {
			s = tm.Format("2006-01-02T15:04:05.000000Z")
		} else {
			s = tm.Format("2006-01-02 15:04:05.999999")
		}
	case *array.Decimal128:
		s = a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	default:
		return nil, fmt.Errorf("delta: partition column of type %s is not supported", arr.DataType())
	}
	return &s, nil
}

// ParsePartitionValue parses an add action's serialized partition value
// (nil or "" is NULL) into an Arrow scalar of the column's Spark type, for
// callers that prune files by partition before ReadFiles.
func ParsePartitionValue(v *string, t types.DataType) (scalar.Scalar, error) {
	return partitionScalar(v, t)
}

// partitionScalar parses a serialized partition value into an Arrow scalar
// of the column's type.
func partitionScalar(v *string, t types.DataType) (scalar.Scalar, error) {
	return partitionScalarIn(v, t, time.UTC)
}

// partitionScalarIn is partitionScalar with the session time zone that
// zone-less TIMESTAMP values are read in.
func partitionScalarIn(v *string, t types.DataType, loc *time.Location) (scalar.Scalar, error) {
	at := types.ToArrow(t)
	// An empty string is NULL for every type, strings included.
	if v == nil || *v == "" {
		return scalar.MakeNullScalar(at), nil
	}
	s := *v
	bad := func(err error) (scalar.Scalar, error) {
		return nil, fmt.Errorf("delta: partition value %q for type %s: %w", s, t.SimpleString(), err)
	}
	switch t := t.(type) {
	case types.StringType:
		return scalar.NewStringScalar(s), nil
	case types.BinaryType:
		return scalar.NewBinaryScalar(memory.NewBufferBytes([]byte(s)), at), nil
	case types.BooleanType:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return bad(err)
		}
		return scalar.NewBooleanScalar(b), nil
	case types.ByteType, types.ShortType, types.IntegerType, types.LongType:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad(err)
		}
		switch t.(type) {
		case types.ByteType:
			return scalar.NewInt8Scalar(int8(n)), nil
		case types.ShortType:
			return scalar.NewInt16Scalar(int16(n)), nil
		case types.IntegerType:
			return scalar.NewInt32Scalar(int32(n)), nil
		}
		return scalar.NewInt64Scalar(n), nil
	case types.FloatType:
		f, err := strconv.ParseFloat(s, 32)
		if err != nil {
			return bad(err)
		}
		return scalar.NewFloat32Scalar(float32(f)), nil
	case types.DoubleType:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bad(err)
		}
		return scalar.NewFloat64Scalar(f), nil
	case types.DateType:
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			return bad(err)
		}
		return scalar.NewDate32Scalar(arrow.Date32FromTime(d)), nil
	case types.TimestampType, types.TimestampNTZType:
		zone := loc
		if _, ntz := t.(types.TimestampNTZType); ntz {
			zone = time.UTC
		}
		tm, err := parsePartitionTimestamp(s, zone)
		if err != nil {
			return bad(err)
		}
		return scalar.NewTimestampScalar(arrow.Timestamp(tm.UnixMicro()), at), nil
	case types.DecimalType:
		n, err := parseDecimal(s, t.Precision, t.Scale)
		if err != nil {
			return bad(err)
		}
		return scalar.NewDecimal128Scalar(n, at), nil
	}
	return nil, fmt.Errorf("delta: partition column type %s: %w", t.SimpleString(), ErrUnsupportedFeature)
}

// parsePartitionTimestamp accepts the protocol's forms: "yyyy-MM-dd
// HH:mm:ss[.ffffff]" and ISO-8601 with a zone. The first form is, by the
// protocol, in the writing system's time zone, which the log does not
// record. Spark reads it in the reader's session time zone (it formatted
// it in the writer's), so the caller passes that zone as loc; UTC is the
// default, what Spark writes when its session zone is UTC and what every
// TIMESTAMP_NTZ value means.
func parsePartitionTimestamp(s string, loc *time.Location) (time.Time, error) {
	if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return tm.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if tm, err := time.ParseInLocation(layout, s, loc); err == nil {
			return tm.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a timestamp")
}

// parseDecimal parses decimal text into the unscaled value at scale.
func parseDecimal(s string, precision, scale int) (decimal128.Num, error) {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return decimal128.Num{}, fmt.Errorf("not a decimal")
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	if !r.IsInt() {
		return decimal128.Num{}, fmt.Errorf("more than %d fractional digits", scale)
	}
	n := decimal128.FromBigInt(r.Num())
	if !n.FitsInPrecision(int32(precision)) {
		return decimal128.Num{}, fmt.Errorf("does not fit decimal(%d,%d)", precision, scale)
	}
	return n, nil
}
