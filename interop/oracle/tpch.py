"""TPC-H input: tpchgen-cli writes Parquet, Spark loads it into Delta tables.

The tables live under interop/.work/oracle/tpch-sf<SF>/ (gitignored) and
are rebuilt only when missing; tpchgen-cli's output is a pure function of
the scale factor, so the Delta tables are the same on every machine.
"""
import os
import pathlib
import shutil
import subprocess

from . import golden

SCALE = os.environ.get("INGOT_ORACLE_TPCH_SF", "0.01")
TABLES = ("nation", "region", "part", "supplier", "partsupp", "customer", "orders", "lineitem")
WORK = golden.REPO / "interop" / ".work" / "oracle"


def delta_dir():
    return WORK / ("tpch-sf" + SCALE)


def tpchgen():
    exe = shutil.which("tpchgen-cli")
    if exe is None:
        import sys

        cand = pathlib.Path(sys.executable).parent / "tpchgen-cli"
        if cand.exists():
            exe = str(cand)
    if exe is None:
        raise RuntimeError("tpchgen-cli not found (pip install -r interop/requirements.txt)")
    return exe


def build(spark):
    """Makes sure the Delta tables exist; returns their directory."""
    out = delta_dir()
    done = out / "_complete"
    if done.exists():
        return out
    if out.exists():
        shutil.rmtree(out)
    pq = out / "parquet"
    pq.mkdir(parents=True)
    subprocess.run([tpchgen(), "parquet", "--scale-factor", SCALE, "--output-dir", str(pq)], check=True)
    for t in TABLES:
        df = spark.read.parquet(str(pq / (t + ".parquet")))
        df.write.format("delta").save(str(out / t))
    shutil.rmtree(pq)
    done.write_text("tpchgen-cli parquet --scale-factor %s\n" % SCALE)
    return out
