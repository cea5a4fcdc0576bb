package ingot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingotdata/ingot"
	"github.com/ingotdata/ingot/types"
)

// TestGeneratedColumnsLog: CREATE TABLE writes the generation expression
// into the column metadata of the metaData action and the protocol that
// makes writers honour it, in the first commit.
func TestGeneratedColumnsLog(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	path := filepath.Join(dir, "g")
	must(t).df(s.SQL(ctx, "CREATE TABLE delta.`"+path+"` (a INT, b INT GENERATED ALWAYS AS (a * 2)) USING DELTA"))
	e := readLogEntry(t, path, 0)
	if w, _ := e.protocol["minWriterVersion"].(float64); w < 4 {
		t.Fatalf("protocol %v, want minWriterVersion >= 4 (generatedColumns)", e.protocol)
	}
	schema, err := types.ParseSchema([]byte(e.metaData["schemaString"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	if got := schema.Fields[1].Metadata["delta.generationExpression"]; got != "(a * 2)" {
		t.Fatalf("b's delta.generationExpression = %v, want (a * 2); schema %s", got, e.metaData["schemaString"])
	}
	if len(schema.Fields[0].Metadata) != 0 {
		t.Fatalf("a has metadata %v", schema.Fields[0].Metadata)
	}
}

// TestGeneratedColumnsDataFrameWrites: DataFrame writes compute a missing
// generated column, accept a correct one and refuse a wrong one without
// committing; replaceWhere writes go the same way.
func TestGeneratedColumnsDataFrameWrites(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, data, where, wantErr, want string
	}{
		{"computed", "SELECT 3 AS a", "", "", "1,2\n3,6\n"},
		{"given and right", "SELECT 3 AS a, 6 AS b", "", "", "1,2\n3,6\n"},
		{"null input", "SELECT CAST(NULL AS INT) AS a", "", "", "1,2\nNULL,NULL\n"},
		{"given and wrong", "SELECT 3 AS a, 7 AS b", "", "DELTA_GENERATED_COLUMNS_EXPR_VIOLATION", ""},
		{"wrong null", "SELECT 3 AS a, CAST(NULL AS INT) AS b", "", "DELTA_GENERATED_COLUMNS_EXPR_VIOLATION", ""},
		{"replaceWhere computes", "SELECT 4 AS a", "a >= 1", "", "4,8\n"},
		{"replaceWhere on the generated column", "SELECT 5 AS a", "b >= 2", "", "5,10\n"},
		{"replaceWhere wrong value", "SELECT 4 AS a, 1 AS b", "a >= 1", "DELTA_GENERATED_COLUMNS_EXPR_VIOLATION", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, dir := newSession(t)
			path := filepath.Join(dir, "g")
			must(t).df(s.SQL(ctx, "CREATE TABLE delta.`"+path+"` (a INT, b INT GENERATED ALWAYS AS (a * 2)) USING DELTA"))
			must(t).df(s.SQL(ctx, "INSERT INTO delta.`"+path+"` VALUES (1)"))
			before := latestVersion(t, path)
			w := must(t).df(s.SQL(ctx, tc.data)).Write().Format("delta").Mode("append")
			if tc.where != "" {
				w.Mode("overwrite").Option("replaceWhere", tc.where)
			}
			err := w.Save(ctx, path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %s", err, tc.wantErr)
				}
				if v := latestVersion(t, path); v != before {
					t.Fatalf("a refused write moved the table from version %d to %d", before, v)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT a, b FROM delta.`"+path+"` ORDER BY a NULLS LAST")))
			if got != tc.want {
				t.Fatalf("rows:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestStreamingSinkComputesGeneratedColumns: the streaming Delta sink
// goes through the same hook, so micro-batches get their generated
// columns computed.
func TestStreamingSinkComputesGeneratedColumns(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	must(t).df(s.SQL(ctx, "CREATE TABLE readings (id BIGINT, hr DOUBLE, hr2 DOUBLE GENERATED ALWAYS AS (hr * 2)) USING DELTA"))
	in := filepath.Join(dir, "in")
	writeFile(t, filepath.Join(in, "1.json"), `{"id": 1, "hr": 60.5}`+"\n"+`{"id": 2, "hr": 70}`+"\n")
	schema := types.NewStruct(types.Field("id", types.Long), types.Field("hr", types.Double))
	df := must(t).df(s.ReadStream().Schema(schema).JSON(ctx, in))
	q, err := df.WriteStream().Trigger(ingot.AvailableNow()).Option("checkpointLocation", filepath.Join(dir, "chk")).ToTable(ctx, "readings")
	if err != nil {
		t.Fatal(err)
	}
	if err := q.AwaitTermination(ctx); err != nil {
		t.Fatal(err)
	}
	got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT id, hr2 FROM readings ORDER BY id")))
	if want := "1,121.0\n2,140.0\n"; got != want {
		t.Fatalf("rows:\n%s\nwant:\n%s", got, want)
	}
}
