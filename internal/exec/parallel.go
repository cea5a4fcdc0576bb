package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
)

// Parallel runs a per-batch pipeline (projections and filters: stages that
// map each input batch independently) on several goroutines, keeping the
// input's batch order in its output.
//
// Workers take turns pulling a batch from the shared input, numbering it,
// and run the stage over that one batch; the reader hands results out by
// number. A worker blocks once its result is queued, so at most a few
// batches per worker are held at any time.
type Parallel struct {
	input  Operator
	n      int
	stage  func(src Operator) (Operator, error)
	sample Operator
}

// NewParallel returns stage applied to every batch of input on n workers.
// stage builds the per-batch pipeline over a source operator; it is called
// once per batch, so it should only assemble operators around evaluators
// compiled beforehand.
func NewParallel(input Operator, n int, stage func(src Operator) (Operator, error)) (*Parallel, error) {
	sample, err := stage(input)
	if err != nil {
		return nil, err
	}
	return &Parallel{input: input, n: max(n, 1), stage: stage, sample: sample}, nil
}

func (p *Parallel) Schema() *arrow.Schema { return p.sample.Schema() }
func (p *Parallel) Children() []Operator  { return []Operator{p.sample} }
func (p *Parallel) String() string        { return fmt.Sprintf("Parallel workers=%d", p.n) }

type parallelResult struct {
	seq  int
	recs []arrow.RecordBatch
	err  error
}

func (p *Parallel) Open(ctx context.Context) (batch.Reader, error) {
	in, err := p.input.Open(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	results := make(chan parallelResult, p.n)
	var mu sync.Mutex
	seq := 0
	var wg sync.WaitGroup
	inSchema := p.input.Schema()
	for range p.n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				rec, err := in.Next(ctx)
				s := seq
				seq++
				mu.Unlock()
				if errors.Is(err, io.EOF) {
					return
				}
				var res parallelResult
				if err != nil {
					res = parallelResult{seq: s, err: err}
				} else {
					res = p.runOne(ctx, inSchema, rec, s)
				}
				select {
				case results <- res:
				case <-ctx.Done():
					batch.Release(res.recs)
					return
				}
				if res.err != nil {
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int]parallelResult{}
	var queue []arrow.RecordBatch
	want := 0
	closed := false
	return &funcReader{
		schema: p.Schema(),
		close: func() error {
			cancel()
			for r := range results { // wait for the workers to stop
				batch.Release(r.recs)
			}
			for _, r := range pending {
				batch.Release(r.recs)
			}
			batch.Release(queue)
			queue = nil
			return in.Close()
		},
		next: func(ctx context.Context) (arrow.RecordBatch, error) {
			for {
				if len(queue) > 0 {
					rec := queue[0]
					queue = queue[1:]
					return rec, nil
				}
				if r, ok := pending[want]; ok {
					delete(pending, want)
					want++
					if r.err != nil {
						return nil, r.err
					}
					queue = r.recs
					continue
				}
				if closed {
					return nil, io.EOF
				}
				select {
				case r, ok := <-results:
					if !ok {
						closed = true
						continue
					}
					pending[r.seq] = r
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
		},
	}, nil
}

// runOne runs the stage over one batch (taking ownership of rec).
func (p *Parallel) runOne(ctx context.Context, schema *arrow.Schema, rec arrow.RecordBatch, seq int) parallelResult {
	src := NewScan("batch", schema, func(context.Context) (batch.Reader, error) {
		return batch.FromSlice(schema, rec), nil
	})
	op, err := p.stage(src)
	if err != nil {
		rec.Release()
		return parallelResult{seq: seq, err: err}
	}
	r, err := op.Open(ctx)
	if err != nil {
		rec.Release()
		return parallelResult{seq: seq, err: err}
	}
	recs, err := batch.ReadAll(ctx, r)
	return parallelResult{seq: seq, recs: recs, err: err}
}
