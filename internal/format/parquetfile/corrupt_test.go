package parquetfile

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readAllBytes opens data as a Parquet file named name and reads every
// batch, returning the rows and the first error.
func readAllBytes(data []byte, name string) (int64, error) {
	r, err := Open(context.Background(), memFile{bytes.NewReader(data)}, ReadOptions{Path: name})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var n int64
	for {
		rec, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n += rec.NumRows()
		rec.Release()
	}
}

func int64File(t *testing.T, vals []int64, opts WriteOptions) []byte {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues(vals, nil)
	col := b.NewArray()
	rec := array.NewRecordBatch(sc, []arrow.Array{col}, int64(len(vals)))
	defer rec.Release()
	col.Release()
	b.Release()
	var buf bytes.Buffer
	if _, err := WriteBatches(context.Background(), &buf, sc, []arrow.RecordBatch{rec}, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCorruptErrorsNameTheFile: truncations and damaged footers fail with
// a CorruptError naming the file; none of them reads as a short file.
func TestCorruptErrorsNameTheFile(t *testing.T) {
	good := int64File(t, []int64{1, 2, 3, 4, 5}, WriteOptions{Compression: "none"})
	footerLen := int(binary.LittleEndian.Uint32(good[len(good)-8:]))
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"magic only", []byte("PAR1")},
		{"half", good[:len(good)/2]},
		{"no trailing magic", good[:len(good)-1]},
		{"footer cut", append(append([]byte(nil), good[:len(good)-8-footerLen/2]...), good[len(good)-8:]...)},
		{"footer length too big", func() []byte {
			b := append([]byte(nil), good...)
			binary.LittleEndian.PutUint32(b[len(b)-8:], uint32(len(b)))
			return b
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAllBytes(tc.data, "t/part-0.parquet")
			var ce *CorruptError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `"t/part-0.parquet"`) {
				t.Fatalf("want a CorruptError naming the file, got %v", err)
			}
			if errors.Is(err, io.EOF) {
				t.Fatalf("corruption error reads as end of stream: %v", err)
			}
		})
	}
}

// TestValuesOutsideFooterStats: a flipped high byte in PLAIN int64 data
// (no CRC in files arrow-go writes) decodes to a value outside the
// footer's min/max and is reported with its row group, column and row.
func TestValuesOutsideFooterStats(t *testing.T) {
	vals := make([]int64, 100)
	for i := range vals {
		vals[i] = int64(i)
	}
	good := int64File(t, vals, WriteOptions{Compression: "none"})
	if n, err := readAllBytes(good, "f"); err != nil || n != 100 {
		t.Fatalf("intact file: %d rows, %v", n, err)
	}
	// Value 42 as little-endian int64 is followed by 43: find it in the
	// page and set its top byte.
	var pat [16]byte
	binary.LittleEndian.PutUint64(pat[:], 42)
	binary.LittleEndian.PutUint64(pat[8:], 43)
	i := bytes.Index(good, pat[:])
	if i < 0 {
		t.Fatal("value 42 not found in the page")
	}
	bad := append([]byte(nil), good...)
	bad[i+7] ^= 0x40
	_, err := readAllBytes(bad, "f")
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "row 42") || !strings.Contains(err.Error(), `column "id"`) || !strings.Contains(err.Error(), "row group 0") {
		t.Fatalf("want a corruption at row 42 of column id, got %v", err)
	}
}

// TestSparkPageCRC: Spark (parquet-mr) writes page CRCs; a flipped byte
// in page data fails with ErrChecksum naming the page.
func TestSparkPageCRC(t *testing.T) {
	p := filepath.Join("..", "..", "..", "..", "shared", "testdata", "delta", "dat", "all_primitive_types", "expected", "latest", "table_content", "part-00000-2acd2058-e58d-4535-bb8b-6ed3bb27a955-c000.snappy.parquet")
	good, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("corpus file: %v", err)
	}
	if _, err := readAllBytes(good, "spark.parquet"); err != nil {
		t.Fatal(err)
	}
	var off int64 = -1
	for o := int64(4); o < int64(len(good)); o++ {
		if r, err := RegionOf(good, o); err == nil && r.Kind == "page-data" && r.PageCRC {
			off = o
			break
		}
	}
	if off < 0 {
		t.Fatal("no CRC-carrying page in the Spark file")
	}
	bad := append([]byte(nil), good...)
	bad[off] ^= 0x01
	_, err = readAllBytes(bad, "spark.parquet")
	if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "page 0") || !strings.Contains(err.Error(), `"spark.parquet"`) {
		t.Fatalf("want a checksum error naming the page, got %v", err)
	}
}

// compactPageHeader encodes a data page header with Thrift's compact
// protocol: type, sizes, an optional CRC and num_values.
func compactPageHeader(typ, size int32, crc *uint32, numValues int32) []byte {
	zz := func(v int64) []byte { return binary.AppendUvarint(nil, uint64((v<<1)^(v>>63))) }
	var b []byte
	b = append(b, 0x15)
	b = append(b, zz(int64(typ))...)
	b = append(b, 0x15)
	b = append(b, zz(int64(size))...)
	b = append(b, 0x15)
	b = append(b, zz(int64(size))...)
	next := byte(0x2c) // field 5 (struct), delta 2
	if crc != nil {
		b = append(b, 0x15)
		b = append(b, zz(int64(int32(*crc)))...)
		next = 0x1c
	}
	b = append(b, next, 0x15)
	b = append(b, zz(int64(numValues))...)
	b = append(b, 0x00, 0x00) // end DataPageHeader, end PageHeader
	return b
}

func TestCheckPages(t *testing.T) {
	data := []byte("some page bytes")
	sum := crc32.ChecksumIEEE(data)
	wrong := sum ^ 1
	page := func(crc *uint32, n int32) []byte {
		return append(compactPageHeader(0, int32(len(data)), crc, n), data...)
	}
	for _, tc := range []struct {
		name   string
		chunk  []byte
		values int64
		want   error // nil: ok; errThrift / ErrChecksum / any
		substr string
	}{
		{"crc ok", page(&sum, 4), 4, nil, ""},
		{"no crc", page(nil, 4), 4, nil, ""},
		{"two pages", append(page(&sum, 4), page(nil, 3)...), 7, nil, ""},
		{"crc mismatch", page(&wrong, 4), 4, ErrChecksum, "page 0"},
		{"second page crc", append(page(&sum, 4), page(&wrong, 3)...), 7, ErrChecksum, "page 1"},
		{"value count", page(&sum, 4), 5, nil, "hold 4 values"},
		{"overrun", page(&sum, 4)[:20], 4, nil, "overruns"},
		{"bad header", []byte{0xff, 0xff, 0xff}, 0, errThrift, "page 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkPages(tc.chunk, tc.values)
			if tc.want == nil && tc.substr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.substr) {
				t.Fatalf("want %v containing %q, got %v", tc.want, tc.substr, err)
			}
		})
	}
}
