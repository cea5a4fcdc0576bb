package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ingotdata/ingot"
	"github.com/ingotdata/ingot/internal/gen"
	"github.com/ingotdata/ingot/types"
)

// Database is the seed's destination database.
const Database = "healthcare_dlh"

// Options configure a demo run.
type Options struct {
	// DataDir holds batch/patient_info.csv and streaming/tracker/*.json; it
	// is generated with Gen when absent and used as-is when present.
	DataDir string
	// Warehouse is the warehouse directory (tables and checkpoints).
	Warehouse string
	// Resume keeps the database, tables and checkpoints of an earlier run,
	// so only files that arrived since are processed. Without it the
	// database is dropped and recreated, as the notebook does.
	Resume bool
	// Gen configures the generated data set.
	Gen gen.Options
	// Parallelism is the session's worker count (0 = CPUs).
	Parallelism int
	// Out receives the cells' output.
	Out io.Writer
}

// Result summarises a run for callers and tests.
type Result struct {
	BronzeRows, SilverRows int64
	Gold                   []ingot.Row // patient_name, avg_heartrate, count
	// Stages is the wall time of each stage, in the order they ran: session
	// (NewSession), database (drop and create), patients (cells 2.1-2.3),
	// bronze (2.4-2.6, until the bronze query ends), silver (3.1-3.3), gold
	// (4.1-4.4, display and collect included). Generating an absent data
	// set and the closing row counts are in none of them.
	Stages []Stage
}

// Stage is one stage's wall time.
type Stage struct {
	Name     string
	Duration time.Duration
}

// Total is the sum of the stages' wall times.
func (r *Result) Total() time.Duration {
	var t time.Duration
	for _, st := range r.Stages {
		t += st.Duration
	}
	return t
}

// WriteTimings writes one line per stage and one for the total, as
// "timing: NAME SECONDSs" (the format interop/seed_notebook.py prints too).
func (r *Result) WriteTimings(w io.Writer) error {
	for _, st := range r.Stages {
		if _, err := fmt.Fprintf(w, "timing: %s %.3fs\n", st.Name, st.Duration.Seconds()); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "timing: total %.3fs\n", r.Total().Seconds())
	return err
}

// Run executes the notebook.
func Run(ctx context.Context, o Options) (*Result, error) {
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	p := func(format string, args ...any) { fmt.Fprintf(out, format, args...) }
	cell := func(title string) { p("\n### %s\n", title) }

	batchDir := filepath.Join(o.DataDir, "batch")
	trackerDir := filepath.Join(o.DataDir, "streaming", "tracker")
	checkpoints := filepath.Join(o.Warehouse, Database+"_checkpoints")
	bronzeCheckpoint := filepath.Join(checkpoints, "fact_heartbeat_bronze_checkpoint")
	silverCheckpoint := filepath.Join(checkpoints, "fact_heartbeat_silver_checkpoint")
	goldCheckpoint := filepath.Join(checkpoints, "fact_heartbeat_gold_checkpoint")

	// 1.0 Prerequisites: the data set. Generate it only when absent.
	if _, err := os.Stat(trackerDir); errors.Is(err, fs.ErrNotExist) {
		sum, err := gen.Generate(o.DataDir, o.Gen)
		if err != nil {
			return nil, fmt.Errorf("demo: generate data: %w", err)
		}
		p("Generated %d readings in %d files and %d patients under %s\n", sum.Readings, sum.Files, sum.Patients, o.DataDir)
	}

	res := &Result{}
	last := time.Now()
	lap := func(name string) {
		now := time.Now()
		res.Stages = append(res.Stages, Stage{name, now.Sub(last)})
		last = now
	}

	// 1.4 Create a new session: local[N], streaming schema inference on.
	s, err := ingot.NewSession(ctx, ingot.Config{
		Warehouse:   o.Warehouse,
		Parallelism: o.Parallelism,
		AppName:     "ingot Delta Data Lakehouse Heartrate Monitor",
		Conf:        map[string]string{"spark.sql.streaming.schemaInference": "true"},
	})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	lap("session")
	sql := func(text string) (*ingot.DataFrame, error) { return s.SQL(ctx, text) }

	// 1.5/1.6 Initialize the lakehouse: drop and recreate the database.
	cell("1.6. Create a New Metadata Database")
	if !o.Resume {
		if _, err := sql("DROP DATABASE IF EXISTS " + Database + " CASCADE;"); err != nil {
			return nil, err
		}
		if err := os.RemoveAll(checkpoints); err != nil {
			return nil, fmt.Errorf("demo: remove checkpoints: %w", err)
		}
	}
	if _, err := sql(`
    CREATE DATABASE IF NOT EXISTS ` + Database + `
    COMMENT 'DS-2002 Demo 04 Database'
    WITH DBPROPERTIES (contains_pii = true, purpose = 'DS-2002 Demo 4');`); err != nil {
		return nil, err
	}
	p("DataFrame[]\n")
	lap("database")

	// 2.1 Read a batch of patient dimension data from a CSV file.
	cell("2.1. Read a Batch of Patient dimension data from a CSV file")
	patientCSV := filepath.Join(batchDir, "patient_info.csv")
	p("%s\n", patientCSV)
	dfPatient, err := s.Read().Format("csv").Options(map[string]string{"header": "true", "inferSchema": "true"}).Load(ctx, patientCSV)
	if err != nil {
		return nil, err
	}
	p("%s", dfPatient.PrintSchema())
	n, err := dfPatient.Count(ctx)
	if err != nil {
		return nil, err
	}
	p("The 'df_patients' table contains %d rows.\n", n)
	if err := show(ctx, out, dfPatient, 5); err != nil {
		return nil, err
	}

	// 2.2 Persist the patient dimension to a Delta table.
	cell("2.2. Persist the Patient dimension data to a Delta table")
	if err := dfPatient.Write().Mode("overwrite").Format("delta").SaveAsTable(ctx, Database+".dim_patients"); err != nil {
		return nil, err
	}

	// 2.3 Read patient data back from the Delta table.
	cell("2.3. Read Patient Data from the Delta table")
	dfPatient, err = s.Read().Format("delta").Table(ctx, Database+".dim_patients")
	if err != nil {
		return nil, err
	}
	if err := show(ctx, out, dfPatient, 5); err != nil {
		return nil, err
	}
	lap("patients")

	// 2.4 Read heart-rate readings as a stream of JSON files.
	cell("2.4. Use Structured Streaming to Read Heartrate Monitor data")
	dfTracker, err := s.ReadStream().
		Option("schemaLocation", bronzeCheckpoint).
		Option("maxFilesPerTrigger", 1).
		Option("multiLine", "true").
		JSON(ctx, trackerDir)
	if err != nil {
		return nil, err
	}
	p("%v\n", dfTracker.IsStreaming())
	p("%s", dfTracker.PrintSchema())

	// 2.5 Write the stream into the bronze Delta table.
	cell("2.5. Write Data from Streaming DataFrame into a 'Bronze' Delta table")
	bronzeQuery, err := dfTracker.WriteStream().
		Format("delta").
		OutputMode("append").
		QueryName("heartbeat_tracker_bronze").
		Trigger(ingot.AvailableNow()).
		Option("checkpointLocation", bronzeCheckpoint).
		Option("compression", "snappy").
		ToTable(ctx, Database+".fact_heartbeat_bronze")
	if err != nil {
		return nil, err
	}
	printQuery(out, bronzeQuery)

	// 2.6 Verify the bronze tables.
	cell("2.6. Verify Bronze Tables")
	if err := showSQL(ctx, out, s, "USE "+Database+";", "SHOW TABLES"); err != nil {
		return nil, err
	}
	if err := bronzeQuery.AwaitTermination(ctx); err != nil {
		return nil, fmt.Errorf("demo: bronze query: %w", err)
	}
	lap("bronze")

	// 3.1 Join the streaming bronze readings with the static patients.
	cell("3.1. Define Silver Query to Join Streaming with Batch Data")
	bronze, err := s.ReadStream().Format("delta").Table(ctx, Database+".fact_heartbeat_bronze")
	if err != nil {
		return nil, err
	}
	dfSilver := bronze.
		Join(dfPatient, "mrn").
		Select(
			ingot.Col("device_id").Cast(types.Integer),
			ingot.Col("mrn").Cast(types.Long),
			ingot.Col("time").Divide(1e6).Cast(types.Timestamp).Alias("datetime"),
			ingot.Col("heartrate").Cast(types.Double),
			ingot.Col("name").Alias("patient_name"),
		)
	if err := dfSilver.Err(); err != nil {
		return nil, err
	}
	p("%s", dfSilver.PrintSchema())

	// 3.2 Persist to the silver Delta table.
	cell("3.2. Persist Data to a 'Silver' Delta table")
	silverQuery, err := dfSilver.WriteStream().
		Format("delta").
		OutputMode("append").
		QueryName("heartbeat_tracker_silver").
		Trigger(ingot.AvailableNow()).
		Option("checkpointLocation", silverCheckpoint).
		Option("compression", "snappy").
		ToTable(ctx, Database+".fact_heartbeat_silver")
	if err != nil {
		return nil, err
	}
	cell("3.3. Verify Silver Tables")
	if err := showSQL(ctx, out, s, "USE "+Database+";", "SHOW TABLES"); err != nil {
		return nil, err
	}
	if err := silverQuery.AwaitTermination(ctx); err != nil {
		return nil, fmt.Errorf("demo: silver query: %w", err)
	}
	lap("silver")

	// 4.1 Aggregate per patient.
	cell("4.1. Define Gold Query to Perform an Aggregation")
	silver, err := s.ReadStream().Format("delta").Table(ctx, Database+".fact_heartbeat_silver")
	if err != nil {
		return nil, err
	}
	dfGold := silver.
		GroupBy("patient_name").
		Agg(
			ingot.Ceiling(ingot.Avg("heartrate")).Alias("avg_heartrate"),
			ingot.Count("device_id").Alias("count"),
		).
		OrderBy(ingot.Desc("avg_heartrate"))
	if err := dfGold.Err(); err != nil {
		return nil, err
	}
	p("%s", dfGold.PrintSchema())

	// 4.2 Persist the aggregate to the gold Delta table (complete mode).
	cell("4.2. Persist Gold Data to a 'Gold' Delta table")
	goldQuery, err := dfGold.WriteStream().
		OutputMode("complete").
		QueryName("fact_heartbeat_by_patient_gold").
		Format("delta").
		Trigger(ingot.AvailableNow()).
		Option("checkpointLocation", goldCheckpoint).
		Option("compression", "snappy").
		ToTable(ctx, Database+".fact_heartbeat_by_patient_gold")
	if err != nil {
		return nil, err
	}
	if err := goldQuery.AwaitTermination(ctx); err != nil {
		return nil, fmt.Errorf("demo: gold query: %w", err)
	}

	// 4.3/4.4 Read and display the gold table.
	cell("4.3. Read Gold Streaming Data")
	gold, err := sql("SELECT * FROM " + Database + ".fact_heartbeat_by_patient_gold")
	if err != nil {
		return nil, err
	}
	p("%s", gold.PrintSchema())
	cell("4.4. Display the Gold table")
	p("The stream has processed %d batchs\n", len(goldQuery.RecentProgress()))
	goldSel := gold.Select("patient_name", "avg_heartrate", "count")
	if err := show(ctx, out, goldSel, 1000); err != nil {
		return nil, err
	}

	if res.Gold, err = goldSel.Collect(ctx); err != nil {
		return nil, err
	}
	lap("gold")
	for name, dst := range map[string]*int64{"fact_heartbeat_bronze": &res.BronzeRows, "fact_heartbeat_silver": &res.SilverRows} {
		t, err := s.Table(ctx, Database+"."+name)
		if err != nil {
			return nil, err
		}
		if *dst, err = t.Count(ctx); err != nil {
			return nil, err
		}
	}
	p("\nbronze rows: %d, silver rows: %d, gold rows: %d\n", res.BronzeRows, res.SilverRows, len(res.Gold))
	return res, nil
}

func show(ctx context.Context, out io.Writer, df *ingot.DataFrame, n int) error {
	s, err := df.ShowString(ctx, n, true)
	if err != nil {
		return err
	}
	_, err = io.WriteString(out, s)
	return err
}

func showSQL(ctx context.Context, out io.Writer, s *ingot.Session, stmts ...string) error {
	var last *ingot.DataFrame
	for _, st := range stmts {
		df, err := s.SQL(ctx, st)
		if err != nil {
			return err
		}
		last = df
	}
	return show(ctx, out, last, 100)
}

func printQuery(out io.Writer, q *ingot.StreamingQuery) {
	fmt.Fprintf(out, "Query ID: %s\n", q.ID())
	fmt.Fprintf(out, "Query Name: %s\n", q.Name())
	fmt.Fprintf(out, "Query Status: %s\n", q.Status())
	if lp := q.LastProgress(); lp != nil {
		fmt.Fprintf(out, "Last Progress: %s\n", lp)
	} else {
		fmt.Fprintf(out, "Last Progress: None\n")
	}
}
