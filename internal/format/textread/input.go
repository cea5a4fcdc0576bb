package textread

import "bytes"

var utf8BOM = []byte("\xef\xbb\xbf")

// BOMLen is the length of the UTF-8 byte-order mark data starts with (0 or
// 3). Editors on Windows write one; it is not data.
func BOMLen(data []byte) int {
	if bytes.HasPrefix(data, utf8BOM) {
		return len(utf8BOM)
	}
	return 0
}

// LineCol turns a byte offset of data into a 1-based line and column (in
// bytes), clamping off into data. Counting newlines on demand is fine: it
// only runs when building an error.
func LineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	head := data[:off]
	return bytes.Count(head, []byte{'\n'}) + 1, off - (bytes.LastIndexByte(head, '\n') + 1) + 1
}
