package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/ingotdata/ingot/batch"
)

// Distinct passes on the first occurrence of every distinct row (NULLs
// equal to each other), streaming: a row is emitted as soon as it is seen
// for the first time.
type Distinct struct {
	input Operator
}

// NewDistinct returns the distinct rows of input.
func NewDistinct(input Operator) *Distinct { return &Distinct{input: input} }

func (d *Distinct) Schema() *arrow.Schema { return d.input.Schema() }
func (d *Distinct) Children() []Operator  { return []Operator{d.input} }
func (d *Distinct) String() string        { return "Distinct" }

func (d *Distinct) Open(ctx context.Context) (batch.Reader, error) {
	schema := d.input.Schema()
	keyTypes := make([]arrow.DataType, schema.NumFields())
	for i, f := range schema.Fields() {
		keyTypes[i] = f.Type
	}
	table, err := newGroupTable(keyTypes)
	if err != nil {
		return nil, fmt.Errorf("exec: distinct: %w", err)
	}
	in, err := d.input.Open(ctx)
	if err != nil {
		return nil, err
	}
	var groups []uint32
	return &funcReader{
		schema: schema,
		close:  in.Close,
		next: func(ctx context.Context) (arrow.RecordBatch, error) {
			for {
				rec, err := in.Next(ctx)
				if err != nil {
					return nil, err
				}
				rows := int(rec.NumRows())
				if cap(groups) < rows {
					groups = make([]uint32, rows)
				}
				before := table.numGroups()
				table.findOrInsert(rec.Columns(), rows, groups[:rows])
				// A row is new iff its group id is the next one handed out.
				var keep []int32
				next := uint32(before)
				for i, g := range groups[:rows] {
					if g == next {
						keep = append(keep, int32(i))
						next++
					}
				}
				if len(keep) == 0 {
					rec.Release()
					continue
				}
				if len(keep) == rows {
					return rec, nil
				}
				ix := indexArray(allocator(ctx), keep)
				cols := make([]arrow.Array, 0, rec.NumCols())
				for _, c := range rec.Columns() {
					t, err := compute.TakeArray(ctx, c, ix)
					if err != nil {
						releaseArrays(cols)
						ix.Release()
						rec.Release()
						return nil, fmt.Errorf("exec: distinct: %w", err)
					}
					cols = append(cols, t)
				}
				ix.Release()
				rec.Release()
				out := newRecord(schema, cols, int64(len(keep)))
				releaseArrays(cols)
				return out, nil
			}
		},
	}, nil
}
