package gen

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A hand-made data set whose gold is worked out by hand: string and number
// values, both layouts, values that fail the silver casts, an orphan mrn,
// a patient sharing a name, and files the source must ignore.
func TestReferenceGoldHandMade(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "batch", "patient_info.csv"),
		"mrn,name\n11111111,Ann Lee\n22222222,Bob Ray\n33333333,Ann Lee\n44444444,Cy Fox\nbad,Nobody\n")
	tracker := filepath.Join(dir, "streaming", "tracker")
	// Ann (11111111): 60 + 61 -> avg 60.5 -> 61; both devices count.
	// Bob: 70.2 and "abc" (NULL heartrate, device still counted) and a
	// device "x" (NULL device, heartrate 80 still averaged):
	//   avg(70.2, 80) = 75.1 -> 76; count = 2.
	// Orphan 99999999 joins nothing. Ann's second mrn 33333333 adds 59.5:
	//   Ann avg(60, 61, 59.5) = 60.1666 -> 61, count 3.
	// Cy: only a NULL heartrate -> avg NULL, count 1.
	writeFile(t, filepath.Join(tracker, "00000.json"), `[
  {"device_id": "1", "mrn": "11111111", "time": "1", "heartrate": "60"},
  {"device_id": "2", "mrn": " 22222222 ", "time": "2", "heartrate": "70.2"},
  {"device_id": "3", "mrn": "99999999", "time": "3", "heartrate": "90"}
]`)
	writeFile(t, filepath.Join(tracker, "00001.json"),
		`{"device_id": 1, "mrn": 11111111, "time": 4, "heartrate": 61}`+"\n"+
			`{"device_id": "2", "mrn": "22222222.0", "time": "5", "heartrate": "abc"}`+"\n"+
			`{"device_id": "x", "mrn": "22222222", "time": "6", "heartrate": "80"}`+"\n"+
			`{"device_id": "7", "mrn": "33333333", "time": "7", "heartrate": " 59.5 "}`+"\n"+
			`{"device_id": "4", "mrn": "44444444", "time": "8", "heartrate": null}`+"\n"+
			`{"device_id": "5", "time": "9", "heartrate": "100"}`+"\n")
	writeFile(t, filepath.Join(tracker, ".00002.json.tmp-1"), `[{"device_id": "1", "mrn": "11111111", "heartrate": "1000"}]`)
	writeFile(t, filepath.Join(tracker, "_SUCCESS"), "")

	got, err := ReferenceGold(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []GoldRow{
		{PatientName: "Bob Ray", AvgHeartrate: 76, Count: 2},
		{PatientName: "Ann Lee", AvgHeartrate: 61, Count: 3},
		{PatientName: "Cy Fox", Count: 1, AvgNull: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("gold =\n%+v\nwant\n%+v", got, want)
	}
}

func TestSparkCasts(t *testing.T) {
	for _, tc := range []struct {
		in     string
		long   int64
		longOK bool
		dbl    float64
		dblOK  bool
	}{
		{"42", 42, true, 42, true},
		{" 42 ", 42, true, 42, true},
		{"42.9", 42, true, 42.9, true},
		{"-7", -7, true, -7, true},
		{"1e3", 0, false, 1000, true},
		{"abc", 0, false, 0, false},
		{"", 0, false, 0, false},
		{"1_000", 0, false, 0, false},
		{"12d", 0, false, 12, true},
		{"0x10", 0, false, 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			l, ok := castToLong(tc.in)
			if ok != tc.longOK || l != tc.long {
				t.Errorf("castToLong(%q) = %d, %t; want %d, %t", tc.in, l, ok, tc.long, tc.longOK)
			}
			d, ok := castToDouble(tc.in)
			if ok != tc.dblOK || d != tc.dbl {
				t.Errorf("castToDouble(%q) = %g, %t; want %g, %t", tc.in, d, ok, tc.dbl, tc.dblOK)
			}
		})
	}
}
