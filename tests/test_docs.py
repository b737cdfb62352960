"""Every command shown in README.md, CONTRIBUTING.md and docs/ runs as shown, so an example never goes stale.

The documents are followed as a reader would: in the order README lists them, in one folder, by one shell (an
`export` holds for the commands after it), with the files they show written where they say. A command that asks
questions is given typed answers (plain mode, as with a screen reader). The few commands that are not run here
are each run elsewhere, and say where.
"""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docs_commands import ROOT, commands, files_shown

ORDER = ["README.md", "docs/browser.md", "docs/guide.md", "docs/incident-log.md", "docs/letters.md", "docs/contacts.md",
         "docs/procedure-authors.md", "docs/architecture.md", "CONTRIBUTING.md"]  # fmt: skip
TEST_COMMAND = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]

# Commands that ask, and what a reader types (plain mode): a head teacher, the head not involved, not sure about
# a child, no allegation, a parent who has not yet taken the post down; then, resuming, that they refused.
TYPED = {
    "esafety guide": "2\n1\n3\n2\n1\n1\n",
    "esafety guide --save": "A parent's post about the trip\n2\n1\n3\n2\n1\n1\n",  # first, what it is about
    "esafety log resume 1": "2\n",
}
# What a command shown is expected to end with, where that is not success.
EXITS = {
    'esafety log close 1 --reason "Resolved"': 1,  # refused while steps are open, listing them, as its comment says
    "esafety log verify 3 --against 12-3f2a9c81d0e4b5a6": 1,  # an example record head: not this record's
}
# Not run here, and where each is run instead.
ELSEWHERE = {
    TEST_COMMAND: "is .ci/run (tests/test_docs.py checks the README's copy is the same)",
    "python3 -m venv .venv && .venv/bin/pip install --quiet . && .venv/bin/esafety guide": (
        "the install: run from a fresh clone before each stop; its last part, esafety guide, is run here"
    ),
    "ESAFETY_SNAPSHOTS=write .venv/bin/pytest -n0 tests/casefile/test_exact_outputs.py": (
        "writes the snapshots that tests/casefile/test_exact_outputs.py checks"
    ),
    ".venv/bin/python tools/update_docs.py": "tests/test_conventions.py runs its render on every document",
    "esafety serve": "runs until Ctrl-C: tests/cli/test_serve.py starts it, uses it and stops it",
    ".venv/bin/python tools/web_screenshots.py": "tests/web/test_browser.py checks the screenshots it takes",
    ".venv/bin/python tools/mutation.py": "slow (half an hour); tests/test_mutation_tool.py tests its parts",
    **{
        f".venv/bin/python benchmarks/{name}": "tests/test_benchmarks.py runs it in its quick mode"
        for name in ("startup.py", "outcome_lines.py", "validate_scale.py", "case_file_scale.py")
    },
}


def _all():
    return [(doc, cmd) for doc in ORDER for cmd in commands(ROOT / doc)]


def test_every_document_is_followed():
    docs = {
        str(p.relative_to(ROOT)) for p in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")]
    }
    assert docs - {"docs/mutation-report.md"} == set(ORDER)


def test_the_readme_and_contributing_give_the_command_ci_runs():
    for doc in ("README.md", "CONTRIBUTING.md"):
        assert TEST_COMMAND in commands(ROOT / doc), doc


def test_what_is_not_run_here_is_run_elsewhere():
    shown = {cmd for _, cmd in _all()}
    assert set(ELSEWHERE) <= shown, set(ELSEWHERE) - shown  # no stale entry
    for cmd in ELSEWHERE:
        for word in shlex.split(cmd):
            if word.startswith(("tests/", "tools/", "benchmarks/")):
                assert (ROOT / word).exists(), word


def _sandbox(tmp: Path) -> dict:
    """The folder a reader stands in: the repository's procedure, the answers file README shows, the evidence
    file the incident log registers, the files the documents show, and every file the tool writes kept here."""
    work = tmp / "work"
    (work / "tests" / "snapshots").mkdir(parents=True)
    shutil.copy(ROOT / "flowchart.yaml", work)
    (work / ".venv").symlink_to(Path(sys.prefix))
    for doc in ORDER:
        for name, text in files_shown(ROOT / doc).items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(text)
    pack = work / "our-pack"
    for name in ("illegal.yaml", "non-illegal.yaml", "staff-as-victims.yaml"):  # the procedures the pack names
        shutil.copy(ROOT / "flowchart.yaml", pack / name)
    (pack / "contacts.yaml").write_text("contacts: {}\n")
    user = tmp / "user"
    (user / "Evidence").mkdir(parents=True)
    (user / "Evidence" / "printout-of-the-page.pdf").write_bytes(b"%PDF-1.4 a printout of the page\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESAFETY_")}
    bin_ = str(Path(sys.executable).parent)
    env.update(HOME=str(user), ESAFETY_HOME=str(tmp / "data"), TERM="dumb", COLUMNS="100", NO_COLOR="1",
               PATH=bin_ + os.pathsep + env.get("PATH", ""))  # fmt: skip
    return {"cwd": work, "env": env}


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed (tools/test-tools.sh installs it)")
def test_every_command_in_the_documents_runs_as_shown(tmp_path):
    where = _sandbox(tmp_path)
    failed, exports = [], ""
    for doc, cmd in _all():
        if cmd in ELSEWHERE:
            continue
        if cmd.startswith("export "):  # holds for the commands after it, as in the reader's shell
            exports += cmd + "\n"
        typed = TYPED.get(cmd, "")
        run = subprocess.run(
            ["bash", "-c", exports + cmd], input=typed, text=True, capture_output=True, timeout=60, **where
        )
        if run.returncode != EXITS.get(cmd, 0):
            failed.append(f"{doc}: {cmd}\n  exit {run.returncode}: {(run.stderr or run.stdout)[-600:]}")
    assert failed == [], "\n".join(failed)
