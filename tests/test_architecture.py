"""The layout README describes: data flows one way, and each heavy library stays in the one place that needs it."""

import ast
import os
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "esafety_wizard"

# Top to bottom: a module may import only modules above it (or itself, for a package's own files).
LAYERS = [
    "__init__",
    "errors",
    "escape",
    "files",
    "home",  # where every file goes: resolved once by a face and handed down
    "flowchart",  # the procedure: its model, loader, engine, answers files and the guide's conversation
    "record",  # the event, an incident replayed from its events, their one serialisation and wording
    "casefile",  # the data folder: the store, its operations, summaries, verify, evidence, school, drafts
    "documents",  # what is printed or saved: transcript, incident record, summary, checklist, letters, lists
    "prompts",
    "web",  # the face in the browser: esafety serve
    "cli",
    "__main__",
]
ONLY_IN = {  # a library -> the modules allowed to import it
    "questionary": {"prompts/arrows.py"},
    "prompt_toolkit": {"prompts/arrows.py"},
    "typer": {"cli/__init__.py", "cli/common.py", "cli/guide.py", "cli/procedure.py", "cli/log.py", "cli/serve.py"},
    "sqlite3": {"casefile/store.py"},
    "platformdirs": {"home.py"},
    "flask": {"web/app.py"},
    "waitress": {"web/server.py"},
    "yaml": {"flowchart/loader/reader.py", "flowchart/answers.py"},
    "docx": {"documents/letters.py"},
}


def _modules():
    return sorted(p for p in SRC.rglob("*.py"))


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) == 1 else rel.parts[0]


def _imports(path: Path):
    """(package module, library) names each import in a file reaches, lazy imports inside functions included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(SRC).parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - (node.level - 1)])
                target = [*base, *(node.module.split(".") if node.module else [])]
                if target:
                    yield target[0], None
                else:  # from . import x, y
                    for alias in node.names:
                        yield alias.name, None
            else:
                yield None, node.module.split(".")[0]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield None, alias.name.split(".")[0]


def test_every_module_has_a_layer():
    assert {_layer(p) for p in _modules()} <= set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_flow_one_way(path):
    here = LAYERS.index(_layer(path))
    upward = [m for m, _ in _imports(path) if m and m in LAYERS and LAYERS.index(m) > here]
    assert upward == [], f"{path.relative_to(SRC)} imports from below it: {upward}"


@pytest.mark.parametrize("library", sorted(ONLY_IN))
def test_heavy_libraries_stay_in_one_place(library):
    users = {str(p.relative_to(SRC)) for p in _modules() if any(lib == library for _, lib in _imports(p))}
    assert users <= ONLY_IN[library], users - ONLY_IN[library]


def test_operations_never_print():
    """The case file's operations return values; only a face prints."""
    for path in (SRC / "casefile").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bprint\(|sys\.std(out|err)|\bconsole\b", text), path.name


def test_hypothesis_writes_nothing_into_the_work_tree():
    from hypothesis import configuration

    root = SRC.parent.parent
    home = configuration.storage_directory()
    home = Path(getattr(home, "path", home)).resolve()  # a StorageDirectory in newer Hypothesis
    assert root != home and root not in home.parents


def test_a_test_run_leaves_no_temporary_folder_behind(tmp_path):
    """Each run's temporary tree (homes, caches, Hypothesis's files) is removed when the run ends: thousands of
    runs (a mutation run is one per mutant) must not fill the disk with empty folders."""
    import subprocess
    import sys

    root = SRC.parent.parent
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            "--basetemp",
            str(tmp_path / "base"),
            "tests/test_escape.py",
            "-k",
            "markdown",
        ],
        cwd=root,
        env={**os.environ, "TMPDIR": str(scratch)},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert list(scratch.iterdir()) == []


def _kind_spellings(path: Path) -> list[str]:
    """Where a file spells an event kind as a string: compared with a kind, or given as one to the store."""
    from esafety_wizard.record import event

    kinds = set(event.SHAPES)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            names_kind = any(
                (isinstance(s, ast.Attribute) and s.attr == "kind")
                or (isinstance(s, ast.Name) and s.id in {"k", "kind"})
                for s in sides
            )
            strings = [s.value for s in sides if isinstance(s, ast.Constant) and s.value in kinds]
            if names_kind and strings:
                found.append(f"line {node.lineno}: compares a kind with {strings[0]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append":
            if len(node.args) == 5 and isinstance(node.args[3], ast.Constant) and node.args[3].value in kinds:
                found.append(f"line {node.lineno}: appends an event of kind {node.args[3].value!r}")
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            first, second = node.elts
            if isinstance(first, ast.Constant) and first.value in kinds and isinstance(second, ast.Dict):
                found.append(f"line {node.lineno}: an event ({first.value!r}, {{...}})")
    return found


def test_only_the_event_module_spells_an_event_kind():
    spelled = {str(p.relative_to(SRC)): _kind_spellings(p) for p in _modules() if p != SRC / "record" / "event.py"}
    assert {k: v for k, v in spelled.items() if v} == {}


def test_the_kind_check_sees_a_kind_spelled_each_way(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        'if e.kind == "closed": pass\nst.append(1, None, who, "note", {})\nx = [("opened", {"a": 1})]\n',
        encoding="utf-8",
    )
    assert len(_kind_spellings(bad)) == 3


def test_every_kind_has_a_replay_handler_and_a_sentence():
    from esafety_wizard.record import event, incident, wording

    assert set(incident._HANDLERS) == set(event.SHAPES) == set(wording._SENTENCES)
    for kind in event.SHAPES:
        said = wording.describe(event.Event(1, 1, "2026-01-01T00:00:00+00:00", "Jo", kind, {}, "", ""))
        assert said != f"Jo: {kind}", kind
