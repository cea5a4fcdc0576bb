package sql

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/ingotdata/ingot/internal/expr"
)

// TestDataDriven runs the golden files in testdata/parse. Directives:
//
//	parse    each statement of the input, rendered canonically, one per line;
//	         every rendering must also parse back to itself (round trip)
//	expr     ParseExpr's canonical rendering, with the types of its literals
//	error    the error of Parse or ParseExpr (with "expr" argument)
//	split    SplitScript's pieces, one per line
func TestDataDriven(t *testing.T) {
	// The parser goldens live in testdata/parse; testdata/fuzz holds the
	// fuzzer's corpus.
	paths, _ := filepath.Glob("testdata/parse/*.txt")
	if len(paths) == 0 {
		t.Fatal("no golden files in testdata")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) { runGolden(t, path) })
	}
}

func runGolden(t *testing.T, path string) {
	datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
		switch td.Cmd {
		case "parse":
			stmts, err := ParseScript(td.Input)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			var b strings.Builder
			for _, st := range stmts {
				out := st.String()
				checkRoundTrip(t, out)
				b.WriteString(out + "\n")
			}
			return b.String()
		case "expr":
			e, err := ParseExpr(td.Input)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			out := FormatExpr(e)
			back, err := ParseExpr(out)
			if err != nil {
				t.Errorf("%s: rendering %q does not parse: %v", td.Pos, out, err)
			} else if FormatExpr(back) != out {
				t.Errorf("%s: round trip changed %q to %q", td.Pos, out, FormatExpr(back))
			}
			return out + literalTypes(e)
		case "error":
			var err error
			if td.HasArg("expr") {
				_, err = ParseExpr(td.Input)
			} else {
				_, err = Parse(td.Input)
			}
			if err == nil {
				t.Errorf("%s: expected an error", td.Pos)
				return "no error\n"
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("%s: error %v does not wrap ErrSyntax", td.Pos, err)
			}
			return err.Error() + "\n"
		case "split":
			parts, err := SplitScript(td.Input)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			return strings.Join(parts, "\n---\n") + "\n"
		}
		t.Fatalf("%s: unknown directive %q", td.Pos, td.Cmd)
		return ""
	})
}

// checkRoundTrip asserts that a canonical rendering parses to a statement
// that renders identically.
func checkRoundTrip(t *testing.T, rendered string) {
	t.Helper()
	st, err := Parse(rendered)
	if err != nil {
		t.Errorf("rendering does not parse: %q: %v", rendered, err)
		return
	}
	if again := st.String(); again != rendered {
		t.Errorf("round trip changed the statement:\n first: %s\nsecond: %s", rendered, again)
	}
}

// literalTypes lists the literals of e with their types and Go values.
func literalTypes(e expr.Expr) string {
	var b strings.Builder
	var walk func(e expr.Expr)
	walk = func(e expr.Expr) {
		if l, ok := e.(*expr.Literal); ok {
			fmt.Fprintf(&b, "\n%s: %s %T(%v)", literalSQL(l), l.Type.SQL(), l.Value, l.Value)
			return
		}
		for _, c := range e.Children() {
			walk(c)
		}
	}
	walk(e)
	return b.String() + "\n"
}
