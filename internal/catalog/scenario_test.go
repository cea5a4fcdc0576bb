package catalog

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/ingotdata/ingot/storage"
)

// TestScenarios runs the catalog scripts in testdata/: each command is a
// catalog call, printing its result or error, over one in-memory warehouse
// ("memory://", so locations print as memory:/...); "reopen" starts a new
// Catalog on the same store, as after a restart.
func TestScenarios(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		ctx := context.Background()
		wh := storage.NewMemory()
		tick := t0
		clock := func() time.Time { tick = tick.Add(time.Second); return tick }
		c, err := Open(ctx, wh, WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			arg := func(k string) string {
				for _, a := range d.CmdArgs {
					if a.Key == k && len(a.Vals) > 0 {
						return a.Vals[0]
					}
				}
				return ""
			}
			props := func() map[string]string {
				if d.Input == "" {
					return nil
				}
				m := map[string]string{}
				for _, line := range strings.Split(d.Input, "\n") {
					k, v, _ := strings.Cut(line, "=")
					m[k] = v
				}
				return m
			}
			result := func(err error) string {
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				return "ok\n"
			}
			switch d.Cmd {
			case "reopen":
				c, err = Open(ctx, wh, WithClock(clock))
				return result(err)
			case "create-database":
				return result(c.CreateDatabase(ctx, Database{Name: arg("name"), Comment: arg("comment"), Location: arg("location"), Properties: props()}, d.HasArg("if-not-exists")))
			case "drop-database":
				return result(c.DropDatabase(ctx, arg("name"), d.HasArg("if-exists"), d.HasArg("cascade")))
			case "create-table":
				return result(c.CreateTable(ctx, Table{Database: arg("db"), Name: arg("name"), Location: arg("location"),
					Managed: d.HasArg("managed"), Comment: arg("comment"), Properties: props()}, d.HasArg("if-not-exists")))
			case "drop-table":
				return result(c.DropTable(ctx, arg("db"), arg("name"), d.HasArg("if-exists")))
			case "set-properties":
				return result(c.SetTableProperties(ctx, arg("db"), arg("name"), props()))
			case "show-databases":
				dbs, err := c.ListDatabases(ctx, arg("like"))
				if err != nil {
					return result(err)
				}
				var b strings.Builder
				for _, db := range dbs {
					fmt.Fprintf(&b, "%s location=%s comment=%q properties=%s\n", db.Name, db.Location, db.Comment, fmtProps(db.Properties))
				}
				return b.String()
			case "show-tables":
				ts, err := c.ListTables(ctx, arg("db"), arg("like"))
				if err != nil {
					return result(err)
				}
				var b strings.Builder
				for _, x := range ts {
					fmt.Fprintf(&b, "%s.%s provider=%s managed=%v location=%s properties=%s\n", x.Database, x.Name, x.Provider, x.Managed, x.Location, fmtProps(x.Properties))
				}
				return b.String()
			case "put":
				return result(wh.Put(ctx, arg("path"), []byte("x")))
			case "files":
				fs, err := wh.List(ctx, arg("prefix"))
				if err != nil {
					return result(err)
				}
				var b strings.Builder
				for _, f := range fs {
					b.WriteString(f.Path + "\n")
				}
				return b.String()
			case "cat":
				body, err := wh.Get(ctx, arg("path"))
				if err != nil {
					return result(err)
				}
				return string(body)
			}
			t.Fatalf("%s: unknown command %q", d.Pos, d.Cmd)
			return ""
		})
	})
}

func fmtProps(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + m[k]
	}
	return "{" + strings.Join(parts, ",") + "}"
}
