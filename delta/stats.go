package delta

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ingotdata/ingot/internal/format/parquetfile"
)

// statsStringPrefix is how many characters of a string Delta keeps in
// min/max statistics (Spark's dataSkippingStringPrefixLength default).
const statsStringPrefix = 32

// Stats is the parsed form of an add action's stats JSON.
type Stats struct {
	NumRecords int64          `json:"numRecords"`
	MinValues  map[string]any `json:"minValues,omitempty"`
	MaxValues  map[string]any `json:"maxValues,omitempty"`
	NullCount  map[string]any `json:"nullCount,omitempty"`
}

// ParseStats parses an add action's stats string.
func ParseStats(s string) (*Stats, error) {
	var st Stats
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	if err := dec.Decode(&st); err != nil {
		return nil, err
	}
	return &st, nil
}

// statsJSON renders file statistics as the stats string of an add action:
// numRecords, and per indexed column minValues, maxValues and nullCount,
// nested objects for struct fields. Value formats follow Spark: dates
// "yyyy-MM-dd", timestamps ISO-8601 truncated to milliseconds ("Z" for
// TIMESTAMP, no zone for TIMESTAMP_NTZ), decimals as JSON numbers.
func statsJSON(fs parquetfile.FileStats) (string, error) {
	var minV, maxV, nulls orderedObject
	collectStats(fs.Columns, &minV, &maxV, &nulls)
	st := orderedObject{
		{"numRecords", fs.NumRecords},
		{"minValues", minV},
		{"maxValues", maxV},
		{"nullCount", nulls},
	}
	b, err := st.MarshalJSON()
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// orderedObject is a JSON object that keeps its keys in insertion order,
// so stats list columns in schema order as Spark writes them.
type orderedObject []keyValue

type keyValue struct {
	key   string
	value any
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(kv.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(kv.value); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func collectStats(cols []parquetfile.ColumnStats, minV, maxV, nulls *orderedObject) {
	for _, c := range cols {
		if !c.Indexed {
			continue
		}
		if _, isStruct := c.Type.(*arrow.StructType); isStruct {
			var cmin, cmax, cnull orderedObject
			collectStats(c.Children, &cmin, &cmax, &cnull)
			if len(cmin) > 0 {
				*minV = append(*minV, keyValue{c.Name, cmin})
			}
			if len(cmax) > 0 {
				*maxV = append(*maxV, keyValue{c.Name, cmax})
			}
			if len(cnull) > 0 {
				*nulls = append(*nulls, keyValue{c.Name, cnull})
			}
			continue
		}
		*nulls = append(*nulls, keyValue{c.Name, c.NullCount})
		if !c.HasMinMax {
			continue
		}
		if lo, ok := statValue(c.Type, c.Min, false); ok {
			*minV = append(*minV, keyValue{c.Name, lo})
		}
		if hi, ok := statValue(c.Type, c.Max, true); ok {
			*maxV = append(*maxV, keyValue{c.Name, hi})
		}
	}
}

// statValue formats one bound; ok is false when the bound cannot be
// written safely (infinities have no JSON form; a truncated string maximum
// would be smaller than the real one, so it is left out).
func statValue(t arrow.DataType, v any, isMax bool) (any, bool) {
	switch t := t.(type) {
	case *arrow.Date32Type:
		return arrow.Date32(v.(int64)).ToTime().Format("2006-01-02"), true
	case *arrow.TimestampType:
		tm := arrow.Timestamp(v.(int64)).ToTime(t.Unit).UTC().Truncate(time.Millisecond)
		if t.TimeZone == "" {
			return tm.Format("2006-01-02T15:04:05.000"), true
		}
		return tm.Format("2006-01-02T15:04:05.000Z"), true
	case *arrow.Decimal128Type:
		return json.Number(v.(decimal128.Num).ToString(t.Scale)), true
	case *arrow.Float32Type, *arrow.Float64Type:
		f := v.(float64)
		if math.IsInf(f, 0) {
			return nil, false
		}
		bits := 64
		if t.ID() == arrow.FLOAT32 {
			bits = 32
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, bits)), true
	case *arrow.StringType:
		s := v.(string)
		if utf8.RuneCountInString(s) <= statsStringPrefix {
			return s, true
		}
		if isMax {
			return nil, false
		}
		n := 0
		for i := range s {
			if n == statsStringPrefix {
				return s[:i], true
			}
			n++
		}
		return s, true
	}
	return v, true
}
