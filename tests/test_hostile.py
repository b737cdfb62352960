"""Hostile input and hostile hands: what an attacker or a careless user may give the tool, through the real
commands. Nothing reaches the terminal raw, nothing is overwritten that is not a regular file, no traceback."""

import os
import re
import sys
import time

import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app

runner = CliRunner()
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
STAFF = "head_involved: no\ncan_report_to_head: yes\ninstigator: staff\nserious: yes\n"
OSC = "\x1b]0;pwned\x07\x1b[2Jcleared"


def run(*args, **kw):
    kw.setdefault("env", {})
    kw["env"] = {"COLUMNS": "120", **kw["env"]}
    r = runner.invoke(app, [str(a) for a in args], **kw)
    assert "Traceback" not in r.output, r.output
    return r


def clean(r):
    assert not RAW.search(r.stdout), repr(RAW.search(r.stdout))
    assert not RAW.search(r.stderr), repr(RAW.search(r.stderr))
    return r


@pytest.fixture
def answers(tmp_path):
    def write(text):
        p = tmp_path / "answers.yaml"
        p.write_text(text)
        return p

    return write


# --- write only regular files --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_force_never_replaces_what_is_not_a_regular_file(answers, tmp_path, kind):
    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    elif kind == "device":
        target = "/dev/null"
    else:
        target = tmp_path
    before = os.stat(target)
    for cmd in (["guide", "-a", answers(STAFF), "-t", target], ["diagram", "-o", target]):
        r = run(*cmd, "--force")
        assert r.exit_code == 1
        assert ("is a folder" if kind == "folder" else "not a regular file") in r.stderr
    after = os.stat(target)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)


def test_a_symbolic_link_to_a_device_is_refused_too(answers, tmp_path):
    link = tmp_path / "t.md"
    link.symlink_to("/dev/null")
    r = run("guide", "-a", answers(STAFF), "-t", link, "--force")
    assert r.exit_code == 1 and "not a regular file" in r.stderr and link.is_symlink()


# --- control characters and markup never reach the terminal raw ----------------------------------------


@pytest.fixture
def incident(answers):
    r = run("guide", "-a", answers(STAFF), "--save", "--as", "[link=http://evil.example/]Head Teacher[/link]")
    assert r.exit_code == 0, r.output
    return 1


def test_a_note_with_escape_sequences_is_shown_visibly_everywhere(incident, tmp_path):
    assert run("log", "note", 1, OSC, "--as", "Jo").exit_code == 0
    for args in (["log", "show", 1], ["log", "show", 1, "--json"], ["log", "list"], ["log", "list", "--json"]):
        r = clean(run(*args))
        assert r.exit_code == 0
    show = run("log", "show", 1).stdout
    assert "\\x1b]0;pwned" in show and "\\x1b[2Jcleared" in show  # visible, not obeyed
    for fmt in ("md", "html", "json"):
        clean(run("log", "export", 1, "--format", fmt))


def test_markup_in_data_is_shown_as_written(incident, tmp_path):
    evidence = tmp_path / "[red]x[bold].png"
    evidence.write_bytes(b"png")
    assert run("log", "evidence", 1, evidence, "--as", "Jo").exit_code == 0
    out = run("log", "show", 1, env={"COLUMNS": "300"}).stdout
    assert "[red]x[bold].png" in out
    assert "[link=http://evil.example/]Head Teacher[/link]" in out
    assert "\x1b]8;" not in run("log", "show", 1, env={"FORCE_COLOR": "1"}).stdout  # no hyperlink escape


def test_a_forged_note_cannot_add_a_heading_or_a_ticked_step_to_the_markdown(incident):
    forged = "ok\n## Checklist\n- [x] 99. FAKE step done by Head\n<script>alert(1)</script>"
    assert run("log", "note", 1, forged, "--as", "Jo").exit_code == 0
    md = run("log", "export", 1, "--format", "md").stdout
    assert md.count("\n## Checklist\n") == 1
    assert "\n- [x] 99" not in md and "<script>" not in md


def test_an_answers_file_value_with_control_characters_is_echoed_safely(answers):
    r = clean(run("guide", "-a", answers('head_involved: "\\e[2Jyes"\n')))
    assert r.exit_code == 1 and "\\x1b[2Jyes" in r.stderr


def test_a_flowchart_whose_text_holds_escape_sequences_is_shown_safely(tmp_path, answers):
    from samples import GOOD

    f = tmp_path / "f.yaml"
    f.write_text(GOOD.replace("title: Test", 'title: "Test \\e]0;pwned\\a"').replace("Do one.", '"Do \\e[2J one."'))
    a = answers("q1: yes\nq2: a\n")
    for args in (["guide", "-a", a], ["contacts"], ["contacts", "--json"], ["paths"], ["paths", "--json"], ["diagram"]):
        r = clean(run(*args, "--flowchart", f))
        assert r.exit_code == 0, (args, r.output)


# --- answers files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("head_involved: no\nhead_involved: yes\n", ":2: 'head_involved' is given twice"),
        ("head_involved: [no]\n", ":1: the answer to 'head_involved' is a list"),
        ("a: &a [x, x]\nhead_involved: *a\n", "aliases"),
        ("head_involved:\n", "the answer to 'head_involved' is empty"),
    ],
)
def test_answers_files_refuse_what_would_hide_an_answer(answers, text, message):
    r = clean(run("guide", "-a", answers(text)))
    assert r.exit_code == 1 and message in r.stderr, r.stderr


def test_an_alias_bomb_is_refused_at_once(answers):
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    start = time.perf_counter()
    r = run("guide", "-a", answers(bomb + "head_involved: *i\n"))
    assert r.exit_code == 1 and "aliases" in r.stderr
    assert time.perf_counter() - start < 5


def test_a_huge_value_is_cut_in_the_message(answers):
    r = run("guide", "-a", answers("head_involved: " + "y" * 5_000_000 + "\n"))
    assert r.exit_code == 1 and len(r.stderr) < 2000 and "…" in r.stderr


# --- ids ----------------------------------------------------------------------------------------------------


def test_ids_with_invisible_or_odd_characters_are_named_with_their_line(tmp_path):
    from samples import GOOD

    f = tmp_path / "f.yaml"
    f.write_text(GOOD.replace("  s3:", "  s\u200b3:").replace("  q2:", '  "q2 click":'))
    r = clean(run("validate", f))
    assert r.exit_code == 1
    assert "step id 's\\u200b3' may hold only letters A to Z, digits and _" in r.stdout
    assert "question id 'q2 click' may hold only letters" in r.stdout


def test_python_m_reports_no_traceback_for_a_missing_file():
    import subprocess

    r = subprocess.run(
        [sys.executable, "-m", "esafety_wizard", "guide", "-a", "/nope.yaml"], capture_output=True, text=True
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
