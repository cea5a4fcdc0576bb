package stream

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ingotdata/ingot/storage"
)

func TestPlanFiles(t *testing.T) {
	at := func(s int) time.Time { return time.Unix(1764090000+int64(s), 0) }
	listing := []storage.FileInfo{
		{Path: "in/c.json", ModTime: at(1)},
		{Path: "in/b.json", ModTime: at(1)},
		{Path: "in/a.json", ModTime: at(3)},
		{Path: "in/d.json", ModTime: at(2)},
		{Path: "in/_SUCCESS", ModTime: at(0)},
		{Path: "in/.d.json.crc", ModTime: at(0)},
		{Path: "in/_spark_metadata/0", ModTime: at(0)},
		{Path: "in/_part=1/e.json", ModTime: at(4)},
		{Path: "in/f.json._COPYING_", ModTime: at(0)},
	}
	seen := map[string]FileEntry{"file:///w/in/b.json": {}}
	for _, tc := range []struct {
		name string
		opts FilePlanOptions
		seen map[string]FileEntry
		want string
	}{
		{"all new, oldest first, path breaks ties", FilePlanOptions{BaseURL: "file:///w"}, nil,
			"in/b.json in/c.json in/d.json in/a.json in/_part=1/e.json"},
		{"seen skipped", FilePlanOptions{BaseURL: "file:///w/"}, seen,
			"in/c.json in/d.json in/a.json in/_part=1/e.json"},
		{"maxFilesPerTrigger", FilePlanOptions{BaseURL: "file:///w", MaxFilesPerTrigger: 2}, seen,
			"in/c.json in/d.json"},
		{"latestFirst", FilePlanOptions{BaseURL: "file:///w", MaxFilesPerTrigger: 2, LatestFirst: true}, seen,
			"in/_part=1/e.json in/a.json"},
		{"nothing new", FilePlanOptions{BaseURL: "file:///w"}, map[string]FileEntry{
			"file:///w/in/a.json": {}, "file:///w/in/b.json": {}, "file:///w/in/c.json": {}, "file:///w/in/d.json": {}, "file:///w/in/_part=1/e.json": {}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PlanFiles(listing, tc.seen, tc.opts)
			var names []string
			for _, e := range got {
				names = append(names, strings.TrimPrefix(e.Path, "file:///w/"))
				if e.BatchID != -1 {
					t.Errorf("planned entry has batch id %d", e.BatchID)
				}
			}
			if s := strings.Join(names, " "); s != tc.want {
				t.Errorf("got %q, want %q", s, tc.want)
			}
		})
	}
	if got := PlanFiles(listing[:1], nil, FilePlanOptions{BaseURL: "file:///w"}); got[0].Timestamp != at(1).UnixMilli() {
		t.Errorf("timestamp %d", got[0].Timestamp)
	}
}

func TestFileSourceOffset(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  bool
	}{
		{`{"logOffset":7}`, 7, false},
		{`7`, 7, false},
		{`{"logOffset":"x"}`, 0, true},
		{`{"reservoirVersion":1}`, 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			o, err := ParseFileSourceOffset([]byte(tc.in))
			if (err != nil) != tc.err || o.LogOffset != tc.want {
				t.Errorf("got %+v, %v", o, err)
			}
		})
	}
}

func TestFileSourceLogCompaction(t *testing.T) {
	ctx := context.Background()
	cp := storage.NewMemory()
	l := NewFileSourceLog(cp, 0, 3) // compacts at log offsets 2, 5, 8, ...
	for id := int64(0); id < 7; id++ {
		must(t, l.Add(ctx, id, []FileEntry{
			{Path: fmt.Sprintf("file:///in/%d-a.json", id), Timestamp: 1000 + id},
			{Path: fmt.Sprintf("file:///in/%d-b.json", id), Timestamp: 1000 + id},
		}))
	}
	files, err := cp.List(ctx, "sources/0/")
	must(t, err)
	var names []string
	for _, f := range files {
		names = append(names, f.Path)
	}
	if got := strings.Join(names, " "); got != "sources/0/5.compact sources/0/6" {
		t.Errorf("files after compaction: %s", got)
	}
	b, _ := cp.Get(ctx, "sources/0/6")
	if want := "v1\n{\"path\":\"file:///in/6-a.json\",\"timestamp\":1006,\"batchId\":6}\n{\"path\":\"file:///in/6-b.json\",\"timestamp\":1006,\"batchId\":6}"; string(b) != want {
		t.Errorf("log file:\n%s\nwant\n%s", b, want)
	}

	all, err := l.AllFiles(ctx)
	must(t, err)
	if len(all) != 14 || all["file:///in/3-b.json"].BatchID != 3 {
		t.Errorf("AllFiles: %d entries, %+v", len(all), all["file:///in/3-b.json"])
	}
	for _, id := range []int64{0, 4, 5, 6} {
		es, err := l.Get(ctx, id)
		must(t, err)
		if len(es) != 2 || es[0].BatchID != id || es[0].Path != fmt.Sprintf("file:///in/%d-a.json", id) {
			t.Errorf("Get(%d) = %+v", id, es)
		}
	}
	latest, ok, err := l.Latest(ctx)
	must(t, err)
	if !ok || latest != 6 {
		t.Errorf("latest %d %v", latest, ok)
	}
	if err := l.Add(ctx, 6, nil); !errors.Is(err, ErrBatchExists) {
		t.Errorf("re-adding log offset 6: %v", err)
	}
	if err := l.Add(ctx, 5, nil); !errors.Is(err, ErrBatchExists) {
		t.Errorf("re-adding compacted log offset 5: %v", err)
	}
	if _, err := l.Get(ctx, 9); !errors.Is(err, ErrBatchNotFound) {
		t.Errorf("Get(9): %v", err)
	}
	must(t, cp.Delete(ctx, "sources/0/6"))
	must(t, l.Add(ctx, 7, nil))
	if _, err := l.AllFiles(ctx); err == nil || !strings.Contains(err.Error(), "log offset 6 is missing") {
		t.Errorf("AllFiles over a gap: %v", err)
	}
}

// A file source's life over restarts: plan, log, plan again; the seen set
// comes back from the log so no file is read twice.
func TestFileSourcePlanAcrossRestart(t *testing.T) {
	ctx := context.Background()
	var listing []storage.FileInfo
	for i := range 25 {
		listing = append(listing, storage.FileInfo{Path: fmt.Sprintf("f%02d.json", i), ModTime: time.Unix(int64(i), 0)})
	}
	cp := storage.NewMemory()
	var got []string
	for id := int64(0); ; id++ {
		l := NewFileSourceLog(cp, 1, 4) // a fresh value each time, as after a restart
		seen, err := l.AllFiles(ctx)
		must(t, err)
		next := PlanFiles(listing, seen, FilePlanOptions{BaseURL: "memory://", MaxFilesPerTrigger: 3})
		if len(next) == 0 {
			break
		}
		must(t, l.Add(ctx, id, next))
		for _, e := range next {
			got = append(got, e.Path)
		}
	}
	if len(got) != 25 || !sort.StringsAreSorted(got) || got[0] != "memory://f00.json" {
		t.Errorf("files planned: %v", got)
	}
}

func BenchmarkPlanFiles(b *testing.B) {
	const n = 10_000
	listing := make([]storage.FileInfo, n)
	seen := make(map[string]FileEntry, n/2)
	for i := range listing {
		listing[i] = storage.FileInfo{Path: fmt.Sprintf("dt=2026-11-%02d/part-%05d.json", i%30+1, i), ModTime: time.Unix(int64(n-i), 0)}
		if i%2 == 0 {
			seen["file:///in/"+listing[i].Path] = FileEntry{}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got := PlanFiles(listing, seen, FilePlanOptions{BaseURL: "file:///in", MaxFilesPerTrigger: 1000}); len(got) != 1000 {
			b.Fatal(len(got))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
