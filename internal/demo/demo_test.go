package demo

import (
	"context"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ingotdata/ingot/internal/gen"
)

// TestRunCountsAndGold runs the notebook in-process on a small data set and
// checks its result against the generator's independent oracle.
func TestRunCountsAndGold(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	sum, err := gen.Generate(data, gen.Options{Files: 3, RowsPerFile: 120, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Options{DataDir: data, Warehouse: filepath.Join(dir, "wh"), Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.BronzeRows != sum.Readings {
		t.Errorf("bronze rows = %d, want %d", res.BronzeRows, sum.Readings)
	}
	if want := sum.Readings - sum.OrphanReadings; res.SilverRows != want {
		t.Errorf("silver rows = %d, want %d (readings with a known patient)", res.SilverRows, want)
	}
	var names []string
	for _, st := range res.Stages {
		names = append(names, st.Name)
		if st.Duration <= 0 {
			t.Errorf("stage %s took %v, want > 0", st.Name, st.Duration)
		}
	}
	if want := []string{"session", "database", "patients", "bronze", "silver", "gold"}; !slices.Equal(names, want) {
		t.Errorf("stages = %v, want %v", names, want)
	}
	ref, err := gen.ReferenceGold(data)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int64{}
	for _, r := range res.Gold {
		got[r[0].(string)] = [2]int64{r[1].(int64), r[2].(int64)}
	}
	if len(got) != len(ref) {
		t.Fatalf("gold has %d patients, reference %d", len(got), len(ref))
	}
	for _, r := range ref {
		if g := got[r.PatientName]; g != [2]int64{r.AvgHeartrate, r.Count} {
			t.Errorf("%s: gold %v, reference (%d, %d)", r.PatientName, g, r.AvgHeartrate, r.Count)
		}
	}
}

func TestWriteTimings(t *testing.T) {
	tests := []struct {
		stages []Stage
		want   string
	}{
		{nil, "timing: total 0.000s\n"},
		{
			[]Stage{{"session", 1500 * time.Microsecond}, {"bronze", 2*time.Second + 250*time.Millisecond}},
			"timing: session 0.002s\ntiming: bronze 2.250s\ntiming: total 2.252s\n",
		},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := (&Result{Stages: tt.stages}).WriteTimings(&b); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("WriteTimings(%v) = %q, want %q", tt.stages, b.String(), tt.want)
		}
		// bench/seed-vs-spark parses these lines with this pattern.
		for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			if !regexp.MustCompile(`^timing: [a-z]+ [0-9]+\.[0-9]{3}s$`).MatchString(line) {
				t.Errorf("line %q does not match the timing pattern", line)
			}
		}
	}
}

// BenchmarkMedallion runs the whole pipeline — CSV to Delta, JSON stream to
// bronze, stream-static join to silver, streaming aggregation to gold — on
// a generated data set, reporting input rows/s and JSON MB/s per run.
func BenchmarkMedallion(b *testing.B) {
	dir := b.TempDir()
	data := filepath.Join(dir, "data")
	sum, err := gen.Generate(data, gen.Options{Files: 10, RowsPerFile: 10000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var jsonBytes int64
	filepath.WalkDir(filepath.Join(data, "streaming"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				jsonBytes += info.Size()
			}
		}
		return nil
	})
	b.SetBytes(jsonBytes)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		wh := filepath.Join(dir, "wh", strconv.Itoa(i))
		if _, err := Run(context.Background(), Options{DataDir: data, Warehouse: wh}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sum.Readings)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
