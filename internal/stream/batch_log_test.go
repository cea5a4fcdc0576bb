package stream

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/storage"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestOffsetLogBytes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		seq  OffsetSeq
		want string
	}{
		{"one file source", OffsetSeq{
			Metadata: OffsetSeqMetadata{BatchTimestampMs: 1764090000000, Conf: map[string]string{"spark.sql.shuffle.partitions": "8"}},
			Offsets:  []json.RawMessage{FileSourceOffset{LogOffset: 3}.JSON()},
		}, "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1764090000000,\"conf\":{\"spark.sql.shuffle.partitions\":\"8\"}}\n{\"logOffset\":3}"},
		{"void offset and compaction of source json", OffsetSeq{
			Metadata: OffsetSeqMetadata{BatchWatermarkMs: 5},
			Offsets:  []json.RawMessage{nil, json.RawMessage("{ \"a\" : 1 }")},
		}, "v1\n{\"batchWatermarkMs\":5,\"batchTimestampMs\":0,\"conf\":{}}\n-\n{\"a\":1}"},
		{"no sources", OffsetSeq{}, "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":0,\"conf\":{}}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := storage.NewMemory()
			l := NewOffsetLog(cp)
			must(t, l.Add(ctx, 7, tc.seq))
			b, err := cp.Get(ctx, "offsets/7")
			must(t, err)
			if string(b) != tc.want {
				t.Errorf("file:\n%s\nwant:\n%s", b, tc.want)
			}
			got, err := l.Get(ctx, 7)
			must(t, err)
			if len(got.Offsets) != len(tc.seq.Offsets) || got.Metadata.BatchWatermarkMs != tc.seq.Metadata.BatchWatermarkMs ||
				got.Metadata.BatchTimestampMs != tc.seq.Metadata.BatchTimestampMs {
				t.Fatalf("read back %+v", got)
			}
			for i := range got.Offsets {
				if (got.Offsets[i] == nil) != (tc.seq.Offsets[i] == nil) {
					t.Errorf("offset %d: got %s want %s", i, got.Offsets[i], tc.seq.Offsets[i])
				}
			}
		})
	}
}

func TestLogsAddLatestPurge(t *testing.T) {
	local, _ := storage.NewLocal(t.TempDir())
	for _, tc := range []struct {
		name string
		cp   storage.Store
	}{{"memory", storage.NewMemory()}, {"local", local}} {
		t.Run(tc.name, func(t *testing.T) { testLogsAddLatestPurge(t, tc.cp) })
	}
}

func testLogsAddLatestPurge(t *testing.T, cp storage.Store) {
	ctx := context.Background()
	offsets, commits := NewOffsetLog(cp), NewCommitLog(cp)
	if _, _, ok, err := offsets.Latest(ctx); ok || err != nil {
		t.Fatalf("empty offset log: ok=%v err=%v", ok, err)
	}
	if _, _, ok, err := commits.Latest(ctx); ok || err != nil {
		t.Fatalf("empty commit log: ok=%v err=%v", ok, err)
	}
	for id := int64(0); id < 12; id++ {
		must(t, offsets.Add(ctx, id, OffsetSeq{Metadata: OffsetSeqMetadata{BatchTimestampMs: id}}))
		must(t, commits.Add(ctx, id, CommitMetadata{NextBatchWatermarkMs: id * 10}))
	}
	// Junk a user or Spark may leave: must not count as batches.
	must(t, cp.Put(ctx, "offsets/.12.crc", []byte("x")))
	must(t, cp.Put(ctx, "offsets/012", []byte("x")))
	id, seq, ok, err := offsets.Latest(ctx)
	must(t, err)
	if !ok || id != 11 || seq.Metadata.BatchTimestampMs != 11 {
		t.Errorf("latest offsets %d %+v", id, seq)
	}
	cid, cm, ok, err := commits.Latest(ctx)
	must(t, err)
	if !ok || cid != 11 || cm.NextBatchWatermarkMs != 110 {
		t.Errorf("latest commit %d %+v", cid, cm)
	}
	if b, _ := cp.Get(ctx, "commits/3"); string(b) != "v1\n{\"nextBatchWatermarkMs\":30}" {
		t.Errorf("commit file %q", b)
	}

	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"offsets already written", offsets.Add(ctx, 4, OffsetSeq{}), ErrBatchExists},
		{"commit already written", commits.Add(ctx, 4, CommitMetadata{}), ErrBatchExists},
		{"missing offsets", func() error { _, err := offsets.Get(ctx, 99); return err }(), ErrBatchNotFound},
		{"missing commit", func() error { _, err := commits.Get(ctx, 99); return err }(), ErrBatchNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, tc.want) {
				t.Errorf("error %v, want %v", tc.err, tc.want)
			}
		})
	}

	must(t, offsets.Purge(ctx, 10))
	must(t, commits.Purge(ctx, 10))
	ids, err := offsets.BatchIDs(ctx)
	must(t, err)
	if len(ids) != 2 || ids[0] != 10 || ids[1] != 11 {
		t.Errorf("after purge: %v", ids)
	}
	if _, err := commits.Get(ctx, 9); !errors.Is(err, ErrBatchNotFound) {
		t.Errorf("commit 9 survived purge: %v", err)
	}
}

func TestLogCorruption(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, body, want string }{
		{"newer version", "v2\n{}", "version v2"},
		{"no header", "{\"batchWatermarkMs\":0}", "line 1: missing version header"},
		{"bad metadata", "v1\n{oops", "offsets/0 line 2"},
		{"bad source offset", "v1\n{}\n{\"logOffset\":1}\nnot json", "offsets/0 line 4: offset of source 1 is not JSON"},
		{"no metadata", "v1", "line 2: missing batch metadata"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := storage.NewMemory()
			must(t, cp.Put(ctx, "offsets/0", []byte(tc.body)))
			_, err := NewOffsetLog(cp).Get(ctx, 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
	cp := storage.NewMemory()
	must(t, cp.Put(ctx, "commits/0", []byte("v9\n{}")))
	if _, err := NewCommitLog(cp).Get(ctx, 0); !errors.Is(err, ErrUnsupportedLogVersion) {
		t.Errorf("commit v9: %v", err)
	}
}

func TestMetadataPersists(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cp, _ := storage.NewLocal(dir)
	m1, err := LoadOrCreateMetadata(ctx, cp)
	must(t, err)
	cp2, _ := storage.NewLocal(dir)
	m2, err := LoadOrCreateMetadata(ctx, cp2)
	must(t, err)
	if m1.ID == "" || m1 != m2 {
		t.Errorf("query id changed across restart: %q -> %q", m1.ID, m2.ID)
	}
	b, _ := cp.Get(ctx, "metadata")
	if string(b) != `{"id":"`+m1.ID+`"}` {
		t.Errorf("metadata file %s", b)
	}
	must(t, cp.Put(ctx, "metadata", []byte(`{"id":"nope"}`)))
	if _, err := LoadOrCreateMetadata(ctx, cp); err == nil || !strings.Contains(err.Error(), "bad query id") {
		t.Errorf("bad id accepted: %v", err)
	}
}
