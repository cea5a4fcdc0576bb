"""The live differential run: Spark answers now, ingot is compared with it.

One module-scoped regeneration writes fresh goldens to a temporary
directory (with the interop suite's `spark` fixture when interop/conftest.py
provides one, else a session of its own). test_goldens_current checks that
they equal the committed testdata/oracle files, so a stale golden is caught;
test_ingot_matches_spark runs internal/sql's TestSparkOracle against the
fresh answers, TPC-H included, and fails on a regression from the
recorded baselines. Both print "N passed, M failed" lines.
"""
import os
import pathlib
import re
import subprocess

import pytest

from . import golden, regen, tpch


@pytest.fixture(scope="module")
def fresh(request, tmp_path_factory):
    try:
        spark = request.getfixturevalue("spark")
    except pytest.FixtureLookupError:
        spark = None
    out = tmp_path_factory.mktemp("oracle-goldens")
    regen.run(regen.CATEGORIES, out, spark=spark)
    return out


@pytest.mark.parametrize("cat", regen.CATEGORIES)
@pytest.mark.parametrize("mode", golden.MODES)
def test_goldens_current(fresh, cat, mode):
    name = "ansi-%s.sql.out" % mode
    path = golden.TESTDATA / cat / name
    assert path.exists(), "%s is not committed: run interop/oracle/regen --category %s" % (path, cat)
    committed = golden.parse(path.read_text())
    now = golden.parse((fresh / cat / name).read_text())
    assert [q for q, _, _ in committed] == [q for q, _, _ in now], (
        "%s/%s: the statements changed; run interop/oracle/regen" % (cat, name))
    stale = [q for (q, s1, o1), (_, s2, o2) in zip(committed, now) if (s1, o1) != (s2, o2)]
    print("%s %s: %d current, %d stale" % (cat, name, len(now) - len(stale), len(stale)))
    assert not stale, "%s/%s: Spark now answers differently (run interop/oracle/regen):\n%s" % (
        cat, name, "\n".join(" ".join(q.split())[:160] for q in stale[:10]))


def test_ingot_matches_spark(fresh):
    env = dict(os.environ, INGOT_ORACLE_GOLDENS=str(fresh), INGOT_ORACLE_TPCH=str(tpch.delta_dir()), CGO_ENABLED="0")
    p = subprocess.run(
        ["go", "test", "-count=1", "-v", "-run", "^TestSparkOracle$", "./internal/sql/"],
        cwd=golden.REPO, env=env, capture_output=True, text=True, timeout=900)
    for line in p.stdout.splitlines():
        if re.search(r"oracle \S+ ansi-\S+: \d+ passed, \d+ failed|regression|--- (FAIL|SKIP)", line):
            print(line.strip())
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]
