package delta

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

// Environment of a child writer process of TestStressProcesses.
const (
	envStressDir     = "INGOT_DELTA_STRESS_DIR"
	envStressWriter  = "INGOT_DELTA_STRESS_WRITER"
	envStressCommits = "INGOT_DELTA_STRESS_COMMITS"
)

const stressWriters = 8

// stressCommits is how many appends each writer makes.
func stressCommits() int {
	if testing.Short() {
		return 3
	}
	return 15
}

var stressSchema = arrow.NewSchema([]arrow.Field{
	{Name: "writer", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "seq", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "row", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
}, nil)

// stressRows is the batch writer w appends as its seq-th commit: seq+1
// rows, so lost or duplicated commits change the count.
func stressRows(w, seq int) batch.Reader {
	b := array.NewRecordBuilder(memory.DefaultAllocator, stressSchema)
	defer b.Release()
	for i := 0; i <= seq; i++ {
		b.Field(0).(*array.Int32Builder).Append(int32(w))
		b.Field(1).(*array.Int32Builder).Append(int32(seq))
		b.Field(2).(*array.Int32Builder).Append(int32(i))
	}
	return batch.FromSlice(stressSchema, b.NewRecordBatch())
}

// runStressWriter makes n appends as writer w and returns the versions.
func runStressWriter(ctx context.Context, st storage.Store, w, n int) ([]int64, error) {
	tbl, err := Open(ctx, st)
	if err != nil {
		return nil, err
	}
	var versions []int64
	for seq := range n {
		v, err := tbl.Write(ctx, stressRows(w, seq), WriteOptions{Mode: ModeAppend})
		if err != nil {
			return versions, fmt.Errorf("writer %d commit %d: %w", w, seq, err)
		}
		versions = append(versions, v)
	}
	return versions, nil
}

// createStressTable commits version 0 (one row from writer -1), so the
// writers only race appends.
func createStressTable(t *testing.T, st storage.Store) {
	tbl, _ := Open(t.Context(), st)
	if v, err := tbl.Write(t.Context(), stressRows(-1, 0), WriteOptions{}); err != nil || v != 0 {
		t.Fatalf("create: version %d, %v", v, err)
	}
}

// checkStress verifies what concurrent appends must leave behind: every
// commit landed exactly once at its own version, versions are contiguous,
// every data file in the store is referenced by the log, and the table
// holds exactly the rows written.
func checkStress(t *testing.T, st storage.Store, perWriter map[int][]int64, n int) {
	t.Helper()
	ctx := t.Context()
	seen := map[int64]string{0: "create"}
	for w, vs := range perWriter {
		if len(vs) != n {
			t.Errorf("writer %d: %d commits, want %d", w, len(vs), n)
		}
		for i, v := range vs {
			if prev, dup := seen[v]; dup {
				t.Errorf("version %d returned to writer %d commit %d and to %s", v, w, i, prev)
			}
			seen[v] = fmt.Sprintf("writer %d commit %d", w, i)
		}
	}
	total := int64(stressWriters * n)
	tbl, _ := Open(ctx, st)
	latest, err := tbl.LatestVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if latest != total {
		t.Errorf("latest version %d, want %d", latest, total)
	}
	l, err := listLog(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	for v := int64(0); v <= latest; v++ {
		if _, ok := l.commits[v]; !ok {
			t.Errorf("commit %d missing: versions not contiguous", v)
		}
		if _, ok := seen[v]; !ok {
			t.Errorf("commit %d was not returned to any writer", v)
		}
	}
	// Every commit's adds, and the rows each carries, once.
	referenced := map[string]bool{}
	for v := int64(0); v <= latest; v++ {
		actions, err := tbl.CommitActions(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range actions {
			if a.Add != nil {
				key, _ := decodePath(a.Add.Path, st.URL())
				if referenced[key] {
					t.Errorf("file %s added twice", key)
				}
				referenced[key] = true
			}
		}
	}
	infos, err := st.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, fi := range infos {
		if strings.HasSuffix(fi.Path, ".parquet") && !strings.HasPrefix(fi.Path, logDir) && !referenced[fi.Path] {
			t.Errorf("orphan data file %s (not referenced by the log)", fi.Path)
		}
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := snap.Scan(ctx, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bs, err := batch.ReadAll(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Release(bs)
	count := map[[3]int32]int{}
	for _, b := range bs {
		wc, sc, rc := b.Column(0).(*array.Int32), b.Column(1).(*array.Int32), b.Column(2).(*array.Int32)
		for i := 0; i < int(b.NumRows()); i++ {
			count[[3]int32{wc.Value(i), sc.Value(i), rc.Value(i)}]++
		}
	}
	wantRows := 1 + stressWriters*n*(n+1)/2
	if got := int(batch.NumRows(bs)); got != wantRows {
		t.Errorf("%d rows, want %d", got, wantRows)
	}
	for k, c := range count {
		if c != 1 {
			t.Errorf("row %v appears %d times", k, c)
		}
	}
}

// TestStressGoroutines: 8 goroutines append to one table on local disk
// and on an in-process S3 server.
func TestStressGoroutines(t *testing.T) {
	n := stressCommits()
	for _, tc := range []struct {
		name string
		new  func(t *testing.T) storage.Store
	}{
		{"local", func(t *testing.T) storage.Store { s, _ := storage.NewLocal(t.TempDir()); return s }},
		{"s3", func(t *testing.T) storage.Store { return fakeS3Store(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.new(t)
			createStressTable(t, st)
			var mu sync.Mutex
			perWriter := map[int][]int64{}
			var wg sync.WaitGroup
			for w := range stressWriters {
				wg.Add(1)
				go func() {
					defer wg.Done()
					vs, err := runStressWriter(t.Context(), st, w, n)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					perWriter[w] = vs
					mu.Unlock()
				}()
			}
			wg.Wait()
			checkStress(t, st, perWriter, n)
		})
	}
}

// TestStressProcesses: 8 processes (this test binary re-executed in writer
// mode) append to one table on local disk, so the only coordination is the
// file system's exclusive create.
func TestStressProcesses(t *testing.T) {
	if dir := os.Getenv(envStressDir); dir != "" {
		stressChild(t, dir)
		return
	}
	n := stressCommits()
	dir := t.TempDir()
	st, _ := storage.NewLocal(dir)
	createStressTable(t, st)
	type result struct {
		w   int
		out []byte
		err error
	}
	results := make(chan result, stressWriters)
	for w := range stressWriters {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestStressProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), envStressDir+"="+dir, envStressWriter+"="+strconv.Itoa(w), envStressCommits+"="+strconv.Itoa(n))
		go func() {
			out, err := cmd.CombinedOutput()
			results <- result{w, out, err}
		}()
	}
	perWriter := map[int][]int64{}
	for range stressWriters {
		r := <-results
		if r.err != nil {
			t.Fatalf("writer %d: %v\n%s", r.w, r.err, r.out)
		}
		sc := bufio.NewScanner(bytes.NewReader(r.out))
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "STRESS-VERSION "); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				perWriter[r.w] = append(perWriter[r.w], n)
			}
		}
	}
	checkStress(t, st, perWriter, n)
}

// stressChild is the writer mode of TestStressProcesses: it appends and
// prints each version it committed.
func stressChild(t *testing.T, dir string) {
	w, _ := strconv.Atoi(os.Getenv(envStressWriter))
	n, _ := strconv.Atoi(os.Getenv(envStressCommits))
	st, err := storage.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := runStressWriter(context.Background(), st, w, n)
	for _, v := range vs {
		fmt.Printf("STRESS-VERSION %d\n", v)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// fakeS3Store is a store on a fresh in-process S3 server.
func fakeS3Store(t testing.TB) storage.Store {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("test"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	s, err := storage.NewS3(context.Background(), storage.S3Config{
		Endpoint: srv.URL, Region: "us-east-1", Bucket: "test", Prefix: "warehouse/t",
		AccessKey: "key", SecretKey: "secret", UsePathStyle: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// listAfterCounter wraps the S3 store, keeping its ListAfter, and counts
// what listings return.
type listAfterCounter struct {
	*storage.S3
	listed, fullLists int
}

func (c *listAfterCounter) List(ctx context.Context, prefix string) ([]storage.FileInfo, error) {
	c.fullLists++
	infos, err := c.S3.List(ctx, prefix)
	c.listed += len(infos)
	return infos, err
}

func (c *listAfterCounter) ListAfter(ctx context.Context, prefix, after string) ([]storage.FileInfo, error) {
	infos, err := c.S3.ListAfter(ctx, prefix, after)
	c.listed += len(infos)
	return infos, err
}

// TestSnapshotListsFromCheckpointOnS3: on a store that can list from a
// key, loading the latest snapshot lists only from the hinted checkpoint
// on; a stale hint and time travel before it fall back to a full listing.
func TestSnapshotListsFromCheckpointOnS3(t *testing.T) {
	ctx := t.Context()
	s3 := fakeS3Store(t).(*storage.S3)
	syntheticLog(t, s3, 300, 200, 290)
	c := &listAfterCounter{S3: s3}
	tbl, _ := Open(ctx, c)
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version() != 299 || len(snap.Files()) != 300 {
		t.Fatalf("version %d, %d files", snap.Version(), len(snap.Files()))
	}
	if c.fullLists != 0 || c.listed > 20 {
		t.Fatalf("%d full listings, %d keys listed; want a listing from checkpoint 290", c.fullLists, c.listed)
	}
	if v, err := tbl.LatestVersion(ctx); err != nil || v != 299 || c.fullLists != 0 {
		t.Fatalf("latest version %d, %v, after %d full listings", v, err, c.fullLists)
	}
	// Time travel before the hint lists everything.
	if s, err := tbl.SnapshotAt(ctx, 100); err != nil || len(s.Files()) != 101 {
		t.Fatalf("version 100: %v", err)
	}
	if c.fullLists != 1 {
		t.Fatalf("%d full listings for time travel, want 1", c.fullLists)
	}
	// A hint naming a version without a checkpoint is not trusted.
	if err := s3.Put(ctx, logDir+"_last_checkpoint", []byte(`{"version":295,"size":1}`)); err != nil {
		t.Fatal(err)
	}
	if s, err := tbl.Snapshot(ctx); err != nil || s.Version() != 299 || len(s.Files()) != 300 {
		t.Fatalf("stale hint: %v", err)
	}
}
