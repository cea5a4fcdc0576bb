package delta

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/ingotdata/ingot/storage"
)

// FuzzParseActions: any bytes as a commit file parse to actions or fail
// with ErrCorruptLog naming the file; the actions replay without a panic.
func FuzzParseActions(f *testing.F) {
	ctx := context.Background()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	for i := 0; i < 3; i++ {
		if _, err := tbl.Write(ctx, rows(i*10, i*10+5), WriteOptions{PartitionBy: []string{"day"}}); err != nil {
			f.Fatal(err)
		}
	}
	for v := 0; v < 3; v++ {
		b, err := st.Get(ctx, commitPath(int64(v)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "_delta_log/00000000000000000007.json"
		actions, err := ParseActions(name, data)
		if err != nil {
			if !errors.Is(err, ErrCorruptLog) || !bytes.Contains([]byte(err.Error()), []byte(name)) {
				t.Fatalf("error does not name the file or wrap ErrCorruptLog: %v", err)
			}
			return
		}
		s := newReplayState(0)
		for _, a := range actions {
			if err := s.apply(a); err != nil {
				return
			}
		}
	})
}

// fuzzCheckpoint returns the bytes of a small checkpoint with adds,
// removes, a txn and partition values.
func fuzzCheckpoint(f *testing.F) []byte {
	ctx := context.Background()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	for i := 0; i < 3; i++ {
		opts := WriteOptions{PartitionBy: []string{"day"}, TxnAppID: "q", TxnVersion: int64(i)}
		if i == 2 {
			opts.Mode = ModeOverwrite
		}
		if _, err := tbl.Write(ctx, rows(i*10, i*10+3), opts); err != nil {
			f.Fatal(err)
		}
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		f.Fatal(err)
	}
	if err := snap.WriteCheckpoint(ctx); err != nil {
		f.Fatal(err)
	}
	b, err := st.Get(ctx, "_delta_log/00000000000000000002.checkpoint.parquet")
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzCheckpoint: any bytes as a Parquet checkpoint replay or fail with an
// error, never a panic (on our goroutine or arrow-go's).
func FuzzCheckpoint(f *testing.F) {
	f.Add(fuzzCheckpoint(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		ctx := context.Background()
		st := storage.NewMemory()
		const p = "_delta_log/00000000000000000002.checkpoint.parquet"
		if err := st.Put(ctx, p, data); err != nil {
			t.Fatal(err)
		}
		tbl := &Table{store: st}
		s := newReplayState(0)
		if _, err := tbl.readCheckpoint(ctx, []string{p}, 0, s.apply); err != nil {
			if !bytes.Contains([]byte(err.Error()), []byte(p)) {
				t.Fatalf("error does not name the checkpoint: %v", err)
			}
		}
	})
}

// FuzzDeletionVector: any bytes as a serialized deletion vector bitmap,
// or as Z85 text of an inline vector, decode or fail with an error.
func FuzzDeletionVector(f *testing.F) {
	s := &rowSet{}
	for _, r := range []uint64{0, 1, 2, 3, 100, 65535, 65536, 70000, 1 << 33} {
		s.add(r)
	}
	bm := encodeDVBitmap(s)
	f.Add(bm, "")
	run := &rowSet{}
	for r := uint64(0); r < 5000; r++ {
		run.add(r)
	}
	f.Add(encodeDVBitmap(run), "")
	f.Add([]byte{}, z85Encode(bm[:len(bm)/4*4]))
	f.Fuzz(func(t *testing.T, b []byte, z string) {
		if len(b) > 1<<12 || len(z) > 1<<12 {
			return
		}
		if set, err := decodeDVBitmap(b); err == nil {
			_ = set.cardinality()
			_ = set.contains(1)
		}
		dv := &DeletionVector{StorageType: "i", PathOrInlineDv: z, SizeInBytes: int32(len(z) / 5 * 4)}
		if set, err := dv.load(context.Background(), storage.NewMemory()); err == nil {
			_ = set.cardinality()
		} else if !errors.Is(err, ErrCorruptDeletionVector) {
			t.Fatalf("inline vector error does not wrap ErrCorruptDeletionVector: %v", err)
		}
	})
}
