"""How `validate` and `paths` scale: flowcharts of 1,000 and 10,000 nodes, timed side by side.

A node is anything with an id in the graph: a question, a step or a contact. Three shapes:

- chain: questions in a chain, each with its own step (the worst case for a recursive walk);
- wide: a first question with many choices, each opening a chain of 9 questions, sharing 9 steps;
- chain, 2x: the chain with 10,000 *questions* (20,050 nodes), the figure earlier notes quoted.

`paths` (the JSON listing, as `esafety paths --json` prints it) runs on the wide shape, because on a chain the
listing itself is quadratic: n paths of up to n answers each. Times are in-process (`loader.check_file`, the
whole of `esafety validate` but for the command's start-up, which benchmarks/startup.py measures).

Target (issue 4): 10,000 nodes validated in under 1 s here, and the 10k/1k time ratio at most 12.
Run: .venv/bin/python benchmarks/validate_scale.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from esafety_wizard import loader, paths
from esafety_wizard.model import Flowchart

CONTACTS = 50
SHARED_STEPS = 9


def generate(nodes: int, *, questions: int | None = None) -> str:
    """A chain of questions, each with its own step, and 50 contacts: `nodes` in all (or `questions` questions).

    Each question has two choices that both lead on, one adding its step, plus a side exit, so the number of
    paths grows with n and `paths` output stays linear in n.
    """
    n = questions if questions is not None else (nodes - CONTACTS) // 2
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
    out += [
        f"  s{i}: {{section: main, text: Step {i}., source: generated, contacts: [c{i % CONTACTS}]}}" for i in range(n)
    ]
    out += ["contacts:"] + [f"  c{i}: {{name: Contact {i}, source: generated}}" for i in range(CONTACTS)]
    return "\n".join(out) + "\n"


def generate_wide(nodes: int) -> str:
    """`nodes` nodes with short paths: a first question with k choices, each opening a chain of 9, and 9 steps.

    Every path is at most 10 answers long and there are about as many paths as questions, so the listing
    `paths` prints is linear in n: the shape on which `paths` itself must be linear.
    """
    k = (nodes - SHARED_STEPS - 1) // 9
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
    out += [f"  s{i}: {{section: main, text: Step {i}., source: generated}}" for i in range(SHARED_STEPS)]
    out += ["contacts: {}"]
    return "\n".join(out) + "\n"


def node_count(fc: Flowchart) -> int:
    return len(fc.questions) + len(fc.steps) + len(fc.contacts)


def best_of(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def _command(path: Path) -> None:
    esafety = Path(sys.executable).parent / "esafety"
    subprocess.run([str(esafety), "validate", str(path)], check=True, capture_output=True)


def main() -> None:
    shapes = {
        "validate, chain": lambda n: generate(n),
        "validate, wide": lambda n: generate_wide(n),
        "validate, chain 2x": lambda n: generate(0, questions=n),
    }
    with tempfile.TemporaryDirectory() as d:
        results: dict[str, dict[int, tuple[int, tuple[float, float]]]] = {}
        commands: dict[str, float] = {}
        for n in (1_000, 10_000):
            runs = 5 if n == 10_000 else 20
            for name, make in shapes.items():
                path = Path(d) / f"{name.split()[-1]}{n}.yaml"
                path.write_text(make(n))
                fc, problems = loader.check_file(path)
                assert fc is not None and not problems, problems
                results.setdefault(name, {})[n] = (
                    node_count(fc),
                    best_of(lambda p=path: loader.check_file(p), runs),
                )
            if n == 10_000:
                for name in shapes:
                    path = Path(d) / f"{name.split()[-1]}{n}.yaml"
                    commands[name.replace("validate, ", "")] = best_of(lambda p=path: _command(p), 3)[1]
            fc = loader.load(Path(d) / f"wide{n}.yaml")
            results.setdefault("paths --json, wide", {})[n] = (
                node_count(fc),
                best_of(lambda fc=fc: paths.to_json(fc), 3),
            )
    print(f"python {sys.version.split()[0]}; median of runs (best in brackets)")
    ok = True
    for what, by_n in results.items():
        (n1, (b1, m1)), (n10, (b10, m10)) = by_n[1_000], by_n[10_000]
        ratio = m10 / m1
        judged = what.startswith("validate") and n10 <= 10_000
        ok &= not judged or (m10 < 1.0 and ratio <= 12)
        print(
            f"{what:20s} {n1:6,} nodes: {m1 * 1000:7.1f} ms   {n10:6,} nodes: {m10 * 1000:7.1f} ms"
            f"   ratio {ratio:5.2f}   (best {b1 * 1000:.1f} / {b10 * 1000:.1f} ms)"
            + ("" if judged else "   (not judged: not validate, or more than 10,000 nodes)")
        )
    print(f"target: 10,000 nodes validated in < 1 s, ratio <= 12: {'met' if ok else 'NOT met'}")
    print("whole command, start-up included (`esafety validate FILE`, median of 3):")
    for what, seconds in commands.items():
        print(f"  {what:18s} {seconds * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
