//go:build crashpoints

package stream

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// crashSpec is read once: INGOT_CRASHPOINT=<query name>:<point>:<batch id>.
var crashSpec = parseCrashSpec(os.Getenv("INGOT_CRASHPOINT"))

type crashAt struct {
	query, point string
	batch        int64
}

func parseCrashSpec(s string) *crashAt {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return nil
	}
	b, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return nil
	}
	return &crashAt{query: parts[0], point: parts[1], batch: b}
}

// crashPoint kills the process with SIGKILL — no deferred function, no
// buffered write, no file close runs — when the named point of the named
// query's batch is reached. Built only with -tags crashpoints, for the
// end-to-end crash tests.
func crashPoint(query, point string, batchID int64) {
	c := crashSpec
	if c == nil || c.query != query || c.point != point || c.batch != batchID {
		return
	}
	fmt.Fprintf(os.Stderr, "crashpoint: killing the process at %s:%s:%d\n", query, point, batchID)
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // the signal is on its way
}
