"""The seed notebook on both engines: `ingot demo` and seed_notebook.py (PySpark)
on the same `ingot gen` files must produce the same gold table.

Both engines run as subprocesses, as a user would run them: the notebook needs
a session with its own settings (warehouse, shuffle partitions, schema
inference), which a shared in-process SparkSession could not give it.
"""
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

import seed_notebook

DIRECTION = "seed-notebook"
HERE = pathlib.Path(__file__).resolve().parent
COUNTS = re.compile(r"^bronze rows: (\d+), silver rows: (\d+), gold rows: (\d+)$", re.M)


def _run(cmd, timeout):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"{' '.join(map(str, cmd))} exited {p.returncode}:\n{p.stderr[-4000:]}"
    return p.stdout


def _counts(out, who):
    m = COUNTS.search(out)
    assert m, f"{who} printed no row counts:\n{out[-2000:]}"
    return tuple(map(int, m.groups()))


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory):
    ingot = os.environ.get("INGOT_BIN")
    if not ingot:
        pytest.fail("INGOT_BIN is unset: run the suite with interop/run, which builds the CLI")
    d = tmp_path_factory.mktemp("seed")
    data = d / "data"
    _run([ingot, "gen", "--out", data], 120)  # the seed's size: 10 files x 1,000
    ingot_out = _run([ingot, "demo", "--data", data, "--warehouse", d / "wh-ingot"], 300)
    # About a minute on an idle 2-core machine; over 20 on one loaded to 40.
    timeout = int(os.environ.get("INTEROP_SEED_TIMEOUT", "3600"))
    spark_out = _run([sys.executable, HERE / "seed_notebook.py", "--data", data,
                      "--warehouse", d / "wh-spark", "--gold-json", d / "spark-gold.json"], timeout)
    return {
        "ingot_wh": d / "wh-ingot", "spark_wh": d / "wh-spark",
        "ingot_counts": _counts(ingot_out, "ingot demo"),
        "spark_counts": _counts(spark_out, "seed_notebook.py"),
        "spark_collected": json.loads((d / "spark-gold.json").read_text()),
    }


def test_gold_tables_equal(seed_runs):
    ingot_gold = seed_notebook.read_gold(seed_runs["ingot_wh"])
    spark_gold = seed_notebook.read_gold(seed_runs["spark_wh"])
    assert len(spark_gold) == 34, spark_gold  # one row per generated patient
    assert ingot_gold == spark_gold


def test_spark_gold_read_back(seed_runs):
    # What the notebook displayed is what its Delta table holds.
    collected = sorted(seed_runs["spark_collected"], key=lambda r: r[0])
    assert collected == seed_notebook.read_gold(seed_runs["spark_wh"])


def test_bronze_and_silver_counts_equal(seed_runs):
    ingot_counts, spark_counts = seed_runs["ingot_counts"], seed_runs["spark_counts"]
    assert ingot_counts == spark_counts
    bronze, silver, _ = spark_counts
    assert bronze == 10_000  # every reading
    assert 0 < silver < bronze  # ~2% of readings name no patient
