package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strings"

	"github.com/ingotdata/ingot"
	"github.com/spf13/cobra"
)

func newSQLCmd() *cobra.Command {
	var warehouse, format string
	cmd := &cobra.Command{
		Use:   "sql [STATEMENTS]",
		Short: "Run ';'-separated SQL statements, or a SQL shell when none are given",
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "table", "csv", "json":
			default:
				return fmt.Errorf("--format must be table, csv or json, not %q", format)
			}
			ctx := cmd.Context()
			s, err := ingot.NewSession(ctx, ingot.Config{Warehouse: warehouse})
			if err != nil {
				return err
			}
			defer s.Close()
			out := cmd.OutOrStdout()
			if len(args) > 0 {
				return runScript(ctx, s, strings.Join(args, " "), format, out)
			}
			return repl(ctx, s, cmd.InOrStdin(), out, cmd.ErrOrStderr(), format)
		},
	}
	cmd.Flags().StringVar(&warehouse, "warehouse", "spark-warehouse", "warehouse directory")
	cmd.Flags().StringVar(&format, "format", "table", "result format: table, csv or json (one object per line)")
	return cmd
}

// runScript runs every statement of text in order, printing each result.
func runScript(ctx context.Context, s *ingot.Session, text, format string, out io.Writer) error {
	return s.RunScript(ctx, text, func(df *ingot.DataFrame) error {
		return printResult(ctx, df, format, out)
	})
}

// repl reads statements ending in ';' and runs them; errors are printed
// and the shell goes on.
func repl(ctx context.Context, s *ingot.Session, in io.Reader, out, errOut io.Writer, format string) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	interactive := isTerminal(in)
	var pending strings.Builder
	prompt := func() {
		if !interactive {
			return
		}
		if pending.Len() == 0 {
			fmt.Fprint(out, "ingot> ")
		} else {
			fmt.Fprint(out, "     > ")
		}
	}
	// run executes one statement. At a terminal an error is printed and
	// the shell goes on, and Ctrl-C cancels only the running statement; a
	// script piped in stops at its first error, and the command fails.
	run := func(text string) error {
		if !interactive {
			return runScript(ctx, s, text, format, out)
		}
		sctx, stop := signal.NotifyContext(context.WithoutCancel(ctx), os.Interrupt)
		defer stop()
		if err := runScript(sctx, s, text, format, out); err != nil {
			fmt.Fprintln(errOut, "Error:", err)
		}
		return nil
	}
	prompt()
	for sc.Scan() {
		pending.WriteString(sc.Text())
		pending.WriteByte('\n')
		text := pending.String()
		if endsStatement(text) {
			pending.Reset()
			if err := run(text); err != nil {
				return err
			}
		}
		prompt()
	}
	if rest := strings.TrimSpace(pending.String()); rest != "" {
		if err := run(rest); err != nil {
			return err
		}
	}
	return sc.Err()
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printResult prints a statement's result; statements with no result
// columns (DDL) print nothing, as spark-sql does.
func printResult(ctx context.Context, df *ingot.DataFrame, format string, out io.Writer) error {
	cols := df.Columns()
	if len(cols) == 0 {
		return df.Err()
	}
	switch format {
	case "table":
		s, err := df.ShowString(ctx, 1<<30, false)
		if err != nil {
			return err
		}
		_, err = io.WriteString(out, s)
		return err
	case "csv":
		rows, err := df.CollectStrings(ctx, "")
		if err != nil {
			return err
		}
		w := csv.NewWriter(out)
		w.Write(cols)
		for _, r := range rows {
			w.Write(r)
		}
		w.Flush()
		return w.Error()
	default: // json: one object per line, keys in column order
		rows, err := df.Collect(ctx)
		if err != nil {
			return err
		}
		for _, r := range rows {
			var b strings.Builder
			b.WriteByte('{')
			for i, v := range r {
				if i > 0 {
					b.WriteByte(',')
				}
				k, _ := json.Marshal(cols[i])
				b.Write(k)
				b.WriteByte(':')
				vb, err := json.Marshal(jsonValue(v))
				if err != nil {
					return fmt.Errorf("column %q: %w", cols[i], err)
				}
				b.Write(vb)
			}
			b.WriteString("}\n")
			if _, err := io.WriteString(out, b.String()); err != nil {
				return err
			}
		}
		return nil
	}
}

// jsonValue adapts Go row values for encoding/json (maps with non-string
// keys become string-keyed; NaN and infinities become strings; an empty
// binary value, which Arrow hands back as a nil slice, stays "" and not the
// null encoding/json writes for a nil slice — SQL NULL is the untyped nil).
func jsonValue(v any) any {
	switch v := v.(type) {
	case []byte:
		if v == nil {
			return []byte{}
		}
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[fmt.Sprint(k)] = jsonValue(x)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonValue(x)
		}
		return out
	case ingot.Row:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonValue(x)
		}
		return out
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Sprint(v)
		}
	case float32:
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Sprint(v)
		}
	}
	return v
}

// endsStatement reports whether text ends with a ';' that is outside quotes
// and comments, i.e. the shell has a complete statement to run.
func endsStatement(text string) bool {
	var quote byte
	last := byte(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			for i < len(text) && text[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return false // the comment is still open
			}
			i += end + 3
			continue
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			last = c
		}
	}
	return quote == 0 && last == ';'
}
