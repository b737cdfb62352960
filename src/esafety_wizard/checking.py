"""`esafety validate`: every problem in a flowchart file, one per line, and a summary when it is usable."""

from __future__ import annotations

import shutil
import sys
import textwrap

from .flowchart import check_file, count_paths


def run(path) -> int:
    fc, problems = check_file(path)
    for p in problems:
        print(_fit(str(p), sys.stdout))
    if fc is None:
        n = sum(not p.warning for p in problems)
        message = f"{n} problem{'s' if n != 1 else ''}: the flowchart cannot be used until they are fixed."
        print(_fit(message, sys.stderr), file=sys.stderr)
        return 1
    warnings = len(problems)
    where = "built-in flowchart.yaml" if fc.origin == "built-in" else fc.origin
    print(
        f"{where}: OK: {len(fc.questions)} questions, {len(fc.steps)} steps, {len(fc.contacts)} contacts, "
        f"{count_paths(fc)} paths" + (f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "")
    )
    return 0


def _fit(line: str, stream) -> str:
    """One problem per line for editors and scripts; on a terminal, wrapped at words with a hanging indent."""
    if not stream.isatty():
        return line
    width = max(20, shutil.get_terminal_size().columns - 1)
    return textwrap.fill(line, width, subsequent_indent="    ", break_on_hyphens=False, break_long_words=False)
