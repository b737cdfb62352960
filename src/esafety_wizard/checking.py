"""`esafety validate`: every problem in a flowchart file, one per line, and a summary when it is usable."""

from __future__ import annotations

import sys

from .flowchart import check_file, count_paths


def run(path) -> int:
    fc, problems = check_file(path)
    for p in problems:
        print(p)
    if fc is None:
        n = sum(not p.warning for p in problems)
        print(
            f"{n} problem{'s' if n != 1 else ''}: the flowchart cannot be used until they are fixed.", file=sys.stderr
        )
        return 1
    warnings = len(problems)
    where = "built-in flowchart.yaml" if fc.origin == "built-in" else fc.origin
    print(
        f"{where}: OK: {len(fc.questions)} questions, {len(fc.steps)} steps, {len(fc.contacts)} contacts, "
        f"{count_paths(fc)} paths" + (f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "")
    )
    return 0
