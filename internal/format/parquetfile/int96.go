package parquetfile

import (
	"encoding/binary"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// int96Column reads a top-level INT96 timestamp column directly, beside
// pqarrow. pqarrow converts INT96 to nanoseconds, which overflows outside
// 1677..2262 — and Spark-written tables do hold 0001-01-01 and 9999-12-31
// sentinels. Going straight to microseconds covers Spark's whole range.
type int96Column struct {
	pf       *file.Reader
	col      int
	maxDef   int16
	rowGroup int
	cur      *file.Int96ColumnChunkReader
	vals     []parquet.Int96
	defs     []int16
}

// julianUnixEpoch is the Julian day number of 1970-01-01.
const julianUnixEpoch = 2440588

func int96Micros(v parquet.Int96) int64 {
	nanos := int64(binary.LittleEndian.Uint64(v[:8]))
	day := int64(binary.LittleEndian.Uint32(v[8:]))
	return (day-julianUnixEpoch)*86_400_000_000 + nanos/1000
}

// read returns the next n rows as timestamp[us, UTC].
func (c *int96Column) read(mem memory.Allocator, n int64) (arrow.Array, error) {
	b := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"})
	defer b.Release()
	b.Reserve(int(n))
	for remaining := n; remaining > 0; {
		if c.cur == nil || !c.cur.HasNext() {
			c.close()
			if c.rowGroup >= c.pf.NumRowGroups() {
				return nil, fmt.Errorf("parquetfile: INT96 column %d: file ended %d rows early", c.col, remaining)
			}
			cr, err := c.pf.RowGroup(c.rowGroup).Column(c.col)
			if err != nil {
				return nil, fmt.Errorf("parquetfile: INT96 column %d: %w", c.col, err)
			}
			c.rowGroup++
			c.cur = cr.(*file.Int96ColumnChunkReader)
			continue
		}
		want := min(remaining, 4096)
		if int64(len(c.vals)) < want {
			c.vals = make([]parquet.Int96, want)
			c.defs = make([]int16, want)
		}
		defs := c.defs[:want]
		if c.maxDef == 0 {
			defs = nil
		}
		levels, _, err := c.cur.ReadBatch(want, c.vals[:want], defs, nil)
		if err != nil {
			return nil, fmt.Errorf("parquetfile: INT96 column %d: %w", c.col, err)
		}
		if levels == 0 {
			c.close()
			continue
		}
		vi := 0
		for i := int64(0); i < levels; i++ {
			if defs != nil && defs[i] < c.maxDef {
				b.AppendNull()
				continue
			}
			b.Append(arrow.Timestamp(int96Micros(c.vals[vi])))
			vi++
		}
		remaining -= levels
	}
	return b.NewArray(), nil
}

// close releases the current column chunk reader, whose page buffers come
// from the reader's allocator.
func (c *int96Column) close() {
	if c.cur != nil {
		c.cur.Close()
		c.cur = nil
	}
}
