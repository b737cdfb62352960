"""Every benchmark still runs (its quick mode: tiny sizes, one round, no verdicts), so none can rot unseen: a
benchmark that stops with a traceback, or no longer prints its parts, fails the suite. The figures themselves
are for the benchmarks' own full runs (see CONTRIBUTING in README)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
EXPECTED = {  # a line each part prints, so a part that silently stops running is seen too
    "case_file_scale.py": ["1. One incident", "log done ID STEP", "VERDICT 7", "4. Evidence hashing"],
    "outcome_lines.py": ["80 columns: all", "40 columns: all", "posted by:"],
    "startup.py": ["interactive start", "contacts peak memory", "QUICK run"],
    "validate_scale.py": ["validate, chain", "paths --json, wide", "QUICK run"],
}


def test_every_benchmark_is_checked_here():
    assert sorted(p.name for p in BENCHMARKS.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_benchmark_runs_in_its_quick_mode(name, tmp_path):
    env = {**os.environ, "BENCH_QUICK": "1", "TMPDIR": str(tmp_path)}
    env.pop("ESAFETY_HOME", None)
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / name)], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for line in EXPECTED[name]:
        assert line in done.stdout, (name, line, done.stdout[-2000:])
