package delta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ingotdata/ingot/types"
)

// CompareOp is the operator of a Term.
type CompareOp string

// Operators a Term may use.
const (
	OpEq        CompareOp = "="
	OpNe        CompareOp = "!="
	OpLt        CompareOp = "<"
	OpLe        CompareOp = "<="
	OpGt        CompareOp = ">"
	OpGe        CompareOp = ">="
	OpIsNull    CompareOp = "IS NULL"
	OpIsNotNull CompareOp = "IS NOT NULL"
)

// Term is one comparison of a top-level column with a literal. Value is a
// Go value of the column's kind: an integer or float for numeric and
// decimal columns, string, bool, time.Time for DATE and TIMESTAMP; it is
// ignored by IS [NOT] NULL.
type Term struct {
	Column string
	Op     CompareOp
	Value  any
}

// Predicate is a conjunction (AND) of terms, the filter form data skipping
// understands. A file is skipped when, for some term, its partition values
// or its statistics prove no row can satisfy the term; a term that cannot
// be judged (no stats, a truncated string bound, an unknown column) keeps
// the file.
type Predicate struct {
	And []Term
}

// SkipFiles returns the live files that may hold rows matching p, in the
// snapshot's order. Files are judged from the log alone; none is opened.
func (s *Snapshot) SkipFiles(p Predicate) ([]AddFile, error) {
	type termPlan struct {
		Term
		field     types.StructField
		key       string // partition value or stats key (physical name)
		partition bool
	}
	mapped := s.columnMappingMode() != ""
	isPart := map[string]bool{}
	for _, c := range s.metadata.PartitionColumns {
		isPart[strings.ToLower(c)] = true
	}
	var plans []termPlan
	for _, t := range p.And {
		i := s.schema.FieldIndex(t.Column)
		if i < 0 {
			return nil, fmt.Errorf("delta: filter: column %q not in table schema (%s): %w", t.Column, strings.Join(s.schema.Names(), ", "), ErrSchemaMismatch)
		}
		switch t.Op {
		case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpIsNull, OpIsNotNull:
		default:
			return nil, fmt.Errorf("delta: filter: column %q: unknown operator %q", t.Column, t.Op)
		}
		f := s.schema.Fields[i]
		key := f.Name
		if mapped {
			key = physicalName(f)
		}
		plans = append(plans, termPlan{Term: t, field: f, key: key, partition: isPart[strings.ToLower(f.Name)]})
	}
	if len(plans) == 0 {
		return s.files, nil
	}
	out := make([]AddFile, 0, len(s.files))
	for i := range s.files {
		f := &s.files[i]
		var st *fileStats
		keep := true
		for _, tp := range plans {
			if tp.partition {
				v, ok := f.PartitionValues[tp.key]
				if !ok {
					continue
				}
				if !partitionMayMatch(v, tp.field.Type, tp.Term) {
					keep = false
					break
				}
				continue
			}
			if st == nil {
				st = parseFileStats(f.Stats)
			}
			if !st.mayMatch(tp.key, tp.field.Type, tp.Term) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, *f)
		}
	}
	return out, nil
}

// partitionMayMatch evaluates a term on a file's partition value. A value
// that does not parse keeps the file: skipping must never lose rows.
func partitionMayMatch(v *string, t types.DataType, term Term) bool {
	isNull := v == nil || *v == ""
	switch term.Op {
	case OpIsNull:
		return isNull
	case OpIsNotNull:
		return !isNull
	}
	if isNull {
		return false // NULL compared with anything is not true
	}
	c, ok := compareLiteral(*v, t, term.Value)
	if !ok {
		return true
	}
	return opHolds(term.Op, c)
}

func opHolds(op CompareOp, c int) bool {
	switch op {
	case OpEq:
		return c == 0
	case OpNe:
		return c != 0
	case OpLt:
		return c < 0
	case OpLe:
		return c <= 0
	case OpGt:
		return c > 0
	case OpGe:
		return c >= 0
	}
	return true
}

// fileStats is the part of an add action's stats JSON skipping reads.
type fileStats struct {
	NumRecords *int64                     `json:"numRecords"`
	MinValues  map[string]json.RawMessage `json:"minValues"`
	MaxValues  map[string]json.RawMessage `json:"maxValues"`
	NullCount  map[string]json.RawMessage `json:"nullCount"`
}

func parseFileStats(s string) *fileStats {
	st := &fileStats{}
	if s != "" {
		_ = json.Unmarshal([]byte(s), st) // unreadable stats just skip nothing
	}
	return st
}

// statString turns a stats value into the text compareLiteral parses.
func statString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) || raw[0] == '{' || raw[0] == '[' {
		return "", false
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	}
	return string(raw), true
}

// maxStringStat is the length from which Delta writers may truncate string
// bounds (32 characters); a max that long is not an upper bound.
const maxStringStat = 32

// mayMatch reports whether a file with these stats may hold a row for
// which term is true.
func (st *fileStats) mayMatch(key string, t types.DataType, term Term) bool {
	var nulls int64 = -1
	if raw, ok := st.NullCount[key]; ok {
		var n int64
		if json.Unmarshal(raw, &n) == nil {
			nulls = n
		}
	}
	allNull := nulls >= 0 && st.NumRecords != nil && nulls == *st.NumRecords
	switch term.Op {
	case OpIsNull:
		return nulls != 0
	case OpIsNotNull:
		return !allNull
	}
	if allNull && st.NumRecords != nil && *st.NumRecords > 0 {
		return false
	}
	minS, hasMin := statString(st.MinValues[key])
	maxS, hasMax := statString(st.MaxValues[key])
	if _, ok := t.(types.StringType); ok && len([]rune(maxS)) >= maxStringStat {
		hasMax = false
	}
	cmpMin, okMin := 0, false
	if hasMin {
		cmpMin, okMin = compareLiteral(minS, t, term.Value)
	}
	cmpMax, okMax := 0, false
	if hasMax {
		cmpMax, okMax = compareLiteral(maxS, t, term.Value)
		// Timestamp bounds are written at millisecond precision; the max
		// may be up to 1ms below the true one, so only a strict gap counts.
		if _, ts := t.(types.TimestampType); ts && okMax && cmpMax < 0 {
			if c, ok := compareLiteralShifted(maxS, term.Value, time.Millisecond); ok {
				cmpMax = c
			}
		}
	}
	switch term.Op {
	case OpEq:
		return !(okMin && cmpMin > 0) && !(okMax && cmpMax < 0)
	case OpNe:
		return !(okMin && okMax && cmpMin == 0 && cmpMax == 0)
	case OpLt:
		return !(okMin && cmpMin >= 0)
	case OpLe:
		return !(okMin && cmpMin > 0)
	case OpGt:
		return !(okMax && cmpMax <= 0)
	case OpGe:
		return !(okMax && cmpMax < 0)
	}
	return true
}

func compareLiteralShifted(s string, lit any, d time.Duration) (int, bool) {
	tm, err := time.Parse(time.RFC3339Nano, s)
	lt, ok := lit.(time.Time)
	if err != nil || !ok {
		return 0, false
	}
	return tm.Add(d).Compare(lt), true
}

// compareLiteral compares a serialized value (partition value or stat) of
// type t with a Go literal: -1, 0, 1 as value is less, equal or greater.
// ok is false when the two cannot be compared.
func compareLiteral(s string, t types.DataType, lit any) (int, bool) {
	switch t.(type) {
	case types.ByteType, types.ShortType, types.IntegerType, types.LongType,
		types.FloatType, types.DoubleType, types.DecimalType:
		a, ok1 := new(big.Rat).SetString(s)
		b, ok2 := ratOf(lit)
		if !ok1 || !ok2 {
			return 0, false
		}
		return a.Cmp(b), true
	case types.StringType:
		l, ok := lit.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(s, l), true
	case types.BooleanType:
		l, ok := lit.(bool)
		if !ok {
			return 0, false
		}
		v := s == "true"
		switch {
		case v == l:
			return 0, true
		case !v:
			return -1, true
		}
		return 1, true
	case types.DateType:
		d, err := time.Parse("2006-01-02", s)
		l, ok := lit.(time.Time)
		if err != nil || !ok {
			return 0, false
		}
		ly, lm, ld := l.Date()
		return d.Compare(time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC)), true
	case types.TimestampType, types.TimestampNTZType:
		tm, err := parsePartitionTimestamp(s, time.UTC)
		l, ok := lit.(time.Time)
		if err != nil || !ok {
			return 0, false
		}
		return tm.Compare(l), true
	}
	return 0, false
}

func ratOf(v any) (*big.Rat, bool) {
	switch v := v.(type) {
	case int:
		return new(big.Rat).SetInt64(int64(v)), true
	case int8:
		return new(big.Rat).SetInt64(int64(v)), true
	case int16:
		return new(big.Rat).SetInt64(int64(v)), true
	case int32:
		return new(big.Rat).SetInt64(int64(v)), true
	case int64:
		return new(big.Rat).SetInt64(v), true
	case float32:
		r, ok := new(big.Rat).SetString(fmt.Sprint(v))
		return r, ok
	case float64:
		r := new(big.Rat)
		if r.SetFloat64(v) == nil {
			return nil, false
		}
		return r, true
	case string:
		return new(big.Rat).SetString(v)
	}
	return nil, false
}
