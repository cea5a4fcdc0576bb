package delta_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/bits"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/uuid"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/storage"
)

var dvSchema = arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)

// dvIDs is a batch of ids lo..hi-1, so a row's id is its index in the file
// plus lo.
func dvIDs(lo, hi int64) batch.Reader {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	for i := lo; i < hi; i++ {
		b.Append(i)
	}
	col := b.NewArray()
	defer col.Release()
	return batch.FromSlice(dvSchema, array.NewRecordBatch(dvSchema, []arrow.Array{col}, hi-lo))
}

func dvRange(lo, hi, step uint64) []uint64 {
	var out []uint64
	for i := lo; i < hi; i += step {
		out = append(out, i)
	}
	return out
}

// scanIDs reads the table's ids, sorted.
func scanIDs(t *testing.T, tbl *delta.Table) []int64 {
	t.Helper()
	ctx := t.Context()
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := snap.Scan(ctx, delta.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs, err := batch.ReadAll(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Release(recs)
	var out []int64
	for _, rec := range recs {
		out = append(out, rec.Column(0).(*array.Int64).Int64Values()...)
	}
	slices.Sort(out)
	return out
}

// readDVIndependently decodes a "u" deletion vector straight from the
// bytes in the store, following PROTOCOL.md without the package's reader:
// Z85 UUID -> file name; version byte; big-endian size, bitmap, CRC-32;
// little-endian magic, bucket count, key and 32-bit RoaringBitmap.
func readDVIndependently(t *testing.T, st storage.Store, dv *delta.DeletionVector) []uint64 {
	t.Helper()
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
	if dv.StorageType != "u" || len(dv.PathOrInlineDv) != 20 || dv.Offset == nil {
		t.Fatalf("descriptor %+v: want storage u, a bare 20-character UUID and an offset", dv)
	}
	var raw []byte
	for i := 0; i < 20; i += 5 {
		var v uint32
		for _, c := range []byte(dv.PathOrInlineDv[i : i+5]) {
			v = v*85 + uint32(strings.IndexByte(alphabet, c))
		}
		raw = binary.BigEndian.AppendUint32(raw, v)
	}
	id, err := uuid.FromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	file, err := st.Get(t.Context(), "deletion_vector_"+id.String()+".bin")
	if err != nil {
		t.Fatal(err)
	}
	if file[0] != 1 {
		t.Fatalf("version byte %d", file[0])
	}
	off := int(*dv.Offset)
	size := int(binary.BigEndian.Uint32(file[off:]))
	if size != int(dv.SizeInBytes) {
		t.Fatalf("framed size %d, descriptor %d", size, dv.SizeInBytes)
	}
	data := file[off+4 : off+4+size]
	if crc := binary.BigEndian.Uint32(file[off+4+size:]); crc != crc32.ChecksumIEEE(data) {
		t.Fatalf("checksum %08x, want %08x", crc, crc32.ChecksumIEEE(data))
	}
	le := binary.LittleEndian
	if le.Uint32(data) != 1681511377 {
		t.Fatalf("magic %d", le.Uint32(data))
	}
	var rows []uint64
	p := 12
	for range le.Uint64(data[4:]) {
		high := uint64(le.Uint32(data[p:])) << 32
		p += 4
		start := p
		cookie := le.Uint32(data[p:])
		p += 4
		var n int
		var runs []byte
		if cookie&0xFFFF == 12347 {
			n = int(cookie>>16) + 1
			runs = data[p : p+(n+7)/8]
			p += (n + 7) / 8
		} else {
			n = int(le.Uint32(data[p:]))
			p += 4
		}
		keys, cards := make([]uint64, n), make([]int, n)
		for i := range n {
			keys[i], cards[i] = uint64(le.Uint16(data[p:])), int(le.Uint16(data[p+2:]))+1
			p += 4
		}
		var offsets []int
		if runs == nil || n >= 4 {
			for i := range n {
				offsets = append(offsets, start+int(le.Uint32(data[p+4*i:])))
			}
			p += 4 * n
		}
		for i := range n {
			if offsets != nil && offsets[i] != p {
				t.Fatalf("container %d at %d, offset header says %d", i, p, offsets[i])
			}
			base := high | keys[i]<<16
			switch {
			case runs != nil && runs[i/8]&(1<<(i%8)) != 0:
				nr := int(le.Uint16(data[p:]))
				for r := range nr {
					s, l := uint64(le.Uint16(data[p+2+4*r:])), uint64(le.Uint16(data[p+4+4*r:]))
					for v := s; v <= s+l; v++ {
						rows = append(rows, base|v)
					}
				}
				p += 2 + 4*nr
			case cards[i] <= 4096:
				for k := range cards[i] {
					rows = append(rows, base|uint64(le.Uint16(data[p+2*k:])))
				}
				p += 2 * cards[i]
			default:
				for w := range 1024 {
					word := le.Uint64(data[p+8*w:])
					for word != 0 {
						rows = append(rows, base|uint64(w*64+bits.TrailingZeros64(word)))
						word &= word - 1
					}
				}
				p += 8192
			}
		}
	}
	if p != len(data) {
		t.Fatalf("decoded %d of %d bytes", p, len(data))
	}
	if int64(len(rows)) != dv.Cardinality {
		t.Fatalf("%d rows, descriptor cardinality %d", len(rows), dv.Cardinality)
	}
	return rows
}

func commitActions(t *testing.T, st storage.Store, v int64) []delta.Action {
	t.Helper()
	name := fmt.Sprintf("_delta_log/%020d.json", v)
	b, err := st.Get(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	acts, err := delta.ParseActions(name, b)
	if err != nil {
		t.Fatal(err)
	}
	return acts
}

func filesByRows(t *testing.T, tbl *delta.Table) map[int64]delta.AddFile {
	t.Helper()
	snap, err := tbl.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]delta.AddFile{}
	for _, f := range snap.Files() {
		st, err := delta.ParseStats(f.Stats)
		if err != nil {
			t.Fatal(err)
		}
		out[st.NumRecords] = f
	}
	return out
}

func dvDelete(t *testing.T, tbl *delta.Table, del map[int64][]uint64) (int64, map[int64]delta.DVUpdate) {
	t.Helper()
	ctx := t.Context()
	files := filesByRows(t, tbl)
	tx, err := tbl.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res := map[int64]delta.DVUpdate{}
	for n, rows := range del {
		u, err := tx.UpdateDeletionVector(ctx, files[n], rows)
		if err != nil {
			t.Fatal(err)
		}
		res[n] = u
	}
	v, err := tx.Commit(ctx, "DELETE", nil)
	if err != nil {
		t.Fatal(err)
	}
	return v, res
}

// TestDeletionVectorRoundTrip deletes rows of two files twice (so the
// second vectors merge with the first), then every remaining row of one
// file, and checks the log, the DV file bytes, Scan, Changes and VACUUM.
func TestDeletionVectorRoundTrip(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := delta.Open(ctx, st)
	props := map[string]string{"delta.enableDeletionVectors": "true", "delta.enableChangeDataFeed": "true"}
	// File A holds ids 0..69999 (rows span two containers), file B ids
	// 100000..100099.
	if _, err := tbl.Write(ctx, dvIDs(0, 70000), delta.WriteOptions{Properties: props}); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Write(ctx, dvIDs(100000, 100100), delta.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	if p := snap.Protocol(); p.MinReaderVersion != 3 || p.MinWriterVersion != 7 || !slices.Contains(p.ReaderFeatures, "deletionVectors") || !slices.Contains(p.WriterFeatures, "deletionVectors") {
		t.Fatalf("protocol %+v does not list deletionVectors at (3, 7)", p)
	}

	// Version 2: a bitmap container in A, an array in B.
	firstA, firstB := dvRange(0, 65536, 3), []uint64{5, 17}
	v2, res := dvDelete(t, tbl, map[int64][]uint64{70000: firstA, 100: firstB})
	if res[100] != (delta.DVUpdate{Deleted: 2, Remaining: 98}) {
		t.Fatalf("update of B: %+v", res[100])
	}
	acts := commitActions(t, st, v2)
	var removes, adds []delta.Action
	for _, a := range acts {
		switch {
		case a.Remove != nil:
			removes = append(removes, a)
		case a.Add != nil:
			adds = append(adds, a)
		}
	}
	if len(removes) != 2 || len(adds) != 2 {
		t.Fatalf("version %d: %d removes and %d adds, want 2 of each", v2, len(removes), len(adds))
	}
	dvOf := map[string]*delta.DeletionVector{}
	for i, a := range adds {
		add, rm := a.Add, removes[i].Remove
		if add.Path != rm.Path || !add.DataChange || !rm.DataChange || rm.DeletionVector != nil {
			t.Fatalf("pair %d: add %s (dataChange %v), remove %s (dataChange %v, dv %v)", i, add.Path, add.DataChange, rm.Path, rm.DataChange, rm.DeletionVector)
		}
		if !strings.Contains(add.Stats, `"tightBounds":false`) || !strings.HasPrefix(add.Stats, `{"numRecords":`) {
			t.Fatalf("stats %s: want numRecords first and tightBounds false", add.Stats)
		}
		dvOf[add.Path] = add.DeletionVector
	}
	files := filesByRows(t, tbl)
	a2, b2 := dvOf[files[70000].Path], dvOf[files[100].Path]
	backToBack := (*a2.Offset == 1 && *b2.Offset == 1+4+a2.SizeInBytes+4) || (*b2.Offset == 1 && *a2.Offset == 1+4+b2.SizeInBytes+4)
	if a2.PathOrInlineDv != b2.PathOrInlineDv || !backToBack {
		t.Fatalf("both vectors belong in one file, back to back: %+v, %+v", a2, b2)
	}
	if got := readDVIndependently(t, st, a2); !slices.Equal(got, firstA) {
		t.Fatalf("A's vector holds %d rows, want %d", len(got), len(firstA))
	}
	if got := readDVIndependently(t, st, b2); !slices.Equal(got, firstB) {
		t.Fatalf("B's vector holds %v, want %v", got, firstB)
	}

	// Version 3: more rows, merged with the vectors of version 2 (row 5
	// of B again counts once).
	v3, res := dvDelete(t, tbl, map[int64][]uint64{70000: append(dvRange(66000, 67000, 1), 65540, 3), 100: {42, 5}})
	if res[70000].Deleted != 1001 || res[100].Deleted != 1 {
		t.Fatalf("version 3 deleted %+v", res)
	}
	for _, a := range commitActions(t, st, v3) {
		if a.Remove != nil && a.Remove.DeletionVector.UniqueID() != dvOf[a.Remove.Path].UniqueID() {
			t.Fatalf("remove of %s carries vector %v, want the one version 2 added", a.Remove.Path, a.Remove.DeletionVector)
		}
	}
	files = filesByRows(t, tbl)
	wantA := slices.Concat(firstA, []uint64{65540}, dvRange(66000, 67000, 1))
	slices.Sort(wantA)
	if got := readDVIndependently(t, st, files[70000].DeletionVector); !slices.Equal(got, wantA) {
		t.Fatalf("merged vector of A holds %d rows, want %d", len(got), len(wantA))
	}
	if got := readDVIndependently(t, st, files[100].DeletionVector); !slices.Equal(got, []uint64{5, 17, 42}) {
		t.Fatalf("merged vector of B holds %v", got)
	}
	deleted := map[int64]bool{}
	for _, r := range wantA {
		deleted[int64(r)] = true
	}
	for _, r := range []int64{5, 17, 42} {
		deleted[100000+r] = true
	}
	var want []int64
	for i := int64(0); i < 70000; i++ {
		if !deleted[i] {
			want = append(want, i)
		}
	}
	for i := int64(100000); i < 100100; i++ {
		if !deleted[i] {
			want = append(want, i)
		}
	}
	if got := scanIDs(t, tbl); !slices.Equal(got, want) {
		t.Fatalf("scan returns %d rows, want %d", len(got), len(want))
	}

	// Changes of version 3 are exactly its newly deleted rows.
	cr, err := tbl.Changes(ctx, v3, v3, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := batch.ReadAll(ctx, cr)
	cr.Close()
	if err != nil {
		t.Fatal(err)
	}
	var changed []int64
	for _, rec := range recs {
		for i := range int(rec.NumRows()) {
			if typ := rec.Column(1).(*array.String).Value(i); typ != "delete" {
				t.Fatalf("change type %q", typ)
			}
			changed = append(changed, rec.Column(0).(*array.Int64).Value(i))
		}
	}
	batch.Release(recs)
	slices.Sort(changed)
	wantChanged := append([]int64{65540}, 100042)
	for i := int64(66000); i < 67000; i++ {
		wantChanged = append(wantChanged, i)
	}
	slices.Sort(wantChanged)
	if !slices.Equal(changed, wantChanged) {
		t.Fatalf("changes of version %d: %d rows, want %d", v3, len(changed), len(wantChanged))
	}

	// Version 4: the rest of B goes, so B is removed without a vector.
	v4, res := dvDelete(t, tbl, map[int64][]uint64{100: dvRange(0, 100, 1)})
	if !res[100].RemovesFile || res[100].Deleted != 97 {
		t.Fatalf("deleting the rest of B: %+v", res[100])
	}
	for _, a := range commitActions(t, st, v4) {
		if a.Add != nil {
			t.Fatalf("version %d adds %s; a fully deleted file is only removed", v4, a.Add.Path)
		}
	}
	if got := scanIDs(t, tbl); len(got) != len(want)-97 {
		t.Fatalf("after removing B: %d rows, want %d", len(got), len(want)-97)
	}

	// VACUUM keeps the live file's vector file, drops the superseded one.
	res4, err := tbl.Vacuum(ctx, delta.VacuumOptions{RetentionHours: new(float64), SkipRetentionCheck: true, DryRun: true, Now: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	dvKey := func(dv *delta.DeletionVector) string {
		raw := readDVName(t, dv)
		return "deletion_vector_" + raw + ".bin"
	}
	files = filesByRows(t, tbl)
	if slices.Contains(res4.FilesDeleted, dvKey(files[70000].DeletionVector)) {
		t.Fatalf("vacuum would delete the live vector file: %v", res4.FilesDeleted)
	}
	if !slices.Contains(res4.FilesDeleted, dvKey(a2)) {
		t.Fatalf("vacuum keeps the superseded vector file %s: %v", dvKey(a2), res4.FilesDeleted)
	}
}

// readDVName decodes the UUID of a "u" descriptor without a prefix.
func readDVName(t *testing.T, dv *delta.DeletionVector) string {
	t.Helper()
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
	var raw []byte
	for i := 0; i < len(dv.PathOrInlineDv); i += 5 {
		var v uint32
		for _, c := range []byte(dv.PathOrInlineDv[i : i+5]) {
			v = v*85 + uint32(strings.IndexByte(alphabet, c))
		}
		raw = binary.BigEndian.AppendUint32(raw, v)
	}
	id, err := uuid.FromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// TestEnableDeletionVectorsUpgradesProtocol: setting the property on an
// existing table commits the (3, 7) protocol listing deletionVectors
// (with the features the legacy protocol implied).
func TestEnableDeletionVectorsUpgradesProtocol(t *testing.T) {
	for _, tc := range []struct {
		name           string
		props          map[string]string
		reader, writer []string
	}{
		{"enable", map[string]string{"delta.enableDeletionVectors": "true"},
			[]string{"deletionVectors"}, []string{"appendOnly", "deletionVectors", "invariants"}},
		{"enable with a constraint", map[string]string{"delta.enableDeletionVectors": "true", "delta.constraints.pos": "id >= 0"},
			[]string{"deletionVectors"}, []string{"appendOnly", "checkConstraints", "deletionVectors", "invariants"}},
		{"disabled", map[string]string{"delta.enableDeletionVectors": "false"}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			tbl, _ := delta.Open(ctx, storage.NewMemory())
			if _, err := tbl.Write(ctx, dvIDs(0, 10), delta.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			tx, _ := tbl.Begin(ctx)
			if err := tx.SetProperties(tc.props); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Commit(ctx, "SET TBLPROPERTIES", nil); err != nil {
				t.Fatal(err)
			}
			snap, _ := tbl.Snapshot(ctx)
			p := snap.Protocol()
			if tc.reader == nil {
				if p.MinReaderVersion != 1 || p.MinWriterVersion != 2 {
					t.Fatalf("protocol %+v changed", p)
				}
				return
			}
			if p.MinReaderVersion != 3 || p.MinWriterVersion != 7 || !slices.Equal(p.ReaderFeatures, tc.reader) || !slices.Equal(p.WriterFeatures, tc.writer) {
				t.Fatalf("protocol %+v, want (3, 7) reader %v writer %v", p, tc.reader, tc.writer)
			}
		})
	}
}

func TestUpdateDeletionVectorErrors(t *testing.T) {
	ctx := t.Context()
	plain, _ := delta.Open(ctx, storage.NewMemory())
	if _, err := plain.Write(ctx, dvIDs(0, 10), delta.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	dv, _ := delta.Open(ctx, storage.NewMemory())
	if _, err := dv.Write(ctx, dvIDs(0, 10), delta.WriteOptions{Properties: map[string]string{"delta.enableDeletionVectors": "true"}}); err != nil {
		t.Fatal(err)
	}
	off, _ := delta.Open(ctx, storage.NewMemory())
	if _, err := off.Write(ctx, dvIDs(0, 10), delta.WriteOptions{Properties: map[string]string{"delta.enableDeletionVectors": "true"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := off.Write(ctx, dvIDs(0, 0), delta.WriteOptions{Properties: map[string]string{"delta.enableDeletionVectors": "false"}}); err != nil {
		t.Fatal(err)
	}
	first := func(tbl *delta.Table) delta.AddFile { s, _ := tbl.Snapshot(ctx); return s.Files()[0] }
	stale := first(dv)
	stale.DeletionVector = &delta.DeletionVector{StorageType: "i", PathOrInlineDv: "00000", SizeInBytes: 1, Cardinality: 1}
	for _, tc := range []struct {
		name string
		tbl  *delta.Table
		file delta.AddFile
		rows []uint64
		want error
		msg  string
	}{
		{"property not set", plain, first(plain), []uint64{1}, delta.ErrUnsupportedFeature, "delta.enableDeletionVectors is not true"},
		{"property off", off, first(off), []uint64{1}, delta.ErrUnsupportedFeature, "delta.enableDeletionVectors is not true"},
		{"row past the file", dv, first(dv), []uint64{3, 10}, delta.ErrRowOutOfRange, "row 10 of a 10-row file"},
		{"not the live vector", dv, stale, []uint64{1}, delta.ErrConcurrentModification, "not a live file"},
		{"not a live file", dv, delta.AddFile{Path: "nope.parquet"}, []uint64{1}, delta.ErrConcurrentModification, "nope.parquet: not a live file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, _ := tc.tbl.Begin(ctx)
			defer tx.Abort(ctx)
			if _, err := tx.UpdateDeletionVector(ctx, tc.file, tc.rows); !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want %v saying %q", err, tc.want, tc.msg)
			}
		})
	}
}

// TestDeletionVectorConflict: two transactions giving the same file a
// vector cannot both commit (the second would drop the first's rows),
// and the loser's vector file is deleted.
func TestDeletionVectorConflict(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := delta.Open(ctx, st)
	if _, err := tbl.Write(ctx, dvIDs(0, 10), delta.WriteOptions{Properties: map[string]string{"delta.enableDeletionVectors": "true"}}); err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	f := snap.Files()[0]
	tx1, _ := tbl.Begin(ctx)
	tx2, _ := tbl.Begin(ctx)
	for i, tx := range []*delta.Transaction{tx1, tx2} {
		if _, err := tx.UpdateDeletionVector(ctx, f, []uint64{uint64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx1.Commit(ctx, "DELETE", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := tx2.Commit(ctx, "DELETE", nil); !errors.Is(err, delta.ErrConcurrentModification) {
		t.Fatalf("second commit: %v, want ErrConcurrentModification", err)
	}
	keys, _ := st.List(ctx, "")
	n := 0
	for _, k := range keys {
		if strings.HasPrefix(k.Path, "deletion_vector_") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d vector files, want only the winner's", n)
	}
	if got := scanIDs(t, tbl); !slices.Equal(got, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("rows %v", got)
	}
}

// TestDeletionVectorsSurviveCheckpoint: vectors written here are carried
// through a checkpoint (descriptor fields intact) and applied by a fresh
// reader that replays from it.
func TestDeletionVectorsSurviveCheckpoint(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := delta.Open(ctx, st)
	props := map[string]string{"delta.enableDeletionVectors": "true", "delta.checkpointInterval": "2"}
	if _, err := tbl.Write(ctx, dvIDs(0, 5000), delta.WriteOptions{Properties: props}); err != nil {
		t.Fatal(err)
	}
	v1, _ := dvDelete(t, tbl, map[int64][]uint64{5000: dvRange(0, 5000, 2)})
	v2, _ := dvDelete(t, tbl, map[int64][]uint64{5000: {1, 4999}})
	if v2 != 2 || v1 != 1 {
		t.Fatalf("versions %d, %d", v1, v2)
	}
	if _, err := st.Get(ctx, "_delta_log/00000000000000000002.checkpoint.parquet"); err != nil {
		t.Fatalf("no checkpoint at version 2: %v", err)
	}
	want := filesByRows(t, tbl)[5000].DeletionVector
	fresh, _ := delta.Open(ctx, st)
	snap, err := fresh.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := snap.Files()[0].DeletionVector
	if got == nil || got.UniqueID() != want.UniqueID() || got.SizeInBytes != want.SizeInBytes || got.Cardinality != 2502 {
		t.Fatalf("vector after checkpoint %+v, want %+v with 2502 rows", got, want)
	}
	ids := scanIDs(t, fresh)
	if len(ids) != 2498 || ids[0] != 3 || ids[len(ids)-1] != 4997 {
		t.Fatalf("%d rows from %v to %v, want 2498 odd ids 3..4997", len(ids), ids[0], ids[len(ids)-1])
	}
}
