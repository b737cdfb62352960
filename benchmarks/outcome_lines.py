"""How long the guide's outcome is on screen: lines printed by `esafety guide --answers FILE` per path family, at
80 and 40 columns, and where its first numbered action stands. Run: .venv/bin/python benchmarks/outcome_lines.py

Every `--every`th path of the built-in procedure (default 13) is run through the real command.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

EXE = str(Path(sys.executable).with_name("esafety"))
FIRST_ACTION = re.compile(r"^\s*1\.\s")


def families(answers: dict) -> list[str]:
    """The path families a path belongs to: who posted it, and the route for telling (the head involved, the
    head cannot be told, or the head told), and the reader where the procedure asks who is reading."""
    who = {"parent_carer": "parent", "pupil": "pupil", "staff": "staff", "unknown": "unknown"}
    out = [f"posted by: {who.get(answers.get('instigator'), 'not asked')}"]
    how = answers.get("head_involved")
    if how not in (None, "no"):
        out.append(f"route: head teacher involved ({how})")
    elif answers.get("can_report_to_head") == "no":
        out.append("route: cannot tell the head")
    else:
        out.append("route: tell the head")
    if answers.get("reader"):
        out.append(f"reader: {answers['reader']}")
    return out


def measure(answers: dict, cols: int, extra: list[str]) -> tuple[int, int]:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "a.json"
        f.write_text(json.dumps(answers))
        env = {**os.environ, "COLUMNS": str(cols), "NO_COLOR": "1", "ESAFETY_HOME": d}
        out = subprocess.run([EXE, "guide", "--answers", str(f), *extra], env=env, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("What to do")), 0)
    first = next((i + 1 for i, line in enumerate(lines) if i >= start and FIRST_ACTION.match(line)), 0)
    return len(lines), first


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--every", type=int, default=13)
    p.add_argument("extra", nargs="*", help="more options for esafety guide, e.g. --sources")
    a = p.parse_args()
    if os.environ.get("BENCH_QUICK"):  # the test suite's run: a few paths, to show the benchmark still works
        a.every = 1500
    from esafety_wizard.flowchart import engine, loader

    fc = loader.load(loader.builtin_path())
    paths = engine.every_path(fc) + engine.reader_paths(fc)  # without a reader (the whole procedure), then each
    sample = paths[:: a.every]
    print(
        f"{len(sample)} of {len(paths)} paths (each reader's too); lines printed (min / median / max); "
        "first action at line (max)"
    )
    for cols in (80, 40):
        by = defaultdict(list)
        for ans in sample:
            got = measure(ans, cols, a.extra)
            for fam in families(ans):
                by[fam].append(got)
        every = [n for k, v in by.items() if k.startswith("route") for n, _ in v]
        print(f"\n{cols} columns: all {min(every)} / {statistics.median(every):g} / {max(every)}")
        for fam, v in sorted(by.items()):
            ns = [n for n, _ in v]
            print(
                f"  {fam:32} {len(v):4} paths  {min(ns):4} / {statistics.median(ns):5g} / {max(ns):4}"
                f"   first action at line {max(f for _, f in v)}"
            )


if __name__ == "__main__":
    main()
