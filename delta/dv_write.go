package delta

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/ingotdata/ingot/internal/format/parquetfile"
)

// ErrRowOutOfRange: a deletion vector would name a row index the data file
// does not have.
var ErrRowOutOfRange = errors.New("delta: row index out of range")

// DeletionVectorsEnabled reports whether a table's configuration asks
// writers to delete rows with deletion vectors (delta.enableDeletionVectors).
// The protocol allows writing new vectors only then.
func DeletionVectorsEnabled(md Metadata) bool {
	return strings.EqualFold(md.Configuration["delta.enableDeletionVectors"], "true")
}

// DVUpdate is what UpdateDeletionVector staged for one data file.
type DVUpdate struct {
	// Deleted is the number of rows newly deleted: rows passed that the
	// file's vector (and earlier calls in the transaction) did not hold.
	Deleted int64
	// Remaining is how many rows the file still returns.
	Remaining int64
	// RemovesFile: no row remains, so the commit removes the file outright
	// instead of giving it a vector.
	RemovesFile bool
}

// dvStaging holds the deletion vectors a transaction writes at commit,
// keyed by data file path in the order first staged.
type dvStaging struct {
	order []string
	files map[string]*stagedDV
	live  map[string]int // path -> index in the snapshot's files
}

type stagedDV struct {
	file       AddFile // the live file as the snapshot has it
	rows       *rowSet // its old vector's rows plus the new ones
	oldCard    int64
	numRecords int64
}

// UpdateDeletionVector stages the deletion of rows (0-based indexes into
// the physical data file, regardless of rows an existing vector already
// deletes) from file, a live file of the transaction's snapshot. At
// Commit the file's old vector (if any) and the new rows are merged into
// one vector, all vectors of the commit are written to one
// deletion_vector_<uuid>.bin at the table root, and the commit carries a
// remove of the file with its old vector and an add of the same path with
// the new one (both dataChange=true; the add keeps numRecords and marks
// its stats tightBounds:false, as Delta writers do). A file left with no
// row is removed outright. The table (as the transaction will commit it)
// must have delta.enableDeletionVectors=true and so the deletionVectors
// feature; the file counts as read for conflict detection.
func (tx *Transaction) UpdateDeletionVector(ctx context.Context, f AddFile, rows []uint64) (DVUpdate, error) {
	if tx.done {
		return DVUpdate{}, errors.New("delta: update deletion vector: transaction already finished")
	}
	p := tx.snap.protocol
	if rp := tx.requiredProtocol(); rp != nil {
		p = *rp
	}
	if !DeletionVectorsEnabled(tx.Metadata()) {
		return DVUpdate{}, fmt.Errorf("delta: deletion vector for %s: delta.enableDeletionVectors is not true, and the protocol lets writers create vectors only when it is: %w", f.Path, ErrUnsupportedFeature)
	}
	if !protocolSupports(p, "deletionVectors") {
		return DVUpdate{}, fmt.Errorf("delta: deletion vector for %s: the table's protocol (%d, %d) does not support deletionVectors (set delta.enableDeletionVectors=true): %w",
			f.Path, p.MinReaderVersion, p.MinWriterVersion, ErrUnsupportedFeature)
	}
	if tx.dvs == nil {
		tx.dvs = &dvStaging{files: map[string]*stagedDV{}, live: make(map[string]int, len(tx.snap.files))}
		for i := range tx.snap.files {
			tx.dvs.live[tx.snap.files[i].Path] = i
		}
	}
	st := tx.dvs.files[f.Path]
	if st == nil {
		i, ok := tx.dvs.live[f.Path]
		if !ok || tx.snap.files[i].DeletionVector.UniqueID() != f.DeletionVector.UniqueID() {
			return DVUpdate{}, fmt.Errorf("delta: deletion vector for %s: not a live file (with this deletion vector) of version %d: %w", f.Path, tx.snap.version, ErrConcurrentModification)
		}
		live := tx.snap.files[i]
		n, err := tx.t.physicalRows(ctx, live)
		if err != nil {
			return DVUpdate{}, err
		}
		old, err := live.DeletionVector.load(ctx, tx.t.store)
		if err != nil {
			return DVUpdate{}, fmt.Errorf("delta: deletion vector for %s: %w", f.Path, err)
		}
		st = &stagedDV{file: live, rows: old.clone(), oldCard: old.cardinality(), numRecords: n}
		tx.dvs.files[f.Path] = st
		tx.dvs.order = append(tx.dvs.order, f.Path)
		tx.read[f.Path] = true
	}
	for _, r := range rows {
		// rowSet holds rows below maxDVRow only; no real file gets near.
		if r >= uint64(st.numRecords) || r >= maxDVRow {
			return DVUpdate{}, fmt.Errorf("delta: deletion vector for %s: row %d of a %d-row file: %w", f.Path, r, st.numRecords, ErrRowOutOfRange)
		}
	}
	before := st.rows.card
	for _, r := range rows {
		st.rows.add(r)
	}
	return DVUpdate{Deleted: st.rows.card - before, Remaining: st.numRecords - st.rows.card, RemovesFile: st.rows.card == st.numRecords}, nil
}

// DeletedRows returns the row indexes (ascending) the file's deletion
// vector deletes; nil when it has none.
func (t *Table) DeletedRows(ctx context.Context, f AddFile) ([]uint64, error) {
	s, err := f.DeletionVector.load(ctx, t.store)
	if err != nil {
		return nil, fmt.Errorf("delta: deletion vector of %s: %w", f.Path, err)
	}
	if s == nil {
		return nil, nil
	}
	out := make([]uint64, 0, s.card)
	s.each(func(r uint64) { out = append(out, r) })
	return out, nil
}

// physicalRows is the number of rows in the data file: numRecords of its
// stats, which the protocol requires of every file with a vector, else
// (a file some writer added without stats) the Parquet footer's count.
func (t *Table) physicalRows(ctx context.Context, f AddFile) (int64, error) {
	if st := parseFileStats(f.Stats); st.NumRecords != nil {
		return *st.NumRecords, nil
	}
	key, err := decodePath(f.Path, t.store.URL())
	if err != nil {
		return 0, err
	}
	rf, err := t.store.Open(ctx, key)
	if err != nil {
		return 0, fmt.Errorf("delta: row count of %s: %w", f.Path, err)
	}
	defer rf.Close()
	n, err := parquetfile.RowCount(rf, f.Path)
	if err != nil {
		return 0, fmt.Errorf("delta: row count of %s: %w", f.Path, err)
	}
	return n, nil
}

// dvFileVersion is the first byte of a deletion vector file.
const dvFileVersion = 1

// writeDeletionVectors writes the staged vectors as one DV file and stages
// the remove/add pairs (or plain removes) that point at it. Commit calls
// it once, before building the commit: the file must exist before any
// reader can see a log entry naming it. A failed commit deletes it with
// the transaction's other files.
func (tx *Transaction) writeDeletionVectors(ctx context.Context) error {
	if tx.dvs == nil {
		return nil
	}
	staged := tx.dvs
	tx.dvs = nil
	id := uuid.New()
	name := "deletion_vector_" + id.String() + ".bin"
	enc := z85Encode(id[:])
	buf := []byte{dvFileVersion}
	var removes, adds []AddFile
	for _, path := range staged.order {
		st := staged.files[path]
		switch {
		case st.rows.card == st.oldCard:
			continue // nothing new: the file keeps its vector
		case st.rows.card >= st.numRecords:
			removes = append(removes, st.file)
			continue
		}
		data := encodeDVBitmap(st.rows)
		if int64(len(buf))+int64(len(data))+8 > math.MaxInt32 {
			return fmt.Errorf("delta: deletion vector file %s would pass 2 GiB (offsets are 32-bit): %w", name, ErrUnsupportedFeature)
		}
		off := int32(len(buf))
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(data)))
		buf = append(buf, data...)
		buf = binary.BigEndian.AppendUint32(buf, crc32.ChecksumIEEE(data))
		stats, err := looseBoundsStats(st.file.Stats, st.numRecords)
		if err != nil {
			return fmt.Errorf("delta: deletion vector for %s: stats: %w", path, err)
		}
		add := st.file
		add.DataChange = true
		add.Stats = stats
		add.DeletionVector = &DeletionVector{StorageType: "u", PathOrInlineDv: enc, Offset: &off, SizeInBytes: int32(len(data)), Cardinality: st.rows.card}
		removes = append(removes, st.file)
		adds = append(adds, add)
	}
	if len(adds) > 0 {
		if err := tx.t.store.Put(ctx, name, buf); err != nil {
			return fmt.Errorf("delta: write deletion vector file %s: %w", name, err)
		}
		tx.written = append(tx.written, AddFile{Path: name})
	}
	tx.Remove(removes...)
	tx.Add(adds...)
	return nil
}

// looseBoundsStats is a file's stats JSON for an add with a deletion
// vector: the same values, keys in the same order, with numRecords (the
// physical count, added when missing) and "tightBounds":false, since the
// min/max values may now come from deleted rows.
func looseBoundsStats(stats string, numRecords int64) (string, error) {
	type member struct {
		key string
		val json.RawMessage
	}
	var members []member
	if strings.TrimSpace(stats) != "" {
		dec := json.NewDecoder(strings.NewReader(stats))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return "", fmt.Errorf("not a JSON object: %q", stats)
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return "", err
			}
			k, _ := tok.(string)
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return "", err
			}
			members = append(members, member{k, v})
		}
	}
	set := func(k string, v json.RawMessage, first bool) {
		for i := range members {
			if members[i].key == k {
				members[i].val = v
				return
			}
		}
		if first {
			members = slices.Insert(members, 0, member{k, v})
		} else {
			members = append(members, member{k, v})
		}
	}
	set("numRecords", json.RawMessage(fmt.Sprint(numRecords)), true)
	set("tightBounds", json.RawMessage("false"), false)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.val)
	}
	b.WriteByte('}')
	return b.String(), nil
}

// z85Encode encodes b (a multiple of 4 bytes, as a UUID is) in Z85: every
// 4 big-endian bytes become 5 characters of z85Alphabet.
func z85Encode(b []byte) string {
	out := make([]byte, 0, len(b)/4*5)
	for i := 0; i+4 <= len(b); i += 4 {
		v := binary.BigEndian.Uint32(b[i:])
		var g [5]byte
		for j := 4; j >= 0; j-- {
			g[j] = z85Alphabet[v%85]
			v /= 85
		}
		out = append(out, g[:]...)
	}
	return string(out)
}
