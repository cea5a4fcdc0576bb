// Command medallion is the seed notebook "PySpark Medallion Architecture -
// Persisted in Delta Tables & Queried with the SQL API" written against
// ingot's public Go API, cell by cell, with the notebook's headings.
//
// Generate the data set first, then run it:
//
//	go run ./cmd/ingot gen --out lab_data/healthcare
//	go run ./examples/medallion --data lab_data/healthcare
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ingotdata/ingot"
	"github.com/ingotdata/ingot/types"
)

func main() {
	dataDir := flag.String("data", "lab_data/healthcare", "data set (see `ingot gen`)")
	warehouse := flag.String("warehouse", "spark-warehouse", "warehouse directory")
	flag.Parse()
	if err := run(context.Background(), *dataDir, *warehouse); err != nil {
		log.Fatal(err)
	}
}

func must(df *ingot.DataFrame, err error) *ingot.DataFrame {
	if err == nil {
		err = df.Err()
	}
	if err != nil {
		log.Fatal(err)
	}
	return df
}

func show(ctx context.Context, df *ingot.DataFrame, n int) {
	s, err := df.ShowString(ctx, n, true)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(s)
}

func run(ctx context.Context, dataDir, warehouse string) error {
	// 1.2. Instantiate Global Variables
	batchDir := filepath.Join(dataDir, "batch")
	trackerStreamDir := filepath.Join(dataDir, "streaming", "tracker")
	const destDatabase = "healthcare_dlh"
	databaseDir := filepath.Join(warehouse, destDatabase+"_checkpoints")
	heartbeatOutputBronze := filepath.Join(databaseDir, "fact_heartbeat_bronze_checkpoint")
	heartbeatOutputSilver := filepath.Join(databaseDir, "fact_heartbeat_silver_checkpoint")
	heartbeatOutputGold := filepath.Join(databaseDir, "fact_heartbeat_gold_checkpoint")

	// 1.4. Create a New Spark Session
	spark, err := ingot.NewSession(ctx, ingot.Config{
		Warehouse: warehouse,
		AppName:   "ingot Delta Data Lakehouse Heartrate Monitor",
		Conf: map[string]string{
			"spark.sql.shuffle.partitions":        "4",
			"spark.sql.streaming.schemaInference": "true",
		},
	})
	if err != nil {
		return err
	}
	defer spark.Close()

	// 1.5. Initialize Data Lakehouse Directory Structure
	if err := os.RemoveAll(databaseDir); err != nil {
		return err
	}

	// 1.6. Create a New Metadata Database
	must(spark.SQL(ctx, "DROP DATABASE IF EXISTS "+destDatabase+" CASCADE;"))
	must(spark.SQL(ctx, `
    CREATE DATABASE IF NOT EXISTS `+destDatabase+`
    COMMENT 'DS-2002 Demo 04 Database'
    WITH DBPROPERTIES (contains_pii = true, purpose = 'DS-2002 Demo 4');`))

	// 2.1. Read a Batch of Patient dimension data from a CSV file
	patientCSV := filepath.Join(batchDir, "patient_info.csv")
	dfPatient := must(spark.Read().Format("csv").
		Options(map[string]string{"header": "true", "inferSchema": "true"}).
		Load(ctx, patientCSV))
	fmt.Print(dfPatient.PrintSchema())
	n, err := dfPatient.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("The 'df_patients' table contains %d rows.\n", n)
	show(ctx, dfPatient, 5)

	// 2.2. Persist the Patient dimension data to a Delta table
	if err := dfPatient.Write().Mode("overwrite").Format("delta").SaveAsTable(ctx, destDatabase+".dim_patients"); err != nil {
		return err
	}

	// 2.3. Read Patient Data from the Delta table
	dfPatient = must(spark.Read().Format("delta").Table(ctx, destDatabase+".dim_patients"))
	show(ctx, dfPatient, 5)

	// 2.4. Use Structured Streaming to Read Heartrate Monitor data
	dfTracker := must(spark.ReadStream().
		Option("schemaLocation", heartbeatOutputBronze).
		Option("maxFilesPerTrigger", 1).
		Option("multiLine", "true").
		JSON(ctx, trackerStreamDir))
	fmt.Println(dfTracker.IsStreaming())
	fmt.Print(dfTracker.PrintSchema())

	// 2.5. Write Data from Streaming DataFrame into a 'Bronze' Delta table
	bronzeQuery, err := dfTracker.WriteStream().
		Format("delta").
		OutputMode("append").
		QueryName("heartbeat_tracker_bronze").
		Trigger(ingot.AvailableNow()).
		Option("checkpointLocation", heartbeatOutputBronze).
		Option("compression", "snappy").
		ToTable(ctx, destDatabase+".fact_heartbeat_bronze")
	if err != nil {
		return err
	}
	fmt.Printf("Query ID: %s\nQuery Name: %s\nQuery Status: %s\n", bronzeQuery.ID(), bronzeQuery.Name(), bronzeQuery.Status())

	// 2.6. Verify Bronze Tables
	must(spark.SQL(ctx, "USE "+destDatabase+";"))
	show(ctx, must(spark.SQL(ctx, "SHOW TABLES")), 20)
	if err := bronzeQuery.AwaitTermination(ctx); err != nil {
		return err
	}

	// 3.1. Define Silver Query to Join Streaming with Batch Data
	dfSilver := must(spark.ReadStream().Format("delta").Table(ctx, destDatabase+".fact_heartbeat_bronze")).
		Join(dfPatient, "mrn").
		Select(
			ingot.Col("device_id").Cast(types.Integer),
			ingot.Col("mrn").Cast(types.Long),
			ingot.Col("time").Divide(1e6).Cast(types.Timestamp).Alias("datetime"),
			ingot.Col("heartrate").Cast(types.Double),
			ingot.Col("name").Alias("patient_name"),
		)
	fmt.Print(must(dfSilver, nil).PrintSchema())

	// 3.2. Persist Data to a 'Silver' Delta table
	silverQuery, err := dfSilver.WriteStream().
		Format("delta").
		OutputMode("append").
		QueryName("heartbeat_tracker_silver").
		Trigger(ingot.AvailableNow()).
		Option("checkpointLocation", heartbeatOutputSilver).
		Option("compression", "snappy").
		ToTable(ctx, destDatabase+".fact_heartbeat_silver")
	if err != nil {
		return err
	}

	// 3.3. Verify Silver Tables
	show(ctx, must(spark.SQL(ctx, "SHOW TABLES")), 20)
	if err := silverQuery.AwaitTermination(ctx); err != nil {
		return err
	}

	// 4.1. Define Gold Query to Perform an Aggregation
	dfGold := must(spark.ReadStream().Format("delta").Table(ctx, destDatabase+".fact_heartbeat_silver")).
		GroupBy("patient_name").
		Agg(
			ingot.Ceiling(ingot.Avg("heartrate")).Alias("avg_heartrate"),
			ingot.Count("device_id").Alias("count"),
		).
		OrderBy(ingot.Desc("avg_heartrate"))
	fmt.Print(must(dfGold, nil).PrintSchema())

	// 4.2. Persist Gold Data to a 'Gold' Delta table
	goldQuery, err := dfGold.WriteStream().
		OutputMode("complete").
		QueryName("fact_heartbeat_by_patient_gold").
		Format("delta").
		Trigger(ingot.AvailableNow()).
		Option("checkpointLocation", heartbeatOutputGold).
		Option("compression", "snappy").
		ToTable(ctx, destDatabase+".fact_heartbeat_by_patient_gold")
	if err != nil {
		return err
	}

	// 4.3. Read Gold Streaming Data
	gold := must(spark.SQL(ctx, "SELECT * FROM "+destDatabase+".fact_heartbeat_by_patient_gold"))
	fmt.Print(gold.PrintSchema())

	// 4.4. Display the Gold table
	if err := goldQuery.AwaitTermination(ctx); err != nil {
		return err
	}
	fmt.Printf("The stream has processed %d batchs\n", len(goldQuery.RecentProgress()))
	show(ctx, gold.Select("patient_name", "avg_heartrate", "count"), 100)
	return nil
}
