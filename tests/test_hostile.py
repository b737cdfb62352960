"""Hostile input and hostile hands: what an attacker or a careless user may give the tool, through the real
commands. Nothing reaches the terminal raw, nothing is overwritten that is not a regular file, no traceback."""

import os
import re
import shutil
import sqlite3
import stat
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app

runner = CliRunner()
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
STAFF = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\ninstigator: staff\nserious: yes\nalleges_harm: no\n"
)
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
        target = _device(tmp_path)
    else:
        target = tmp_path
    before = os.stat(target)
    for cmd in (["guide", "-a", answers(STAFF), "-t", target], ["diagram", "-o", target]):
        r = run(*cmd, "--force")
        assert r.exit_code == 1
        assert ("is a folder" if kind == "folder" else "not a regular file") in r.stderr
    after = os.stat(target)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)


def _device(tmp_path):
    """A character device of the test's own (the null device's numbers) in its temporary folder: never the
    machine's real one, which a regression would replace with a file when the tests run as root."""
    node = tmp_path / "device"
    try:
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device node here ({e.strerror}): run as root to test a device")
    return node


def test_a_symbolic_link_to_a_device_is_refused_too(answers, tmp_path):
    link = tmp_path / "t.md"
    link.symlink_to(_device(tmp_path))
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
    refused = run("log", "evidence", 1, evidence, "--as", "Jo", env={"COLUMNS": "500"})  # an image: asked first
    assert refused.exit_code == 1 and "[red]x[bold].png looks like an image" in refused.stderr  # markup as written
    assert run("log", "evidence", 1, evidence, "--not-an-intimate-image", "--as", "Jo").exit_code == 0
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
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    start = time.perf_counter()
    r = run("guide", "-a", answers(bomb + "head_involved: *i\n"))
    assert r.exit_code == 1 and "aliases" in r.stderr
    assert time.perf_counter() - start < 5


def test_a_huge_value_is_cut_in_the_message(answers):
    r = run("guide", "-a", answers("head_involved: " + "y" * 900_000 + "\n"))  # under the 1 MB an answers file may be
    assert r.exit_code == 1 and len(r.stderr) < 2000 and "…" in r.stderr


def test_an_answers_file_over_its_size_limit_is_refused_before_it_is_read(answers):
    r = run("guide", "-a", answers("head_involved: " + "y" * 5_000_000 + "\n"))
    assert r.exit_code == 1 and "an answers file may be at most 1 MB" in r.stderr and len(r.stderr) < 400


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


# --- Ctrl-C at any moment -----------------------------------------------------------------------------------


def _interrupt_at(delay: float, args=("contacts",)):
    import signal
    import subprocess

    exe = os.path.join(os.path.dirname(sys.executable), "esafety")
    p = subprocess.Popen([exe, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=20)
    return p.returncode, err


# Before about 30 ms, Python itself is still starting (its `site` module): a Ctrl-C there is CPython's own
# "Fatal Python error", before any code of this tool runs, and nothing can be written yet. From then on, it is
# ours to handle.
PYTHON_STARTING = 0.03


def _pythons_own(err: str) -> bool:
    """True when a Ctrl-C landed before any function of ours ran, so nothing of ours could catch it.

    That is CPython still starting (its `site` module), or pip's generated `esafety` script importing `re` and
    then our package, or our modules' own top-level statements being executed by that import. Once our `main()`
    is running, every traceback passes through a frame that is a function in our package: that is ours to
    handle, and the test fails on it.
    """
    if "init_import_site" in err:
        return True
    if "Traceback" not in err:
        return False
    frames = re.findall(r'^  File "([^"]+)", line \d+, in (.+)$', err, flags=re.M)
    ours = [func for path, func in frames if f"esafety_wizard{os.sep}" in path]
    return all(func == "<module>" for func in ours)


@pytest.mark.parametrize("delay", [0.04, 0.07, 0.1, 0.14])
def test_ctrl_c_while_starting_up_is_quiet(delay):
    code, err = _interrupt_at(delay)
    if _pythons_own(err):  # a loaded machine can still be starting Python itself at this delay
        pytest.skip("Python itself was still starting")
    assert "Traceback" not in err, err
    assert code in (0, 130, -2), (code, err)  # done already, cancelled, or stopped before Python could react


@pytest.mark.slow
def test_ctrl_c_at_40_random_moments_of_start_up():
    import random

    rng = random.Random(14)
    for _ in range(40):
        delay = rng.uniform(PYTHON_STARTING, 0.25)
        code, err = _interrupt_at(delay, rng.choice([("contacts",), ("paths",), ("--help",), ("validate",)]))
        if _pythons_own(err):
            continue
        assert "Traceback" not in err, (delay, err)
        assert code in (0, 130, -2), (delay, code, err)


# --- a damaged or tampered case file: reported, never a traceback ----------------------------------------


def _db(home):

    from esafety_wizard.casefile.store import DB_NAME

    return sqlite3.connect(home / DB_NAME, isolation_level=None)


def _forge(home, incident_id, kind, data, at="2026-11-27T10:00:00+00:00"):
    """Append an event as someone with write access to the file would: with a correctly recomputed hash."""
    import json as _json

    from esafety_wizard.record.event import event_hash

    db = _db(home)
    n, prev = db.execute(
        "SELECT n, hash FROM events WHERE incident_id = ? ORDER BY n DESC LIMIT 1", (incident_id,)
    ).fetchone()
    h = event_hash(incident_id, n + 1, at, "Mallory", kind, data, prev)
    db.execute(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (incident_id, n + 1, at, "Mallory", kind, _json.dumps(data), prev, h),
    )
    db.close()


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.mark.parametrize(
    "kind, data, message",
    [
        ("step_done", [1, 2], "is not a well-formed 'step_done' event"),
        ("step_done", {"note": "no step"}, "is not a well-formed 'step_done' event"),
        ("evidence", {"path": 3}, "is not a well-formed 'evidence' event"),
        ("launch", {}, "is of an unknown kind"),
    ],
)
def test_a_malformed_event_is_reported_as_altered_with_its_number(incident, home, kind, data, message):
    _forge(home, 1, kind, data, at="2099-01-01T00:00:00+00:00")
    r = clean(run("log", "verify", 1))
    assert r.exit_code == 1 and f"event 3 {message}" in r.stdout
    for args in (["log", "show", 1], ["log", "list"], ["log", "export", 1, "--format", "md"]):
        assert clean(run(*args)).exit_code == 0


def test_an_event_dated_before_the_one_it_follows_is_reported(incident, home):
    _forge(home, 1, "note", {"text": "backdated"}, at="2020-01-01T00:00:00+00:00")
    r = run("log", "verify", 1)
    assert r.exit_code == 1 and "event 3 is dated before the event it follows" in r.stdout


def test_deleted_events_and_incidents_are_reported(incident, home, answers):
    run("guide", "-a", answers(STAFF), "--save", "--as", "Jo")
    run("log", "note", 1, "a", "--as", "Jo")
    run("log", "note", 1, "b", "--as", "Jo")
    db = _db(home)
    db.execute("DROP TRIGGER events_append_only_delete")
    db.execute("DROP TRIGGER incidents_append_only_delete")
    db.execute("DELETE FROM events WHERE incident_id = 1 AND n = 3")
    db.execute("DELETE FROM events WHERE incident_id = 2")
    db.execute("INSERT INTO incidents (created_at) VALUES ('x')")  # incident 3, with no events
    db.execute("DELETE FROM incidents WHERE id = 3")
    db.execute("INSERT INTO incidents (created_at) VALUES ('x')")  # incident 4, with no events
    db.close()
    r = clean(run("log", "verify"))
    assert r.exit_code == 1
    for text in (
        "Incident 1: ALTERED: event 3 is missing",
        "incident 2 has no events",
        "incident 3 is missing: it was deleted",
        "incident 4 has no events",
    ):
        assert text in r.stdout, r.stdout
    r = clean(run("log", "list"))
    assert r.exit_code == 0 and "incident 3 is missing" in r.stderr
    r = clean(run("log", "show", 2))
    assert r.exit_code == 1 and "Incident 2 has no events" in r.stderr


def test_a_full_disk_is_a_message_and_nothing_is_half_written(incident, home):
    from esafety_wizard.casefile import operations
    from esafety_wizard.casefile.store import Store
    from esafety_wizard.errors import WizardError

    with Store(home, create=False) as st:
        pages = st.db.execute("PRAGMA page_count").fetchone()[0]
        st.db.execute(f"PRAGMA max_page_count = {pages}")  # what a full disk looks like to SQLite
        with pytest.raises(WizardError, match="Nothing was recorded.*disk is full"):
            operations.note(st, 1, "x" * 200_000, "Jo")
    with Store(home, create=False) as st:
        assert st.verify(1) == [] and [e.kind for e in st.events(1)] == ["opened", "answered"]


def test_read_commands_open_the_file_read_only(incident, home, tmp_path):

    from esafety_wizard.casefile.store import DB_NAME

    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(home / DB_NAME, copy / DB_NAME)  # the file alone, as handed over or on a read-only disk
    before = (copy / DB_NAME).read_bytes()
    for args in (["log", "list"], ["log", "show", 1], ["log", "verify"], ["log", "export", 1, "--format", "json"]):
        r = run(*args, "--home", copy)
        assert r.exit_code == 0, (args, r.output)
    assert (copy / DB_NAME).read_bytes() == before  # SQLite may add its -wal/-shm housekeeping files beside it


def test_on_a_read_only_disk_the_file_is_read_as_it_is(incident, home, monkeypatch):
    # Tests run as root, for whom no folder is read-only: make SQLite's read-only open fail the way it does on
    # a read-only disk (it cannot create the -shm file), and check the commands still read the record.

    real = sqlite3.connect

    def connect(target, *a, **kw):
        if isinstance(target, str) and target.endswith("?mode=ro"):
            raise sqlite3.OperationalError("unable to open database file")
        return real(target, *a, **kw)

    monkeypatch.setattr(sqlite3, "connect", connect)
    for args in (["log", "list"], ["log", "show", 1], ["log", "verify", 1]):
        r = run(*args)
        assert r.exit_code == 0, (args, r.output)


def test_a_file_that_is_not_an_incident_database_is_a_message(home):

    from esafety_wizard.casefile.store import DB_NAME

    home.mkdir(parents=True)
    sqlite3.connect(home / DB_NAME).execute("PRAGMA user_version = 1").close()  # right version, no tables
    for args in (["log", "list"], ["log", "show", 1], ["log", "verify"]):
        r = clean(run(*args))
        assert r.exit_code == 1 and "cannot be read as an incident database" in r.stderr


# --- tampering that only an earlier copy can show ------------------------------------------------------------


def _recompute(home, incident_id=1):
    """What someone who can write the file can do: rewrite the events and recompute the whole chain."""
    import json as _json

    from esafety_wizard.record.event import event_hash

    db = _db(home)
    db.execute("DROP TRIGGER IF EXISTS events_append_only_update")
    prev = ""
    for n, at, actor, kind, data in db.execute(
        "SELECT n, at, actor, kind, data FROM events WHERE incident_id = ? ORDER BY n", (incident_id,)
    ).fetchall():
        h = event_hash(incident_id, n, at, actor, kind, _json.loads(data), prev)
        db.execute("UPDATE events SET prev = ?, hash = ? WHERE incident_id = ? AND n = ?", (prev, h, incident_id, n))
        prev = h
    db.close()


@pytest.fixture
def exported(incident, home, tmp_path):
    run("log", "note", 1, "Spoke to the DSL: no risk identified", "--as", "Jo")
    out = tmp_path / "copy.json"
    assert run("log", "export", 1, "--format", "json", "-o", out).exit_code == 0
    md = tmp_path / "copy.md"
    assert run("log", "export", 1, "--format", "md", "-o", md).exit_code == 0
    head = re.search(r"Record head: incident 1, (\d+-[0-9a-f]{16})", md.read_text()).group(1)
    return {"json": out, "md": md, "head": head}


def test_an_untouched_record_extends_every_earlier_copy(exported):
    run("log", "note", 1, "Later", "--as", "Jo")
    for against in exported.values():
        r = run("log", "verify", 1, "--against", against)
        assert r.exit_code == 0 and "its first 3 events are unchanged, and 1 event was added since" in r.stdout


def test_an_edited_note_with_a_recomputed_chain_is_caught_against_an_earlier_copy(exported, home):
    db = _db(home)
    db.execute("DROP TRIGGER events_append_only_update")
    db.execute('UPDATE events SET data = \'{"text": "Spoke to the DSL: risk identified"}\' WHERE n = 3')
    db.close()
    _recompute(home)
    assert run("log", "verify", 1).exit_code == 0  # the file alone cannot tell: README says so
    r = run("log", "verify", 1, "--against", exported["json"])
    assert r.exit_code == 1 and "event 3 is not the event in the earlier copy" in r.stdout
    for against in (exported["md"], exported["head"]):
        r = run("log", "verify", 1, "--against", against)
        assert r.exit_code == 1 and "event 3 is not the event in the earlier copy" in r.stdout


def test_events_cut_from_the_end_are_caught_against_the_head(exported, home):
    db = _db(home)
    db.execute("DROP TRIGGER events_append_only_delete")
    db.execute("DELETE FROM events WHERE n = 3")
    db.close()
    assert run("log", "verify", 1).exit_code == 0
    r = run("log", "verify", 1, "--against", exported["head"])
    assert r.exit_code == 1 and "event 3 was cut from the end" in r.stdout


def test_an_event_added_later_but_dated_before_the_copy_is_caught(exported, home):
    _forge(home, 1, "note", {"text": "backdated"}, at="2020-01-01T00:00:00+00:00")
    r = run("log", "verify", 1, "--against", exported["json"])
    assert r.exit_code == 1 and "event 4 was added after the earlier copy but is dated before it" in r.stdout


def test_against_needs_the_incident_and_a_real_copy(exported, tmp_path):
    assert run("log", "verify", "--against", exported["head"]).exit_code == 2
    r = clean(run("log", "verify", 1, "--against", "\x1b[2Jnot-a-head"))
    assert r.exit_code == 1 and "neither a record head" in r.stderr
    other = tmp_path / "other.md"
    other.write_text("- Record head: incident 7, 3-0123456789abcdef. Keep this copy, or write the head down")
    assert "not incident 1" in run("log", "verify", 1, "--against", other).stderr


# --- any text, through every command --------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

any_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda s: s.strip() and "\x00" not in s and not s.startswith("-")  # NUL cannot be in an argument; "-x" is an option
)
ONE = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
MANY = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


def _every_command_with(tmp_path, text):

    from samples import GOOD, yaml_quoted

    home = tmp_path / "h"
    shutil.rmtree(home, ignore_errors=True)
    env = {"ESAFETY_HOME": str(home), "COLUMNS": "80"}
    a = tmp_path / "a.yaml"
    a.write_text(STAFF)
    f = tmp_path / "f.yaml"
    f.write_text(GOOD.replace("title: Test", "title: " + yaml_quoted(text)).replace("Do one.", yaml_quoted(text)))
    calls = [
        ["guide", "-a", a, "--save", "--as", text],
        ["log", "note", 1, text, "--as", text],
        ["log", "done", 1, 1, "--note", text, "--as", "Jo"],
        ["log", "describe", 1, "--description", text, "--staff", text, "--as", "Jo"],
        ["log", "decide", 1, 2, "--reason", text, "--as", "Jo"],
        ["log", "answer", 1, "serious", "no", "--reason", text, "--as", "Jo"],
        ["log", "answer", 1, text, text, "--as", "Jo"],
        ["contacts", "set", "dsl", "--name", text, "--phone", text],
        ["contacts", "set", text, "--name", "x"],
        ["school", "set", "--name", text, "--address", text, "--head", text],
        ["school"],
        ["letters"],
        *(
            ["log", "letter", 1, name, "-o", tmp_path / f"l.{fmt}", "--force", "--as", "Jo"]
            for name, fmt in (("lado_summary", "md"), ("lado_summary", "docx"), ("other_parents", "html"))
        ),
        ["log", "letter", 1, text, "--as", "Jo"],
        ["log", "report", "--format", "md"],
        ["log", "report", "--from", text],
        ["log", "list", "--all"],
        ["log", "list", "--json"],
        ["log", "close", 1, "--reason", text, "--as", "Jo"],
        ["log", "show", 1],
        ["log", "show", 1, "--json"],
        ["log", "list"],
        ["log", "verify"],
        ["log", "export", 1, "--format", "md"],
        ["log", "export", 1, "--format", "html"],
        ["log", "export", 1, "--format", "json"],
        ["log", "verify", 1, "--against", text],
        ["guide", "-a", a, "--flowchart", f],
        ["contacts", "--flowchart", f],
        ["paths", "--flowchart", f],
        ["diagram", "--flowchart", f],
        ["validate", f],
        ["guide", "-a", text],
    ]
    for call in calls:
        r = run(*call, env=env)
        assert r.exit_code in (0, 1), (call, r.output)
        clean(r)


@pytest.mark.mutation_slow
@ONE
@given(text=any_text)
def test_any_text_through_every_command_reaches_no_terminal_raw(tmp_path_factory, text):
    _every_command_with(tmp_path_factory.mktemp("any"), text)


@pytest.mark.slow
@MANY
@given(text=any_text)
def test_any_text_through_every_command_many(tmp_path_factory, text):
    _every_command_with(tmp_path_factory.mktemp("any"), text)


def test_a_ctrl_c_that_python_turns_into_another_error_is_still_a_quiet_cancel(monkeypatch, capsys):
    """Seen once in 40 start-ups on a loaded machine: Ctrl-C while `platform` made a class, which CPython 3.11
    re-raises as 'RuntimeError: Error calling __set_name__' caused by the KeyboardInterrupt."""
    import esafety_wizard.__main__ as entry
    import esafety_wizard.cli as cli

    def interrupted_while_importing():
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as e:
            raise RuntimeError("Error calling __set_name__ on 'cached_property' instance") from e

    monkeypatch.setattr(cli, "main", interrupted_while_importing)
    with pytest.raises(SystemExit) as stop:
        entry.main()
    assert stop.value.code == 130 and "Cancelled." in capsys.readouterr().err

    def a_real_bug():
        raise RuntimeError("not a Ctrl-C")

    monkeypatch.setattr(cli, "main", a_real_bug)
    with pytest.raises(RuntimeError, match="not a Ctrl-C"):  # anything else is not hidden as a cancel
        entry.main()


REFUSED_ANSWERS = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\n"
    "instigator: parent_carer\nresolved: no\nalleges_harm: no\n"
)


def run_cli(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


def _fifo(tmp_path: Path) -> Path:
    p = tmp_path / "fifo"
    os.mkfifo(p)
    return p


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_fifo_or_a_device_is_refused_wherever_a_file_is_read(tmp_path, pack, special):
    src = _fifo(tmp_path) if special == "fifo" else Path(special)
    home = Path(os.environ["ESAFETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    a = tmp_path / "a.yaml"
    a.write_text(REFUSED_ANSWERS)
    assert run_cli("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    cases = [
        (["validate", src], None),
        (["guide", "-a", src], None),
        (["log", "verify", 1, "--against", src], None),
    ]
    for name in ("school-contacts.json", "config.json", "school.json"):
        cases.append((["contacts"] if name == "school-contacts.json" else ["school"] if name == "school.json"
                      else ["log", "note", 1, "x"], name))  # fmt: skip
    for args, planted in cases:
        if planted:
            (home / planted).unlink(missing_ok=True)
            (home / planted).symlink_to(src)
        try:
            r = run_cli(*args)
        finally:
            if planted:
                (home / planted).unlink()
        assert r.exit_code == 1, (args, planted, r.output)
        assert "not a regular file" in r.output and "Traceback" not in r.output, (args, planted, r.output)


@pytest.mark.parametrize("name", ["school-contacts.json", "config.json", "school.json"])
def test_deep_nesting_in_a_settings_file_is_a_message_not_a_traceback(name):
    home = Path(os.environ["ESAFETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / name).write_text("[" * 100_000 + "]" * 100_000)
    args = {"school-contacts.json": ["contacts"], "school.json": ["school"], "config.json": ["log", "name"]}[name]
    r = run_cli(*args) if name != "config.json" else run_cli("log", "note", 1, "x")
    assert r.exit_code == 1 and "nests too deeply" in r.output and "Traceback" not in r.output
