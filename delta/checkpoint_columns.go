package delta

import (
	"encoding/json"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// fileActionColumns decodes the add or remove struct column of a
// checkpoint batch straight into action structs. A big table's checkpoint
// is millions of add rows; the generic path (Arrow value -> Go map -> JSON
// -> struct) costs microseconds a row, this one a few field reads.
//
// Strings must not alias the batch's buffers, which are recycled once the
// batch is released. Paths and stats, unique per row, are copied once per
// batch and sliced (ownedStrings); map keys and partition values repeat
// across files and are interned, so a million files of one partition
// column share their key and value strings.
type fileActionColumns struct {
	valid           arrow.Array
	path            *ownedStrings
	partitionValues *array.Map
	size            arrow.Array
	modTime         arrow.Array
	dataChange      *array.Boolean
	stats           *ownedStrings
	statsParsed     arrow.Array // stats_parsed, when writers chose the struct form
	tags            *array.Map
	dv              *dvColumns
	baseRowID       arrow.Array
	defaultRowCV    arrow.Array
	clustering      *array.String
	deletionTS      arrow.Array
	extendedMeta    *array.Boolean
	in              *interner
}

// ownedStrings reads a string column through one copy of its value bytes.
type ownedStrings struct {
	a       *array.String
	offsets []int32
	data    string // copied on first use
	copied  bool
}

func newOwnedStrings(col arrow.Array) *ownedStrings {
	a, ok := col.(*array.String)
	if !ok {
		return nil
	}
	return &ownedStrings{a: a, offsets: a.ValueOffsets()}
}

func (o *ownedStrings) at(i int) string {
	if o == nil || o.a.IsNull(i) {
		return ""
	}
	if !o.copied {
		o.data, o.copied = string(o.a.ValueBytes()), true
	}
	base := o.offsets[0]
	return o.data[o.offsets[i]-base : o.offsets[i+1]-base]
}

// interner shares repeated strings (and pointers to them) across rows.
type interner struct {
	strs map[string]*string
}

func newInterner() *interner { return &interner{strs: map[string]*string{}} }

// ptr returns a shared *string equal to s, which may alias Arrow memory.
func (in *interner) ptr(s string) *string {
	if p, ok := in.strs[s]; ok {
		return p
	}
	if len(in.strs) > 1<<20 {
		// High-cardinality values gain nothing from interning.
		c := strings.Clone(s)
		return &c
	}
	c := strings.Clone(s)
	in.strs[c] = &c
	return &c
}

type dvColumns struct {
	valid                     arrow.Array
	storageType, pathOrInline *array.String
	offset, size, cardinality arrow.Array
}

// newFileActionColumns binds the children of an add/remove struct column
// by name. It returns nil when the column's shape is not the one Delta
// writers produce (path must be a string), so the caller can fall back to
// the generic decoding.
func newFileActionColumns(col arrow.Array, in *interner) *fileActionColumns {
	st, ok := col.(*array.Struct)
	if !ok {
		return nil
	}
	c := &fileActionColumns{valid: col, in: in}
	typ := st.DataType().(*arrow.StructType)
	for i, f := range typ.Fields() {
		child := st.Field(i)
		switch f.Name {
		case "path":
			c.path = newOwnedStrings(child)
		case "partitionValues":
			c.partitionValues = stringMap(child)
		case "size":
			c.size = intColumn(child)
		case "modificationTime":
			c.modTime = intColumn(child)
		case "dataChange":
			c.dataChange, _ = child.(*array.Boolean)
		case "stats":
			c.stats = newOwnedStrings(child)
		case "stats_parsed":
			c.statsParsed = child
		case "tags":
			c.tags = stringMap(child)
		case "deletionVector":
			c.dv = newDVColumns(child)
		case "baseRowId":
			c.baseRowID = intColumn(child)
		case "defaultRowCommitVersion":
			c.defaultRowCV = intColumn(child)
		case "clusteringProvider":
			c.clustering, _ = child.(*array.String)
		case "deletionTimestamp":
			c.deletionTS = intColumn(child)
		case "extendedFileMetadata":
			c.extendedMeta, _ = child.(*array.Boolean)
		}
	}
	if c.path == nil {
		return nil
	}
	return c
}

func newDVColumns(col arrow.Array) *dvColumns {
	st, ok := col.(*array.Struct)
	if !ok {
		return nil
	}
	d := &dvColumns{valid: col}
	for i, f := range st.DataType().(*arrow.StructType).Fields() {
		child := st.Field(i)
		switch f.Name {
		case "storageType":
			d.storageType, _ = child.(*array.String)
		case "pathOrInlineDv":
			d.pathOrInline, _ = child.(*array.String)
		case "offset":
			d.offset = intColumn(child)
		case "sizeInBytes":
			d.size = intColumn(child)
		case "cardinality":
			d.cardinality = intColumn(child)
		}
	}
	if d.storageType == nil || d.pathOrInline == nil {
		return nil
	}
	return d
}

// stringMap accepts map<string,string> columns only.
func stringMap(col arrow.Array) *array.Map {
	m, ok := col.(*array.Map)
	if !ok {
		return nil
	}
	if _, ok := m.Keys().(*array.String); !ok {
		return nil
	}
	if _, ok := m.Items().(*array.String); !ok {
		return nil
	}
	return m
}

// intColumn accepts any integer column (writers differ in widths).
func intColumn(col arrow.Array) arrow.Array {
	switch col.(type) {
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64:
		return col
	}
	return nil
}

func intAt(col arrow.Array, i int) (int64, bool) {
	if col == nil || col.IsNull(i) {
		return 0, false
	}
	switch a := col.(type) {
	case *array.Int8:
		return int64(a.Value(i)), true
	case *array.Int16:
		return int64(a.Value(i)), true
	case *array.Int32:
		return int64(a.Value(i)), true
	case *array.Int64:
		return a.Value(i), true
	}
	return 0, false
}

func strAt(col *array.String, i int) string {
	if col == nil || col.IsNull(i) {
		return ""
	}
	return strings.Clone(col.Value(i))
}

// mapAt returns row i of a map<string,string>; NULL values stay nil
// pointers (a NULL partition value). A NULL map is nil. Keys and values
// are interned: the pointers are shared between files and must not be
// written through.
func mapAt(m *array.Map, i int, in *interner) map[string]*string {
	if m == nil || m.IsNull(i) {
		return nil
	}
	start, end := m.ValueOffsets(i)
	keys, items := m.Keys().(*array.String), m.Items().(*array.String)
	out := make(map[string]*string, end-start)
	for k := start; k < end; k++ {
		key := *in.ptr(keys.Value(int(k)))
		if items.IsNull(int(k)) {
			out[key] = nil
			continue
		}
		out[key] = in.ptr(items.Value(int(k)))
	}
	return out
}

func plainMapAt(m *array.Map, i int, in *interner) map[string]string {
	pm := mapAt(m, i, in)
	if pm == nil {
		return nil
	}
	out := make(map[string]string, len(pm))
	for k, v := range pm {
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

func (d *dvColumns) at(i int) *DeletionVector {
	if d == nil || d.valid.IsNull(i) || d.storageType.IsNull(i) {
		return nil
	}
	dv := &DeletionVector{StorageType: strAt(d.storageType, i), PathOrInlineDv: strAt(d.pathOrInline, i)}
	if off, ok := intAt(d.offset, i); ok {
		o := int32(off)
		dv.Offset = &o
	}
	size, _ := intAt(d.size, i)
	dv.SizeInBytes = int32(size)
	dv.Cardinality, _ = intAt(d.cardinality, i)
	return dv
}

func optInt(col arrow.Array, i int) *int64 {
	if v, ok := intAt(col, i); ok {
		return &v
	}
	return nil
}

func (c *fileActionColumns) add(i int) *AddFile {
	a := &AddFile{
		Path:                    c.path.at(i),
		PartitionValues:         mapAt(c.partitionValues, i, c.in),
		Stats:                   c.stats.at(i),
		Tags:                    plainMapAt(c.tags, i, c.in),
		DeletionVector:          c.dv.at(i),
		BaseRowID:               optInt(c.baseRowID, i),
		DefaultRowCommitVersion: optInt(c.defaultRowCV, i),
		ClusteringProvider:      strAt(c.clustering, i),
	}
	if a.Stats == "" && c.statsParsed != nil && c.statsParsed.IsValid(i) {
		// Checkpoints written with delta.checkpoint.writeStatsAsJson=false
		// carry only the struct form; re-encode it as the JSON form so data
		// skipping sees it. Values it cannot parse back only skip nothing.
		if b, err := json.Marshal(arrowValue(c.statsParsed, i)); err == nil {
			a.Stats = string(b)
		}
	}
	a.Size, _ = intAt(c.size, i)
	a.ModificationTime, _ = intAt(c.modTime, i)
	if c.dataChange != nil && c.dataChange.IsValid(i) {
		a.DataChange = c.dataChange.Value(i)
	}
	if a.PartitionValues == nil {
		a.PartitionValues = map[string]*string{}
	}
	return a
}

func (c *fileActionColumns) remove(i int) *RemoveFile {
	r := &RemoveFile{
		Path:                    c.path.at(i),
		DeletionTimestamp:       optInt(c.deletionTS, i),
		PartitionValues:         mapAt(c.partitionValues, i, c.in),
		Size:                    optInt(c.size, i),
		Stats:                   c.stats.at(i),
		Tags:                    plainMapAt(c.tags, i, c.in),
		DeletionVector:          c.dv.at(i),
		BaseRowID:               optInt(c.baseRowID, i),
		DefaultRowCommitVersion: optInt(c.defaultRowCV, i),
	}
	if c.dataChange != nil && c.dataChange.IsValid(i) {
		r.DataChange = c.dataChange.Value(i)
	}
	if c.extendedMeta != nil && c.extendedMeta.IsValid(i) {
		r.ExtendedFileMetadata = c.extendedMeta.Value(i)
	}
	return r
}
