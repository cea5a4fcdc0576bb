package delta

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/google/uuid"

	"github.com/ingotdata/ingot/storage"
)

// ErrCorruptDeletionVector: a deletion vector cannot be decoded (bad
// encoding, size, magic number or checksum). Rows are never returned from
// a file whose deletion vector is unreadable.
var ErrCorruptDeletionVector = errors.New("delta: corrupt deletion vector")

// z85Alphabet is the Z85 (ZeroMQ base-85) alphabet Delta encodes inline
// deletion vectors and DV file UUIDs with.
const z85Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"

var z85Decode = func() (t [256]int16) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(z85Alphabet); i++ {
		t[z85Alphabet[i]] = int16(i)
	}
	return t
}()

// decodeZ85 decodes Z85 text into size bytes: every 5 characters are 4
// big-endian bytes. When size is not a multiple of 4 the last group holds
// fewer real bytes. Delta's encoder pads them with zero bytes on the right
// (left-aligned, the value fits 32 bits); some writers (kernel-rs test
// tables) instead encode an n-byte tail as n+1 characters right-aligned
// behind '#' fillers, which reads past 2^32 as a whole group; then only
// those n+1 characters carry the bytes. size < 0 keeps every byte.
func decodeZ85(s string, size int) ([]byte, error) {
	if len(s)%5 != 0 {
		return nil, fmt.Errorf("z85: length %d is not a multiple of 5", len(s))
	}
	if size < 0 {
		size = len(s) / 5 * 4
	}
	if size > len(s)/5*4 {
		return nil, fmt.Errorf("z85: %d characters cannot hold %d bytes", len(s), size)
	}
	out := make([]byte, 0, len(s)/5*4)
	for i := 0; i < len(s); i += 5 {
		var v uint64
		for j := range 5 {
			d := z85Decode[s[i+j]]
			if d < 0 {
				return nil, fmt.Errorf("z85: invalid character %q at %d", s[i+j], i+j)
			}
			v = v*85 + uint64(d)
		}
		tail := size - len(out)
		if tail < 4 && v > 0xFFFFFFFF {
			var w uint64
			for j := 5 - (tail + 1); j < 5; j++ {
				w = w*85 + uint64(z85Decode[s[i+j]])
			}
			for k := tail - 1; k >= 0; k-- {
				out = append(out, byte(w>>(8*k)))
			}
			break
		}
		out = binary.BigEndian.AppendUint32(out, uint32(v))
	}
	return out[:size], nil
}

// storeKey returns the store key of an on-disk deletion vector: for
// storage type "u" <prefix>/deletion_vector_<uuid>.bin (the UUID is the
// last 20 Z85 characters), for "p" the decoded absolute path, which must
// lie inside the table. Inline vectors have no path.
func (d *DeletionVector) storeKey(root string) (string, error) {
	switch d.StorageType {
	case "u":
		p := d.PathOrInlineDv
		if len(p) < 20 {
			return "", fmt.Errorf("%w: storage type u: %q is shorter than a Z85 UUID", ErrCorruptDeletionVector, p)
		}
		prefix, enc := p[:len(p)-20], p[len(p)-20:]
		raw, err := decodeZ85(enc, 16)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrCorruptDeletionVector, err)
		}
		id, err := uuid.FromBytes(raw)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrCorruptDeletionVector, err)
		}
		name := "deletion_vector_" + id.String() + ".bin"
		if prefix != "" {
			return prefix + "/" + name, nil
		}
		return name, nil
	case "p":
		return decodePath(d.PathOrInlineDv, root)
	}
	return "", fmt.Errorf("%w: storage type %q has no file", ErrCorruptDeletionVector, d.StorageType)
}

// load reads and decodes the deletion vector into the set of deleted row
// indexes. A nil descriptor is the empty set.
func (d *DeletionVector) load(ctx context.Context, store storage.Store) (*rowSet, error) {
	if d == nil {
		return nil, nil
	}
	var data []byte
	switch d.StorageType {
	case "i":
		if d.SizeInBytes < 0 {
			return nil, fmt.Errorf("%w: inline: sizeInBytes %d", ErrCorruptDeletionVector, d.SizeInBytes)
		}
		raw, err := decodeZ85(d.PathOrInlineDv, int(d.SizeInBytes))
		if err != nil {
			return nil, fmt.Errorf("%w: inline: %v", ErrCorruptDeletionVector, err)
		}
		data = raw
	case "u", "p":
		key, err := d.storeKey(store.URL())
		if err != nil {
			return nil, err
		}
		data, err = readDVFile(ctx, store, key, d)
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: unknown storage type %q", ErrCorruptDeletionVector, d.StorageType)
	}
	set, err := decodeDVBitmap(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorruptDeletionVector, d.UniqueID(), err)
	}
	if set.cardinality() != d.Cardinality {
		return nil, fmt.Errorf("%w: %s: decoded %d rows, descriptor says %d", ErrCorruptDeletionVector, d.UniqueID(), set.cardinality(), d.Cardinality)
	}
	return set, nil
}

// readDVFile reads one vector from a DV file. The file is a version byte
// (1) followed by vectors, each framed as a big-endian 4-byte size, the
// bitmap bytes and a big-endian CRC-32 of them; the descriptor's offset
// points at the size field. Only the vector's own bytes are fetched.
func readDVFile(ctx context.Context, store storage.Store, key string, d *DeletionVector) ([]byte, error) {
	f, err := store.Open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("delta: deletion vector %s: %w", key, err)
	}
	defer f.Close()
	off := int64(1)
	if d.Offset != nil {
		off = int64(*d.Offset)
	}
	if off == 1 || d.Offset == nil {
		var ver [1]byte
		if _, err := f.ReadAt(ver[:], 0); err != nil {
			return nil, fmt.Errorf("delta: deletion vector %s: %w", key, err)
		}
		if ver[0] != 1 {
			return nil, fmt.Errorf("%w: %s: format version %d", ErrCorruptDeletionVector, key, ver[0])
		}
	}
	if d.SizeInBytes < 0 || off < 1 || off+8+int64(d.SizeInBytes) > f.Size() {
		return nil, fmt.Errorf("%w: %s: offset %d size %d outside the %d-byte file", ErrCorruptDeletionVector, key, off, d.SizeInBytes, f.Size())
	}
	buf := make([]byte, 8+int(d.SizeInBytes))
	if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("delta: deletion vector %s: %w", key, err)
	}
	size := binary.BigEndian.Uint32(buf)
	if size != uint32(d.SizeInBytes) {
		return nil, fmt.Errorf("%w: %s@%d: stored size %d, descriptor says %d", ErrCorruptDeletionVector, key, off, size, d.SizeInBytes)
	}
	data := buf[4 : 4+size]
	if sum, want := crc32.ChecksumIEEE(data), binary.BigEndian.Uint32(buf[4+size:]); sum != want {
		return nil, fmt.Errorf("%w: %s@%d: checksum %08x, stored %08x", ErrCorruptDeletionVector, key, off, sum, want)
	}
	return data, nil
}
