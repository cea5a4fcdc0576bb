package parquetfile

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// This file checks the pages of a column chunk before arrow-go decodes
// them: every page header must parse and its page fit in the chunk, the
// data pages' value counts must add up to the chunk's num_values, and a
// page whose header carries a CRC (parquet-mr, and so Spark, writes one
// by default) must match it. arrow-go reads a column chunk with one ReadAt
// of the whole chunk, so checkedFile sees exactly those bytes: the check
// costs a CRC pass, no extra I/O.

// errThrift is a page header that is not valid Thrift compact protocol.
var errThrift = errors.New("bad thrift encoding")

// thriftReader decodes the subset of the Thrift compact protocol a page
// header needs, with every length checked against the buffer.
type thriftReader struct {
	b   []byte
	pos int
}

func (t *thriftReader) byte() (byte, error) {
	if t.pos >= len(t.b) {
		return 0, errThrift
	}
	c := t.b[t.pos]
	t.pos++
	return c, nil
}

func (t *thriftReader) uvarint() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c, err := t.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, errThrift
}

func (t *thriftReader) zigzag() (int64, error) {
	u, err := t.uvarint()
	if err != nil {
		return 0, err
	}
	return int64(u>>1) ^ -int64(u&1), nil
}

// Compact protocol type ids.
const (
	ctStop   = 0
	ctTrue   = 1
	ctFalse  = 2
	ctByte   = 3
	ctI16    = 4
	ctI32    = 5
	ctI64    = 6
	ctDouble = 7
	ctBinary = 8
	ctList   = 9
	ctSet    = 10
	ctMap    = 11
	ctStruct = 12
)

// field reads a field header, returning its id and type (ctStop at the
// end of a struct). last is the previous field id of the struct.
func (t *thriftReader) field(last int16) (int16, byte, error) {
	c, err := t.byte()
	if err != nil {
		return 0, 0, err
	}
	typ := c & 0x0f
	if typ == ctStop {
		return 0, ctStop, nil
	}
	if d := c >> 4; d != 0 {
		return last + int16(d), typ, nil
	}
	id, err := t.zigzag()
	if err != nil {
		return 0, 0, err
	}
	return int16(id), typ, nil
}

// skip skips one value of type typ.
func (t *thriftReader) skip(typ byte, depth int) error {
	if depth > 32 {
		return errThrift
	}
	switch typ {
	case ctTrue, ctFalse:
		return nil
	case ctByte:
		_, err := t.byte()
		return err
	case ctI16, ctI32, ctI64:
		_, err := t.uvarint()
		return err
	case ctDouble:
		if len(t.b)-t.pos < 8 {
			return errThrift
		}
		t.pos += 8
		return nil
	case ctBinary:
		n, err := t.uvarint()
		if err != nil || n > uint64(len(t.b)-t.pos) {
			return errThrift
		}
		t.pos += int(n)
		return nil
	case ctList, ctSet:
		c, err := t.byte()
		if err != nil {
			return err
		}
		n := uint64(c >> 4)
		if n == 15 {
			if n, err = t.uvarint(); err != nil {
				return err
			}
		}
		if n > uint64(len(t.b)-t.pos) {
			return errThrift
		}
		et := c & 0x0f
		for i := uint64(0); i < n; i++ {
			if et == ctTrue || et == ctFalse {
				if _, err := t.byte(); err != nil {
					return err
				}
				continue
			}
			if err := t.skip(et, depth+1); err != nil {
				return err
			}
		}
		return nil
	case ctMap:
		n, err := t.uvarint()
		if err != nil || n > uint64(len(t.b)-t.pos) {
			return errThrift
		}
		if n == 0 {
			return nil
		}
		kv, err := t.byte()
		if err != nil {
			return err
		}
		for i := uint64(0); i < n; i++ {
			if err := t.skip(kv>>4, depth+1); err != nil {
				return err
			}
			if err := t.skip(kv&0x0f, depth+1); err != nil {
				return err
			}
		}
		return nil
	case ctStruct:
		var last int16
		for {
			id, ft, err := t.field(last)
			if err != nil {
				return err
			}
			if ft == ctStop {
				return nil
			}
			if err := t.skip(ft, depth+1); err != nil {
				return err
			}
			last = id
		}
	}
	return errThrift
}

// i32 reads an i32 field value, checking the wire type.
func (t *thriftReader) i32(typ byte) (int32, error) {
	if typ != ctI32 {
		return 0, errThrift
	}
	v, err := t.zigzag()
	if err != nil || v < -1<<31 || v > 1<<31-1 {
		return 0, errThrift
	}
	return int32(v), nil
}

// Page types (parquet.thrift PageType).
const (
	pageData       = 0
	pageIndex      = 1
	pageDictionary = 2
	pageDataV2     = 3
)

// pageHeader is what the page walk needs of a PageHeader.
type pageHeader struct {
	typ            int32
	compressedSize int32
	hasCRC         bool
	crc            uint32
	numValues      int32 // data pages only
	size           int   // encoded header length
}

// parsePageHeader decodes the page header at the start of b.
func parsePageHeader(b []byte) (pageHeader, error) {
	t := &thriftReader{b: b}
	h := pageHeader{typ: -1, compressedSize: -1}
	var last int16
	for {
		id, typ, err := t.field(last)
		if err != nil {
			return h, err
		}
		if typ == ctStop {
			break
		}
		switch id {
		case 1:
			if h.typ, err = t.i32(typ); err != nil {
				return h, err
			}
		case 3:
			if h.compressedSize, err = t.i32(typ); err != nil {
				return h, err
			}
		case 4:
			c, err := t.i32(typ)
			if err != nil {
				return h, err
			}
			h.hasCRC, h.crc = true, uint32(c)
		case 5, 8: // data_page_header, data_page_header_v2: num_values is field 1
			if typ != ctStruct {
				return h, errThrift
			}
			var l int16
			for {
				fid, ft, err := t.field(l)
				if err != nil {
					return h, err
				}
				if ft == ctStop {
					break
				}
				if fid == 1 {
					if h.numValues, err = t.i32(ft); err != nil {
						return h, err
					}
				} else if err := t.skip(ft, 1); err != nil {
					return h, err
				}
				l = fid
			}
		default:
			if err := t.skip(typ, 0); err != nil {
				return h, err
			}
		}
		last = id
	}
	if h.typ < 0 || h.compressedSize < 0 {
		return h, fmt.Errorf("%w: page header without type or size", errThrift)
	}
	h.size = t.pos
	return h, nil
}

// chunkInfo locates one column chunk for checkPages.
type chunkInfo struct {
	rowGroup, column int
	name             string
	length           int64 // total_compressed_size
	numValues        int64
}

// pageError is a corruption found at one page of a chunk.
type pageError struct {
	page int
	err  error
}

func (e *pageError) Error() string { return fmt.Sprintf("page %d: %v", e.page, e.err) }
func (e *pageError) Unwrap() error { return e.err }

// ErrChecksum is a page whose CRC does not match its bytes.
var ErrChecksum = errors.New("parquetfile: page checksum mismatch")

// checkPages walks the pages of one column chunk held in b.
func checkPages(b []byte, numValues int64) error {
	var values int64
	page := 0
	for pos := 0; pos < len(b); page++ {
		h, err := parsePageHeader(b[pos:])
		if err != nil {
			return &pageError{page, fmt.Errorf("unreadable page header at chunk offset %d: %w", pos, err)}
		}
		start := pos + h.size
		if int64(h.compressedSize) > int64(len(b)-start) {
			return &pageError{page, fmt.Errorf("page of %d bytes at chunk offset %d overruns the %d-byte column chunk", h.compressedSize, pos, len(b))}
		}
		data := b[start : start+int(h.compressedSize)]
		if h.hasCRC {
			if got := crc32.ChecksumIEEE(data); got != h.crc {
				return &pageError{page, fmt.Errorf("%w: header says %08x, bytes give %08x", ErrChecksum, h.crc, got)}
			}
		}
		switch h.typ {
		case pageData, pageDataV2:
			if h.numValues < 0 {
				return &pageError{page, fmt.Errorf("negative value count %d", h.numValues)}
			}
			values += int64(h.numValues)
		case pageIndex, pageDictionary:
		default:
			return &pageError{page, fmt.Errorf("unknown page type %d", h.typ)}
		}
		pos = start + int(h.compressedSize)
	}
	if values != numValues {
		return fmt.Errorf("data pages hold %d values, column chunk metadata says %d", values, numValues)
	}
	return nil
}

// checkedFile is the io.ReaderAt arrow-go reads through. Reads that are a
// whole column chunk (arrow-go fetches each chunk with one ReadAt) get
// their pages checked before arrow-go sees them. It must never panic: it
// can run on arrow-go's own goroutines, where no caller can recover.
type checkedFile struct {
	r      io.ReaderAt
	mu     sync.Mutex
	chunks map[int64]chunkInfo // by chunk start offset
	failed error               // first corruption found
}

func (c *checkedFile) ReadAt(p []byte, off int64) (n int, err error) {
	n, err = c.r.ReadAt(p, off)
	if err != nil && !(errors.Is(err, io.EOF) && n == len(p)) {
		return n, err
	}
	c.mu.Lock()
	ci, ok := c.chunks[off]
	c.mu.Unlock()
	if !ok || int64(n) < ci.length {
		return n, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = c.fail(&CorruptError{RowGroup: ci.rowGroup, Column: ci.name, Err: fmt.Errorf("page check panicked: %v", r)})
		}
	}()
	if perr := checkPages(p[:ci.length], ci.numValues); perr != nil {
		ce := &CorruptError{RowGroup: ci.rowGroup, Column: ci.name, Page: -1, Err: perr}
		var pe *pageError
		if errors.As(perr, &pe) {
			ce.Page, ce.Err = pe.page, pe.err
		}
		return 0, c.fail(ce)
	}
	return n, err
}

// fail records the first corruption, so the reader can report it with
// its location even when arrow-go wraps or drops the error.
func (c *checkedFile) fail(err *CorruptError) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failed == nil {
		c.failed = err
	}
	return err
}

func (c *checkedFile) firstFailure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failed
}
