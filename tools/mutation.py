"""Mutation testing of the core modules (mutmut, configured in pyproject.toml) and the report it leaves behind.

Runs `mutmut run` over the modules in [tool.mutmut] only_mutate, with the in-process tests listed there, then
writes docs/mutation-report.md: per module, the mutants generated, killed, survived and left with no test, and
every survivor by name (`mutmut show NAME` prints its change). Slow (minutes per module on 2 cores): it is not
part of .ci/run.

Run: .venv/bin/python tools/mutation.py
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
REPORT = ROOT / "docs" / "mutation-report.md"


def results() -> dict[str, list[tuple[str, str]]]:
    """Each module's mutants: (name, status), from `mutmut results --all true`."""
    out = subprocess.run([MUTMUT, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True).stdout
    by_module: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name.startswith("esafety_wizard."):
            by_module[name.split(".")[1]].append((name, status))
    return by_module


def main() -> None:
    subprocess.run([MUTMUT, "run"], cwd=ROOT, check=False)
    by_module = results()
    lines = [
        "# Mutation testing report",
        "",
        f"Made by `tools/mutation.py` on {date.today().isoformat()} with mutmut (see `[tool.mutmut]` in "
        "pyproject.toml for the modules and the tests). A mutant is *killed* when a test fails on it; *survived*: "
        "no test failed; *no tests*: no test in the selection runs that code.",
        "",
        "| Module | Mutants | Killed | Survived | No tests | Not checked | Killed of those tested |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for module, found in sorted(by_module.items()):
        c = Counter(status for _, status in found)
        tested = c["killed"] + c["survived"]
        share = f"{c['killed'] / tested:.0%}" if tested else "-"
        lines.append(
            f"| {module} | {len(found)} | {c['killed']} | {c['survived']} | {c['no tests']} | {c['not checked']} "
            f"| {share} |"
        )
    lines += ["", "## Survivors", "", "Each is listed by name; `mutmut show NAME` prints the change.", ""]
    for module, found in sorted(by_module.items()):
        survivors = [name for name, status in found if status == "survived"]
        if survivors:
            lines += [f"### {module}", "", *(f"- `{name}`" for name in survivors), ""]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"Written {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
