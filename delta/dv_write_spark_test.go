package delta

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

// TestEncodeMatchesCorpus re-encodes every deletion vector of the corpus
// tables (written by Delta Spark and delta-kernel-rs) from its decoded row
// set and rebuilds each DV file from its vectors: both must come out byte
// for byte as the other writers wrote them.
func TestEncodeMatchesCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*", "delta", "deletion_vector_*.bin"))
	if len(files) == 0 {
		t.Skipf("no deletion vector files under %s", corpusDir)
	}
	vectors := 0
	for _, f := range files {
		name := filepath.Base(filepath.Dir(filepath.Dir(f))) + "/" + filepath.Base(f)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rebuilt := []byte{dvFileVersion}
		for p := 1; p+8 <= len(b); {
			n := int(binary.BigEndian.Uint32(b[p:]))
			data := b[p+4 : p+4+n]
			p += 8 + n
			s, err := decodeDVBitmap(data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			enc := encodeDVBitmap(s)
			if !bytes.Equal(enc, data) {
				t.Errorf("%s: %d rows encode as\n%x\nthe file has\n%x", name, s.cardinality(), enc, data)
			}
			rebuilt = binary.BigEndian.AppendUint32(rebuilt, uint32(len(enc)))
			rebuilt = append(rebuilt, enc...)
			rebuilt = binary.BigEndian.AppendUint32(rebuilt, crc32.ChecksumIEEE(enc))
			vectors++
		}
		if !bytes.Equal(rebuilt, b) {
			t.Errorf("%s: rebuilt file of %d bytes differs from the %d-byte original", name, len(rebuilt), len(b))
		}
	}
	t.Logf("%d vectors in %d files", vectors, len(files))
}
