"""Running statements on Spark and writing SQLQueryTestSuite-shaped goldens.

A query's answer is its schema (StructType.catalogString) and its rows as
HiveResult.hiveResultString prints them (tab-separated cells, NULL for
null), which is what Spark's own .sql.out files hold; an exception is
recorded as its Java class name and a JSON object with its error class,
SQLSTATE and message parameters.
"""
import json
import pathlib
import re

REPO = pathlib.Path(__file__).resolve().parents[2]
TESTDATA = REPO / "testdata" / "oracle"
MODES = ("off", "on")
HEADER = "-- Spark {version}, spark.sql.ansi.enabled={ansi}; written by interop/oracle/regen, do not edit\n"


def split_statements(text):
    """Splits a .sql file into statements: '--' comment lines are dropped and
    a statement ends with a line ending in ';'."""
    out, cur = [], []
    for line in text.splitlines():
        if line.lstrip().startswith("--") and not cur:
            continue
        if line.strip() == "" and not cur:
            continue
        cur.append(line)
        if line.rstrip().endswith(";"):
            stmt = "\n".join(cur).rstrip()[:-1].strip()
            if stmt:
                out.append(stmt)
            cur = []
    if "".join(cur).strip():
        raise ValueError("statement without a closing ';': " + "\n".join(cur)[:200])
    return out


def _java_error(e):
    """The Java throwable behind a PySpark or py4j exception, unwrapped the
    way SQLQueryTestSuite reports it: a SparkException that only carries a
    cause (a failed task) is replaced by that cause."""
    j = getattr(e, "java_exception", None) or getattr(e, "_origin", None)
    if j is None:
        raise e
    while True:
        name = j.getClass().getName()
        cause = j.getCause()
        if name == "org.apache.spark.SparkException" and cause is not None and _condition(cause):
            j = cause
            continue
        return j


def _condition(j):
    try:
        return j.getCondition()
    except Exception:
        return None


def error_output(e):
    j = _java_error(e)
    cond = _condition(j)
    body = {}
    if cond:
        body["errorClass"] = cond
        state = j.getSqlState()
        if state:
            body["sqlState"] = state
        params = j.getMessageParameters()
        if params:
            body["messageParameters"] = {str(k): str(params[k]) for k in sorted(params.keys())}
        return j.getClass().getName() + "\n" + json.dumps(body, indent=2, separators=(",", " : "))
    msg = str(j.getMessage() or "")
    return j.getClass().getName() + "\n" + msg.splitlines()[0] if msg else j.getClass().getName()


def run_query(spark, text):
    """Runs one statement; returns (schema or None, output text)."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        df = spark.sql(text)
        schema = df._jdf.schema().catalogString()
        hr = spark._jvm.org.apache.spark.sql.execution.HiveResult
        rows = hr.hiveResultString(df._jdf.queryExecution().executedPlan()).mkString("\n")
        return schema, rows
    except (Py4JJavaError, PySparkException) as e:
        return None, error_output(e)


def run_script(spark, text):
    """Runs setup statements, failing loudly: a category's input must build."""
    for st in split_statements(text):
        spark.sql(st).collect()


def render(cases, version, ansi):
    """cases: [(query, schema or None, output)] -> .sql.out text."""
    parts = [HEADER.format(version=version, ansi="true" if ansi else "false")]
    for q, schema, out in cases:
        parts.append("\n\n-- !query\n" + q + "\n")
        if schema is not None:
            parts.append("-- !query schema\n" + schema + "\n")
        parts.append("-- !query output\n" + out + ("\n" if out else ""))
    return "".join(parts)


def parse(text):
    """The (query, schema, output) blocks of a .sql.out file, as
    internal/sql's goldenBlocks reads them."""
    out = []
    for b in text.split("-- !query\n")[1:]:
        if "\n-- !query schema\n" in b:
            q, rest = b.split("\n-- !query schema\n", 1)
            schema, rest = rest.split("\n-- !query output\n", 1)
        else:
            q, rest = b.split("\n-- !query output\n", 1)
            schema = None
        out.append((q.strip(), schema, rest.rstrip("\n")))
    return out


def error_class(output):
    m = re.search(r'"errorClass" : "([^"]+)"', output)
    return m.group(1) if m else output.splitlines()[0]
