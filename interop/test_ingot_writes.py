"""ingot writes, Spark and delta-rs read.

ingot's CLI builds a table with one write feature over several commits; then
each reader (the `reader` parameter: Spark, or delta-rs through the deltalake
package) reads every version and its rows must equal ingot's own answer for
that version as a multiset, and Spark's DESCRIBE HISTORY must list every
commit. Cases are counted under "ingot->spark" and "ingot->delta-rs".

A reader's known limitation on a table ingot wrote correctly is listed in
READER_GAPS (case, reader) -> regex; ingot-side write limitations are cases
that assert ingot's error (WRITE_GAPS) and are counted as expected failures.
"""
import json
import os
import re
import shutil
import threading

import pytest

import compare
from conftest import IngotError

DIRECTION = "ingot->spark"

READERS = ["spark", "delta-rs"]

# (case, reader) -> regex the reader's error must match.
READER_GAPS = {}


def log_versions(path):
    log = os.path.join(path, "_delta_log")
    return sorted(int(f[:20]) for f in os.listdir(log) if re.fullmatch(r"\d{20}\.json", f))


def delta_rs_rows(path, version, schema):
    """delta-rs' rows through its DataFusion scan (QueryBuilder), which applies
    deletion vectors and column mapping; to_pyarrow_table in deltalake 1.6.6
    refuses deletion vectors and reads column-mapped files as nulls."""
    import pyarrow as pa
    from deltalake import DeltaTable, QueryBuilder

    dt = DeltaTable(str(path), version=version)
    rows = pa.table(QueryBuilder().register("t", dt).execute("SELECT * FROM t").read_all()).to_pylist()
    return compare.collections.Counter(
        tuple(compare.norm(r.get(f.name), f.dataType, "spark") for f in schema.fields) for r in rows
    )


def read_with(reader, spark, path, version, schema_from=None):
    """(canonical rows, Spark schema) of the table at path and version as
    reader sees it. For delta-rs the schema is the log's (schema_from names a
    table whose JSON commits hold it when path's were deleted), so that
    ingot's and delta-rs' values are normalised the same way without a JVM."""
    if reader == "spark":
        df = spark.read.format("delta").option("versionAsOf", version).load(str(path))
        return compare.spark_rows(df), df.schema
    schema = compare.log_schema(schema_from or path, version)
    return delta_rs_rows(path, version, schema), schema


def check_versions(spark, ingot, path, case, reader, vs=None):
    gap = READER_GAPS.get((case, reader))
    vs = log_versions(path) if vs is None else vs
    failures, gap_errors = [], []
    for v in vs:
        try:
            got, schema = read_with(reader, spark, path, v)
        except Exception as e:  # the reader's failure is the finding
            msg = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            if gap and re.search(gap, str(e)):
                gap_errors.append(f"v{v}: {msg}")
            else:
                failures.append(f"v{v}: {reader} error: {msg}")
            continue
        want = compare.ingot_rows(ingot.read(path, v), schema)
        d = compare.diff(want, got)
        if d:
            failures.append(f"v{v}: {d}")
    assert not failures, f"{case}: {len(failures)} of {len(vs)} versions differ:\n" + "\n".join(failures)
    if gap_errors:
        pytest.xfail(f"{reader} cannot read ({len(gap_errors)} of {len(vs)} versions): {gap_errors[0]}")
    assert not gap, f"{case}/{reader}: known gap no longer reproduces; remove it from READER_GAPS"
    if reader == "spark":
        hist = spark.sql(f"DESCRIBE HISTORY delta.`{path}`").collect()
        assert sorted(r.version for r in hist) == log_versions(path), "DESCRIBE HISTORY misses commits"
        assert all(r.operation for r in hist), "a commit without an operation in DESCRIBE HISTORY"
    return vs


def trimmed_copy(path, dst):
    """Copy the table and delete the JSON commits before its last checkpoint."""
    log = os.path.join(path, "_delta_log")
    cps = sorted(int(f[:20]) for f in os.listdir(log) if ".checkpoint" in f)
    assert cps, f"ingot wrote no checkpoint: {sorted(os.listdir(log))}"
    shutil.copytree(path, dst)
    for f in os.listdir(os.path.join(dst, "_delta_log")):
        if re.fullmatch(r"\d{20}\.json", f) and int(f[:20]) < cps[-1]:
            os.remove(os.path.join(dst, "_delta_log", f))
    return cps[-1]


def table(ingot, name):
    return os.path.join(ingot.warehouse, name)


reader = pytest.mark.parametrize("reader", READERS)


def engine(request, reader):
    """The SparkSession when Spark reads; delta-rs cases start no JVM."""
    return request.getfixturevalue("spark") if reader == "spark" else None


# --- cases ----------------------------------------------------------------

@pytest.mark.feature("dml-copy-on-write")
@reader
def test_dml_partitioned(request, ingot, reader):
    spark = engine(request, reader)
    ingot.sql("""
        CREATE TABLE t (id INT, k STRING, v DOUBLE, d DATE, ts TIMESTAMP) USING delta PARTITIONED BY (k, d);
        INSERT INTO t VALUES (1, 'a', 1.0, DATE'2024-01-01', TIMESTAMP'2024-01-01 10:00:00'),
            (2, 'b c/d=e%', 2.5, NULL, NULL), (3, NULL, NULL, DATE'2024-01-02', TIMESTAMP'2024-01-02 00:00:00.123456'),
            (4, 'a', 4.0, DATE'2024-01-01', NULL);
        DELETE FROM t WHERE id = 1;
        UPDATE t SET v = v * 10 WHERE k = 'a';
        MERGE INTO t USING (SELECT 3 AS id, 'x' AS k, 30.0 AS v, DATE'2024-02-02' AS d, TIMESTAMP'2024-02-02 02:02:02' AS ts
                            UNION ALL SELECT 9, 'z', 9.0, NULL, NULL) s ON t.id = s.id
            WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *;
        INSERT INTO t REPLACE WHERE k = 'a' SELECT 40, 'a', 0.5, DATE'2024-01-01', NULL;
        INSERT OVERWRITE t SELECT * FROM t WHERE id <> 9;
        INSERT INTO t VALUES (10, 'q', 1.0, DATE'2024-03-03', TIMESTAMP'2024-03-03 03:03:03')
    """)
    check_versions(spark, ingot, table(ingot, "t"), "dml-copy-on-write", reader)


@pytest.mark.feature("deletion-vectors")
@reader
def test_deletion_vectors(request, ingot, reader):
    spark = engine(request, reader)
    ingot.sql("""
        CREATE TABLE t (id BIGINT, k STRING, v DOUBLE) USING delta
            TBLPROPERTIES ('delta.enableDeletionVectors' = 'true');
        INSERT INTO t SELECT id, CAST(id % 7 AS STRING), id / 2.0 FROM range(0, 3000);
        DELETE FROM t WHERE id % 5 = 0;
        DELETE FROM t WHERE id % 3 = 0;
        UPDATE t SET v = -1 WHERE id % 11 = 0;
        MERGE INTO t USING (SELECT id, 'm' AS k, 0.0 AS v FROM range(2990, 3010)) s ON t.id = s.id
            WHEN MATCHED AND s.id % 2 = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.v
            WHEN NOT MATCHED THEN INSERT *
    """)
    p = table(ingot, "t")
    dvs = sum(1 for v in log_versions(p) for line in open(os.path.join(p, "_delta_log", f"{v:020d}.json"))
              if (json.loads(line).get("add") or {}).get("deletionVector"))
    assert dvs, "ingot wrote no deletion vectors"
    check_versions(spark, ingot, p, "deletion-vectors", reader)


@pytest.mark.feature("change-data-feed")
def test_cdf_table_changes(spark, ingot):
    """Spark's table_changes over ingot's change data equals ingot's."""
    ingot.sql("""
        CREATE TABLE t (id INT, v STRING) USING delta TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true');
        INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
        UPDATE t SET v = 'bb' WHERE id = 2;
        DELETE FROM t WHERE id = 1;
        MERGE INTO t USING (SELECT 3 AS id, 'cc' AS v UNION ALL SELECT 4, 'd') s ON t.id = s.id
            WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *
    """)
    p = table(ingot, "t")
    df = spark.read.format("delta").option("readChangeFeed", "true").option("startingVersion", 1).load(p) \
        .select("id", "v", "_change_type", "_commit_version")
    want = compare.ingot_rows(
        ingot.sql("SELECT id, v, _change_type, _commit_version FROM table_changes('t', 1)"), df.schema)
    d = compare.diff(want, compare.spark_rows(df))
    assert not d, d
    kinds = {r[2] for r in want}
    assert {"insert", "update_preimage", "update_postimage", "delete"} <= kinds, kinds


@pytest.mark.feature("cdf-with-dv")
@reader
def test_cdf_and_dv_tables(request, ingot, reader):
    spark = engine(request, reader)
    ingot.sql("""
        CREATE TABLE t (id INT, v STRING) USING delta
            TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', 'delta.enableDeletionVectors' = 'true');
        INSERT INTO t SELECT id, CAST(id AS STRING) FROM range(0, 100);
        DELETE FROM t WHERE id < 10;
        UPDATE t SET v = 'u' WHERE id > 90
    """)
    check_versions(spark, ingot, table(ingot, "t"), "cdf-with-dv", reader)


@pytest.mark.feature("column-mapping")
@pytest.mark.parametrize("mode", ["name", "id"])
@reader
def test_column_mapping(request, ingot, reader, mode):
    spark = engine(request, reader)
    ingot.sql(f"""
        CREATE TABLE t (id INT, `a b` STRING, c DOUBLE, p STRING) USING delta PARTITIONED BY (p)
            TBLPROPERTIES ('delta.columnMapping.mode' = '{mode}');
        INSERT INTO t VALUES (1, 'one', 1.0, 'x'), (2, 'two', 2.0, 'y');
        INSERT INTO t VALUES (3, 'three', 3.0, 'x');
        UPDATE t SET `a b` = 'TWO' WHERE id = 2;
        DELETE FROM t WHERE id = 1
    """)
    # ingot's SQL has no RENAME/DROP COLUMN yet (WRITE_GAPS): the physical
    # names differing from the logical ones is what readers must honour
    p = table(ingot, "t")
    md = next(json.loads(l)["metaData"] for l in open(os.path.join(p, "_delta_log", f"{0:020d}.json")) if "metaData" in l)
    fields = json.loads(md["schemaString"])["fields"]
    assert all(f["metadata"].get("delta.columnMapping.physicalName", f["name"]) != f["name"] for f in fields), fields
    check_versions(spark, ingot, table(ingot, "t"), f"column-mapping-{mode}", reader)


@pytest.mark.feature("append-only")
def test_append_only(spark, ingot):
    ingot.sql("""
        CREATE TABLE t (id INT) USING delta TBLPROPERTIES ('delta.appendOnly' = 'true');
        INSERT INTO t VALUES (1), (2)
    """)
    p = table(ingot, "t")
    check_versions(spark, ingot, p, "append-only", "spark")
    with pytest.raises(Exception, match="(?i)append"):
        spark.sql(f"DELETE FROM delta.`{p}` WHERE id = 1")


@pytest.mark.feature("constraints-generated")
@reader
def test_check_and_generated(request, ingot, reader):
    spark = engine(request, reader)
    ingot.sql("""
        CREATE TABLE t (id INT NOT NULL, v INT, v2 INT GENERATED ALWAYS AS (v * 2)) USING delta;
        INSERT INTO t (id, v) VALUES (1, 10), (2, 20);
        ALTER TABLE t ADD CONSTRAINT pos CHECK (v > 0);
        INSERT INTO t (id, v) VALUES (3, 30)
    """)
    p = table(ingot, "t")
    check_versions(spark, ingot, p, "constraints-generated", reader)
    if reader == "spark":  # Spark enforces what ingot declared
        with pytest.raises(Exception, match="(?i)check|constraint"):
            spark.sql(f"INSERT INTO delta.`{p}` (id, v) VALUES (4, -1)")
        spark.sql(f"INSERT INTO delta.`{p}` (id, v) VALUES (5, 50)")
        assert spark.sql(f"SELECT v2 FROM delta.`{p}` WHERE id = 5").collect()[0].v2 == 100
        # and ingot reads Spark's commit
        assert ingot.sql(f"SELECT v2 FROM t WHERE id = 5") == [{"v2": 100}]


@pytest.mark.feature("timestampNtz")
@reader
def test_timestamp_ntz(request, ingot, reader):
    spark = engine(request, reader)
    ingot.sql("""
        CREATE TABLE t (id INT, ntz TIMESTAMP_NTZ, ts TIMESTAMP, dec DECIMAL(20, 4), b BINARY) USING delta;
        INSERT INTO t VALUES (1, TIMESTAMP_NTZ'2024-01-01 10:00:00.123456', TIMESTAMP'2024-01-01 10:00:00.5', 12.3456, X'01FF'),
            (2, NULL, NULL, NULL, NULL), (3, TIMESTAMP_NTZ'1900-01-01 00:00:00', TIMESTAMP'2100-01-01 00:00:00', -0.0001, X'')
    """)
    check_versions(spark, ingot, table(ingot, "t"), "timestampNtz", reader)


@pytest.mark.feature("checkpoint")
@reader
def test_checkpoint_without_early_commits(request, ingot, reader, scratch):
    spark = engine(request, reader)
    stmts = ["CREATE TABLE t (id BIGINT, k STRING) USING delta PARTITIONED BY (k) "
             "TBLPROPERTIES ('delta.checkpointInterval' = '3')"]
    for i in range(8):
        stmts.append(f"INSERT INTO t SELECT id, CAST(id % 3 AS STRING) FROM range({i * 10}, {i * 10 + 10})")
    stmts.append("DELETE FROM t WHERE id % 4 = 0")
    ingot.sql(";\n".join(stmts))
    p = table(ingot, "t")
    check_versions(spark, ingot, p, "checkpoint", reader)
    dst = str(scratch / "trimmed")
    trimmed_copy(p, dst)
    last = log_versions(p)[-1]
    got, schema = read_with(reader, spark, dst, last, schema_from=p)
    want = compare.ingot_rows(ingot.read(p, last), schema)
    assert not compare.diff(want, got), compare.diff(want, got)


@pytest.mark.feature("optimize-vacuum-restore")
@reader
def test_optimize_vacuum_restore(request, ingot, reader):
    spark = engine(request, reader)
    stmts = ["CREATE TABLE t (id BIGINT, k STRING) USING delta"]
    for i in range(4):
        stmts.append(f"INSERT INTO t SELECT id, CAST(id % 3 AS STRING) FROM range({i * 50}, {i * 50 + 50})")
    stmts += ["DELETE FROM t WHERE id % 9 = 0", "OPTIMIZE t ZORDER BY (k, id)", "RESTORE TABLE t TO VERSION AS OF 3",
              "OPTIMIZE t", "SET spark.databricks.delta.retentionDurationCheck.enabled = false",
              "VACUUM t RETAIN 0 HOURS"]
    ingot.sql(";\n".join(stmts))
    p = table(ingot, "t")
    hist = {r["version"]: r["operation"] for r in ingot.sql("DESCRIBE HISTORY t")}
    # VACUUM RETAIN 0 HOURS removed every file the last OPTIMIZE replaced:
    # only the versions from that OPTIMIZE on are readable, by any engine
    last_opt = max(v for v, op in hist.items() if op == "OPTIMIZE")
    check_versions(spark, ingot, p, "optimize-vacuum-restore", reader,
                   vs=[v for v in log_versions(p) if v >= last_opt])
    with pytest.raises(IngotError):  # a vacuumed version fails, never reads short
        ingot.read(p, last_opt - 1)
    if reader == "spark":
        ops = {r.operation for r in spark.sql(f"DESCRIBE HISTORY delta.`{p}`").collect()}
        assert {"OPTIMIZE", "RESTORE", "VACUUM END"} <= ops or {"OPTIMIZE", "RESTORE"} <= ops, ops


# --- ingot write limitations, asserted as named errors ---------------------

WRITE_GAPS = [
    ("optimize-check-constraint",
     "CREATE TABLE t (v INT) USING delta; INSERT INTO t VALUES (1); ALTER TABLE t ADD CONSTRAINT pos CHECK (v > 0); OPTIMIZE t",
     r"CHECK constraint pos"),
    ("vacuum-check-constraint",
     "CREATE TABLE t (v INT) USING delta; INSERT INTO t VALUES (1); ALTER TABLE t ADD CONSTRAINT pos CHECK (v > 0); VACUUM t",
     r"CHECK constraint pos"),
    ("optimize-column-mapping",
     "CREATE TABLE t (v INT) USING delta TBLPROPERTIES ('delta.columnMapping.mode' = 'name'); INSERT INTO t VALUES (1); OPTIMIZE t",
     r"column mapping mode"),
    ("merge-generated-columns",
     "CREATE TABLE t (v INT, g INT GENERATED ALWAYS AS (v + 1)) USING delta; "
     "MERGE INTO t USING (SELECT 1 AS v) s ON t.v = s.v WHEN NOT MATCHED THEN INSERT (v) VALUES (s.v)",
     r"MERGE INTO a table with generated columns"),
    ("rename-column",
     "CREATE TABLE t (v INT) USING delta TBLPROPERTIES ('delta.columnMapping.mode' = 'name'); ALTER TABLE t RENAME COLUMN v TO w",
     r"UNSUPPORTED_FEATURE.*RENAME COLUMN"),
    ("drop-column",
     "CREATE TABLE t (v INT, w INT) USING delta TBLPROPERTIES ('delta.columnMapping.mode' = 'name'); ALTER TABLE t DROP COLUMN w",
     r"UNSUPPORTED_FEATURE.*DROP COLUMN"),
]


@pytest.mark.direction("ingot-write")
@pytest.mark.feature("write-gaps")
@pytest.mark.parametrize("case,script,error", WRITE_GAPS, ids=[g[0] for g in WRITE_GAPS])
def test_write_gap(ingot, case, script, error):
    with pytest.raises(IngotError) as e:
        ingot.sql(script)
    assert re.search(error, str(e.value)), f"{case}: ingot failed with another error: {e.value}"
    pytest.xfail(f"{case}: {str(e.value).splitlines()[-1]}")


# --- two engines on one table -----------------------------------------------

@pytest.mark.feature("alternating-writers")
def test_alternating_writers(spark, ingot):
    ingot.sql("CREATE TABLE t (id BIGINT, v STRING) USING delta; INSERT INTO t VALUES (1, 'ingot'), (2, 'ingot')")
    p = table(ingot, "t")
    spark.sql(f"INSERT INTO delta.`{p}` VALUES (3, 'spark'), (4, 'spark')")
    spark.sql(f"MERGE INTO delta.`{p}` t USING (SELECT 2L id, 'merged' v UNION ALL SELECT 5L, 'spark-new') s "
              f"ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *")
    spark.sql(f"OPTIMIZE delta.`{p}`")
    ingot.sql("INSERT INTO t VALUES (6, 'ingot2'); UPDATE t SET v = 'ingot-upd' WHERE id = 3; DELETE FROM t WHERE id = 1")
    spark.sql(f"DELETE FROM delta.`{p}` WHERE id = 4")
    ingot.sql("INSERT INTO t VALUES (7, 'ingot3')")
    final = {(r.id, r.v) for r in spark.read.format("delta").load(p).collect()}
    assert final == {(2, "merged"), (3, "ingot-upd"), (5, "spark-new"), (6, "ingot2"), (7, "ingot3")}, final
    check_versions(spark, ingot, p, "alternating-writers", "spark")
    check_versions(spark, ingot, p, "alternating-writers", "delta-rs")


@pytest.mark.feature("concurrent-appends")
def test_concurrent_appends(spark, ingot):
    ingot.sql("CREATE TABLE t (id BIGINT, w STRING) USING delta")
    p = table(ingot, "t")
    n = 8
    errors = []

    def ingot_side():
        for i in range(n):
            try:
                ingot.sql(f"INSERT INTO t VALUES ({i}, 'ingot')")
            except IngotError as e:
                errors.append(f"ingot append {i}: {e}")

    th = threading.Thread(target=ingot_side)
    th.start()
    for i in range(n):
        spark.sql(f"INSERT INTO delta.`{p}` VALUES ({100 + i}, 'spark')")
    th.join()
    assert not errors, errors
    rows = {(r.id, r.w) for r in spark.read.format("delta").load(p).collect()}
    want = {(i, "ingot") for i in range(n)} | {(100 + i, "spark") for i in range(n)}
    assert rows == want, f"lost: {want - rows}; extra: {rows - want}"
    assert log_versions(p) == list(range(2 * n + 1)), "a commit is missing or duplicated"
    got = compare.ingot_rows(ingot.sql("SELECT * FROM t"), spark.read.format("delta").load(p).schema)
    assert sum(got.values()) == 2 * n
