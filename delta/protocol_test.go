package delta

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

// ids is a one-column (id BIGINT) batch of [from, to).
func ids(from, to int64) batch.Reader {
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	for i := from; i < to; i++ {
		b.Append(i)
	}
	col := b.NewArray()
	defer col.Release()
	return batch.FromSlice(schema, array.NewRecordBatch(schema, []arrow.Array{col}, to-from))
}

// rawTable writes a version-0 commit by hand, for protocols this library
// would never create itself.
func rawTable(t *testing.T, protocol, config, schema string) *Table {
	t.Helper()
	st := storage.NewMemory()
	if schema == "" {
		schema = `{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}`
	}
	log := `{"protocol":` + protocol + `}
{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"` + schema + `","partitionColumns":[],"configuration":` + config + `}}
`
	if err := st.PutIfAbsent(t.Context(), commitPath(0), []byte(log)); err != nil {
		t.Fatal(err)
	}
	tbl, _ := Open(t.Context(), st)
	return tbl
}

func TestProtocolSupport(t *testing.T) {
	for _, tc := range []struct {
		name, protocol, config, schema string
		mode                           SaveMode
		readErr, writeErr              bool
	}{
		{name: "plain v1/v2", protocol: `{"minReaderVersion":1,"minWriterVersion":2}`, config: `{}`},
		{name: "deletion vectors", protocol: `{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors"]}`, config: `{"delta.enableDeletionVectors":"true"}`},
		{name: "overwrite with deletion vectors", protocol: `{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors"]}`, config: `{}`, mode: ModeOverwrite},
		{name: "variant", protocol: `{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["variantType"],"writerFeatures":["variantType"]}`, config: `{}`, writeErr: true},
		{name: "unknown reader feature", protocol: `{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["variantShredding-preview"],"writerFeatures":["variantShredding-preview"]}`, config: `{}`, readErr: true},
		{name: "reader version 99", protocol: `{"minReaderVersion":99,"minWriterVersion":2}`, config: `{}`, readErr: true},
		{name: "column mapping", protocol: `{"minReaderVersion":2,"minWriterVersion":5}`, config: `{"delta.columnMapping.mode":"name"}`, writeErr: true},
		{name: "unknown column mapping mode", protocol: `{"minReaderVersion":2,"minWriterVersion":5}`, config: `{"delta.columnMapping.mode":"bogus"}`, readErr: true},
		{name: "ntz readable and writable", protocol: `{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz"],"writerFeatures":["timestampNtz"]}`, config: `{}`},
		{name: "row tracking", protocol: `{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["rowTracking"]}`, config: `{}`, writeErr: true},
		{name: "check constraint", protocol: `{"minReaderVersion":1,"minWriterVersion":3}`, config: `{"delta.constraints.pos":"id > 0"}`, writeErr: true},
		{name: "append-only overwrite", protocol: `{"minReaderVersion":1,"minWriterVersion":2}`, config: `{"delta.appendOnly":"true"}`, mode: ModeOverwrite, writeErr: true},
		{name: "append-only append", protocol: `{"minReaderVersion":1,"minWriterVersion":2}`, config: `{"delta.appendOnly":"true"}`},
		{name: "generated column", protocol: `{"minReaderVersion":1,"minWriterVersion":4}`, config: `{}`,
			schema: `{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{\"delta.generationExpression\":\"1\"}}]}`, writeErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tbl := rawTable(t, tc.protocol, tc.config, tc.schema)
			_, err := tbl.Snapshot(t.Context())
			if tc.readErr != (err != nil) || (err != nil && !errors.Is(err, ErrUnsupportedFeature)) {
				t.Fatalf("snapshot error %v, want error %v", err, tc.readErr)
			}
			if tc.readErr {
				return
			}
			_, err = tbl.Write(t.Context(), ids(0, 1), WriteOptions{Mode: tc.mode})
			if tc.writeErr != (err != nil) || (err != nil && !errors.Is(err, ErrUnsupportedFeature)) {
				t.Fatalf("write error %v, want error %v", err, tc.writeErr)
			}
		})
	}
}
