package storage

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// ErrOutsideRoot: a key would resolve outside the store's root (it climbs
// above it with ".." segments). Stores refuse such keys rather than read,
// write or delete files that are not theirs.
var ErrOutsideRoot = errors.New("storage: key escapes the store root")

// ErrInvalidLocation: a location is empty, has an unknown scheme, or is a
// malformed URL of a known one.
var ErrInvalidLocation = errors.New("storage: invalid location")

// checkKey refuses a key whose cleaned form climbs above the store root. A
// leading "/" is not an escape: keys are relative to the root, so "/a" is "a".
func checkKey(p string) error {
	c := path.Clean(strings.TrimLeft(p, "/"))
	if c == ".." || strings.HasPrefix(c, "../") {
		return fmt.Errorf("storage: key %q: %w", p, ErrOutsideRoot)
	}
	return nil
}

// location is a parsed canonical location: scheme, authority (the S3 bucket;
// empty for file and memory) and a clean absolute '/'-separated path.
type location struct {
	scheme, authority, path string
}

func (l location) String() string {
	switch l.scheme {
	case "memory":
		return "memory://" + strings.TrimPrefix(l.path, "/")
	case "s3":
		if l.path == "/" {
			return "s3://" + l.authority
		}
		return "s3://" + l.authority + l.path
	}
	return "file://" + l.path
}

// CanonicalLocation returns the one spelling of a location that ingot stores
// and compares:
//
//   - a plain path, absolute or relative (resolved against the working
//     directory), and file:/p, file:///p or file://localhost/p all become
//     file:///clean/absolute/path. As Hadoop's Path does, the text after the
//     scheme is taken literally (no percent-decoding), which is also how
//     Local.URL spells its root;
//   - memory://name stays memory://name, with its path cleaned;
//   - s3://bucket/p and s3a://bucket/p become s3://bucket/clean/p.
//
// Paths are cleaned (".", ".." and repeated or trailing "/" removed), so two
// spellings of one directory compare equal. Any other scheme is an error
// (ErrInvalidLocation), never a local directory named after it.
func CanonicalLocation(loc string) (string, error) {
	l, err := parseLocation(loc)
	if err != nil {
		return "", err
	}
	return l.String(), nil
}

func parseLocation(loc string) (location, error) {
	bad := func(why string) (location, error) {
		return location{}, fmt.Errorf("storage: location %q: %s: %w", loc, why, ErrInvalidLocation)
	}
	if loc == "" {
		return bad("empty")
	}
	scheme, rest, ok := cutScheme(loc)
	if !ok {
		abs, err := filepath.Abs(loc)
		if err != nil {
			return bad(err.Error())
		}
		return location{scheme: "file", path: cleanAbs(filepath.ToSlash(abs))}, nil
	}
	switch scheme {
	case "file":
		p := rest
		if r, ok := strings.CutPrefix(rest, "//"); ok {
			host, tail, _ := strings.Cut(r, "/")
			if host != "" && host != "localhost" {
				return bad(fmt.Sprintf("file URL with host %q", host))
			}
			p = "/" + tail
		}
		if !strings.HasPrefix(p, "/") {
			return bad("a file URL needs an absolute path")
		}
		return location{scheme: "file", path: cleanAbs(p)}, nil
	case "memory":
		r, ok := strings.CutPrefix(rest, "//")
		if !ok {
			return bad("want memory://name")
		}
		return location{scheme: "memory", path: cleanAbs("/" + r)}, nil
	case "s3", "s3a":
		r, ok := strings.CutPrefix(rest, "//")
		if !ok {
			return bad("want s3://bucket/prefix")
		}
		bucket, p, _ := strings.Cut(r, "/")
		if bucket == "" {
			return bad("no bucket")
		}
		return location{scheme: "s3", authority: bucket, path: cleanAbs("/" + p)}, nil
	}
	return bad(fmt.Sprintf("unsupported scheme %q (want a path, file://, memory:// or s3://)", scheme))
}

// cutScheme splits "scheme:rest". A scheme is a letter followed by at least
// one letter, digit, '+', '-' or '.', so a Windows drive ("C:\x") and a
// relative file name containing ':' after a '/' are paths, not URLs.
func cutScheme(loc string) (scheme, rest string, ok bool) {
	i := strings.IndexByte(loc, ':')
	if i < 2 {
		return "", "", false
	}
	for j := 0; j < i; j++ {
		c := loc[j]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !(letter || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", "", false
		}
	}
	return strings.ToLower(loc[:i]), loc[i+1:], true
}

func cleanAbs(p string) string { return path.Clean("/" + p) }

// WithinLocation reports whether child is parent or lies inside it, and
// returns child's key relative to parent ("" when equal). Both are
// canonicalised first; a location that does not parse lies within nothing.
func WithinLocation(parent, child string) (rel string, ok bool) {
	p, err := parseLocation(parent)
	if err != nil {
		return "", false
	}
	c, err := parseLocation(child)
	if err != nil {
		return "", false
	}
	if p.scheme != c.scheme || p.authority != c.authority {
		return "", false
	}
	switch {
	case c.path == p.path:
		return "", true
	case p.path == "/":
		return strings.TrimPrefix(c.path, "/"), true
	}
	if rest, ok := strings.CutPrefix(c.path, p.path+"/"); ok {
		return rest, true
	}
	return "", false
}

// JoinLocation appends a '/'-separated relative path to a location and
// returns the canonical result; the result may not climb above loc.
func JoinLocation(loc, rel string) (string, error) {
	l, err := parseLocation(loc)
	if err != nil {
		return "", err
	}
	if err := checkKey(rel); err != nil {
		return "", err
	}
	l.path = path.Join(l.path, rel)
	return l.String(), nil
}
