package parquetfile

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// FileStats describes a written file: its size, row count and per-column
// statistics in schema order.
type FileStats struct {
	Size       int64
	NumRecords int64
	Columns    []ColumnStats
}

// ColumnStats holds one column's statistics. Min and Max are set only when
// HasMinMax; their Go type depends on the Arrow type: int64 for integers,
// dates (days) and timestamps (in the type's unit), float64 for floats,
// string for strings, decimal128.Num for decimals. Struct columns carry their
// fields in Children and no values of their own. Booleans, binaries, lists
// and maps get only a null count (Delta collects no min/max for them).
type ColumnStats struct {
	Name      string
	Type      arrow.DataType
	NullCount int64
	HasMinMax bool
	Min, Max  any
	Children  []ColumnStats
	// Indexed is false for columns beyond the StatsColumns limit; they carry
	// no statistics at all.
	Indexed bool
}

// statsCollector accumulates statistics batch by batch.
type statsCollector struct {
	numRecords int64
	cols       []*colStats
}

type colStats struct {
	name       string
	typ        arrow.DataType
	indexed    bool
	nulls      int64
	has        bool
	minI, maxI int64
	minF, maxF float64
	minS, maxS string
	minD, maxD decimal128.Num
	children   []*colStats
}

func newStatsCollector(schema *arrow.Schema, limit int) *statsCollector {
	budget := limit
	c := &statsCollector{}
	for _, f := range schema.Fields() {
		c.cols = append(c.cols, newColStats(f, &budget))
	}
	return c
}

// newColStats builds the tree; budget counts leaf columns still indexed
// (negative: unlimited), in schema order like Delta's numIndexedCols.
func newColStats(f arrow.Field, budget *int) *colStats {
	cs := &colStats{name: f.Name, typ: f.Type}
	if st, ok := f.Type.(*arrow.StructType); ok {
		for _, cf := range st.Fields() {
			cs.children = append(cs.children, newColStats(cf, budget))
		}
		for _, ch := range cs.children {
			cs.indexed = cs.indexed || ch.indexed
		}
		return cs
	}
	if *budget != 0 {
		cs.indexed = true
		if *budget > 0 {
			*budget--
		}
	}
	return cs
}

func (c *statsCollector) add(rec arrow.RecordBatch) {
	c.numRecords += rec.NumRows()
	for i, col := range c.cols {
		col.add(rec.Column(i), nil)
	}
}

// add folds arr into the statistics. parentNull, when set, marks rows whose
// enclosing struct is null: Delta counts those as nulls of every leaf.
func (cs *colStats) add(arr arrow.Array, parentNull []bool) {
	if !cs.indexed {
		return
	}
	n := arr.Len()
	null := func(i int) bool { return arr.IsNull(i) || (parentNull != nil && parentNull[i]) }
	if parentNull == nil {
		cs.nulls += int64(arr.NullN())
	} else {
		for i := 0; i < n; i++ {
			if null(i) {
				cs.nulls++
			}
		}
	}
	switch a := arr.(type) {
	case *array.Struct:
		var pn []bool
		if a.NullN() > 0 || parentNull != nil {
			pn = make([]bool, n)
			for i := range pn {
				pn[i] = null(i)
			}
		}
		for j, ch := range cs.children {
			ch.add(a.Field(j), pn)
		}
	case *array.Int8:
		addInts(cs, n, null, func(i int) int64 { return int64(a.Value(i)) })
	case *array.Int16:
		addInts(cs, n, null, func(i int) int64 { return int64(a.Value(i)) })
	case *array.Int32:
		vs := a.Int32Values()
		addInts(cs, n, null, func(i int) int64 { return int64(vs[i]) })
	case *array.Int64:
		vs := a.Int64Values()
		addInts(cs, n, null, func(i int) int64 { return vs[i] })
	case *array.Date32:
		vs := a.Date32Values()
		addInts(cs, n, null, func(i int) int64 { return int64(vs[i]) })
	case *array.Timestamp:
		vs := a.TimestampValues()
		addInts(cs, n, null, func(i int) int64 { return int64(vs[i]) })
	case *array.Float32:
		vs := a.Float32Values()
		addFloats(cs, n, null, func(i int) float64 { return float64(vs[i]) })
	case *array.Float64:
		vs := a.Float64Values()
		addFloats(cs, n, null, func(i int) float64 { return vs[i] })
	case *array.String:
		for i := 0; i < n; i++ {
			if null(i) {
				continue
			}
			v := a.Value(i)
			if !cs.has {
				cs.minS, cs.maxS, cs.has = strings.Clone(v), strings.Clone(v), true
				continue
			}
			if v < cs.minS {
				cs.minS = strings.Clone(v)
			} else if v > cs.maxS {
				cs.maxS = strings.Clone(v)
			}
		}
	case *array.Decimal128:
		for i := 0; i < n; i++ {
			if null(i) {
				continue
			}
			v := a.Value(i)
			if !cs.has {
				cs.minD, cs.maxD, cs.has = v, v, true
				continue
			}
			if v.Less(cs.minD) {
				cs.minD = v
			} else if v.Greater(cs.maxD) {
				cs.maxD = v
			}
		}
	}
}

func addInts(cs *colStats, n int, null func(int) bool, at func(int) int64) {
	for i := 0; i < n; i++ {
		if null(i) {
			continue
		}
		v := at(i)
		if !cs.has {
			cs.minI, cs.maxI, cs.has = v, v, true
			continue
		}
		if v < cs.minI {
			cs.minI = v
		} else if v > cs.maxI {
			cs.maxI = v
		}
	}
}

// addFloats skips NaN: a NaN bound would make every comparison false and
// the file unskippable, and Spark leaves NaN out of min/max as well.
func addFloats(cs *colStats, n int, null func(int) bool, at func(int) float64) {
	for i := 0; i < n; i++ {
		if null(i) {
			continue
		}
		v := at(i)
		if math.IsNaN(v) {
			continue
		}
		if !cs.has {
			cs.minF, cs.maxF, cs.has = v, v, true
			continue
		}
		if v < cs.minF {
			cs.minF = v
		} else if v > cs.maxF {
			cs.maxF = v
		}
	}
}

func (c *statsCollector) result() FileStats {
	st := FileStats{NumRecords: c.numRecords}
	for _, col := range c.cols {
		st.Columns = append(st.Columns, col.result())
	}
	return st
}

func (cs *colStats) result() ColumnStats {
	out := ColumnStats{Name: cs.name, Type: cs.typ, NullCount: cs.nulls, Indexed: cs.indexed}
	for _, ch := range cs.children {
		out.Children = append(out.Children, ch.result())
	}
	if !cs.has {
		return out
	}
	out.HasMinMax = true
	switch cs.typ.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.TIMESTAMP:
		out.Min, out.Max = cs.minI, cs.maxI
	case arrow.FLOAT32, arrow.FLOAT64:
		out.Min, out.Max = cs.minF, cs.maxF
	case arrow.STRING:
		out.Min, out.Max = cs.minS, cs.maxS
	case arrow.DECIMAL128:
		out.Min, out.Max = cs.minD, cs.maxD
	default:
		out.HasMinMax = false
	}
	return out
}
