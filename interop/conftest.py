"""Fixtures shared by every interop test, and the per-direction/feature summary.

Fixtures:
  spark    one SparkSession (local, Delta enabled) for the whole pytest session
  ingot    an Ingot: runs the CLI ($INGOT_BIN) and parses its JSON output
  scratch  a fresh directory under interop/.work for one test

Every test is counted under a direction (the module's DIRECTION) and a feature
(its @pytest.mark.feature(name) mark, else its function name); the terminal
summary prints "direction/feature: N passed, M failed, K known gaps" per pair
and a final plain line "N passed, M failed". Known gaps are expected failures
(pytest.xfail with ingot's error text).
"""
import collections
import json
import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

# Spark hands timestamps to Python as naive datetimes in the process time
# zone; pin it so compare.py can read them as UTC.
os.environ["TZ"] = "UTC"
time.tzset()

HERE = pathlib.Path(__file__).resolve().parent
WORK = pathlib.Path(os.environ.get("INTEROP_WORK", HERE / ".work"))


class IngotError(Exception):
    """The ingot CLI exited non-zero; str() is its stderr."""


class Ingot:
    """Runs `ingot sql --format json` against a warehouse."""

    def __init__(self, binary, warehouse):
        self.binary = binary
        self.warehouse = str(warehouse)

    def run(self, *args, timeout=300, env=None):
        p = subprocess.run(
            [self.binary, *args], capture_output=True, text=True, timeout=timeout,
            env={**os.environ, **(env or {})},
        )
        if p.returncode != 0:
            raise IngotError((p.stderr or p.stdout).strip())
        return p.stdout

    def sql(self, text, warehouse=None):
        """Rows (dicts) of every statement of text that returns rows."""
        out = self.run("sql", "--warehouse", str(warehouse or self.warehouse), "--format", "json", text)
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def read(self, path, version=None, columns="*"):
        """Rows of the Delta table at path, at version when given."""
        q = f"SELECT {columns} FROM delta.`{path}`"
        if version is not None:
            q += f" VERSION AS OF {version}"
        return self.sql(q)


@pytest.fixture(scope="session")
def spark():
    from sparkenv import spark_session

    s = spark_session(extra={
        "spark.databricks.delta.retentionDurationCheck.enabled": "false",
    })
    yield s
    s.stop()


@pytest.fixture(scope="session")
def ingot_bin():
    b = os.environ.get("INGOT_BIN")
    if not b or not os.access(b, os.X_OK):
        pytest.exit("INGOT_BIN is not set to the built ingot CLI: run the suite with interop/run", 2)
    return b


@pytest.fixture(scope="session")
def _work_root():
    WORK.mkdir(parents=True, exist_ok=True)
    return WORK


@pytest.fixture
def scratch(request, _work_root):
    """An empty directory for this test, kept after the run for inspection."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:80]
    d = _work_root / request.node.module.__name__ / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    return d


@pytest.fixture
def ingot(ingot_bin, scratch):
    """An Ingot whose default warehouse is scratch/warehouse."""
    wh = scratch / "warehouse"
    wh.mkdir(exist_ok=True)
    return Ingot(ingot_bin, wh)


# --- counting per direction and feature ---------------------------------

# Outcome counts per "direction/feature" key, filled as reports arrive.
COUNTS = collections.defaultdict(collections.Counter)


def pytest_configure(config):
    config.addinivalue_line("markers", "feature(name): the Delta feature a case covers, for the summary")
    config.addinivalue_line("markers", "direction(name): overrides the module's DIRECTION for the summary")


def _key(item):
    mod = item.module
    direction = getattr(mod, "DIRECTION", mod.__name__)
    params = getattr(getattr(item, "callspec", None), "params", {})
    if "reader" in params:  # ingot writes, the parameter names who reads
        direction = f"ingot->{params['reader']}"
    m = item.get_closest_marker("direction")
    if m:
        direction = m.args[0]
    m = item.get_closest_marker("feature")
    feature = m.args[0] if m else item.originalname
    return f"{direction}/{feature}"


def _note(report):
    """Append a failure or known gap to WORK/results.log as it happens, so a
    long run can be followed (pytest prints the details only at its end)."""
    WORK.mkdir(parents=True, exist_ok=True)
    what = getattr(report, "wasxfail", "") or str(report.longrepr).strip().splitlines()[-1:]
    with open(WORK / "results.log", "a") as f:
        f.write(f"{report.outcome} {report.nodeid} [{report.when}]: {what}\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    rep.interop_key = _key(item)


def pytest_runtest_logreport(report):
    key = getattr(report, "interop_key", None)
    if key is None:
        return
    c = COUNTS[key]
    if report.failed or hasattr(report, "wasxfail"):
        _note(report)
    if report.when == "call" or (report.when == "setup" and not report.passed):
        if hasattr(report, "wasxfail"):
            c["known gaps" if report.skipped else "failed"] += 1
        elif report.passed:
            c["passed"] += 1
        elif report.failed:
            c["failed"] += 1
        elif report.skipped:
            c["skipped"] += 1
    elif report.when == "teardown" and report.failed:
        c["failed"] += 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = COUNTS
    if not counts:
        return
    tr = terminalreporter
    tr.section("interop cases per direction/feature")
    total = collections.Counter()
    for key in sorted(counts):
        c = counts[key]
        total.update(c)
        extra = "".join(f", {c[k]} {k}" for k in ("known gaps", "skipped") if c[k])
        tr.write_line(f"{key}: {c['passed']} passed, {c['failed']} failed{extra}")
    per_dir = collections.defaultdict(collections.Counter)
    for key, c in counts.items():
        per_dir[key.split("/", 1)[0]].update(c)
    for d in sorted(per_dir):
        c = per_dir[d]
        tr.write_line(f"{d} (all): {c['passed']} passed, {c['failed']} failed, {c['known gaps']} known gaps")
    if total["known gaps"]:
        tr.write_line(f"known gaps (expected failures naming the feature): {total['known gaps']}")
    tr.write_line(f"{total['passed']} passed, {total['failed']} failed")
