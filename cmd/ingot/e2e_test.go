package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ingotdata/ingot/internal/gen"
)

// These tests run the real binary, as a user would: they build it once,
// generate data with `ingot gen`, run `ingot demo`, and read the tables back
// with `ingot sql`. The expected gold table comes from gen.ReferenceGold,
// which recomputes it from the raw files with encoding/json and encoding/csv
// only — no ingot engine code.

var ingotBin, crashBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ingot-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ingotBin = filepath.Join(dir, "ingot")
	crashBin = filepath.Join(dir, "ingot-crashpoints")
	for _, b := range []struct{ out, tags string }{{ingotBin, ""}, {crashBin, "crashpoints"}} {
		build := exec.Command("go", "build", "-tags", b.tags, "-o", b.out, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build ingot (tags %q): %v\n%s", b.tags, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(ingotBin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("ingot %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// sqlCSV runs one query through `ingot sql --format csv` and returns the
// data rows (header dropped).
func sqlCSV(t *testing.T, warehouse, query string) [][]string {
	t.Helper()
	out := run(t, "sql", "--warehouse", warehouse, "--format", "csv", query)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("parse csv output of %q: %v\n%s", query, err, out)
	}
	if len(recs) == 0 {
		t.Fatalf("no header in output of %q", query)
	}
	return recs[1:]
}

func scalar(t *testing.T, warehouse, query string) int64 {
	t.Helper()
	rows := sqlCSV(t, warehouse, query)
	if len(rows) != 1 || len(rows[0]) != 1 {
		t.Fatalf("%q: want one value, got %v", query, rows)
	}
	n, err := strconv.ParseInt(rows[0][0], 10, 64)
	if err != nil {
		t.Fatalf("%q: %v", query, err)
	}
	return n
}

// checkTables asserts the pipeline's invariants over everything in dataDir:
// bronze holds every input reading exactly once and gold equals the
// independent recomputation.
func checkTables(t *testing.T, dataDir, warehouse string, wantReadings int64) {
	t.Helper()
	bronze := scalar(t, warehouse, "SELECT count(*) FROM healthcare_dlh.fact_heartbeat_bronze")
	if bronze != wantReadings {
		t.Errorf("bronze has %d rows, want %d (every reading exactly once)", bronze, wantReadings)
	}
	distinct := scalar(t, warehouse, "SELECT count(*) FROM (SELECT DISTINCT device_id, mrn, time, heartrate FROM healthcare_dlh.fact_heartbeat_bronze) d")
	if distinct != bronze {
		t.Errorf("bronze has %d rows but %d distinct readings: duplicates", bronze, distinct)
	}
	ref, err := gen.ReferenceGold(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range ref {
		avg := strconv.FormatInt(r.AvgHeartrate, 10)
		if r.AvgNull {
			avg = ""
		}
		want = append(want, fmt.Sprintf("%s|%s|%d", r.PatientName, avg, r.Count))
	}
	var got []string
	for _, r := range sqlCSV(t, warehouse, "SELECT patient_name, avg_heartrate, count FROM healthcare_dlh.fact_heartbeat_by_patient_gold") {
		got = append(got, strings.Join(r, "|"))
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("gold table differs from the independent computation:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDemoMatchesIndependentComputation(t *testing.T) {
	for _, tc := range []struct {
		name string
		gen  []string
	}{
		{"multi-line arrays of strings", nil},
		{"json lines of numbers", []string{"--json-lines", "--numbers"}},
		{"json lines of strings", []string{"--json-lines"}},
		{"multi-line arrays of numbers", []string{"--numbers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			data, wh := filepath.Join(dir, "data"), filepath.Join(dir, "wh")
			run(t, append([]string{"gen", "--out", data, "--files", "3", "--rows", "200", "--seed", "7"}, tc.gen...)...)
			out := run(t, "demo", "--data", data, "--warehouse", wh)
			for _, want := range []string{"4.4. Display the Gold table", "patient_name", "avg_heartrate", "Query Name: heartbeat_tracker_bronze"} {
				if !strings.Contains(out, want) {
					t.Fatalf("demo output lacks %q:\n%s", want, out)
				}
			}
			checkTables(t, data, wh, 600)
		})
	}
}

func TestResumeProcessesOnlyNewFiles(t *testing.T) {
	dir := t.TempDir()
	data, wh := filepath.Join(dir, "data"), filepath.Join(dir, "wh")
	run(t, "gen", "--out", data, "--files", "3", "--rows", "100", "--seed", "3")
	run(t, "demo", "--data", data, "--warehouse", wh)
	checkTables(t, data, wh, 300)
	bronzeVersion := scalar(t, wh, "SELECT count(*) FROM healthcare_dlh.fact_heartbeat_bronze")

	// Two more files arrive (same seed: the patients file is unchanged and
	// files 3 and 4 continue the set); the resumed run adds exactly their rows.
	run(t, "gen", "--out", data, "--files", "2", "--rows", "100", "--seed", "3", "--start", "3")
	run(t, "demo", "--data", data, "--warehouse", wh, "--resume")
	if got := scalar(t, wh, "SELECT count(*) FROM healthcare_dlh.fact_heartbeat_bronze"); got != bronzeVersion+200 {
		t.Fatalf("bronze grew from %d to %d, want +200 (the new files' rows)", bronzeVersion, got)
	}
	checkTables(t, data, wh, 500)

	// Nothing new: a resumed run changes nothing.
	run(t, "demo", "--data", data, "--warehouse", wh, "--resume")
	checkTables(t, data, wh, 500)
}

// TestKillAndRestart SIGKILLs the demo at several moments of its run and
// restarts it with --resume until one run completes; afterwards every
// reading is in bronze exactly once and gold is right. Kill times sweep the
// run so that kills land in different phases (bronze, silver, gold batches;
// before and after Delta commits and checkpoint writes).
func TestKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("kill/restart soak skipped in -short mode")
	}
	dir := t.TempDir()
	data, wh := filepath.Join(dir, "data"), filepath.Join(dir, "wh")
	const files, rows = 8, 150
	run(t, "gen", "--out", data, "--files", strconv.Itoa(files), "--rows", strconv.Itoa(rows), "--seed", "11")

	// Measure one full run to spread the kill points over it.
	start := time.Now()
	run(t, "demo", "--data", data, "--warehouse", filepath.Join(dir, "probe-wh"))
	full := time.Since(start)
	t.Logf("a full demo run takes %v", full)

	kills := 0
	args := []string{"demo", "--data", data, "--warehouse", wh}
	for i, frac := range []float64{0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95} {
		delay := time.Duration(float64(full) * frac)
		cmd := exec.Command(ingotBin, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d failed before the kill: %v\n%s", i, err, out.String())
			}
		case <-time.After(delay):
			if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
				kills++
			}
			<-done
		}
		if i == 0 {
			args = append(args, "--resume")
		}
	}
	if kills == 0 {
		t.Fatal("no run was killed: the sweep did not exercise restarts")
	}
	t.Logf("killed %d runs", kills)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	final := exec.CommandContext(ctx, ingotBin, args...)
	if out, err := final.CombinedOutput(); err != nil {
		t.Fatalf("final resumed run: %v\n%s", err, out)
	}
	checkTables(t, data, wh, files*rows)
}

// TestCrashPoints kills the demo with SIGKILL at chosen points of chosen
// batches — after the offsets are logged, after the sink committed to
// Delta, after the commit is logged — of each of the three queries, in a
// sequence of runs that each resume the previous one, with more files
// arriving half-way. Every run must die at its point (a point not reached
// fails the test), and the final run must leave bronze with every reading
// exactly once and gold equal to the independent computation. The binary
// is built with -tags crashpoints; see internal/stream/crashpoint_on.go.
func TestCrashPoints(t *testing.T) {
	dir := t.TempDir()
	data, wh := filepath.Join(dir, "data"), filepath.Join(dir, "wh")
	const bronze, silver, gold = "heartbeat_tracker_bronze", "heartbeat_tracker_silver", "fact_heartbeat_by_patient_gold"
	run(t, "gen", "--out", data, "--files", "6", "--rows", "100", "--seed", "13")
	steps := []struct {
		crash    string // query:point:batch, or "" for a run that must finish
		resume   bool
		addFiles bool // generate 2 more files before this run
	}{
		{crash: bronze + ":sink:1"},
		{crash: bronze + ":offsets:2", resume: true},
		{crash: bronze + ":commit:3", resume: true},
		{crash: silver + ":offsets:0", resume: true},
		{crash: silver + ":sink:0", resume: true},
		{crash: gold + ":sink:0", resume: true},
		{crash: gold + ":commit:0", resume: true},
		{crash: silver + ":sink:1", resume: true, addFiles: true},
		{crash: gold + ":offsets:1", resume: true},
		{crash: gold + ":sink:1", resume: true},
		{resume: true},
	}
	for i, st := range steps {
		if st.addFiles {
			run(t, "gen", "--out", data, "--files", "2", "--rows", "100", "--seed", "13", "--start", "6")
		}
		args := []string{"demo", "--data", data, "--warehouse", wh}
		if st.resume {
			args = append(args, "--resume")
		}
		cmd := exec.Command(crashBin, args...)
		cmd.Env = append(os.Environ(), "INGOT_CRASHPOINT="+st.crash)
		out, err := cmd.CombinedOutput()
		if st.crash == "" {
			if err != nil {
				t.Fatalf("step %d: final run failed: %v\n%s", i, err, out)
			}
			continue
		}
		ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("step %d: want the run killed at %s, got err=%v\n%s", i, st.crash, err, out)
		}
	}
	checkTables(t, data, wh, 800)
}

func TestDemoTimings(t *testing.T) {
	dir := t.TempDir()
	data, wh := filepath.Join(dir, "data"), filepath.Join(dir, "wh")
	run(t, "gen", "--out", data, "--files", "2", "--rows", "50")
	line := regexp.MustCompile(`(?m)^timing: ([a-z]+) ([0-9]+\.[0-9]{3})s$`)
	if m := line.FindAllStringSubmatch(run(t, "demo", "--data", data, "--warehouse", wh), -1); m != nil {
		t.Errorf("demo without --timings printed timings: %v", m)
	}
	var names []string
	var sum, total float64
	for _, m := range line.FindAllStringSubmatch(run(t, "demo", "--data", data, "--warehouse", wh, "--timings"), -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		if names = append(names, m[1]); m[1] == "total" {
			total = v
		} else {
			sum += v
		}
	}
	if want := []string{"session", "database", "patients", "bronze", "silver", "gold", "total"}; !slices.Equal(names, want) {
		t.Fatalf("timing lines name %v, want %v", names, want)
	}
	// Each line is rounded to the millisecond.
	if math.Abs(sum-total) > 0.004 {
		t.Errorf("stages sum to %.3fs, total says %.3fs", sum, total)
	}
}
