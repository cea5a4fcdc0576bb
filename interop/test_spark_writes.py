"""Spark writes, ingot reads.

Each case has delta-spark build a table with one feature over several commits,
then ingot reads every version (VERSION AS OF) and its rows must equal Spark's
own answer for that version as a multiset (compare.py normalises the types).

A feature ingot cannot read must fail with an error naming it. Such known gaps
are listed in GAPS (case -> regex the error must match): the case is then an
expected failure carrying ingot's error text, and a wrong answer or another
error still fails it. A gap that stops reproducing fails the case too, so the
list stays true.
"""
import os
import re
import shutil

import pytest

import compare
from conftest import IngotError

DIRECTION = "spark->ingot"

# case name -> regex ingot's error must match for that case's known gap.
GAPS = {}


def versions(spark, path):
    """The table's versions: its JSON commits (cheaper than DESCRIBE HISTORY,
    which lists the same; a checkpoint never has a version without one)."""
    log = os.path.join(path, "_delta_log")
    return sorted(int(f[:20]) for f in os.listdir(log) if re.fullmatch(r"\d{20}\.json", f))


def spark_at(spark, path, version):
    return spark.read.format("delta").option("versionAsOf", version).load(str(path))


def check_versions(spark, ingot, path, case, vs=None):
    """ingot's rows equal Spark's at every version of the table at path."""
    gap = GAPS.get(case)
    failures, gap_errors = [], []
    vs = versions(spark, path) if vs is None else vs
    for v in vs:
        df = spark_at(spark, path, v)
        want = compare.spark_rows(df)
        try:
            got = compare.ingot_rows(ingot.read(path, v), df.schema)
        except IngotError as e:
            if gap and re.search(gap, str(e)):
                gap_errors.append(f"v{v}: {e}")
                continue
            failures.append(f"v{v}: ingot error: {e}")
            continue
        d = compare.diff(want, got)
        if d:
            failures.append(f"v{v}: {d}")
    assert not failures, f"{case}: {len(failures)} of {len(vs)} versions wrong:\n" + "\n".join(failures)
    if gap_errors:
        pytest.xfail(f"known gap ({len(gap_errors)} of {len(vs)} versions): {gap_errors[0]}")
    assert not gap, f"{case}: known gap {gap!r} no longer reproduces; remove it from GAPS"
    return vs


def check_without_early_commits(spark, ingot, path, scratch, case):
    """A copy of the table whose JSON commits before its last checkpoint are
    deleted still reads the latest version from the checkpoint."""
    log = os.path.join(path, "_delta_log")
    cps = sorted(int(f.split(".")[0]) for f in os.listdir(log) if ".checkpoint" in f and not f.endswith(".crc"))
    assert cps, f"{case}: Spark wrote no checkpoint"
    cp = cps[-1]
    dst = scratch / (os.path.basename(path) + "_trimmed")
    shutil.copytree(path, dst)
    for f in os.listdir(dst / "_delta_log"):
        if f.endswith(".json") and f[:20].isdigit() and int(f[:20]) < cp:
            os.remove(dst / "_delta_log" / f)
    latest = versions(spark, path)[-1]
    check_versions(spark, ingot, str(dst), case, vs=[latest])
    return cp


def sql(spark, *stmts):
    for s in stmts:
        spark.sql(s)


# --- cases ----------------------------------------------------------------

@pytest.mark.feature("partitioning")
def test_partition_values(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT, s STRING, d DATE, ts TIMESTAMP, n INT, v DOUBLE) "
        f"USING delta PARTITIONED BY (s, d, ts, n)",
        f"""INSERT INTO delta.`{p}` VALUES
            (1, 'plain', DATE'2024-01-01', TIMESTAMP'2024-01-01 00:00:00', 1, 1.5),
            (2, 'a b/c=d%e', DATE'1999-12-31', TIMESTAMP'2024-03-10 12:34:56.789012', 2, -0.25),
            (3, 'ünï©ødé #?&', DATE'2024-02-29', TIMESTAMP'1970-01-01 00:00:00', NULL, NULL),
            (4, NULL, NULL, NULL, NULL, 4.0),
            (5, '', DATE'2024-01-01', TIMESTAMP'2024-01-01 00:00:00', 3, 5.0),
            (6, 'x:y\\\\z*[]{{}}', DATE'0001-01-01', TIMESTAMP'2038-01-19 03:14:08', -1, 6.0)""",
        f"INSERT INTO delta.`{p}` VALUES (7, 'plain', DATE'2024-01-01', TIMESTAMP'2024-01-01 00:00:00', 1, 7.0)",
        f"DELETE FROM delta.`{p}` WHERE s = 'plain' AND id = 1",
        f"UPDATE delta.`{p}` SET s = 'moved' WHERE id = 5",
    )
    check_versions(spark, ingot, p, "partitioning")


@pytest.mark.feature("partitioning")
def test_partition_filter_pushdown(spark, ingot, scratch):
    """Filters on partition columns with special values prune correctly."""
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT, s STRING, d DATE) USING delta PARTITIONED BY (s, d)",
        f"INSERT INTO delta.`{p}` VALUES (1, 'a b', DATE'2024-01-01'), (2, NULL, NULL), (3, 'a%b', DATE'2024-01-02')",
    )
    for where in ["s = 'a b'", "s IS NULL", "d = DATE'2024-01-02'", "d IS NULL", "s LIKE 'a%'"]:
        df = spark.sql(f"SELECT * FROM delta.`{p}` WHERE {where}")
        got = compare.ingot_rows(ingot.sql(f"SELECT * FROM delta.`{p}` WHERE {where}"), df.schema)
        d = compare.diff(compare.spark_rows(df), got)
        assert not d, f"WHERE {where}: {d}"


def _checkpointed(spark, p, props, n=7, conf=None):
    old = {}
    for k, v in (conf or {}).items():
        old[k] = spark.conf.get(k, None)
        spark.conf.set(k, v)
    try:
        sql(spark, f"CREATE TABLE delta.`{p}` (id BIGINT, g STRING, x DOUBLE) USING delta "
                   f"PARTITIONED BY (g) TBLPROPERTIES ({props})")
        for i in range(n):
            spark.range(i * 10, i * 10 + 10).selectExpr(
                "id", "concat('g', cast(id % 3 as string)) as g", "cast(id * 1.5 as double) as x"
            ).write.format("delta").mode("append").save(p)
        sql(spark, f"DELETE FROM delta.`{p}` WHERE id % 7 = 0")
    finally:
        for k, v in old.items():
            if v is None:
                spark.conf.unset(k)
            else:
                spark.conf.set(k, v)


@pytest.mark.feature("checkpoint-classic")
def test_checkpoint_classic(spark, ingot, scratch):
    p = str(scratch / "t")
    _checkpointed(spark, p, "'delta.checkpointInterval' = '3'")
    check_versions(spark, ingot, p, "checkpoint-classic")
    check_without_early_commits(spark, ingot, p, scratch, "checkpoint-classic")


@pytest.mark.feature("checkpoint-multipart")
def test_checkpoint_multipart(spark, ingot, scratch):
    p = str(scratch / "t")
    _checkpointed(spark, p, "'delta.checkpointInterval' = '4'",
                  conf={"spark.databricks.delta.checkpoint.partSize": "3"})
    parts = [f for f in os.listdir(os.path.join(p, "_delta_log")) if re.search(r"checkpoint\.\d+\.\d+\.parquet$", f)]
    assert len(parts) > 1, f"Spark wrote no multi-part checkpoint: {os.listdir(os.path.join(p, '_delta_log'))}"
    check_versions(spark, ingot, p, "checkpoint-multipart")
    check_without_early_commits(spark, ingot, p, scratch, "checkpoint-multipart")


@pytest.mark.feature("checkpoint-v2")
@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_checkpoint_v2_sidecars(spark, ingot, scratch, fmt):
    p = str(scratch / "t")
    _checkpointed(spark, p, "'delta.checkpointInterval' = '3', 'delta.checkpointPolicy' = 'v2'",
                  conf={"spark.databricks.delta.checkpoint.partSize": "3",
                        "spark.databricks.delta.checkpointV2.topLevelFileFormat": fmt})
    log = os.path.join(p, "_delta_log")
    v2 = [f for f in os.listdir(log) if re.search(r"checkpoint\.[0-9a-f-]{36}\.(json|parquet)$", f)]
    assert v2, f"Spark wrote no v2 checkpoint: {os.listdir(log)}"
    assert os.listdir(os.path.join(log, "_sidecars")), "Spark wrote no sidecars"
    check_versions(spark, ingot, p, "checkpoint-v2")
    check_without_early_commits(spark, ingot, p, scratch, "checkpoint-v2")


def _dv_table(spark, p, extra_props=""):
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id BIGINT, k STRING, v DOUBLE) USING delta "
        f"TBLPROPERTIES ('delta.enableDeletionVectors' = 'true'{extra_props})",
    )
    spark.range(0, 2000, 1, 2).selectExpr("id", "cast(id % 10 as string) as k", "cast(id / 4.0 as double) as v") \
        .write.format("delta").mode("append").save(p)


@pytest.mark.feature("deletion-vectors")
def test_dv_delete_update_merge(spark, ingot, scratch):
    p = str(scratch / "t")
    _dv_table(spark, p)
    sql(
        spark,
        f"DELETE FROM delta.`{p}` WHERE id % 5 = 0",
        f"DELETE FROM delta.`{p}` WHERE id % 7 = 0",  # a second vector over the same files
        f"UPDATE delta.`{p}` SET v = -v WHERE id % 11 = 0",
        f"""MERGE INTO delta.`{p}` t USING (SELECT id, 'm' AS k, 0.5 AS v FROM range(1990, 2010)) s
            ON t.id = s.id
            WHEN MATCHED AND s.id % 2 = 0 THEN DELETE
            WHEN MATCHED THEN UPDATE SET v = s.v
            WHEN NOT MATCHED THEN INSERT *""",
    )
    log = os.path.join(p, "_delta_log")
    import json as _json
    dvs = 0
    for f in os.listdir(log):
        if f.endswith(".json"):
            for line in open(os.path.join(log, f)):
                a = _json.loads(line).get("add")
                if a and a.get("deletionVector"):
                    dvs += 1
    assert dvs, "Spark wrote no deletion vectors"
    check_versions(spark, ingot, p, "deletion-vectors")


@pytest.mark.feature("deletion-vectors")
def test_dv_inline_and_checkpoint(spark, ingot, scratch):
    """Deletion vectors carried through a checkpoint (their descriptors come
    from the checkpoint's add.deletionVector struct)."""
    p = str(scratch / "t")
    _dv_table(spark, p, ", 'delta.checkpointInterval' = '2'")
    sql(spark, f"DELETE FROM delta.`{p}` WHERE id = 3", f"DELETE FROM delta.`{p}` WHERE id > 1500",
        f"DELETE FROM delta.`{p}` WHERE k = '4'")
    check_versions(spark, ingot, p, "deletion-vectors")
    check_without_early_commits(spark, ingot, p, scratch, "deletion-vectors")


@pytest.mark.feature("column-mapping")
@pytest.mark.parametrize("mode", ["name", "id"])
def test_column_mapping(spark, ingot, scratch, mode):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT, `a b` STRING, c DOUBLE, s STRUCT<x: INT, y: STRING>, part STRING) "
        f"USING delta PARTITIONED BY (part) TBLPROPERTIES ('delta.columnMapping.mode' = '{mode}')",
        f"INSERT INTO delta.`{p}` VALUES (1, 'one', 1.0, named_struct('x', 1, 'y', 'a'), 'p1'), "
        f"(2, 'two', 2.0, NULL, 'p2')",
        f"ALTER TABLE delta.`{p}` RENAME COLUMN c TO `renamed c`",
        f"INSERT INTO delta.`{p}` VALUES (3, 'three', 3.0, named_struct('x', 3, 'y', 'c'), 'p1')",
        f"ALTER TABLE delta.`{p}` DROP COLUMN `a b`",
        f"ALTER TABLE delta.`{p}` ADD COLUMNS (`a b` BIGINT)",  # same name, new column
        f"INSERT INTO delta.`{p}` VALUES (4, 4.0, named_struct('x', 4, 'y', 'd'), 'p2', 40)",
        f"ALTER TABLE delta.`{p}` RENAME COLUMN s.x TO xx",
        f"ALTER TABLE delta.`{p}` RENAME COLUMN part TO `part ition`",
        f"INSERT INTO delta.`{p}` VALUES (5, 5.0, named_struct('xx', 5, 'y', 'e'), 'p3', 50)",
        f"DELETE FROM delta.`{p}` WHERE id = 2",
    )
    check_versions(spark, ingot, p, f"column-mapping-{mode}")


@pytest.mark.feature("change-data-feed")
def test_cdf_table_reads(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT, v STRING) USING delta "
        f"TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')",
        f"INSERT INTO delta.`{p}` VALUES (1, 'a'), (2, 'b'), (3, 'c')",
        f"UPDATE delta.`{p}` SET v = 'bb' WHERE id = 2",
        f"DELETE FROM delta.`{p}` WHERE id = 1",
        f"MERGE INTO delta.`{p}` t USING (SELECT 3 id, 'cc' v UNION ALL SELECT 4, 'd') s ON t.id = s.id "
        f"WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *",
    )
    check_versions(spark, ingot, p, "change-data-feed")


@pytest.mark.feature("change-data-feed")
def test_cdf_table_changes(spark, ingot, scratch):
    """ingot's table_changes over Spark's CDF equals Spark's table_changes."""
    wh = scratch / "warehouse"
    p = str(wh / "cdf")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT, v STRING) USING delta "
        f"TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')",
        f"INSERT INTO delta.`{p}` VALUES (1, 'a'), (2, 'b'), (3, 'c')",
        f"UPDATE delta.`{p}` SET v = 'bb' WHERE id = 2",
        f"DELETE FROM delta.`{p}` WHERE id = 1",
    )
    df = spark.read.format("delta").option("readChangeFeed", "true").option("startingVersion", 1).load(p) \
        .select("id", "v", "_change_type", "_commit_version")
    want = compare.spark_rows(df)
    # the warehouse's table directory is registered by name in ingot's catalog
    try:
        rows = ingot.sql(f"CREATE TABLE cdf USING delta LOCATION '{p}'; "
                         f"SELECT id, v, _change_type, _commit_version FROM table_changes('cdf', 1)")
    except IngotError as e:
        rows = ingot.sql(f"SELECT id, v, _change_type, _commit_version FROM table_changes('cdf', 1)")
    d = compare.diff(want, compare.ingot_rows(rows, df.schema))
    assert not d, d


@pytest.mark.feature("type-widening")
def test_type_widening(spark, ingot, scratch):
    p = str(scratch / "t")
    widen = [  # (column, from, to)
        ("b2s", "BYTE", "SHORT"), ("b2i", "BYTE", "INT"), ("b2l", "BYTE", "BIGINT"),
        ("s2i", "SHORT", "INT"), ("s2l", "SHORT", "BIGINT"), ("i2l", "INT", "BIGINT"),
        ("f2d", "FLOAT", "DOUBLE"), ("b2d", "BYTE", "DOUBLE"), ("s2d", "SHORT", "DOUBLE"),
        ("i2d", "INT", "DOUBLE"), ("dec", "DECIMAL(5,2)", "DECIMAL(10,4)"),
        ("i2dec", "INT", "DECIMAL(12,0)"), ("l2dec", "BIGINT", "DECIMAL(22,2)"),
        ("b2dec", "BYTE", "DECIMAL(5,1)"), ("dt2ntz", "DATE", "TIMESTAMP_NTZ"),
    ]
    cols = ", ".join(f"{c} {a}" for c, a, _ in widen)
    first = "1, 2, 3, 4, 5, 6, 1.25, 7, 8, 9, 123.45, 10, 11, 12, DATE'2024-05-06'"
    sql(spark, f"CREATE TABLE delta.`{p}` (id INT, {cols}) USING delta "
               f"TBLPROPERTIES ('delta.enableTypeWidening' = 'true')",
        f"INSERT INTO delta.`{p}` VALUES (0, {first})",
        f"INSERT INTO delta.`{p}` VALUES (1, -1, -2, -3, -4, -5, -6, -1.5, -7, -8, -9, -1.01, -10, -11, -12, NULL)")
    for c, _, b in widen:
        spark.sql(f"ALTER TABLE delta.`{p}` ALTER COLUMN {c} TYPE {b}")
    sql(spark, f"""INSERT INTO delta.`{p}` VALUES (2, 30000, 2000000000, 9000000000000, 2000000000,
        9000000000000, 9000000000000, 1.0E300, 1.5E10, 2.5E10, 3.5E10, 123456.7891, 999999999999,
        99999999999999999999.99, 9999.9, TIMESTAMP_NTZ'2024-05-06 07:08:09.123456')""")
    check_versions(spark, ingot, p, "type-widening")


@pytest.mark.feature("timestampNtz")
def test_timestamp_ntz(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT, ntz TIMESTAMP_NTZ, ts TIMESTAMP, pn TIMESTAMP_NTZ) "
        f"USING delta PARTITIONED BY (pn)",
        f"""INSERT INTO delta.`{p}` VALUES
           (1, TIMESTAMP_NTZ'2024-01-01 10:00:00.123456', TIMESTAMP'2024-01-01 10:00:00.123456', TIMESTAMP_NTZ'2024-01-01 00:00:00'),
           (2, TIMESTAMP_NTZ'1900-01-01 00:00:00', TIMESTAMP'1900-01-01 00:00:00', NULL),
           (3, NULL, NULL, TIMESTAMP_NTZ'2099-12-31 23:59:59.999999')""",
    )
    check_versions(spark, ingot, p, "timestampNtz")


@pytest.mark.feature("variant")
def test_variant_unshredded(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT, v VARIANT) USING delta",
        f"""INSERT INTO delta.`{p}` SELECT id, parse_json(j) FROM VALUES
            (1, '{{"a": 1, "b": [1, 2.5, "x"], "c": {{"d": null}}}}'), (2, '"str"'), (3, '12345678901234'),
            (4, 'null'), (5, '[]'), (6, '{{"k": true, "t": -0.5}}') AS t(id, j)""",
        f"INSERT INTO delta.`{p}` VALUES (7, NULL)",
    )
    check_versions(spark, ingot, p, "variant")


@pytest.mark.feature("variant-shredded")
def test_variant_shredded(spark, ingot, scratch):
    p = str(scratch / "t")
    conf = {"spark.sql.variant.writeShredding.enabled": "true",
            "spark.sql.variant.forceShreddingSchemaForTest": "a int, b string"}
    old = {k: spark.conf.get(k, None) for k in conf}
    try:
        for k, v in conf.items():
            spark.conf.set(k, v)
        sql(
            spark,
            f"CREATE TABLE delta.`{p}` (id INT, v VARIANT) USING delta "
            f"TBLPROPERTIES ('delta.enableVariantShredding' = 'true')",
            f"""INSERT INTO delta.`{p}` SELECT id, parse_json(j) FROM VALUES
                (1, '{{"a": 1, "b": "x"}}'), (2, '{{"a": "not int", "c": 3}}'), (3, '7'),
                (4, '{{"b": null}}') AS t(id, j)""",
        )
    finally:
        for k, v in old.items():
            spark.conf.unset(k) if v is None else spark.conf.set(k, v)
    check_versions(spark, ingot, p, "variant-shredded")


@pytest.mark.feature("identity-columns")
def test_identity_columns(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5), "
        f"d BIGINT GENERATED BY DEFAULT AS IDENTITY, v STRING) USING delta",
        f"INSERT INTO delta.`{p}` (v) VALUES ('a'), ('b')",
        f"INSERT INTO delta.`{p}` (d, v) VALUES (100, 'c')",
        f"DELETE FROM delta.`{p}` WHERE v = 'a'",
    )
    check_versions(spark, ingot, p, "identity-columns")


@pytest.mark.feature("row-tracking")
def test_row_tracking(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT, v STRING) USING delta "
        f"TBLPROPERTIES ('delta.enableRowTracking' = 'true')",
        f"INSERT INTO delta.`{p}` VALUES (1, 'a'), (2, 'b')",
        f"INSERT INTO delta.`{p}` VALUES (3, 'c')",
        f"UPDATE delta.`{p}` SET v = 'B' WHERE id = 2",
        f"OPTIMIZE delta.`{p}`",
    )
    check_versions(spark, ingot, p, "row-tracking")


@pytest.mark.feature("liquid-clustering")
def test_liquid_clustering(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(spark, f"CREATE TABLE delta.`{p}` (id BIGINT, k STRING, d DATE) USING delta CLUSTER BY (k, d)")
    for i in range(3):
        spark.range(i * 100, i * 100 + 100).selectExpr(
            "id", "cast(id % 13 as string) k", "date_add(DATE'2024-01-01', cast(id % 40 as int)) d"
        ).write.format("delta").mode("append").save(p)
    sql(spark, f"OPTIMIZE delta.`{p}`", f"ALTER TABLE delta.`{p}` CLUSTER BY (id)",
        f"INSERT INTO delta.`{p}` VALUES (1000, 'z', NULL)", f"OPTIMIZE delta.`{p}`")
    check_versions(spark, ingot, p, "liquid-clustering")


@pytest.mark.feature("in-commit-timestamps")
def test_in_commit_timestamps(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT) USING delta TBLPROPERTIES ('delta.enableInCommitTimestamps' = 'true')",
        f"INSERT INTO delta.`{p}` VALUES (1)",
        f"INSERT INTO delta.`{p}` VALUES (2)",
        f"INSERT INTO delta.`{p}` VALUES (3)",
    )
    check_versions(spark, ingot, p, "in-commit-timestamps")
    # TIMESTAMP AS OF resolves by the in-commit timestamps
    hist = spark.sql(f"DESCRIBE HISTORY delta.`{p}`").collect()
    for r in hist:
        ts = r.timestamp.isoformat(sep=" ", timespec="microseconds")
        want = compare.spark_rows(spark.sql(f"SELECT * FROM delta.`{p}` TIMESTAMP AS OF '{ts}'"))
        got = compare.ingot_rows(ingot.sql(f"SELECT * FROM delta.`{p}` TIMESTAMP AS OF '{ts}'"),
                                 spark.read.format("delta").load(p).schema)
        d = compare.diff(want, got)
        assert not d, f"TIMESTAMP AS OF '{ts}' (version {r.version}): {d}"


@pytest.mark.feature("generated-columns")
def test_generated_columns(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (ts TIMESTAMP, v INT, d DATE GENERATED ALWAYS AS (CAST(ts AS DATE)), "
        f"v2 INT GENERATED ALWAYS AS (v * 2)) USING delta PARTITIONED BY (d)",
        f"INSERT INTO delta.`{p}` (ts, v) VALUES (TIMESTAMP'2024-01-01 10:00:00', 1), (TIMESTAMP'2024-01-02 23:59:59', 2)",
        f"UPDATE delta.`{p}` SET v = 10 WHERE v = 1",
    )
    check_versions(spark, ingot, p, "generated-columns")


@pytest.mark.feature("check-constraints")
def test_check_constraints(spark, ingot, scratch):
    p = str(scratch / "t")
    sql(
        spark,
        f"CREATE TABLE delta.`{p}` (id INT NOT NULL, v INT) USING delta",
        f"INSERT INTO delta.`{p}` VALUES (1, 10), (2, 20)",
        f"ALTER TABLE delta.`{p}` ADD CONSTRAINT pos CHECK (v > 0)",
        f"INSERT INTO delta.`{p}` VALUES (3, 30)",
        f"ALTER TABLE delta.`{p}` DROP CONSTRAINT pos",
    )
    check_versions(spark, ingot, p, "check-constraints")


@pytest.mark.feature("types")
def test_all_types(spark, ingot, scratch):
    """Every Spark type Delta stores, with edge values, nested types and nulls."""
    p = str(scratch / "t")
    sql(
        spark,
        f"""CREATE TABLE delta.`{p}` (b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INT, i64 BIGINT, f FLOAT, d DOUBLE,
            dec DECIMAL(38,18), dec2 DECIMAL(9,3), s STRING, bin BINARY, dt DATE, ts TIMESTAMP,
            arr ARRAY<INT>, m MAP<STRING, DOUBLE>, st STRUCT<a: INT, b: ARRAY<STRING>>) USING delta""",
        f"""INSERT INTO delta.`{p}` VALUES
            (true, 127, 32767, 2147483647, 9223372036854775807, 3.4028235E38, 1.7976931348623157E308,
             12345678901234567890.123456789012345678, 999999.999, 'héllo', X'00FF10', DATE'9999-12-31',
             TIMESTAMP'2262-04-11 23:47:16.854775', array(1, NULL, 3), map('a', 1.0, 'b', NULL),
             named_struct('a', 1, 'b', array('x', NULL))),
            (false, -128, -32768, -2147483648, -9223372036854775808, CAST('NaN' AS FLOAT), CAST('-Infinity' AS DOUBLE),
             -0.000000000000000001, -0.001, '', X'', DATE'1582-10-15', TIMESTAMP'1677-09-21 00:12:43.145225',
             array(), map(), named_struct('a', NULL, 'b', NULL)),
            (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""",
    )
    check_versions(spark, ingot, p, "types")
