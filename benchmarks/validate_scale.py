"""How `validate` and `paths` scale: flowcharts of 1,000 and 10,000 questions, timed side by side.

`validate` runs on a chain n questions deep (the worst case for a recursive walk) and on a wide, shallow
flowchart; `paths` (the JSON listing, as `esafety paths --json` prints it) runs on the wide one, because on a
chain the listing itself is quadratic: n paths of up to n answers each.

Target (issue 4): 10,000 nodes validated in under 1 s here, and the 10k/1k time ratio at most 12.
Run: .venv/bin/python benchmarks/validate_scale.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from esafety_wizard import flowchart, pathlist


def generate(n: int) -> str:
    """A chain of n questions; each has two choices that both lead on, one adding a step, plus a side exit.

    Paths grow with n (each question can end the path), so `paths` output stays linear in n.
    """
    out = ["title: Generated", "start: q0", "questions:"]
    for i in range(n):
        nxt = f"q{i + 1}" if i + 1 < n else "end"
        out += [
            f"  q{i}:",
            f"    text: Question {i}?",
            "    choices:",
            f"      go: {{next: {nxt}, due: [s{i}]}}",
            "      stop: {next: end}",
        ]
    out += ["sections:", "  main: {title: Main}", "steps:"]
    out += [f"  s{i}: {{section: main, text: Step {i}., source: generated, contacts: [c{i % 50}]}}" for i in range(n)]
    out += ["contacts:"] + [f"  c{i}: {{name: Contact {i}, source: generated}}" for i in range(50)]
    return "\n".join(out) + "\n"


def generate_wide(n: int) -> str:
    """n questions with short paths: a first question with n/10 choices, each opening a chain of 9.

    Every path is at most 10 answers long and there are about n of them, so the listing `paths` prints is
    linear in n: the shape on which `paths` itself must be linear.
    """
    k = n // 10
    out = ["title: Generated", "start: root", "questions:", "  root:", "    text: Which?", "    choices:"]
    out += [f"      b{j}: {{next: q{j}_0}}" for j in range(k)]
    for j in range(k):
        for i in range(9):
            nxt = f"q{j}_{i + 1}" if i < 8 else "end"
            out += [
                f"  q{j}_{i}:",
                f"    text: Question {j}.{i}?",
                "    choices:",
                f"      go: {{next: {nxt}, due: [s{i}]}}",
                "      stop: {next: end}",
            ]
    out += ["sections:", "  main: {title: Main}", "steps:"]
    out += [f"  s{i}: {{section: main, text: Step {i}., source: generated}}" for i in range(9)]
    out += ["contacts: {}"]
    return "\n".join(out) + "\n"


def best_of(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        results = {}
        for n in (1_000, 10_000):
            chain, wide = Path(d) / f"chain{n}.yaml", Path(d) / f"wide{n}.yaml"
            chain.write_text(generate(n))
            wide.write_text(generate_wide(n))
            fc = flowchart.load(wide)
            results[n] = {
                "validate": best_of(lambda p=chain: flowchart.check_file(p), 5 if n == 10_000 else 20),
                "validate (wide)": best_of(lambda p=wide: flowchart.check_file(p), 5 if n == 10_000 else 20),
                "paths": best_of(lambda fc=fc: pathlist.to_json(fc), 3),
            }
        print(f"python {sys.version.split()[0]}")
        for what in ("validate", "validate (wide)", "paths"):
            (b1, m1), (b10, m10) = results[1_000][what], results[10_000][what]
            print(
                f"{what:16s} 1k: {m1 * 1000:7.1f} ms   10k: {m10 * 1000:7.1f} ms   ratio 10k/1k: {m10 / m1:5.2f}"
                f"   (best {b1 * 1000:.1f} / {b10 * 1000:.1f} ms)"
            )
        m10 = results[10_000]["validate"][1]
        ratio = m10 / results[1_000]["validate"][1]
        ok = m10 < 1.0 and ratio <= 12
        print(f"target: 10k validate < 1 s and ratio <= 12: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
