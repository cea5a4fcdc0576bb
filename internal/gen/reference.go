package gen

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// GoldRow is one row of the seed's gold table.
type GoldRow struct {
	PatientName  string
	AvgHeartrate int64 // ceil(avg(heartrate)); 0 when AvgNull
	Count        int64 // count(device_id): readings with a non-null device id
	// AvgNull is true when no reading of the patient had a heartrate that
	// casts to double, so Spark's avg (and the gold column) is NULL.
	AvgNull bool
}

// ReferenceGold computes the seed pipeline's gold table for the data under
// dataDir, independently of ingot's engine: it exists only as a test oracle,
// so it uses encoding/csv and encoding/json and plain loops, never Arrow or
// ingot packages.
//
// It mirrors the seed: bronze reads every tracker file (hidden and "_" files
// skipped, either layout); silver joins readings to patient_info.csv on mrn
// and casts device_id to int and heartrate to double, where a value that
// fails Spark's (non-ANSI) cast becomes NULL; gold groups by patient name
// with ceil(avg(heartrate)) and count(device_id), both ignoring NULLs. The
// join compares the reading's mrn cast to the patient mrn's integer type, as
// Spark coerces string = int. Rows come sorted by AvgHeartrate descending
// (the seed's orderBy), ties by name.
func ReferenceGold(dataDir string) ([]GoldRow, error) {
	patients, err := readPatients(filepath.Join(dataDir, "batch", "patient_info.csv"))
	if err != nil {
		return nil, err
	}
	type acc struct {
		sum      float64
		n, count int64
	}
	groups := map[string]*acc{}
	trackerDir := filepath.Join(dataDir, "streaming", "tracker")
	entries, err := os.ReadDir(trackerDir)
	if err != nil {
		return nil, fmt.Errorf("gen: reference: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || !strings.HasSuffix(name, ".json") {
			continue
		}
		path := filepath.Join(trackerDir, name)
		err := eachReading(path, func(rec map[string]any) {
			mrn, ok := castToLong(rec["mrn"])
			if !ok {
				return
			}
			for _, pname := range patients[mrn] {
				g := groups[pname]
				if g == nil {
					g = &acc{}
					groups[pname] = g
				}
				if _, ok := castToInt(rec["device_id"]); ok {
					g.count++
				}
				if hr, ok := castToDouble(rec["heartrate"]); ok {
					g.sum += hr
					g.n++
				}
			}
		})
		if err != nil {
			return nil, err
		}
	}
	rows := make([]GoldRow, 0, len(groups))
	for name, g := range groups {
		row := GoldRow{PatientName: name, Count: g.count, AvgNull: g.n == 0}
		if g.n > 0 {
			row.AvgHeartrate = ceilToLong(g.sum / float64(g.n))
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b GoldRow) int {
		if a.AvgNull != b.AvgNull { // NULLs last, as desc() orders them
			if a.AvgNull {
				return 1
			}
			return -1
		}
		if a.AvgHeartrate != b.AvgHeartrate {
			if a.AvgHeartrate > b.AvgHeartrate {
				return -1
			}
			return 1
		}
		return strings.Compare(a.PatientName, b.PatientName)
	})
	return rows, nil
}

// readPatients maps mrn to the names of the patients with it (a repeated
// mrn joins to every one of them, as an inner join does). Rows whose mrn is
// not an integer join nothing.
func readPatients(path string) (map[int64][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gen: reference: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("gen: reference: %s: header: %w", path, err)
	}
	mrnCol, nameCol := slices.Index(head, "mrn"), slices.Index(head, "name")
	if mrnCol < 0 || nameCol < 0 {
		return nil, fmt.Errorf("gen: reference: %s: header %q lacks mrn or name", path, head)
	}
	out := map[int64][]string{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("gen: reference: %s: %w", path, err)
		}
		if len(rec) <= max(mrnCol, nameCol) {
			continue
		}
		mrn, ok := castToLong(rec[mrnCol])
		if !ok || rec[nameCol] == "" {
			continue // NULL mrn never joins; NULL name would group as NULL
		}
		out[mrn] = append(out[mrn], rec[nameCol])
	}
}

// eachReading calls fn for every record of a tracker file in either layout:
// a sequence of top-level values, each an object or an array of objects.
func eachReading(path string, fn func(map[string]any)) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("gen: reference: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("gen: reference: %s: %w", path, err)
		}
		switch v := v.(type) {
		case map[string]any:
			fn(v)
		case []any:
			for _, e := range v {
				if m, ok := e.(map[string]any); ok {
					fn(m)
				}
			}
		}
	}
}

// text returns a JSON scalar's text as the bronze string column holds it.
func text(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// castToLong is Spark's non-ANSI cast of a string to an integral type:
// surrounding whitespace trimmed, an optional sign, digits, and an optional
// fractional part that is dropped; anything else, or overflow, is NULL.
func castToLong(v any) (int64, bool) {
	s, ok := text(v)
	if !ok {
		return 0, false
	}
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	if whole, frac, found := strings.Cut(s, "."); found {
		for _, c := range frac {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		if whole == "" || whole == "-" || whole == "+" {
			return 0, false
		}
		s = whole
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strings.ContainsRune(s, '_') {
		return 0, false
	}
	return n, true
}

// castToInt is castToLong limited to 32 bits (device_id cast to int).
func castToInt(v any) (int32, bool) {
	if n, ok := v.(json.Number); ok {
		// A number column is long; long to int never fails outside ANSI.
		if i, err := n.Int64(); err == nil {
			return int32(i), true
		}
		f, err := n.Float64()
		return int32(f), err == nil
	}
	n, ok := castToLong(v)
	if !ok || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}

// castToDouble is Spark's cast of a string to double: trimmed, Java's
// decimal syntax (with an optional d/f suffix) or inf/infinity/nan in any
// case; anything else is NULL.
func castToDouble(v any) (float64, bool) {
	s, ok := text(v)
	if !ok {
		return 0, false
	}
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	switch strings.ToLower(s) {
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-inf", "-infinity":
		return math.Inf(-1), true
	case "nan":
		return math.NaN(), true
	}
	if s != "" && strings.ContainsRune("dDfF", rune(s[len(s)-1])) {
		s = s[:len(s)-1]
	}
	if s == "" || strings.ContainsAny(s, "_xXpPnN") || strings.ContainsAny(s[len(s)-1:], "eE") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return f, true
}

// ceilToLong is Spark's ceil(double) -> bigint: Scala's Double.toLong of
// Math.ceil, which saturates infinities and maps NaN to 0.
func ceilToLong(f float64) int64 {
	c := math.Ceil(f)
	switch {
	case math.IsNaN(c):
		return 0
	case c >= math.MaxInt64:
		return math.MaxInt64
	case c <= math.MinInt64:
		return math.MinInt64
	}
	return int64(c)
}
