package benchdata

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Patients is how many distinct patients the readings name, as in the seed.
const Patients = 34

// BatchRows is the size of each batch MakeReadings returns.
const BatchRows = 1 << 16

// ReadingsSchema is the seed's silver table: one heart-rate reading per row.
var ReadingsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "device_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "mrn", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "datetime", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "heartrate", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "patient_name", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

var start = time.Date(2019, 11, 27, 14, 0, 0, 0, time.UTC).UnixMicro()

// reading i of the data set; every generator derives from it, so the Arrow
// and JSON forms hold the same values.
func reading(i int) (device int32, mrn int64, micros int64, heartrate float64, name string) {
	p := (i * 7919) % Patients
	return int32(1 + (i*31)%40), int64(10_000_000 + p*104_729),
		start + int64(i)*1_000_000 + int64(i*7717%1_000_000),
		55 + float64(p) + float64(i%997)/100, "Patient " + strconv.Itoa(p)
}

// MakeReadings builds n readings as batches of BatchRows rows allocated from
// mem (nil: the default allocator). The caller releases them.
func MakeReadings(mem memory.Allocator, n int) []arrow.RecordBatch {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	var out []arrow.RecordBatch
	b := array.NewRecordBuilder(mem, ReadingsSchema)
	defer b.Release()
	dev := b.Field(0).(*array.Int32Builder)
	mrn := b.Field(1).(*array.Int64Builder)
	ts := b.Field(2).(*array.TimestampBuilder)
	hr := b.Field(3).(*array.Float64Builder)
	name := b.Field(4).(*array.StringBuilder)
	for i := 0; i < n; i++ {
		d, m, t, h, nm := reading(i)
		dev.Append(d)
		mrn.Append(m)
		ts.Append(arrow.Timestamp(t))
		hr.Append(h)
		name.Append(nm)
		if (i+1)%BatchRows == 0 || i == n-1 {
			out = append(out, b.NewRecordBatch())
		}
	}
	return out
}

// ArrowBytes is the size of the batches' buffers, for MB/s.
func ArrowBytes(bs []arrow.RecordBatch) int64 {
	var n int64
	for _, r := range bs {
		for _, c := range r.Columns() {
			for _, buf := range c.Data().Buffers() {
				if buf != nil {
					n += int64(buf.Len())
				}
			}
		}
	}
	return n
}

// WriteTrackerJSON writes files tracker files of rows readings each under
// dir, in the seed's layout: one multi-line JSON array per file, every
// value a JSON string ("device_id": "4"), keys device_id, mrn, time
// (microseconds since the epoch) and heartrate. It returns the bytes
// written.
func WriteTrackerJSON(dir string, files, rows int) (int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("benchdata: %w", err)
	}
	var total int64
	for f := 0; f < files; f++ {
		b := []byte("[\n")
		for r := 0; r < rows; r++ {
			d, m, t, h, _ := reading(f*rows + r)
			b = fmt.Appendf(b, `  {"device_id": "%d", "mrn": "%d", "time": "%d", "heartrate": "%s"}`,
				d, m, t, strconv.FormatFloat(h, 'f', -1, 64))
			if r < rows-1 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = append(b, "]\n"...)
		p := filepath.Join(dir, fmt.Sprintf("%05d.json", f))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return 0, fmt.Errorf("benchdata: %w", err)
		}
		total += int64(len(b))
	}
	return total, nil
}

// FileRows is the data file size of the benchmark Delta tables: several
// files per table, so that an engine that reads files (or row groups) in
// parallel can, as it could on a table a streaming query built up.
const FileRows = 1 << 18
