package bench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The ingot CLI is built once per test binary into cliDir, which TestMain
// removes. It is built from the main module's root (..), since bench is a
// separate module and cannot import ingot's internal packages.
var (
	cliOnce sync.Once
	cliDir  string
	cliPath string
	cliErr  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if cliDir != "" {
		os.RemoveAll(cliDir)
	}
	os.Exit(code)
}

// ingotCLI returns the path of a freshly built ingot binary (or of the one
// $INGOT_CLI names), skipping the test when the main module does not build
// yet (other engineers may be mid-change): that is not this test's failure
// to report.
func ingotCLI(tb testing.TB) string {
	tb.Helper()
	cliOnce.Do(func() {
		if bin := os.Getenv("INGOT_CLI"); bin != "" {
			cliPath = bin
			return
		}
		dir, err := os.MkdirTemp("", "ingot-bench-cli-")
		if err != nil {
			cliErr = err.Error()
			return
		}
		cliDir = dir
		out := filepath.Join(dir, "ingot")
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		// Two attempts: with other builds running in the same checkout and
		// build cache, a first failure can be transient, and a skip should
		// mean the code does not build, not that the cache was busy.
		for attempt := 0; attempt < 2; attempt++ {
			cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/ingot")
			cmd.Dir = ".."
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			msg, err := cmd.CombinedOutput()
			if err == nil {
				cliPath = out
				return
			}
			cliErr = err.Error() + "\n" + tail(msg, 2000)
		}
	})
	if cliPath == "" {
		tb.Skipf("ingot CLI (../cmd/ingot) does not build, skipping: %s", cliErr)
	}
	return cliPath
}

// runCLI runs the ingot binary and fails the test with its output on error.
func runCLI(tb testing.TB, args ...string) string {
	tb.Helper()
	bin := ingotCLI(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("ingot %v: %v\n%s", args, err, tail(msg, 4000))
	}
	return string(msg)
}

func tail(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = append([]byte("..."), b[len(b)-n:]...)
	}
	return string(b)
}
