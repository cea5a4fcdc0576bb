"""The seed notebook (../shared/seed/, "Demo 4: PySpark Medallion Architecture")
as a PySpark script, on the data set `ingot gen` writes and `ingot demo` reads.

Usage: seed_notebook.py --data DIR --warehouse DIR [--timings] [--gold-json FILE]

The cells are the seed's, in order: patients CSV -> dim_patients; the tracker
JSON files as a stream (maxFilesPerTrigger 1, multiLine, availableNow) ->
fact_heartbeat_bronze; bronze joined with the patients, cast -> silver;
per-patient ceil(avg(heartrate)), count(device_id) in complete mode -> gold.
Where the seed is tied to its author's machine it follows `ingot demo`
instead: the warehouse is a flag (tables under WAREHOUSE/healthcare_dlh.db,
checkpoints under WAREHOUSE/healthcare_dlh_checkpoints), and the session is
sparkenv.spark_session() with the seed's settings on top, except that it runs
local[N] with N = the machine's CPUs (ingot's default parallelism; the seed
used half of them) unless INTEROP_SPARK_MASTER says otherwise. Spark runs
non-ANSI, as Spark 3.5 did for the seed.

--timings prints one line per stage, "timing: STAGE SECONDS", for the same
stages as `ingot demo --timings`: session, database, patients, bronze,
silver, gold (display included), total. --gold-json writes the gold table's
rows as a JSON list of [patient_name, avg_heartrate, count].
"""
import argparse
import json
import os
import pathlib
import shutil
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

DATABASE = "healthcare_dlh"
STAGES = ("session", "database", "patients", "bronze", "silver", "gold")


class Stopwatch:
    """Wall time per stage, in the order the stages ran."""

    def __init__(self):
        self.start = time.perf_counter()
        self.last = self.start
        self.stages = []

    def lap(self, name):
        now = time.perf_counter()
        self.stages.append((name, now - self.last))
        self.last = now

    def lines(self):
        out = [f"timing: {n} {s:.3f}s" for n, s in self.stages]
        out.append(f"timing: total {self.last - self.start:.3f}s")
        return out


def cell(title):
    print(f"\n### {title}")


def run(data_dir, warehouse, out=print):
    """Runs the notebook; returns (gold rows, bronze rows, silver rows, Stopwatch)."""
    import sparkenv
    from pyspark.sql.functions import avg, ceiling, col, count, desc
    from pyspark.sql.types import DoubleType, IntegerType, LongType, TimestampType

    watch = Stopwatch()
    data_dir = os.path.abspath(data_dir)
    warehouse = os.path.abspath(warehouse)
    batch_dir = os.path.join(data_dir, "batch")
    tracker_stream_dir = os.path.join(data_dir, "streaming", "tracker")
    checkpoints = os.path.join(warehouse, DATABASE + "_checkpoints")
    heartbeat_output_bronze = os.path.join(checkpoints, "fact_heartbeat_bronze_checkpoint")
    heartbeat_output_silver = os.path.join(checkpoints, "fact_heartbeat_silver_checkpoint")
    heartbeat_output_gold = os.path.join(checkpoints, "fact_heartbeat_gold_checkpoint")

    # 1.4 Create a new Spark session (the seed's settings).
    cpus = os.cpu_count() or 1
    spark = sparkenv.spark_session(
        app="PySpark Delta Data Lakehouse Heartrate Monitor",
        extra={
            "spark.master": os.environ.get("INTEROP_SPARK_MASTER", f"local[{cpus}]"),
            "spark.driver.memory": os.environ.get("INTEROP_SPARK_MEMORY", "4g"),
            "spark.sql.adaptive.enabled": "false",
            "spark.sql.debug.maxToStringFields": "50",
            "spark.sql.shuffle.partitions": str(cpus),
            "spark.sql.streaming.forceDeleteTempCheckpointLocation": "true",
            "spark.sql.streaming.schemaInference": "true",
            "spark.sql.warehouse.dir": warehouse,
            "spark.streaming.stopGracefullyOnShutdown": "true",
            # Shuffle and spill files beside the warehouse, not in a /tmp
            # that other jobs on the machine may clean.
            "spark.local.dir": os.path.join(warehouse, "_spark_local"),
        },
    )
    watch.lap("session")
    try:
        # 1.5/1.6 Initialize the lakehouse: drop and recreate the database.
        cell("1.6. Create a New Metadata Database")
        spark.sql(f"DROP DATABASE IF EXISTS {DATABASE} CASCADE;")
        # The session's catalog is in memory, so a DROP cannot see an earlier
        # run's tables: remove their directories as the seed's cell 1.5 does.
        shutil.rmtree(os.path.join(warehouse, DATABASE + ".db"), ignore_errors=True)
        shutil.rmtree(checkpoints, ignore_errors=True)
        spark.sql(f"""
    CREATE DATABASE IF NOT EXISTS {DATABASE}
    COMMENT 'DS-2002 Demo 04 Database'
    WITH DBPROPERTIES (contains_pii = true, purpose = 'DS-2002 Demo 4');
""")
        watch.lap("database")

        # 2.1-2.3 Patients: CSV -> Delta table -> read back.
        cell("2.1. Read a Batch of Patient dimension data from a CSV file")
        patient_csv = os.path.join(batch_dir, "patient_info.csv")
        out(patient_csv)
        df_patient = spark.read.format("csv").options(header="true", inferSchema=True).load(patient_csv)
        df_patient.printSchema()
        out(f"The 'df_patients' table contains {df_patient.count()} rows.")
        df_patient.show(5)
        cell("2.2. Persist the Patient dimension data to a Delta table")
        df_patient.write.mode("overwrite").format("delta").saveAsTable(f"{DATABASE}.dim_patients")
        cell("2.3. Read Patient Data from the Delta table")
        df_patient = spark.read.format("delta").table(f"{DATABASE}.dim_patients")
        df_patient.show(5)
        watch.lap("patients")

        # 2.4-2.6 The tracker files as a stream into bronze.
        cell("2.4. Use Structured Streaming to Read Heartrate Monitor data")
        df_tracker = (
            spark.readStream.option("schemaLocation", heartbeat_output_bronze)
            .option("maxFilesPerTrigger", 1)
            .option("multiLine", "true")
            .json(tracker_stream_dir)
        )
        out(df_tracker.isStreaming)
        df_tracker.printSchema()
        cell("2.5. Write Data from Streaming DataFrame into a 'Bronze' Delta table")
        bronze_query = (
            df_tracker.writeStream.format("delta")
            .outputMode("append")
            .queryName("heartbeat_tracker_bronze")
            .trigger(availableNow=True)
            .option("checkpointLocation", heartbeat_output_bronze)
            .option("compression", "snappy")
            .toTable(f"{DATABASE}.fact_heartbeat_bronze")
        )
        out(f"Query ID: {bronze_query.id}")
        out(f"Query Name: {bronze_query.name}")
        out(f"Query Status: {bronze_query.status}")
        out(f"Last Progress: {bronze_query.lastProgress}")
        cell("2.6. Verify Bronze Tables")
        spark.sql(f"USE {DATABASE};")
        spark.sql("SHOW TABLES").show()
        bronze_query.awaitTermination()
        watch.lap("bronze")

        # 3.1-3.3 Stream-static join into silver.
        cell("3.1. Define Silver Query to Join Streaming with Batch Data")
        df_silver = (
            spark.readStream.format("delta")
            .table(f"{DATABASE}.fact_heartbeat_bronze")
            .join(df_patient, "mrn")
            .select(
                col("device_id").cast(IntegerType()),
                col("mrn").cast(LongType()),
                (col("time") / 1e6).cast(TimestampType()).alias("datetime"),
                col("heartrate").cast(DoubleType()),
                col("name").alias("patient_name"),
            )
        )
        df_silver.printSchema()
        cell("3.2. Persist Data to a 'Silver' Delta table")
        silver_query = (
            df_silver.writeStream.format("delta")
            .outputMode("append")
            .queryName("heartbeat_tracker_silver")
            .trigger(availableNow=True)
            .option("checkpointLocation", heartbeat_output_silver)
            .option("compression", "snappy")
            .toTable(f"{DATABASE}.fact_heartbeat_silver")
        )
        cell("3.3. Verify Silver Tables")
        spark.sql(f"USE {DATABASE};")
        spark.sql("SHOW TABLES").show()
        silver_query.awaitTermination()
        watch.lap("silver")

        # 4.1-4.4 Per-patient aggregate, complete mode, into gold; display it.
        cell("4.1. Define Gold Query to Perform an Aggregation")
        df_gold = (
            spark.readStream.format("delta")
            .table(f"{DATABASE}.fact_heartbeat_silver")
            .groupBy("patient_name")
            .agg(ceiling(avg("heartrate")).alias("avg_heartrate"), count("device_id").alias("count"))
            .orderBy(desc("avg_heartrate"))
        )
        df_gold.printSchema()
        cell("4.2. Persist Gold Data to a 'Gold' Delta table")
        gold_query = (
            df_gold.writeStream.outputMode("complete")
            .queryName("fact_heartbeat_by_patient_gold")
            .format("delta")
            .trigger(availableNow=True)
            .option("checkpointLocation", heartbeat_output_gold)
            .option("compression", "snappy")
            .toTable(f"{DATABASE}.fact_heartbeat_by_patient_gold")
        )
        gold_query.awaitTermination()
        cell("4.3. Read Gold Streaming Data")
        gold = spark.sql(f"SELECT * FROM {DATABASE}.fact_heartbeat_by_patient_gold")
        gold.printSchema()
        cell("4.4. Display the Gold table")
        out(f"The stream has processed {len(gold_query.recentProgress)} batchs")
        gold_sel = gold.select("patient_name", "avg_heartrate", "count")
        gold_sel.show(1000)
        rows = [[r.patient_name, r.avg_heartrate, r["count"]] for r in gold_sel.collect()]
        watch.lap("gold")

        bronze_rows = spark.table(f"{DATABASE}.fact_heartbeat_bronze").count()
        silver_rows = spark.table(f"{DATABASE}.fact_heartbeat_silver").count()
        out(f"\nbronze rows: {bronze_rows}, silver rows: {silver_rows}, gold rows: {len(rows)}")
        return rows, bronze_rows, silver_rows, watch
    finally:
        spark.stop()


def gold_table_path(warehouse):
    """Where both engines put the gold Delta table under a warehouse."""
    return os.path.join(os.path.abspath(warehouse), DATABASE + ".db", "fact_heartbeat_by_patient_gold")


def read_gold(warehouse):
    """The gold table's live rows as sorted [patient_name, avg_heartrate, count]
    lists, read with the deltalake package (neither engine's own reader)."""
    from deltalake import DeltaTable

    t = DeltaTable(gold_table_path(warehouse)).to_pyarrow_table()
    cols = [t.column(c).to_pylist() for c in ("patient_name", "avg_heartrate", "count")]
    return sorted(map(list, zip(*cols)), key=lambda r: (r[0] is None, r[0] or "", r[1] is None, r[1] or 0, r[2]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="data set directory (from `ingot gen`)")
    ap.add_argument("--warehouse", required=True, help="warehouse directory (tables and checkpoints)")
    ap.add_argument("--timings", action="store_true", help="print per-stage wall time")
    ap.add_argument("--gold-json", help="write the gold rows to this file")
    a = ap.parse_args(argv)
    tracker = os.path.join(a.data, "streaming", "tracker")
    if not os.path.isdir(tracker):
        ap.error(f"{tracker}: no such directory (generate it with `ingot gen --out {a.data}`)")
    rows, _, _, watch = run(a.data, a.warehouse)
    if a.gold_json:
        with open(a.gold_json, "w") as f:
            json.dump(rows, f)
    if a.timings:
        print("\n".join(watch.lines()), flush=True)


if __name__ == "__main__":
    main()
