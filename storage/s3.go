package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config locates an S3 (or S3-compatible) bucket prefix.
type S3Config struct {
	// Endpoint is host[:port], optionally with an http:// or https://
	// scheme (default https); empty means AWS (s3.amazonaws.com).
	Endpoint string
	Region   string
	Bucket   string
	// Prefix roots the store inside the bucket ("warehouse/t1"); keys are
	// relative to it.
	Prefix               string
	AccessKey, SecretKey string
	// UsePathStyle addresses the bucket as endpoint/bucket/key rather than
	// bucket.endpoint/key, as MinIO and most S3 look-alikes need.
	UsePathStyle bool
}

// S3 is a Store over an S3 bucket prefix. PutIfAbsent is a conditional PUT
// (If-None-Match: *), which S3 and MinIO honour atomically: exactly one
// of several concurrent writers of a key gets 200, the others 412.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string // "" or ends in "/"
}

// NewS3 connects to the bucket described by cfg. It does not contact the
// server; the first operation does.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("storage: s3: no bucket")
	}
	endpoint, secure := cfg.Endpoint, true
	switch {
	case endpoint == "":
		endpoint = "s3.amazonaws.com"
	case strings.Contains(endpoint, "://"):
		u, err := url.Parse(endpoint)
		if err != nil {
			return nil, fmt.Errorf("storage: s3 endpoint %q: %w", cfg.Endpoint, err)
		}
		endpoint, secure = u.Host, u.Scheme != "http"
	}
	lookup := minio.BucketLookupAuto
	if cfg.UsePathStyle {
		lookup = minio.BucketLookupPath
	}
	var creds *credentials.Credentials
	if cfg.AccessKey != "" {
		creds = credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")
	} else {
		creds = credentials.NewStatic("", "", "", credentials.SignatureAnonymous)
	}
	client, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: cfg.Region, BucketLookup: lookup})
	if err != nil {
		return nil, fmt.Errorf("storage: s3 %s: %w", endpoint, err)
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: prefix}, nil
}

// URL is s3://bucket/prefix.
func (s *S3) URL() string { return "s3://" + s.bucket + "/" + strings.TrimSuffix(s.prefix, "/") }

func (s *S3) key(p string) string { return s.prefix + strings.TrimPrefix(p, "/") }

// wrap maps S3 error codes to the store's sentinels and names the object.
func (s *S3) wrap(op, p string, err error) error {
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.Code == "NoSuchKey":
		return fmt.Errorf("storage: %s %s/%s: %w", op, s.URL(), p, ErrNotFound)
	case resp.StatusCode == http.StatusPreconditionFailed || resp.Code == "PreconditionFailed":
		return fmt.Errorf("storage: %s %s/%s: %w", op, s.URL(), p, ErrExists)
	}
	return fmt.Errorf("storage: %s %s/%s: %w", op, s.URL(), p, err)
}

func (s *S3) Get(ctx context.Context, p string) ([]byte, error) {
	if err := checkKey(p); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.key(p), minio.GetObjectOptions{})
	if err != nil {
		return nil, s.wrap("get", p, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		return nil, s.wrap("get", p, err)
	}
	return b, nil
}

// s3File reads ranges of one object, one GET with a Range header per
// ReadAt: Parquet readers fetch the footer, then only the column chunks
// they need.
type s3File struct {
	s    *S3
	ctx  context.Context
	path string
	size int64
}

func (f *s3File) Size() int64  { return f.size }
func (f *s3File) Close() error { return nil }

func (f *s3File) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("storage: read %s: negative offset %d", f.path, off)
	}
	if off >= f.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), f.size-off)
	if want == 0 {
		return 0, nil
	}
	var opts minio.GetObjectOptions
	if err := opts.SetRange(off, off+want-1); err != nil {
		return 0, err
	}
	obj, err := f.s.client.GetObject(f.ctx, f.s.bucket, f.s.key(f.path), opts)
	if err != nil {
		return 0, f.s.wrap("read", f.path, err)
	}
	defer obj.Close()
	n, err := io.ReadFull(obj, p[:want])
	if err != nil {
		return n, f.s.wrap("read", f.path, err)
	}
	if want < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

// Open stats the object for its size; reads happen on ReadAt. The context
// is kept for those reads.
func (s *S3) Open(ctx context.Context, p string) (File, error) {
	if err := checkKey(p); err != nil {
		return nil, err
	}
	fi, err := s.Stat(ctx, p)
	if err != nil {
		return nil, err
	}
	return &s3File{s: s, ctx: ctx, path: p, size: fi.Size}, nil
}

func (s *S3) put(ctx context.Context, op, p string, data []byte, opts minio.PutObjectOptions) error {
	opts.ContentType = "application/octet-stream"
	_, err := s.client.PutObject(ctx, s.bucket, s.key(p), bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		return s.wrap(op, p, err)
	}
	return nil
}

func (s *S3) Put(ctx context.Context, p string, data []byte) error {
	if err := checkKey(p); err != nil {
		return err
	}
	return s.put(ctx, "put", p, data, minio.PutObjectOptions{})
}

// conflictRetries bounds retries of a conditional PUT that S3 answered
// with 409 ConditionalRequestConflict (another conditional write to the
// key was in flight): the retry then learns who won.
const conflictRetries = 5

func (s *S3) PutIfAbsent(ctx context.Context, p string, data []byte) error {
	if err := checkKey(p); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		var opts minio.PutObjectOptions
		opts.SetMatchETagExcept("*")
		err := s.put(ctx, "put-if-absent", p, data, opts)
		if err == nil || attempt >= conflictRetries {
			return err
		}
		var resp minio.ErrorResponse
		if !errors.As(err, &resp) || resp.StatusCode != http.StatusConflict {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
}

func (s *S3) List(ctx context.Context, prefix string) ([]FileInfo, error) {
	if err := checkKey(prefix); err != nil {
		return nil, err
	}
	return s.ListAfter(ctx, prefix, "")
}

// ListAfter is List restricted to keys that sort after startAfter (a key
// relative to the store root; "" lists all). S3 starts such a listing
// server-side, so a reader that knows where the interesting keys begin (a
// Delta log's newest checkpoint) skips the pages before them.
func (s *S3) ListAfter(ctx context.Context, prefix, startAfter string) ([]FileInfo, error) {
	if err := checkKey(prefix); err != nil {
		return nil, err
	}
	opts := minio.ListObjectsOptions{Prefix: s.key(prefix), Recursive: true}
	if startAfter != "" {
		opts.StartAfter = s.key(startAfter)
	}
	var out []FileInfo
	for obj := range s.client.ListObjects(ctx, s.bucket, opts) {
		if obj.Err != nil {
			return nil, s.wrap("list", prefix, obj.Err)
		}
		out = append(out, FileInfo{Path: strings.TrimPrefix(obj.Key, s.prefix), Size: obj.Size, ModTime: obj.LastModified})
	}
	// S3 lists in UTF-8 binary order already; S3 look-alikes may not.
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (s *S3) Stat(ctx context.Context, p string) (FileInfo, error) {
	if err := checkKey(p); err != nil {
		return FileInfo{}, err
	}
	info, err := s.client.StatObject(ctx, s.bucket, s.key(p), minio.StatObjectOptions{})
	if err != nil {
		return FileInfo{}, s.wrap("stat", p, err)
	}
	return FileInfo{Path: p, Size: info.Size, ModTime: info.LastModified}, nil
}

func (s *S3) Delete(ctx context.Context, p string) error {
	if err := checkKey(p); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, s.key(p), minio.RemoveObjectOptions{}); err != nil {
		if errors.Is(s.wrap("delete", p, err), ErrNotFound) {
			return nil
		}
		return s.wrap("delete", p, err)
	}
	return nil
}
