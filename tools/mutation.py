"""Mutation testing of the core modules (mutmut, configured in pyproject.toml) and the report it leaves behind.

Runs `mutmut run` over the modules in [tool.mutmut] only_mutate, with the in-process tests listed there, then
writes docs/mutation-report.md: per module, the mutants generated, killed, survived and left with no test, the
score, and every survivor with the line it changed and its triage from tools/mutation_triage.yaml (equivalent,
and why; or not yet triaged). The triage also names, for each survivor of an earlier run that a test now kills,
that test; `check` runs each such test against its mutant and says whether it really fails.

Slow (about an hour for every module on 2 cores): it is not part of .ci/run.

Run:    .venv/bin/python tools/mutation.py            (mutmut run, then the report)
        .venv/bin/python tools/mutation.py report     (the report from the last run's results)
        .venv/bin/python tools/mutation.py check [T]  (each test the triage names, or those whose name holds T,
                                                       fails on its mutant)
        .venv/bin/python tools/mutation.py rerun      (the survivors again, after new tests: each one a test now
                                                       kills is written to the triage with that test)
        .venv/bin/python tools/mutation.py todo       (the survivors not yet triaged, as entries to fill in)
        .venv/bin/python tools/mutation.py credit REV (after a full run: each survivor REV's report left untriaged
                                                       that a test now kills is written to the triage with that test)
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
REPORT = ROOT / "docs" / "mutation-report.md"
TRIAGE = Path(__file__).resolve().parent / "mutation_triage.yaml"
TARGET = 0.85


@dataclass(frozen=True)
class Mutant:
    name: str  # esafety_wizard.casefile.operations.x_replay__mutmut_12
    module: str  # casefile.operations
    function: str  # replay (Class.method for a method)
    status: str  # killed, survived, no tests, timeout, ...
    change: str  # the mutant's changed lines, stripped and joined with " / "


def _module(name: str) -> str:
    """The module a mutant is in, as a dotted path under the package: `esafety_wizard.casefile.store.x_f__mutmut_1`
    -> `casefile.store`."""
    parts = name.split(".")
    at = next(i for i, part in enumerate(parts) if part.startswith(("x_", "xǁ")))
    return ".".join(parts[1:at])


def _function(name: str) -> str:
    """The function a mutant changes, as the source spells it: `x_replay__mutmut_3` -> `replay`,
    `xǁStoreǁappend__mutmut_2` -> `Store.append`."""
    local = name[len(_module(name)) + len("esafety_wizard..") :].rsplit("__mutmut_", 1)[0]
    if local.startswith("xǁ"):
        return ".".join(local[2:].split("ǁ"))
    return local[2:]


def mutants(every_change: bool = False) -> list[Mutant]:
    """Every mutant of the last run with its status, read from mutmut's own files (run from the project root).
    The change is read for those not killed, or for every one."""
    os.chdir(ROOT)
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    found = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in sorted(data.exit_code_by_key.items()):
            status = status_by_exit_code[code]
            change = ""
            if every_change or status != "killed":
                diff = get_diff_for_mutant(name, path=data.path).splitlines()
                change = " / ".join(
                    line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")
                )
            found.append(Mutant(name, _module(name), _function(name), status, change))
    return found


def triage() -> list[dict]:
    """The triage entries: {module, function, change, and equivalent: why | killed_by: test}."""
    return yaml.safe_load(TRIAGE.read_text(encoding="utf-8")) or []


def _key(module: str, function: str, change: str) -> tuple[str, str, str]:
    return module, function, " ".join(change.split())


def report(found: list[Mutant]) -> str:
    listed = triage()
    entries = {_key(e["module"], e["function"], e["change"]): e for e in listed}
    by_module: dict[str, list[Mutant]] = defaultdict(list)
    for m in found:
        by_module[m.module].append(m)

    def said(m: Mutant) -> dict | None:
        return entries.get(_key(m.module, m.function, m.change))

    lines = [
        "# Mutation testing report",
        "",
        f"Made by `tools/mutation.py` on {date.today().isoformat()} with mutmut (see `[tool.mutmut]` in "
        "pyproject.toml for the modules and the tests). A mutant is *killed* when a test fails on it; *survived*: "
        "no test failed; *no tests*: no test in the selection runs that code; *equivalent*: a survivor that no "
        "test could tell from the original (each says why below). The score is killed of the mutants that are "
        f"not equivalent (a mutant a stopped run did not reach, *not checked*, counts against it; a timeout counts as "
        f"killed); the target is {TARGET:.0%} in each module.",
        "",
        "| Module | Mutants | Killed | Survived | Of those, equivalent | No tests | Not checked | Score | Target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for module, ms in sorted(by_module.items()):
        c = Counter(m.status for m in ms)
        equivalent = sum(1 for m in ms if m.status == "survived" and "equivalent" in (said(m) or {}))
        killed = c["killed"] + c["timeout"]
        score = killed / max(1, len(ms) - equivalent)
        lines.append(
            f"| {module} | {len(ms)} | {killed} | {c['survived']} | {equivalent} | {c['no tests']} "
            f"| {c['not checked']} | {score:.1%} | {'met' if score >= TARGET else 'not met'} |"
        )
    lines += [
        "",
        "## Survivors",
        "",
        "Each survivor: the function, the line as the mutant changed it, and its triage. `mutmut show NAME` "
        "prints the whole change.",
        "",
    ]
    for module, ms in sorted(by_module.items()):
        left = [m for m in ms if m.status in ("survived", "no tests")]
        if not left:
            continue
        lines += [f"### {module}", ""]
        for m in left:
            entry = said(m) or {}
            why = (
                f"equivalent: {entry['equivalent']}"
                if "equivalent" in entry
                else ("no test runs this code" if m.status == "no tests" else "not yet triaged")
            )
            lines.append(f"- `{m.name}` (`{m.function}`): `{m.change or '(line removed)'}`. {why}")
        lines.append("")
    named = [e for e in listed if "killed_by" in e]
    if named:
        status = {_key(m.module, m.function, m.change): m.status for m in found if m.status != "killed"}
        lines += [
            "## Survivors of earlier runs that a test now kills",
            "",
            "Each: the function, the change, and the test written for it (`tools/mutation.py check` runs each "
            "test against its mutant).",
            "",
        ]
        for e in named:
            now = status.get(_key(e["module"], e["function"], e["change"]), "killed")
            lines.append(
                f"- {e['module']} `{e['function']}`: `{e['change']}`. Killed by `{e['killed_by']}`"
                + ("" if now == "killed" else f" (**{now} in this run**)")
            )
        lines.append("")
    return "\n".join(lines)


def check(only: str = "") -> int:
    """Run each test the triage names with its mutant switched on, in mutmut's copy; it must fail. Where one function
    has the same change in two places (two identical lines), the test must kill one of those mutants."""
    from concurrent.futures import ThreadPoolExecutor

    found: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for m in mutants(every_change=True):
        found[_key(m.module, m.function, m.change)].append(m.name)
    named = [e for e in triage() if "killed_by" in e and only in e["killed_by"]]

    def kills(e: dict) -> tuple[dict, str | None]:
        for name in found.get(_key(e["module"], e["function"], e["change"]), []):
            run = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-x", "-n", "0", "-p", "no:randomly", e["killed_by"]],
                cwd=ROOT / "mutants",
                env=_with_mutant(name),
                capture_output=True,
            )
            if run.returncode == 1:
                return e, name
        return e, None

    bad = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for e, name in pool.map(kills, named):
            key = _key(e["module"], e["function"], e["change"])
            if key not in found:
                print(f"gone: {e['module']} {e['function']}: {e['change']} (the code changed; run again)")
            print(f"{'kills' if name else 'DOES NOT KILL'}: {e['killed_by']} -> {name or e['change']}")
            bad += name is None
    print(f"{len(named) - bad} of {len(named)} named tests kill their mutant")
    return 1 if bad else 0


def _selection() -> list[str]:
    """[tool.mutmut]'s test files and pytest options, read from pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = text[text.index("[tool.mutmut]") :]

    def listed(key: str) -> list[str]:
        start = block.index(key)
        body = block[block.index("[", start) : block.index("]", start) + 1]
        return [str(x) for x in ast.literal_eval(body)]  # a TOML list of strings is a Python list literal

    return listed("pytest_add_cli_args_test_selection") + listed("pytest_add_cli_args = ")


def _with_mutant(name: str) -> dict[str, str]:
    """The environment that runs mutmut's copy of the code (not the installed one) with this mutant on."""
    return {**os.environ, "MUTANT_UNDER_TEST": name, "PYTHONPATH": str(ROOT / "mutants" / "src")}


def killer(name: str) -> str | None:
    """The first test of the selection that fails with this mutant switched on, in mutmut's copy; None if none."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-rf", "--tb=no", *_selection()],
        cwd=ROOT / "mutants",
        env=_with_mutant(name),
        capture_output=True,
        text=True,
    )
    # "FAILED tests/x.py::test_y[a param id, spaces and all] - the message": named by the test, without its
    # parameters (check runs every case of it)
    failed = [line.split(" ", 1)[1] for line in run.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    return failed[0].split(" - ")[0].split("[")[0] if failed else None


def _name_killers(killed: list[Mutant]) -> int:
    """Find the test that kills each of these mutants and write it into the triage (unless the change is triaged
    already); returns how many were named."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        tests = list(pool.map(killer, (m.name for m in killed)))
    entries = triage()
    have = {_key(e["module"], e["function"], e["change"]) for e in entries}
    for m, test in zip(killed, tests, strict=True):
        if test and _key(m.module, m.function, m.change) not in have:
            entries.append({"module": m.module, "function": m.function, "change": m.change, "killed_by": test})
    write_triage(entries)
    return sum(map(bool, tests))


def rerun() -> int:
    """Run the survivors not triaged as equivalent again (new tests may kill them), with the mutants a stopped run
    did not reach, and write each survivor now killed into the triage with the test that kills it."""

    found = mutants()
    equivalent = {_key(e["module"], e["function"], e["change"]) for e in triage() if "equivalent" in e}
    before = [m for m in found if m.status == "survived" and _key(m.module, m.function, m.change) not in equivalent]
    unchecked = [m.name for m in found if m.status == "not checked"]  # a run stopped early: these too
    subprocess.run([MUTMUT, "run", *(m.name for m in before), *unchecked], cwd=ROOT, check=False)
    now = {m.name: m.status for m in mutants(every_change=False)}
    killed = [m for m in before if now.get(m.name) == "killed"]
    named = _name_killers(killed)
    print(f"{len(before)} survivors run again: {len(killed)} now killed, {named} by a test named")
    return 0


def credit(rev: str) -> int:
    """After a full run with new tests: for each survivor the report at git revision `rev` left not yet triaged
    that this run killed, find the test that kills it and write it into the triage."""
    import re

    text = subprocess.run(
        ["git", "show", f"{rev}:{REPORT.relative_to(ROOT)}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    before = set(re.findall(r"^- `([^`]+)` \(`[^`]+`\): .*\. not yet triaged$", text, flags=re.M))
    now = {m.name: m for m in mutants(every_change=True) if m.name in before}
    killed = [m for m in now.values() if m.status == "killed"]
    named = _name_killers(killed)
    print(f"{len(before)} untriaged survivors in {rev}'s report: {len(killed)} killed now, {named} by a test named")
    return 0


def write_triage(entries: list[dict]) -> None:
    header = "".join(line for line in TRIAGE.read_text(encoding="utf-8").splitlines(True) if line.startswith("#"))
    TRIAGE.write_text(
        header + yaml.safe_dump(entries, allow_unicode=True, width=118, sort_keys=False), encoding="utf-8"
    )


def todo() -> int:
    """Print each survivor the triage does not cover yet as an entry to fill in (YAML)."""
    covered = {_key(e["module"], e["function"], e["change"]) for e in triage()}
    for m in mutants():
        if m.status == "survived" and _key(m.module, m.function, m.change) not in covered:
            entry = {"module": m.module, "function": m.function, "change": m.change, "equivalent": ""}
            print(yaml.safe_dump([entry], allow_unicode=True, width=200, sort_keys=False), end="")
    return 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command == "check":
        return check(argv[1] if len(argv) > 1 else "")
    if command == "todo":
        return todo()
    if command == "credit":
        return credit(argv[1] if len(argv) > 1 else "HEAD")
    if command == "rerun":
        rerun()
    if command == "run":
        subprocess.run([MUTMUT, "run"], cwd=ROOT, check=False)
    elif command not in ("report", "rerun"):
        print(__doc__)
        return 2
    REPORT.write_text(report(mutants()) + "\n", encoding="utf-8")
    print(f"Written {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
