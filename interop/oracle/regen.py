"""Regenerates the oracle's goldens: python -m oracle.regen (from interop/).

For each category it builds the input tables with Spark (setup.sql; the
random category's setup.sql and queries.sql are first written from the
seed, TPC-H's tables from tpchgen-cli), runs every statement of
queries.sql with spark.sql.ansi.enabled false and then true, and writes
testdata/oracle/<category>/ansi-{off,on}.sql.out. --out writes the goldens
under another directory instead (the interop test compares a fresh run
with the committed files that way).
"""
import argparse
import logging
import pathlib
import shutil
import sys
import tempfile
import time

from . import golden, randgen, tpch

CATEGORIES = ("medallion", "tpch", "random")
RANDOM_SEED = 6
RANDOM_QUERIES = 200


# Small inputs: compiling generated code costs more than it saves, so the
# regeneration runs Spark's interpreted evaluation (the answers are the
# same), without adaptive re-planning; Delta rebuilds a snapshot's state in
# 2 partitions, not 50, and does not list the log again before each query
# (nothing else writes the tables).
FAST = {
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.databricks.delta.snapshotPartitions": "2",
    "spark.databricks.delta.stalenessLimit": "1h",
    "spark.sql.adaptive.enabled": "false",
}


def write_random_inputs(d, n=RANDOM_QUERIES):
    (d / "setup.sql").write_text(randgen.setup_sql(RANDOM_SEED))
    qs = randgen.queries(RANDOM_SEED, n)
    head = "-- %d queries from seed %d (interop/oracle/randgen.py), written by interop/oracle/regen.\n" % (
        len(qs), RANDOM_SEED)
    (d / "queries.sql").write_text(head + "".join(q + ";\n" for q in qs))


def setup_text(cat, d, spark):
    text = (d / "setup.sql").read_text()
    if cat == "tpch":
        text = text.replace("$TPCH", str(tpch.build(spark)))
    return text


def run(categories, out_root, log=lambda m: print(m, flush=True), spark=None, random_queries=RANDOM_QUERIES):
    """Regenerates the categories' goldens under out_root, with spark when
    given (left running, ANSI mode restored to off) or a session of its
    own. Each category's tables live in a database of their own under a
    fresh interop/.work/oracle/warehouse-* directory, so the session's
    warehouse is not touched and runs do not share tables."""
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    tpch.WORK.mkdir(parents=True, exist_ok=True)
    wh = pathlib.Path(tempfile.mkdtemp(prefix="warehouse-", dir=tpch.WORK))
    t0 = time.time()
    own = spark is None
    if own:
        sys.path.insert(0, str(golden.REPO / "interop"))
        from sparkenv import spark_session

        spark = spark_session("ingot-oracle", ansi=False, extra=FAST)
        log("spark %s up in %.1fs" % (spark.version, time.time() - t0))
    else:
        for k, v in FAST.items():
            spark.conf.set(k, v)
    summary = {}
    try:
        for cat in categories:
            t = time.time()
            d = golden.TESTDATA / cat
            if cat == "random":
                write_random_inputs(d, random_queries)
            spark.conf.set("spark.sql.ansi.enabled", "false")
            spark.sql("DROP DATABASE IF EXISTS oracle_%s CASCADE" % cat)
            spark.sql("CREATE DATABASE oracle_%s LOCATION '%s'" % (cat, wh / cat))
            spark.catalog.setCurrentDatabase("oracle_%s" % cat)
            # TPC-H's tables are large enough for generated code to pay.
            spark.conf.set("spark.sql.codegen.wholeStage", "true" if cat == "tpch" else "false")
            golden.run_script(spark, setup_text(cat, d, spark))
            qs = golden.split_statements((d / "queries.sql").read_text())
            for mode in golden.MODES:
                spark.conf.set("spark.sql.ansi.enabled", "true" if mode == "on" else "false")
                cases = []
                for q in qs:
                    tq = time.time()
                    cases.append((q,) + golden.run_query(spark, q))
                    if time.time() - tq > 5:
                        log("  slow (%.1fs): %s" % (time.time() - tq, " ".join(q.split())[:100]))
                od = pathlib.Path(out_root) / cat
                od.mkdir(parents=True, exist_ok=True)
                (od / ("ansi-%s.sql.out" % mode)).write_text(golden.render(cases, spark.version, mode == "on"))
                errs = sum(1 for c in cases if c[1] is None)
                summary[(cat, mode)] = (len(cases), errs)
                log("%s ansi=%s: %d queries, %d Spark errors" % (cat, mode, len(cases), errs))
            log("%s done in %.1fs" % (cat, time.time() - t))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "false")
        spark.catalog.setCurrentDatabase("default")
        if not own:
            for k in FAST:
                spark.conf.unset(k)
        if own:
            spark.stop()
        shutil.rmtree(wh, ignore_errors=True)
    log("regenerated in %.1fs" % (time.time() - t0))
    return summary


def main(argv=None):
    p = argparse.ArgumentParser(prog="oracle.regen", description=__doc__.splitlines()[0])
    p.add_argument("--category", action="append", choices=CATEGORIES,
                   help="regenerate only this category (repeatable; default all)")
    p.add_argument("--out", default=str(golden.TESTDATA), help="directory for <category>/ansi-*.sql.out")
    p.add_argument("--random-queries", type=int, default=RANDOM_QUERIES,
                   help="how many queries the random category draws from its seed (default %(default)s)")
    a = p.parse_args(argv)
    run(a.category or CATEGORIES, a.out, random_queries=a.random_queries)


if __name__ == "__main__":
    main()
