package delta

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

// TestZ85Spec decodes inline vectors of the corpus' kernel-rs tables
// (including a tail group right-aligned behind '#' fillers) and the path
// examples of PROTOCOL.md "Deletion Vectors". (The spec's inline example
// is not in the final format: it has no magic number.)
func TestZ85Spec(t *testing.T) {
	for _, tc := range []struct {
		enc  string
		size int32
		want []uint64
	}{
		{"^Bg9^0rr910000000000iXQKl0rr91000315c8Xg000f5", 36, []uint64{0, 5}},
		{"^Bg9^0rr910000000000iXQKl0rr91000005c8Xg##093", 34, []uint64{3}},
		{encodeZ85(encodeDV(map[uint32][]testContainer{0: {{key: 0, kind: "array", values: []uint16{3, 4, 7, 11, 18, 29}}}})), 0, []uint64{3, 4, 7, 11, 18, 29}},
	} {
		size := tc.size
		if size == 0 {
			size = int32(len(encodeDV(map[uint32][]testContainer{0: {{key: 0, kind: "array", values: []uint16{3, 4, 7, 11, 18, 29}}}})))
		}
		dv := &DeletionVector{StorageType: "i", PathOrInlineDv: tc.enc, SizeInBytes: size, Cardinality: int64(len(tc.want))}
		set, err := dv.load(t.Context(), storage.NewMemory())
		if err != nil {
			t.Fatalf("%s: %v", tc.enc, err)
		}
		if got := setRows(set); !slices.Equal(got, tc.want) {
			t.Fatalf("%s: rows %v, want %v", tc.enc, got, tc.want)
		}
	}
	u := &DeletionVector{StorageType: "u", PathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^", Offset: ptr(int32(4)), SizeInBytes: 40, Cardinality: 6}
	key, err := u.storeKey("s3://mytable")
	if err != nil || key != "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin" {
		t.Fatalf("relative example: %q, %v", key, err)
	}
	p := &DeletionVector{StorageType: "p", PathOrInlineDv: "s3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin"}
	if key, err := p.storeKey("s3://mytable"); err != nil || key != "deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin" {
		t.Fatalf("absolute example: %q, %v", key, err)
	}
	if _, err := p.storeKey("s3://other"); err == nil {
		t.Fatal("absolute DV path outside the table accepted")
	}
}

func ptr[T any](v T) *T { return &v }

func setRows(s *rowSet) []uint64 {
	var out []uint64
	for i := uint64(0); i < uint64(len(s.blocks))<<16; i++ {
		if s.contains(i) {
			out = append(out, i)
		}
	}
	return out
}

// testContainer is one 16-bit container of a test bitmap.
type testContainer struct {
	key    uint16
	kind   string // "array", "bitset", "run"
	values []uint16
	runs   [][2]uint16 // start, length-1
}

// encodeRoaring32 writes the portable 32-bit format, independently of the
// decoder, so container kinds and header variants can be exercised.
func encodeRoaring32(cs []testContainer) []byte {
	hasRun := false
	for _, c := range cs {
		hasRun = hasRun || c.kind == "run"
	}
	var b []byte
	if hasRun {
		b = binary.LittleEndian.AppendUint32(b, uint32(roaringCookieRun)|uint32(len(cs)-1)<<16)
		bm := make([]byte, (len(cs)+7)/8)
		for i, c := range cs {
			if c.kind == "run" {
				bm[i/8] |= 1 << (i % 8)
			}
		}
		b = append(b, bm...)
	} else {
		b = binary.LittleEndian.AppendUint32(b, roaringCookieNoRun)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(cs)))
	}
	var bodies [][]byte
	for _, c := range cs {
		var body []byte
		card := 0
		switch c.kind {
		case "array":
			for _, v := range c.values {
				body = binary.LittleEndian.AppendUint16(body, v)
			}
			card = len(c.values)
		case "bitset":
			words := make([]uint64, 1024)
			for _, v := range c.values {
				words[v/64] |= 1 << (v % 64)
			}
			for _, w := range words {
				body = binary.LittleEndian.AppendUint64(body, w)
			}
			card = len(c.values)
		case "run":
			body = binary.LittleEndian.AppendUint16(body, uint16(len(c.runs)))
			for _, r := range c.runs {
				body = binary.LittleEndian.AppendUint16(body, r[0])
				body = binary.LittleEndian.AppendUint16(body, r[1])
				card += int(r[1]) + 1
			}
		}
		b = binary.LittleEndian.AppendUint16(b, c.key)
		b = binary.LittleEndian.AppendUint16(b, uint16(card-1))
		bodies = append(bodies, body)
	}
	if !hasRun || len(cs) >= 4 {
		off := len(b) + 4*len(cs)
		for _, body := range bodies {
			b = binary.LittleEndian.AppendUint32(b, uint32(off))
			off += len(body)
		}
	}
	for _, body := range bodies {
		b = append(b, body...)
	}
	return b
}

// encodeDV frames buckets (high key -> containers) as a deletion vector:
// magic, bucket count, then key + 32-bit bitmap per bucket.
func encodeDV(buckets map[uint32][]testContainer) []byte {
	b := binary.LittleEndian.AppendUint32(nil, dvMagic)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(buckets)))
	keys := make([]uint32, 0, len(buckets))
	for k := range buckets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = binary.LittleEndian.AppendUint32(b, k)
		b = append(b, encodeRoaring32(buckets[k])...)
	}
	return b
}

func TestDecodeDVBitmap(t *testing.T) {
	many := make([]uint16, 5000)
	for i := range many {
		many[i] = uint16(i * 3)
	}
	manyRows := make([]uint64, len(many))
	for i, v := range many {
		manyRows[i] = 65536 + uint64(v)
	}
	for _, tc := range []struct {
		name    string
		buckets map[uint32][]testContainer
		want    []uint64
	}{
		{"empty", map[uint32][]testContainer{}, nil},
		{"array", map[uint32][]testContainer{0: {{key: 0, kind: "array", values: []uint16{1, 5, 9}}}}, []uint64{1, 5, 9}},
		{"run", map[uint32][]testContainer{0: {{key: 0, kind: "run", runs: [][2]uint16{{2, 3}, {100, 0}}}}}, []uint64{2, 3, 4, 5, 100}},
		{"bitset in second container", map[uint32][]testContainer{0: {{key: 1, kind: "bitset", values: many}}}, manyRows},
		{"mixed with offsets header", map[uint32][]testContainer{0: {
			{key: 0, kind: "run", runs: [][2]uint16{{0, 1}}},
			{key: 1, kind: "array", values: []uint16{7}},
			{key: 2, kind: "array", values: []uint16{8}},
			{key: 3, kind: "run", runs: [][2]uint16{{9, 0}}},
		}}, []uint64{0, 1, 65536 + 7, 2*65536 + 8, 3*65536 + 9}},
		{"second bucket", map[uint32][]testContainer{1: {{key: 0, kind: "array", values: []uint16{4}}}}, []uint64{1<<32 + 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "second bucket" {
				// Row 2^32+4 is past any readable file: the vector is
				// rejected rather than allocating a 512 MiB bitset.
				if _, err := decodeDVBitmap(encodeDV(tc.buckets)); !errors.Is(err, errBadBitmap) {
					t.Fatalf("err %v, want errBadBitmap", err)
				}
				return
			}
			s, err := decodeDVBitmap(encodeDV(tc.buckets))
			if err != nil {
				t.Fatal(err)
			}
			if got := setRows(s); !slices.Equal(got, tc.want) {
				t.Fatalf("rows %v, want %v", got, tc.want)
			}
			if s.cardinality() != int64(len(tc.want)) {
				t.Fatalf("cardinality %d, want %d", s.cardinality(), len(tc.want))
			}
		})
	}
}

func TestDecodeDVBitmapErrors(t *testing.T) {
	good := encodeDV(map[uint32][]testContainer{0: {{key: 0, kind: "array", values: []uint16{1, 2}}}})
	badMagic := slices.Clone(good)
	badMagic[0]++
	badCookie := slices.Clone(good)
	badCookie[16] = 0x99
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"short", good[:8], "bytes"},
		{"bad magic", badMagic, "magic"},
		{"bad cookie", badCookie, "cookie"},
		{"truncated container", good[:len(good)-1], "truncated"},
		{"bucket count beyond data", binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint32(nil, dvMagic), 1<<40), "buckets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeDVBitmap(tc.in)
			if !errors.Is(err, errBadBitmap) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want errBadBitmap mentioning %q", err, tc.want)
			}
		})
	}
}

// dvFile frames vectors as a DV file and returns it with each vector's
// offset.
func dvFile(vectors ...[]byte) ([]byte, []int32) {
	b := []byte{1}
	var offs []int32
	for _, v := range vectors {
		offs = append(offs, int32(len(b)))
		b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
		b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(v))
	}
	return b, offs
}

func TestDVFile(t *testing.T) {
	ctx := t.Context()
	v1 := encodeDV(map[uint32][]testContainer{0: {{key: 0, kind: "array", values: []uint16{0, 2}}}})
	v2 := encodeDV(map[uint32][]testContainer{0: {{key: 0, kind: "run", runs: [][2]uint16{{5, 2}}}}})
	file, offs := dvFile(v1, v2)
	st, _ := storage.NewLocal(t.TempDir())
	const uuidZ85 = "^-aqEH.-t@S}K{vb[*k^" // d2c639aa-8816-431a-aaf6-d3fe2512ff61
	key := "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin"
	if err := st.Put(ctx, key, file); err != nil {
		t.Fatal(err)
	}
	corrupt := slices.Clone(file)
	corrupt[len(corrupt)-1] ^= 0xff
	if err := st.Put(ctx, "deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", corrupt); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		dv      DeletionVector
		want    []uint64
		wantErr string
	}{
		{"first vector", DeletionVector{StorageType: "u", PathOrInlineDv: "ab" + uuidZ85, Offset: &offs[0], SizeInBytes: int32(len(v1)), Cardinality: 2}, []uint64{0, 2}, ""},
		{"second vector", DeletionVector{StorageType: "u", PathOrInlineDv: "ab" + uuidZ85, Offset: &offs[1], SizeInBytes: int32(len(v2)), Cardinality: 3}, []uint64{5, 6, 7}, ""},
		{"absolute path", DeletionVector{StorageType: "p", PathOrInlineDv: st.URL() + "/" + key, Offset: &offs[0], SizeInBytes: int32(len(v1)), Cardinality: 2}, []uint64{0, 2}, ""},
		{"bad checksum", DeletionVector{StorageType: "u", PathOrInlineDv: uuidZ85, Offset: &offs[1], SizeInBytes: int32(len(v2)), Cardinality: 3}, nil, "checksum"},
		{"wrong size", DeletionVector{StorageType: "u", PathOrInlineDv: "ab" + uuidZ85, Offset: &offs[0], SizeInBytes: int32(len(v1)) - 1, Cardinality: 2}, nil, "stored size"},
		{"wrong cardinality", DeletionVector{StorageType: "u", PathOrInlineDv: "ab" + uuidZ85, Offset: &offs[0], SizeInBytes: int32(len(v1)), Cardinality: 5}, nil, "descriptor says 5"},
		{"past end of file", DeletionVector{StorageType: "u", PathOrInlineDv: "ab" + uuidZ85, Offset: ptr(int32(len(file))), SizeInBytes: 10, Cardinality: 1}, nil, "outside"},
		{"missing file", DeletionVector{StorageType: "u", PathOrInlineDv: "zz" + uuidZ85, Offset: &offs[0], SizeInBytes: 10, Cardinality: 1}, nil, "not found"},
		{"unknown storage type", DeletionVector{StorageType: "x", PathOrInlineDv: "abc"}, nil, "unknown storage type"},
		{"bad z85", DeletionVector{StorageType: "i", PathOrInlineDv: "abc", SizeInBytes: 2}, nil, "multiple of 5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := tc.dv.load(ctx, st)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := setRows(set); !slices.Equal(got, tc.want) {
				t.Fatalf("rows %v, want %v", got, tc.want)
			}
		})
	}
}

// encodeZ85 is the test's Z85 encoder (zero-padded to 4 bytes, as Delta).
func encodeZ85(b []byte) string {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	var sb strings.Builder
	for i := 0; i < len(b); i += 4 {
		v := binary.BigEndian.Uint32(b[i:])
		var chunk [5]byte
		for j := 4; j >= 0; j-- {
			chunk[j] = z85Alphabet[v%85]
			v /= 85
		}
		sb.Write(chunk[:])
	}
	return sb.String()
}

// TestScanAppliesDeletionVectors writes a table, then commits by hand what
// a DELETE with deletion vectors would: the file re-added with a DV. Scans
// drop the deleted rows; the change feed reports exactly them as deletes.
func TestScanAppliesDeletionVectors(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, ids(0, 100), WriteOptions{Properties: map[string]string{"delta.enableChangeDataFeed": "true"}}); err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	f := snap.Files()[0]
	deleted := []uint16{0, 7, 50, 99}
	bm := encodeDV(map[uint32][]testContainer{0: {{key: 0, kind: "array", values: deleted}}})
	dv := &DeletionVector{StorageType: "i", PathOrInlineDv: encodeZ85(bm), SizeInBytes: int32(len(bm)), Cardinality: int64(len(deleted))}
	add := f
	add.DeletionVector = dv
	rm := RemoveFile{Path: f.Path, DataChange: true, PartitionValues: f.PartitionValues}
	body, _ := MarshalActions([]Action{
		{Protocol: &Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"deletionVectors"}, WriterFeatures: []string{"deletionVectors", "changeDataFeed"}}},
		{Remove: &rm}, {Add: &add},
	})
	if err := st.PutIfAbsent(ctx, commitPath(1), body); err != nil {
		t.Fatal(err)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Every buffer of a filtered scan is released (checked allocator).
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	r0, err := snap.Scan(ctx, ScanOptions{Allocator: mem, BatchSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	got, err := rowStrings(ctx, r0)
	if err != nil {
		t.Fatal(err)
	}
	r0.Close()
	mem.AssertSize(t, 0)
	if len(got) != 96 {
		t.Fatalf("%d rows after DV, want 96", len(got))
	}
	for _, d := range deleted {
		if slices.Contains(got, fmt.Sprint(d)) {
			t.Fatalf("deleted row %d returned", d)
		}
	}
	// A count (no columns) honours the deletion vector too.
	rc, err := snap.Scan(ctx, ScanOptions{Columns: []string{}, BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	bs, err := batch.ReadAll(ctx, rc)
	if err != nil {
		t.Fatal(err)
	}
	if n := batch.NumRows(bs); n != 96 {
		t.Fatalf("count without columns: %d rows, want 96", n)
	}
	batch.Release(bs)
	r, err := tbl.Changes(ctx, 1, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := renderColumns(ctx, r, []string{"id", ChangeTypeColumn, CommitVersionColumn}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0 | delete | 1", "50 | delete | 1", "7 | delete | 1", "99 | delete | 1"}
	if !slices.Equal(rows, want) {
		t.Fatalf("changes %v, want %v", rows, want)
	}
	// Appends and overwrites work on the table: the overwrite's remove
	// names the file with its vector, so the logical file is gone.
	if _, err := tbl.Write(ctx, ids(200, 201), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if s, _ := tbl.Snapshot(ctx); len(scanAll(t, s)) != 97 {
		t.Fatalf("after append: %d rows, want 97", len(scanAll(t, s)))
	}
	if _, err := tbl.Write(ctx, ids(500, 502), WriteOptions{Mode: ModeOverwrite}); err != nil {
		t.Fatal(err)
	}
	s, _ := tbl.Snapshot(ctx)
	if got := scanAll(t, s); !slices.Equal(got, []string{"500", "501"}) {
		t.Fatalf("after overwrite: %v", got)
	}
	if n := len(s.removes); n < 2 {
		t.Fatalf("%d tombstones", n)
	}
}

// TestDVBitmapHighRowIsCheap: a tiny vector naming one row near maxDVRow
// (as a corrupt one may) decodes into memory proportional to its rows, not
// to the highest row index (a dense bitset to it was 512 MiB; the fuzzer
// found such a 33-byte input).
func TestDVBitmapHighRowIsCheap(t *testing.T) {
	enc := encodeDVBitmap(rowSetOf(3, maxDVRow-1))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := decodeDVBitmap(enc)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got := setRowsSparse(s); len(got) != 2 || got[0] != 3 || got[1] != maxDVRow-1 {
		t.Fatalf("rows %v", got)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
		t.Fatalf("decoding 2 rows allocated %d bytes", n)
	}
}

func setRowsSparse(s *rowSet) []uint64 {
	var out []uint64
	s.each(func(r uint64) { out = append(out, r) })
	return out
}
