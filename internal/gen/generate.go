package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Layout is how readings are laid out in each tracker file.
type Layout int

const (
	// MultiLineArray writes one JSON array of objects per file, like the
	// seed's files (read with multiLine=true).
	MultiLineArray Layout = iota
	// JSONLines writes one object per line.
	JSONLines
)

func (l Layout) String() string {
	if l == JSONLines {
		return "jsonlines"
	}
	return "multiline"
}

// Options configure Generate. Zero fields take the defaults noted.
type Options struct {
	Files       int // tracker files to write (default 10)
	RowsPerFile int // readings per file (default 1000)
	Patients    int // rows of patient_info.csv (default 34)
	Seed        int64
	Layout      Layout // default MultiLineArray
	// NumericValues writes device_id, mrn, time and heartrate as JSON
	// numbers. False (the default) writes them as JSON strings
	// ("device_id": "4"), like the seed, whose inferred schema is all string.
	NumericValues bool
	// StartIndex numbers the first file written, so a later call can add
	// files 10, 11, ... after a first call wrote 0..9. File i has the same
	// content whichever call writes it.
	StartIndex int
}

// DefaultTimeMicros is the first reading's time: 2019-11-27 14:00:00 UTC in
// microseconds since the epoch.
const DefaultTimeMicros int64 = 1574863200_000000

// Summary describes what Generate wrote. Paths are relative to the data dir.
type Summary struct {
	PatientFile    string   // "batch/patient_info.csv"
	TrackerFiles   []string // "streaming/tracker/00000.json", ...
	Files          int      // len(TrackerFiles)
	Patients       int
	Readings       int64 // readings written by this call
	OrphanReadings int64 // readings whose mrn matches no patient
}

// Generate writes patient_info.csv and Files tracker files under dir
// (creating directories as needed). Every file is written to a hidden
// temporary name and renamed into place, so a streaming reader listing the
// directory never sees a half-written file. The same Seed always yields the
// same bytes.
func Generate(dir string, opts Options) (Summary, error) {
	o := opts.withDefaults()
	if o.Files < 0 || o.RowsPerFile < 0 || o.Patients <= 0 || o.StartIndex < 0 {
		return Summary{}, fmt.Errorf("gen: invalid options %+v", opts)
	}
	patients, orphans := makePatients(o.Seed, o.Patients)
	sum := Summary{PatientFile: filepath.Join("batch", "patient_info.csv"), Patients: len(patients)}
	if err := writeAtomic(filepath.Join(dir, sum.PatientFile), patientCSV(patients)); err != nil {
		return Summary{}, err
	}
	for i := o.StartIndex; i < o.StartIndex+o.Files; i++ {
		rel := filepath.Join("streaming", "tracker", fmt.Sprintf("%05d.json", i))
		data, orphanRows := trackerFile(o, i, patients, orphans)
		if err := writeAtomic(filepath.Join(dir, rel), data); err != nil {
			return Summary{}, err
		}
		sum.TrackerFiles = append(sum.TrackerFiles, filepath.ToSlash(rel))
		sum.Readings += int64(o.RowsPerFile)
		sum.OrphanReadings += orphanRows
	}
	sum.Files = len(sum.TrackerFiles)
	sum.PatientFile = filepath.ToSlash(sum.PatientFile)
	return sum, nil
}

func (o Options) withDefaults() Options {
	if o.Files == 0 {
		o.Files = 10
	}
	if o.RowsPerFile == 0 {
		o.RowsPerFile = 1000
	}
	if o.Patients == 0 {
		o.Patients = 34
	}
	return o
}

type patient struct {
	mrn    int64
	name   string
	device int     // the patient's usual device
	mean   float64 // the patient's resting heart rate
}

var firstNames = []string{
	"Caitlin", "Anthony", "Tanya", "Autumn", "Ronald", "Amanda", "Melissa", "Crystal",
	"Sharon", "Rachel", "Valerie", "Joshua", "Michael", "Jennifer", "David", "Maria",
	"James", "Linda", "Robert", "Patricia", "Daniel", "Susan", "Kevin", "Karen",
	"Brian", "Nancy", "Jason", "Lisa", "Eric", "Angela", "Steven", "Laura",
	"Timothy", "Heather", "Gregory", "Megan", "Jose", "Diana", "Samuel", "Teresa",
}

var lastNames = []string{
	"Garcia", "Perez", "Diaz", "Calderon", "Smith", "Baxter", "Martinez", "Ho",
	"Brewer", "Contreras", "Reese", "Perkins", "Johnson", "Williams", "Brown", "Jones",
	"Miller", "Davis", "Rodriguez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore",
	"Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis",
	"Walker", "Hall", "Young", "King", "Wright", "Lopez", "Hill", "Nguyen",
}

// makePatients draws the patient table and a few mrns that belong to no
// patient (for orphan readings). It depends only on seed and n, so every
// call with the same seed writes the same patient_info.csv.
func makePatients(seed int64, n int) ([]patient, []int64) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9a7e47))
	used := map[int64]bool{}
	names := map[string]bool{}
	mrn := func() int64 {
		for {
			m := 10_000_000 + rng.Int64N(90_000_000)
			if !used[m] {
				used[m] = true
				return m
			}
		}
	}
	ps := make([]patient, n)
	for i := range ps {
		var name string
		for tries := 0; ; tries++ {
			name = firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
			if tries > 20 {
				name += " " + strconv.Itoa(i) // the name space is exhausted
			}
			if rng.IntN(20) == 0 {
				name = "Dr. " + name
			}
			if !names[name] {
				break
			}
		}
		names[name] = true
		ps[i] = patient{mrn: mrn(), name: name, device: 1 + rng.IntN(40), mean: 55 + 40*rng.Float64()}
	}
	orphans := make([]int64, 3)
	for i := range orphans {
		orphans[i] = mrn()
	}
	return ps, orphans
}

func patientCSV(ps []patient) []byte {
	b := []byte("mrn,name\n")
	for _, p := range ps {
		b = strconv.AppendInt(b, p.mrn, 10)
		b = append(b, ',')
		b = append(b, p.name...)
		b = append(b, '\n')
	}
	return b
}

// trackerFile renders file i. Its readings come from a random stream of
// their own (seeded by Seed and i), so file i is identical however many
// calls it took to get there. Times increase across files: file i covers
// seconds [i*RowsPerFile, (i+1)*RowsPerFile) after DefaultTimeMicros.
func trackerFile(o Options, i int, ps []patient, orphans []int64) ([]byte, int64) {
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x7ac3e5<<20|uint64(i)))
	var b []byte
	if o.Layout == MultiLineArray {
		b = append(b, "[\n"...)
	}
	var orphanRows int64
	for r := range o.RowsPerFile {
		p := ps[rng.IntN(len(ps))]
		mrn, device := p.mrn, p.device
		if rng.IntN(50) == 0 { // ~2% of readings name no known patient
			mrn = orphans[rng.IntN(len(orphans))]
			orphanRows++
		}
		if rng.IntN(10) == 0 { // a loaner device now and then
			device = 1 + rng.IntN(40)
		}
		t := DefaultTimeMicros + (int64(i)*int64(o.RowsPerFile)+int64(r))*1_000_000 + rng.Int64N(1_000_000)
		hr := math.Round((p.mean+rng.NormFloat64()*6)*100) / 100
		if o.Layout == MultiLineArray {
			b = append(b, "  "...)
		}
		b = appendReading(b, device, mrn, t, hr, !o.NumericValues)
		if o.Layout == MultiLineArray && r < o.RowsPerFile-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	if o.Layout == MultiLineArray {
		b = append(b, "]\n"...)
	}
	return b, orphanRows
}

func appendReading(b []byte, device int, mrn, t int64, hr float64, quoted bool) []byte {
	field := func(b []byte, name string, val func([]byte) []byte) []byte {
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `": `...)
		if quoted {
			b = append(b, '"')
		}
		b = val(b)
		if quoted {
			b = append(b, '"')
		}
		return b
	}
	b = append(b, '{')
	b = field(b, "device_id", func(b []byte) []byte { return strconv.AppendInt(b, int64(device), 10) })
	b = append(b, ", "...)
	b = field(b, "mrn", func(b []byte) []byte { return strconv.AppendInt(b, mrn, 10) })
	b = append(b, ", "...)
	b = field(b, "time", func(b []byte) []byte { return strconv.AppendInt(b, t, 10) })
	b = append(b, ", "...)
	b = field(b, "heartrate", func(b []byte) []byte { return strconv.AppendFloat(b, hr, 'f', -1, 64) })
	return append(b, '}')
}

// writeAtomic writes data to a hidden temporary file beside path and renames
// it into place. Hidden (".") names are skipped by Spark's and ingot's file
// sources, so the temporary never appears as an input.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644) // CreateTemp makes 0600; data files are for everyone
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("gen: write %s: %w", path, err)
	}
	return nil
}
