package parquetfile

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/apache/arrow-go/v18/parquet/file"
)

// Region names the part of a Parquet file a byte offset falls in, for
// reporting and classifying corruption.
type Region struct {
	// Kind is "magic", "footer", "footer-length", "page-header",
	// "page-data" or "gap" (bytes no column chunk covers).
	Kind     string
	RowGroup int // -1 outside column chunks
	Column   string
	Page     int
	// PageCRC reports whether the page (page-header, page-data) carries a
	// checksum.
	PageCRC bool
}

func (r Region) String() string {
	if r.RowGroup < 0 {
		return r.Kind
	}
	crc := "no CRC"
	if r.PageCRC {
		crc = "CRC"
	}
	return fmt.Sprintf("%s of row group %d column %s page %d (%s)", r.Kind, r.RowGroup, r.Column, r.Page, crc)
}

// RegionOf locates offset off in the (intact) Parquet file b.
func RegionOf(b []byte, off int64) (Region, error) {
	none := Region{RowGroup: -1, Page: -1}
	n := int64(len(b))
	if n < 12 || !bytes.Equal(b[:4], []byte("PAR1")) || !bytes.Equal(b[n-4:], []byte("PAR1")) {
		return none, fmt.Errorf("not a Parquet file")
	}
	footerLen := int64(binary.LittleEndian.Uint32(b[n-8:]))
	switch {
	case off < 4 || off >= n-4:
		none.Kind = "magic"
		return none, nil
	case off >= n-8:
		none.Kind = "footer-length"
		return none, nil
	case off >= n-8-footerLen:
		none.Kind = "footer"
		return none, nil
	}
	pf, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		return none, err
	}
	defer pf.Close()
	chunks, err := checkMetadata(pf, n, "")
	if err != nil {
		return none, err
	}
	for start, ci := range chunks {
		if off < start || off >= start+ci.length {
			continue
		}
		buf := b[start : start+ci.length]
		rel := int(off - start)
		for pos, page := 0, 0; pos < len(buf); page++ {
			h, err := parsePageHeader(buf[pos:])
			if err != nil {
				return none, err
			}
			r := Region{RowGroup: ci.rowGroup, Column: ci.name, Page: page, PageCRC: h.hasCRC}
			end := pos + h.size + int(h.compressedSize)
			if rel < pos+h.size {
				r.Kind = "page-header"
				return r, nil
			}
			if rel < end {
				r.Kind = "page-data"
				return r, nil
			}
			pos = end
		}
	}
	none.Kind = "gap"
	return none, nil
}
