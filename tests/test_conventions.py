"""The conventions people expect of a command-line tool: colour, width, help, README, exit codes, streams."""

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from esafety_wizard.cli import app

runner = CliRunner()
ROOT = Path(__file__).parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README = "\n".join(p.read_text() for p in DOCUMENTS)  # the README and the docs it leads to, read as one
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|9[0-7]|38;[25])[0-9;]*m")
STAFF = (
    "head_involved: no\ncan_report_to_head: no\nchild_at_risk: no\n"
    "instigator: staff\nserious: not_sure\nalleges_harm: no\n"
)


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "100", **(env or {})})


@pytest.fixture
def answers(tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text(STAFF)
    return p


def test_colour_when_forced_and_none_with_no_color(answers):
    assert COLOUR.search(run("guide", "-a", answers, env={"FORCE_COLOR": "1"}).stdout)
    assert not COLOUR.search(run("guide", "-a", answers, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout)
    assert not COLOUR.search(run("guide", "-a", answers, "--no-color", env={"FORCE_COLOR": "1"}).stdout)


def test_output_to_a_pipe_has_no_escape_codes(answers):
    for args in (["contacts"], ["guide", "-a", answers], ["validate"], ["paths"]):
        assert "\x1b[" not in run(*args).stdout, args


@pytest.mark.parametrize("cols", [40, 200])
def test_contacts_fit_the_width_and_nothing_is_cut(cols):
    out = run("contacts", env={"COLUMNS": str(cols)}).stdout
    assert max(len(line.rstrip()) for line in out.splitlines()) <= cols
    assert "…" not in out
    flat = " ".join(re.sub("[\u2500-\u257f]", " ", out).split())  # table rules removed
    for needle in ("helpline@saferinternet.org.uk", "01629 531940", "0344 381 4772", "Claire Winter"):
        assert needle in flat or needle in out, needle


@pytest.mark.parametrize("cols", [40, 200])
def test_guide_steps_fit_the_width_and_nothing_is_cut(answers, cols, fc):
    out = run("guide", "-a", answers, "--sources", env={"COLUMNS": str(cols)}).stdout
    assert max(len(line.rstrip()) for line in out.splitlines()) <= cols
    flat = " ".join(out.split())
    for sid in ("cannot_report_to_head", "staff_hr", "staff_code_of_conduct", "further_contacts"):
        assert fc.steps[sid].text in flat


def _commands():
    """Every command, sub-commands included, by its full name ('guide', 'log done', ...)."""
    group = typer.main.get_command(app)
    out = {}
    stack = [("", group)]
    while stack:
        prefix, g = stack.pop()
        for name, cmd in g.commands.items():
            full = f"{prefix}{name}"
            out[full] = cmd
            if hasattr(cmd, "commands"):
                stack.append((f"{full} ", cmd))
    return group, out


def test_every_command_help_has_an_example():
    _, commands = _commands()
    for name in commands:
        r = run(*name.split(), "--help")
        assert r.exit_code == 0 and "Example" in r.stdout, name


def test_every_command_and_option_appears_in_readme():
    group, commands = _commands()
    missing = []
    for name, cmd in commands.items():
        if f"esafety {name}" not in README:
            missing.append(name)
        for p in cmd.params:
            for opt in p.opts:
                if opt.startswith("-") and opt not in README:
                    missing.append(f"{name} {opt}")
    for p in group.params:
        for opt in p.opts:
            if opt.startswith("--") and opt not in README:
                missing.append(opt)
    assert missing == []


def test_exit_codes_are_documented():
    for code in ("`0`", "`1`", "`2`", "`130`"):
        assert code in README


def test_results_on_stdout_messages_on_stderr(tmp_path, answers):
    r = run("contacts", "--json")
    assert r.stderr == "" and json.loads(r.stdout)
    r = run("guide", "-a", answers, "--transcript", tmp_path / "t.md")
    assert "Transcript saved" in r.stderr and "Transcript saved" not in r.stdout
    r = run("guide", "-a", tmp_path / "missing.yaml")
    assert r.exit_code == 1 and r.stdout == "" and "not found" in r.stderr


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda p: p.name)
def test_the_docs_show_real_output(doc):
    """If this fails after a deliberate change, run: .venv/bin/python tools/update_docs.py"""
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_docs", ROOT / "tools" / "update_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = doc.read_text()
    assert mod.render(text) == text


def test_no_test_aims_at_a_real_device_or_system_file():
    """CI runs as root: a test that writes at the machine's null device or into its system folders would, when the
    refusal it checks regresses, replace a system file. Tests make what they need in their own temporary folder;
    only reading the zero device (an endless file) is allowed."""
    import ast

    roots = ("/" + "dev/", "/" + "etc/")  # written so, this test does not find itself
    allowed = {"/" + "dev/zero"}
    found = []
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for word in node.value.split():
                    if word.startswith(roots) and word.rstrip(".,:;)'\"") not in allowed:
                        found.append(f"{path.name}:{node.lineno}: {word}")
    assert found == []


def run_wide(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


@pytest.mark.parametrize("cols", ["40", "100"])
def test_help_lists_each_commands_summary_whole_never_cut(cols):
    for args in ([], ["log"], ["contacts"], ["school"]):
        r = run_wide(*args, "--help", env={"COLUMNS": cols})
        listing = r.stdout[r.stdout.index("Commands:") :]
        assert "..." not in listing and "…" not in listing, (args, listing)
