"""Streaming across engines.

ingot -> Spark: ingot's CLI appends to a source table in rounds; gostream
(interop/gostream: ingot's Delta source -> ingot's Delta sink) runs after
each round as a fresh process (a restart, resuming from its checkpoint), and
Spark's Delta streaming source reads ingot's sink into a Spark Delta sink with
availableNow. After every round Spark's output must hold each source row
exactly once. A second case kills gostream (SIGKILL) while it runs
micro-batches and restarts it.

Spark -> ingot: Spark appends to a source table and streams it into a Delta
sink; gostream streams that sink into an ingot table, round after round.
"""
import collections
import os
import signal
import subprocess
import time

import pytest

import compare

DIRECTION = "streaming"


@pytest.fixture(scope="session")
def gostream_bin():
    b = os.environ.get("GOSTREAM_BIN")
    if not b or not os.access(b, os.X_OK):
        pytest.exit("GOSTREAM_BIN is not set to the built interop/gostream: run the suite with interop/run", 2)
    return b


def gostream(binary, source, sink, checkpoint, *extra):
    p = subprocess.run([binary, "-source", str(source), "-sink", str(sink), "-checkpoint", str(checkpoint), *extra],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"gostream failed: {p.stderr}"
    return p.stdout


def spark_available_now(spark, source, sink, checkpoint):
    q = (spark.readStream.format("delta").load(str(source))
         .writeStream.format("delta").option("checkpointLocation", str(checkpoint))
         .trigger(availableNow=True).start(str(sink)))
    q.awaitTermination()
    if q.exception():
        raise AssertionError(f"Spark stream failed: {q.exception()}")
    return q


def ids(rows):
    return collections.Counter(r["id"] if isinstance(r, dict) else r.id for r in rows)


@pytest.mark.feature("ingot-sink->spark-source")
def test_ingot_sink_feeds_spark_source(spark, ingot, gostream_bin, scratch):
    src, mid, out = scratch / "src", scratch / "ingot_sink", scratch / "spark_sink"
    ingot.sql(f"CREATE TABLE src (id BIGINT, v STRING, ts TIMESTAMP) USING delta LOCATION '{src}'")
    want = collections.Counter()
    n = 0
    for rnd in range(4):
        for _ in range(2):  # two commits per round
            rows = ", ".join(f"({n + i}, 'r{rnd}', TIMESTAMP'2024-01-01 00:{(n + i) // 60:02d}:{(n + i) % 60:02d}.5')"
                             for i in range(5))
            ingot.sql(f"INSERT INTO src VALUES {rows}")
            want.update(range(n, n + 5))
            n += 5
        gostream(gostream_bin, src, mid, scratch / "cp_ingot")  # a new ingot process every round
        spark_available_now(spark, mid, out, scratch / "cp_spark")
        got = collections.Counter(r.id for r in spark.read.format("delta").load(str(out)).select("id").collect())
        assert got == want, f"round {rnd}: missing {want - got}, duplicated/extra {got - want}"
    # the data itself, not only the ids, went through unchanged
    df = spark.read.format("delta").load(str(out))
    d = compare.diff(compare.ingot_rows(ingot.sql("SELECT * FROM src"), df.schema), compare.spark_rows(df))
    assert not d, d


@pytest.mark.feature("ingot-sink->spark-source")
def test_ingot_sink_killed_and_restarted(spark, ingot, gostream_bin, scratch):
    src, mid, out = scratch / "src", scratch / "ingot_sink", scratch / "spark_sink"
    ingot.sql(f"CREATE TABLE src (id BIGINT) USING delta LOCATION '{src}'")
    cp = scratch / "cp_ingot"
    proc = subprocess.Popen([gostream_bin, "-source", str(src), "-sink", str(mid), "-checkpoint", str(cp),
                             "-trigger", "processing-time", "-interval", "100ms", "-max-files", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    want = collections.Counter()
    try:
        for i in range(12):
            ingot.sql(f"INSERT INTO src VALUES ({i * 2}), ({i * 2 + 1})")
            want.update([i * 2, i * 2 + 1])
            if i == 6:
                time.sleep(0.5)
                proc.send_signal(signal.SIGKILL)  # no clean stop: the checkpoint is what it is
                proc.wait()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    gostream(gostream_bin, src, mid, cp)  # restart, drain the rest
    mid_ids = ids(ingot.read(mid, columns="id"))
    assert mid_ids == want, f"ingot sink after restart: missing {want - mid_ids}, duplicated {mid_ids - want}"
    spark_available_now(spark, mid, out, scratch / "cp_spark")
    got = collections.Counter(r.id for r in spark.read.format("delta").load(str(out)).collect())
    assert got == want, f"missing {want - got}, duplicated {got - want}"


@pytest.mark.feature("spark-sink->ingot-source")
def test_spark_sink_feeds_ingot_source(spark, ingot, gostream_bin, scratch):
    src, mid, out = scratch / "src", scratch / "spark_sink", scratch / "ingot_sink"
    spark.sql(f"CREATE TABLE delta.`{src}` (id BIGINT, v STRING, d DATE) USING delta")
    want = collections.Counter()
    n = 0
    for rnd in range(4):
        for _ in range(2):
            spark.range(n, n + 5).selectExpr("id", f"'r{rnd}' v", "date_add(DATE'2024-01-01', cast(id as int)) d") \
                .write.format("delta").mode("append").save(str(src))
            want.update(range(n, n + 5))
            n += 5
        spark_available_now(spark, src, mid, scratch / "cp_spark")
        gostream(gostream_bin, mid, out, scratch / "cp_ingot")
        got = ids(ingot.read(out, columns="id"))
        assert got == want, f"round {rnd}: missing {want - got}, duplicated/extra {got - want}"
    df = spark.read.format("delta").load(str(src))
    d = compare.diff(compare.spark_rows(df), compare.ingot_rows(ingot.read(out), df.schema))
    assert not d, d


@pytest.mark.feature("spark-sink->ingot-source")
def test_ingot_source_over_spark_dml(spark, ingot, gostream_bin, scratch):
    """A Spark DELETE in the source table: ingot's Delta source fails the
    stream with Spark's error class (as Spark's own source does without
    skipChangeCommits) and neither re-emits nor loses sink rows."""
    src, out = scratch / "src", scratch / "ingot_sink"
    spark.sql(f"CREATE TABLE delta.`{src}` (id BIGINT) USING delta")
    spark.sql(f"INSERT INTO delta.`{src}` VALUES (1), (2), (3)")
    gostream(gostream_bin, src, out, scratch / "cp")
    spark.sql(f"DELETE FROM delta.`{src}` WHERE id = 2")
    p = subprocess.run([gostream_bin, "-source", str(src), "-sink", str(out), "-checkpoint", str(scratch / "cp")],
                       capture_output=True, text=True, timeout=300)
    got = ids(ingot.read(out, columns="id"))
    assert got == collections.Counter([1, 2, 3]), f"rows re-emitted or lost: {got}"
    assert p.returncode != 0, "ingot's Delta source accepted a commit that removes data without skipChangeCommits"
    assert "DELTA_SOURCE_TABLE_IGNORE_CHANGES" in p.stderr, p.stderr
    gostream(gostream_bin, src, out, scratch / "cp2", )  # a fresh checkpoint reads the table as it is now
    assert ids(ingot.read(out, columns="id")) == collections.Counter([1, 2, 3, 1, 3])
