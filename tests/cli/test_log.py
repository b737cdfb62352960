"""The incident case file: store, history, checklist, evidence, export, and bad input."""

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from esafety_wizard.casefile.store import DB_NAME, Store
from esafety_wizard.cli import app
from esafety_wizard.home import Home

runner = CliRunner()
PARENT_NOT_YET = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\n"
    "instigator: parent_carer\nresolved: not_yet\nalleges_harm: no\n"
)


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def run(*args, input=None, env=None):
    return runner.invoke(app, [str(a) for a in args], input=input, env={"COLUMNS": "100", **(env or {})})


@pytest.fixture
def incident(tmp_path, home):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT_NOT_YET)
    r = run("guide", "-a", a, "--save", "--as", "Jo Head")
    assert r.exit_code == 0, r.output
    assert "Saved as incident 1" in r.stderr
    return 1


def events(home, n=1):
    with Store(home, create=False) as st:
        return st.events(n)


def show_json(n=1):
    r = run("log", "show", n, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_store_is_private(incident, home):
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    with Store(home, create=False) as st:  # while a connection is open the WAL files exist
        st.append(1, "2026-11-26T10:00:00+00:00", "Jo", "note", {"text": "x"})
        assert (home / f"{DB_NAME}-wal").exists()
        for f in home.iterdir():
            if f.name.startswith(DB_NAME):
                assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
    for f in home.iterdir():
        if f.name.startswith(DB_NAME):
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
    db = sqlite3.connect(home / DB_NAME)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_save_needs_a_name_before_anything_is_done(tmp_path, home):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT_NOT_YET)
    r = run("guide", "-a", a, "--save")
    assert r.exit_code == 1 and "--as" in r.stderr and "Your answers" not in r.stdout
    assert not (home / DB_NAME).exists()


def test_an_incident_over_several_days(incident, home, tmp_path):
    inc = show_json()
    assert inc["status"] == "open" and inc["created_by"] == "Jo Head"
    parent_chair = next(s for s in inc["checklist"] if s["id"] == "parent_chair")
    assert parent_chair["status"] == "conditional"

    # Thursday: the parent came in; it did not solve the problem.
    r = run("log", "resume", 1, "--plain", "--as", "Jo Head", input="2\n")
    assert r.exit_code == 0, r.output
    assert "was waiting for" in r.stdout and "is now due: Consider involving the Chair of Governors." in r.stdout
    inc = show_json()
    assert next(s for s in inc["checklist"] if s["id"] == "parent_chair")["status"] == "due"
    assert inc["history"][-1]["data"]["changes"]["changed"] == [["parent_chair", "conditional", "due"]]

    run("log", "name", "Sam Governor")
    assert run("log", "done", 1, "parent_invite", "--note", "Met on Thursday").exit_code == 0
    assert run("log", "note", 1, "Letter sent to other parents").exit_code == 0
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG evidence")
    assert run("log", "evidence", 1, "--not-an-intimate-image", shot, "--note", "the post").exit_code == 0
    r = run("log", "close", 1, "--reason", "Resolved")
    assert r.exit_code == 1 and "neither done nor decided against" in r.stderr  # open steps are named
    assert run("log", "close", 1, "--force").exit_code == 1  # closing with steps open needs a reason
    assert run("log", "close", 1, "--force", "--reason", "Resolved; the rest is not needed").exit_code == 0
    assert run("log", "done", 1, "1").exit_code == 1  # closed: nothing more until reopened
    assert run("log", "reopen", 1).exit_code == 0
    assert run("log", "done", 1, "1").exit_code == 0

    inc = show_json()
    done = {s["id"]: s["done"] for s in inc["checklist"] if s["done"]}
    assert done["parent_invite"]["actor"] == "Sam Governor" and done["parent_invite"]["note"] == "Met on Thursday"
    assert inc["notes"][0]["text"] == "Letter sent to other parents"
    assert inc["evidence"][0]["sha256"] and inc["evidence"][0]["size"] == len(b"\x89PNG evidence")
    assert [h["kind"] for h in inc["history"]] == [
        "opened",
        "answered",
        "answered",
        "step_done",
        "note",
        "evidence",
        "closed",
        "reopened",
        "step_done",
    ]
    assert inc["chain"]["intact"]
    assert shot.read_bytes() == b"\x89PNG evidence"  # never moved or copied
    assert not [p for p in home.rglob("*") if p.name == "shot.png"]

    r = run("log", "list", "--open", "--json")
    assert [i["id"] for i in json.loads(r.stdout)] == [1]
    assert json.loads(run("log", "list", "--closed", "--json").stdout) == []


def test_exports_are_private_and_complete(incident, tmp_path):
    run("log", "note", 1, "A note <script>alert(1)</script>", "--as", "Jo")
    for fmt in ("html", "md", "json"):
        out = tmp_path / f"inc.{fmt}"
        r = run("log", "export", 1, "--format", fmt, "-o", out)
        assert r.exit_code == 0, r.output
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        text = out.read_text()
        assert "Contact the person, invite them into school" in text
        assert fc_sha() in text
    html = (tmp_path / "inc.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "@page" in html and "<link" not in html and "src=" not in html  # one self-contained file
    assert run("log", "export", 1, "-o", tmp_path / "inc.html").exit_code == 1  # no overwrite without --force


def fc_sha():
    from esafety_wizard.flowchart import loader

    return loader.load().sha256


def test_events_cannot_be_edited_or_deleted(incident, home):
    db = sqlite3.connect(home / DB_NAME)
    for sql in ("UPDATE events SET actor = 'x'", "DELETE FROM events", "DELETE FROM incidents"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)
    db.close()


def test_verify_detects_an_altered_record(incident, home):
    assert run("log", "verify").exit_code == 0
    db = sqlite3.connect(home / DB_NAME)
    db.execute("DROP TRIGGER events_append_only_update")
    db.execute("UPDATE events SET data = replace(data, 'not_yet', 'yes') WHERE n = 2")
    db.commit()
    db.close()
    r = run("log", "verify", 1)
    assert r.exit_code == 1 and "event 2 was altered" in r.stdout
    assert "ALTERED" in run("log", "show", 1).stdout.upper()


def test_verify_reports_changed_and_missing_evidence(incident, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    a.write_text("one")
    b.write_text("two")
    run("log", "evidence", 1, "--not-an-intimate-image", a, b, "--as", "Jo")
    a.write_text("edited")
    b.unlink()
    r = run("log", "verify", 1)
    assert r.exit_code == 1
    assert f"evidence changed: {a}" in r.stdout and f"evidence missing: {b}" in r.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["log", "show", 7], "There is no incident 7"),
        (["log", "done", 1, "99", "--as", "Jo"], "has no step '99'"),
        (["log", "done", 1, "nonsense", "--as", "Jo"], "has no step 'nonsense'"),
        (["log", "evidence", 1, "/nonexistent/file.png", "--as", "Jo"], "evidence file not found"),
        (["log", "note", 1, "  ", "--as", "Jo"], "The note is empty"),
        (["log", "reopen", 1, "--as", "Jo"], "already open"),
    ],
)
def test_bad_input_is_one_clear_message_and_nothing_is_written(incident, home, args, message):
    before = len(events(home))
    r = run(*args)
    assert r.exit_code == 1 and message in r.stderr and "Traceback" not in r.output
    assert len(events(home)) == before


def test_evidence_is_all_or_nothing(incident, home, tmp_path):
    ok = tmp_path / "ok.png"
    ok.write_text("x")
    r = run("log", "evidence", 1, "--not-an-intimate-image", ok, tmp_path / "missing.png", "--as", "Jo")
    assert r.exit_code == 1 and len(events(home)) == 2


def test_unreadable_database(home):
    home.mkdir()
    (home / DB_NAME).write_bytes(b"this is not a database at all" * 100)
    r = run("log", "list")
    assert r.exit_code == 1 and "cannot be read as an incident database" in r.stderr


def test_database_from_a_newer_version(incident, home):
    db = sqlite3.connect(home / DB_NAME)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    before = (home / DB_NAME).read_bytes()
    for args in (["log", "list"], ["log", "note", 1, "x", "--as", "Jo"]):
        r = run(*args)
        assert r.exit_code == 1 and "newer esafety-wizard" in r.stderr
    assert (home / DB_NAME).read_bytes() == before


def test_no_incidents_yet(home):
    r = run("log", "list")
    assert r.exit_code == 0 and "No incidents recorded yet" in r.stdout
    assert not home.exists()  # listing creates nothing


def test_two_processes_adding_events_concurrently_lose_nothing(incident, home):
    code = (
        "import sys\n"
        "from esafety_wizard.casefile.store import Store\n"
        "st = Store(sys.argv[1], create=False)\n"
        "for i in range(40):\n"
        "    st.append(1, None, sys.argv[2], 'note', {'text': f'{sys.argv[2]} {i}'})\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(home), who]) for who in ("A", "B")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    evs = events(home)
    notes = [e.data["text"] for e in evs if e.kind == "note"]
    assert sorted(notes) == sorted([f"{w} {i}" for w in "AB" for i in range(40)])
    with Store(home, create=False) as st:
        assert st.verify(1) == []


@pytest.mark.parametrize("cols", [40, 200])
def test_log_list_and_show_fit_the_width(incident, cols, fc):
    # The source's own words have ellipses ("You want to discuss this …"); any other one is text cut short.
    steps = [fc.steps[s["id"]] for s in show_json()["checklist"]]
    expected = sum(t.count("…") for s in steps for t in (s.text, *s.details, (s.source or "") if s.added else ""))
    for args, ellipses in ((["log", "list"], 0), (["log", "show", 1], expected)):
        out = run(*args, env={"COLUMNS": str(cols)}).stdout
        assert max(len(line.rstrip()) for line in out.splitlines()) <= cols, args
        assert out.count("…") == ellipses, args


def test_open_and_closed_together_is_a_usage_error(home):
    r = run("log", "list", "--open", "--closed")
    assert r.exit_code == 2 and "not two together" in r.output


def test_a_done_mark_made_by_mistake_is_corrected_by_a_new_event(incident, home):
    assert run("log", "done", 1, "1", "--as", "Jo").exit_code == 0
    r = run("log", "undone", 1, "1", "--note", "wrong incident", "--as", "Jo")
    assert r.exit_code == 0, r.output
    inc = show_json()
    assert inc["checklist"][0]["done"] is None
    assert [h["kind"] for h in inc["history"]][-2:] == ["step_done", "step_undone"] and inc["chain"]["intact"]
    assert run("log", "undone", 1, "1", "--as", "Jo").exit_code == 1  # not marked done any more


def test_a_saved_incident_keeps_its_decisions_and_reasons(tmp_path, home):
    a = tmp_path / "staff.yaml"
    a.write_text(
        "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\n"
        "instigator: staff\nserious: no\nalleges_harm: no\n"
        "reasons:\n  serious: A single remark, apologised for\n"
    )
    assert run("guide", "-a", a, "--save", "--as", "Jo Head").exit_code == 0
    assert "Reason: A single remark, apologised for" in run("log", "show", 1, env={"COLUMNS": "200"}).stdout
    assert {d["id"]: d["reason"] for d in show_json()["decisions"]}["serious"] == "A single remark, apologised for"
    md = run("log", "export", 1, "--format", "md").stdout
    assert "## Decisions and their reasons" in md and "A single remark, apologised for" in md
    html = run("log", "export", 1, "--format", "html").stdout
    assert "A single remark, apologised for" in html


def test_guide_save_ends_with_the_incident_its_head_and_what_to_do_next(tmp_path, home):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT_NOT_YET)
    r = run("guide", "-a", a, "--save", "--as", "Jo", "-t", tmp_path / "t.md")
    assert r.exit_code == 0, r.output
    lines = r.stderr.strip().splitlines()
    first = lines.index("Saved as incident 1 in your private incident log.")
    head = re.search(r"Record head: incident 1, (\d+-[0-9a-f]{16})", lines[first + 1]).group(1)
    assert "esafety log show 1" in lines[-1]  # what to do next, last
    assert f"Record head: incident 1, {head}" in (tmp_path / "t.md").read_text()
    assert run("log", "verify", 1, "--against", head).exit_code == 0


# --- the record you hand over: nothing said is lost ------------------------------------------------------


PUPIL_SAVED = (
    "head_involved: no\ncan_report_to_head: yes\ninstigator: pupil\nchild_at_risk: not_sure\n"
    "refuses_removal: not_yet\nunder_13: not_sure\nserious: not_sure\npersistent: no\nalleges_harm: no\n"
)


@pytest.fixture
def pupil(tmp_path, home):
    a = tmp_path / "p.yaml"
    a.write_text(PUPIL_SAVED)
    r = run(
        "guide", "-a", a, "--save", "--as", "Jo Bloggs", "--description", "Posts about the trip", "--staff", "Ms Khan"
    )
    assert r.exit_code == 0, r.output
    return 1


def everywhere(n=1):
    """Everything a person reads of an incident: the screen, Markdown, HTML and JSON."""
    return {
        "screen": run("log", "show", n, env={"COLUMNS": "400"}).stdout,
        "md": run("log", "export", n, "--format", "md").stdout,
        "html": run("log", "export", n, "--format", "html").stdout,
        "json": run("log", "export", n, "--format", "json").stdout,
    }


def test_every_word_anyone_wrote_reaches_every_output(pupil, tmp_path):
    ids = {s["id"]: s["number"] for s in show_json()["checklist"]}
    dsl = ids["child_protection"]
    assert (
        run("log", "done", 1, dsl, "--note", "Spoke to DSL (Mrs Patel): no risk identified", "--as", "Jo").exit_code
        == 0
    )
    r = run("log", "done", 1, dsl, "--as", "Jo")  # again: refused, so the first note stays with its tick
    assert r.exit_code == 1 and "is already marked done" in r.output
    assert run("log", "undone", 1, ids["pupil_identify"], "--as", "Jo").exit_code == 1  # nothing to correct
    run("log", "done", 1, ids["pupil_identify"], "--note", "Year 8 pupil identified by form tutor", "--as", "Jo")
    run("log", "undone", 1, ids["pupil_identify"], "--note", "Wrong pupil: it was Year 9", "--as", "Jo")
    assert run("log", "answer", 1, "child_at_risk", "no", "--reason", "DSL found no risk", "--as", "Jo").exit_code == 0
    run("log", "close", 1, "--force", "--reason", "Parents met; posts removed", "--as", "Jo")
    run("log", "reopen", 1, "--reason", "New posts on Monday", "--as", "Jo")
    said = [
        "Spoke to DSL (Mrs Patel): no risk identified",  # on a step that the changed answer dropped
        "Year 8 pupil identified by form tutor",
        "Wrong pupil: it was Year 9",
        "DSL found no risk",
        "Parents met; posts removed",
        "New posts on Monday",
        "Posts about the trip",
        "Ms Khan",
    ]
    for where, text in everywhere().items():
        flat = " ".join(text.split()).replace("\\", "")
        for words in said:
            assert words in flat or words.replace("'", "&#x27;") in flat, (where, words)
    md = everywhere()["md"]
    assert "Jo marked 'Identify the pupils involved.' done" in md.replace("\\", "")
    for internal in ("child_protection", "pupil_identify", "refuses_removal"):
        assert internal not in everywhere()["screen"] and internal not in md, internal


def test_a_step_keeps_its_number_when_the_answers_change(pupil):
    before = {s["id"]: s["number"] for s in show_json()["checklist"]}
    run("log", "answer", 1, "refuses_removal", "yes", "--as", "Jo")
    after = {s["id"]: s["number"] for s in show_json()["checklist"]}
    assert {k: after[k] for k in after if k in before} == {k: before[k] for k in after if k in before}
    assert all(n > max(before.values()) for k, n in after.items() if k not in before)


def test_done_takes_the_first_words_of_a_step_and_suggests_on_a_near_miss(pupil):
    r = run("log", "done", 1, "Identify the pupils", "--as", "Jo")
    assert r.exit_code == 0 and "marked done" in r.stderr
    r = run("log", "done", 1, "Idnetify the pupils involved", "--as", "Jo")
    assert r.exit_code == 1 and "Did you mean" in r.stderr and "Identify the pupils involved" in r.stderr


def test_a_decision_against_a_step_needs_a_reason_and_close_lists_what_is_open(pupil):
    number = next(s["number"] for s in show_json()["checklist"] if s["id"] == "police_neighbourhood_team")
    assert "needs its reason" in run("log", "decide", 1, number, "--as", "Jo").stderr
    assert run("log", "decide", 1, number, "--reason", "DSL advised not needed", "--as", "Jo").exit_code == 0
    r = run("log", "close", 1, "--as", "Jo")
    assert r.exit_code == 1 and "Inform your local Police Neighbourhood Team" not in r.stderr
    assert "Identify the pupils involved" in r.stderr
    assert "Decided against" in run("log", "show", 1, env={"COLUMNS": "300"}).stdout


def test_list_tells_incidents_apart_in_words(pupil):
    out = run("log", "list", env={"COLUMNS": "200"}).stdout
    assert "Posts about the trip" in out and "Ms Khan" in out
    assert "refuses_removal" not in out and "You ask the pupil to remove the material" in out


def test_resume_takes_answers_from_a_file(pupil, tmp_path):
    a = tmp_path / "later.yaml"
    a.write_text("refuses_removal: yes\nunder_13: yes\nreasons:\n  child_at_risk: Checked with the DSL\n")
    r = run("log", "resume", 1, "--answers", a, "--as", "Jo", env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "is now due: Contact the social network" in r.stdout


def test_the_export_checks_evidence_now_and_refuses_the_same_file_twice(pupil, tmp_path):
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"one")
    assert run("log", "evidence", 1, "--not-an-intimate-image", shot, "--as", "Jo").exit_code == 0
    r = run("log", "evidence", 1, "--not-an-intimate-image", shot, "--as", "Jo")
    assert r.exit_code == 1 and "already registered" in r.stderr
    assert "present and unchanged" in run("log", "export", 1, "--format", "md").stdout
    shot.unlink()
    assert "MISSING" in run("log", "export", 1, "--format", "html").stdout
    data = json.loads(run("log", "export", 1, "--format", "json").stdout)
    assert data["evidence"][0]["state_when_exported"] == "missing"


def test_the_governors_summary_counts_outcomes_and_names_no_one(tmp_path, home):
    staff = tmp_path / "s.yaml"
    staff.write_text(
        "head_involved: no\ncan_report_to_head: no\nchild_at_risk: no\n"
        "instigator: staff\nserious: no\nalleges_harm: no\n"
        "reasons:\n  serious: One remark, apologised for\n"
    )
    parent = tmp_path / "p.yaml"
    parent.write_text(PARENT_NOT_YET)
    for a in (staff, parent):
        r = run("guide", "-a", a, "--save", "--as", "Jo Bloggs", "--description", "Secret words", "--staff", "Ms Khan")
        assert r.exit_code == 0, r.output
    shot = tmp_path / "evidence-of-ms-khan.png"
    shot.write_bytes(b"x")
    run("log", "evidence", 1, "--not-an-intimate-image", shot, "--as", "Jo Bloggs")
    steps = {s["id"]: s["number"] for s in show_json(1)["checklist"]}
    run("log", "done", 1, steps["cannot_report_to_head"], "--note", "Rang Miles Dent", "--as", "Jo Bloggs")
    run("log", "done", 1, steps["support_for_staff"], steps["staff_hr"], "--as", "Jo Bloggs")
    run("log", "close", 2, "--force", "--reason", "Resolved", "--as", "Jo Bloggs")
    for fmt in ("html", "md", "json"):
        text = run("log", "report", "--format", fmt).stdout
        for name in ("Jo Bloggs", "Ms Khan", "Secret words", "evidence-of-ms-khan", "Miles Dent", "Claire Winter"):
            assert name not in text, (fmt, name)
    data = json.loads(run("log", "report", "--format", "json").stdout)
    assert data["incidents"] == 2 and data["open"] == 1 and data["closed"] == 1
    assert data["by_who"] == {"A member of staff": 1, "A parent or carer": 1}
    # Routes are the steps done that are a route: Schools HR was contacted. Telling the member of staff about
    # their union and the helplines takes none of those routes, and the other route when you cannot tell the
    # head names three contacts without saying which was used: none is counted.
    assert data["by_route"] == {"Schools HR": 1}
    # Free text (a reason) can name people: left out unless asked for, with a warning.
    assert data["closed_with_steps_open"] == [
        {"incident": 2, "open_steps": data["closed_with_steps_open"][0]["open_steps"]}
    ]
    assert data["closed_with_steps_open"][0]["open_steps"] > 5 and "Resolved" not in json.dumps(data)
    md = run("log", "report", "--format", "md").stdout
    assert "- Incident 2: closed with" in md and "Resolved" not in md and "One remark" not in md
    asked = run("log", "report", "--format", "md", "--with-reasons")
    assert "still open. Reason: Resolved" in asked.stdout and "One remark, apologised for" in asked.stdout
    assert "check that none names anyone" in asked.stderr
    assert "A short code for each incident's record" in md
    assert all(set(d) == {"decision"} for d in data["decisions"]) and data["decisions"]  # no reasons by default
    asked = json.loads(run("log", "report", "--format", "json", "--with-reasons").stdout)
    assert {"decision": asked["decisions"][1]["decision"], "reason": ""} in asked["decisions"]
    assert "One remark, apologised for" in json.dumps(asked["decisions"])
    assert [h["incident"] for h in data["record_heads"]] == [1, 2]
    today = show_json(1)["created_at"][:10]
    assert (
        json.loads(run("log", "report", "--from", "2000-01-01", "--to", "2000-12-31", "--format", "json").stdout)[
            "incidents"
        ]
        == 0
    )
    assert json.loads(run("log", "report", "--from", today, "--format", "json").stdout)["incidents"] == 2
    r = run("log", "report", "--from", "last monday")
    assert r.exit_code == 1 and "--from must be a real date like 2026-09-01" in r.stderr


LOG_COMMANDS = [
    ["list"],
    ["show", 1],
    ["show", 1, "--json"],
    ["done", 1, 1, "--as", "Jo"],
    ["undone", 1, 1, "--as", "Jo"],
    ["note", 1, "Rang the parent", "--as", "Jo"],
    ["decide", 1, 2, "--reason", "Not needed", "--as", "Jo"],
    ["describe", 1, "--description", "A post", "--as", "Jo"],
    ["answer", 1, "resolved", "yes", "--as", "Jo"],
    ["verify"],
    ["verify", 1],
    ["export", 1, "--format", "json"],
    ["letter", 1, "parent_invite", "--as", "Jo"],
    ["report"],
    ["close", 1, "--reason", "Resolved", "--force", "--as", "Jo"],
    ["reopen", 1, "--reason", "Posted again", "--as", "Jo"],
]


@pytest.mark.parametrize("args", LOG_COMMANDS, ids=lambda a: " ".join(map(str, a[:2])))
def test_each_log_command_opens_the_store_once_and_replays_the_incident_once(incident, args, monkeypatch, tmp_path):
    from esafety_wizard.record import incident as record

    before = {
        "undone": ["done", 1, 1, "--as", "Jo"],
        "reopen": ["close", 1, "--reason", "Resolved", "--force", "--as", "Jo"],
    }
    if args[0] in before:
        assert run("log", *before[args[0]]).exit_code == 0
    opened, replayed = [], []
    store_init, replaying_init = Store.__init__, record._Replaying.__init__
    monkeypatch.setattr(Store, "__init__", lambda self, *a, **k: opened.append(1) or store_init(self, *a, **k))
    monkeypatch.setattr(record._Replaying, "__init__", lambda self: replayed.append(1) or replaying_init(self))
    monkeypatch.chdir(tmp_path)
    r = run("log", *args)
    assert r.exit_code == 0, r.output
    assert len(opened) == 1
    assert len(replayed) == (0 if args[0] in ("list", "report") or args == ["verify"] else 1)


REFUSED = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\n"
    "instigator: parent_carer\nresolved: no\nalleges_harm: no\n"
)


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def saved_from(tmp_path, answers: str) -> int:
    """An incident saved from these answers by the guide, as a user would: its number."""
    a = tmp_path / "a.yaml"
    a.write_text(answers)
    assert invoke("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    return 1


@pytest.fixture
def refused(tmp_path):
    return saved_from(tmp_path, REFUSED)


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2026-12-31", "--to", "2026-12-01"],
        ["--from", "2026-13-45"],
        ["--to", "2026-02-30"],
        ["--from", "0000-00-00"],
        ["--from", "\uff12\uff10\uff12\uff16-01-01"],  # full-width digits
    ],
)
def test_a_reversed_period_or_a_date_that_does_not_exist_is_refused(refused, args):
    r = invoke("log", "report", *args, "--format", "json")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "--from" in r.output or "--to" in r.output


def test_exports_follow_the_file_name_and_refuse_what_they_cannot_write(refused, tmp_path):
    assert invoke("log", "export", 1, "-o", tmp_path / "i.md").exit_code == 0
    assert (tmp_path / "i.md").read_text().startswith("# ")
    assert invoke("log", "export", 1, "-o", tmp_path / "i.json").exit_code == 0
    assert json.loads((tmp_path / "i.json").read_text())["incident"] == 1
    assert invoke("log", "report", "-o", tmp_path / "s.md").exit_code == 0
    assert (tmp_path / "s.md").read_text().startswith("# E-safety incidents")
    for args in (["export", 1, "-o", tmp_path / "i.pdf"], ["report", "-o", tmp_path / "s.pdf"]):
        r = invoke("log", *args)
        assert r.exit_code == 1 and "cannot write a '.pdf' file" in r.output, r.output
        assert not (tmp_path / "i.pdf").exists() and not (tmp_path / "s.pdf").exists()
    # An explicit --format still wins over the extension.
    assert invoke("log", "export", 1, "--format", "json", "-o", tmp_path / "x.html").exit_code == 0
    assert json.loads((tmp_path / "x.html").read_text())["incident"] == 1


def test_log_done_names_each_step_it_marked_so_a_wrong_number_is_seen_at_once(refused):
    r = invoke("log", "done", 1, 2, 3, "--as", "Jo")
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [  # a message, on stderr
        "Step 2 of incident 1 marked done: Nude image of an under-18? Do not view, copy or share it: tell the DSL.",
        "Step 3 of incident 1 marked done: Keep the evidence on school systems; never an image of an under-18.",
    ]


def test_a_step_done_then_dropped_by_a_later_answer_stays_with_its_note_in_every_output(tmp_path):
    saved_from(
        tmp_path,
        "head_involved: no\ncan_report_to_head: yes\ninstigator: pupil\nchild_at_risk: not_sure\n"
        "refuses_removal: no\nserious: no\npersistent: no\nalleges_harm: no\n",
    )
    show = json.loads(invoke("log", "show", 1, "--json").stdout)
    dsl = next(s for s in show["checklist"] if s["id"] == "child_protection")["number"]
    note = "Spoke to DSL Mrs Patel; no child at risk"
    assert invoke("log", "done", 1, dsl, "--note", note, "--as", "Jo").exit_code == 0
    assert invoke("log", "answer", 1, "child_at_risk", "no", "--as", "Sam").exit_code == 0

    item = next(s for s in json.loads(invoke("log", "show", 1, "--json").stdout)["checklist"] if s["number"] == dsl)
    assert item["status"] == "no_longer_needed" and item["done"]["note"] == note
    why = item["no_longer_needed"]["why"]
    assert "Not sure \u2192 No" in why and "by Sam" in why and item["no_longer_needed"]["actor"] == "Sam"
    outputs = {
        "show": invoke("log", "show", 1).stdout,
        "md": invoke("log", "export", 1, "--format", "md").stdout,
        "html": invoke("log", "export", 1, "--format", "html").stdout,
        "json": invoke("log", "export", 1, "--format", "json").stdout,
    }
    for name, text in outputs.items():
        flat = " ".join(text.replace("\\\\", "").split())
        assert "Spoke to DSL Mrs Patel" in flat, name
        assert "No longer needed" in flat, name
    # Not to do any more: it does not keep the incident open.
    state = json.loads(invoke("log", "show", 1, "--json").stdout)
    assert all(s["number"] != dsl for s in state["checklist"] if s["status"] != "no_longer_needed" and not s["done"])


def test_a_decided_step_done_after_all_keeps_both_in_the_json(refused):
    assert invoke("log", "decide", 1, 4, "--reason", "Not needed at first", "--as", "Jo").exit_code == 0
    assert invoke("log", "done", 1, 4, "--note", "Needed after all", "--as", "Jo").exit_code == 0
    for args in (["log", "show", 1, "--json"], ["log", "export", 1, "--format", "json"]):
        item = next(s for s in json.loads(invoke(*args).stdout)["checklist"] if s["number"] == 4)
        assert item["done"]["note"] == "Needed after all"
        assert item["decided_against"]["reason"] == "Not needed at first"


def test_the_summary_says_not_done_so_a_step_decided_against_cannot_be_read_the_other_way(refused):
    # Step 2 is the nude-image warning: "Decided against: ... do not view, copy" read as if not viewing was refused.
    assert invoke("log", "decide", 1, 2, "--reason", "No images in the posts", "--as", "Jo").exit_code == 0
    for fmt in ("md", "html"):
        text = invoke("log", "report", "--format", fmt).stdout
        assert "Not done: If the material may include a nude" in text, fmt
        assert "Decided against: If the material" not in text, fmt


def test_a_reason_given_with_log_answer_is_kept_in_every_output_and_a_decision_without_one_is_flagged(refused):
    r = invoke(
        "log", "answer", 1, "resolved", "yes", "--reason", "The parent took the post down on Tuesday", "--as", "Jo"
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.rstrip().splitlines()[-1] == "See the whole checklist: esafety log show 1"  # short, then where
    for args in (
        ["log", "show", 1],
        ["log", "show", 1, "--json"],
        ["log", "export", 1, "--format", "md"],
        ["log", "export", 1, "--format", "html"],
        ["log", "export", 1, "--format", "json"],
    ):
        assert "The parent took the post down on Tuesday" in " ".join(invoke(*args).stdout.split()), args
    # The reason stays while the answer holds, through a later change of another answer.
    assert invoke("log", "answer", 1, "alleges_harm", "not_sure", "--as", "Jo").exit_code == 0
    answers = {a["id"]: a for a in json.loads(invoke("log", "show", 1, "--json").stdout)["answers"]}
    assert answers["resolved"]["reason"] == "The parent took the post down on Tuesday"


def test_changing_an_answer_to_a_decision_without_a_reason_says_how_to_add_one(tmp_path):
    saved_from(
        tmp_path,
        "head_involved: no\ncan_report_to_head: yes\ninstigator: pupil\nchild_at_risk: not_sure\n"
        "refuses_removal: no\nserious: yes\nalleges_harm: no\n",
    )
    r = invoke("log", "answer", 1, "child_at_risk", "no", "--as", "Jo")
    assert r.exit_code == 0 and "is a decision" in r.stderr and "--reason" in r.stderr


def test_log_close_lists_the_open_steps_one_a_line(refused):
    r = invoke("log", "close", 1, "--as", "Jo")
    assert r.exit_code == 1
    listed = [line for line in r.stderr.splitlines() if line.startswith("  ")]
    assert listed[0].startswith("  1. ") and len(listed) > 5 and all(len(x) < 90 for x in listed)


def test_the_history_says_which_answer_changed_and_why_not_how_many_answers_there_are(refused):
    r = invoke("log", "answer", refused, "resolved", "yes", "--reason", "Parent took the post down", "--as", "Jo")
    assert r.exit_code == 0
    shown = " ".join(invoke("log", "show", refused).output.split())
    assert "changed an answer: 'You contact the parent or carer" in shown
    assert "from 'No, it is not solved' to 'Yes, it is solved' (reason: Parent took the post down)" in shown
    assert "recorded 5 answers; " not in shown.split("changed an answer")[1]
    data = json.loads(invoke("log", "show", refused, "--json").output)
    said = [e for e in data["history"] if "changed an answer" in json.dumps(e)]
    assert said, "the JSON history says it too"


@pytest.mark.parametrize("ref", ["one", "99999999999999999999", "0", "-3", "3\x1b[31m"])
def test_an_incident_number_that_is_not_one_is_refused_in_plain_words(refused, ref):
    for cmd in (["log", "show"], ["log", "verify"], ["log", "done"]):
        r = invoke(*cmd, "--", ref, *(["1"] if cmd[-1] == "done" else []))
        assert r.exit_code == 2 and "is not an incident number" in r.output, (cmd, r.output)
        assert "\x1b" not in r.output and "Traceback" not in r.output and "Input should be" not in r.output


def test_verify_against_a_file_that_does_not_exist_says_so(refused, tmp_path):
    r = invoke("log", "verify", 1, "--against", tmp_path / "incident-1.html")
    assert r.exit_code == 1 and "nor a file that exists" in r.output and "incident-1.html" in r.output


def test_evidence_registered_to_the_wrong_incident_is_withdrawn_with_a_reason_and_stays_in_the_history(
    refused, tmp_path
):
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(b"not really a png")
    assert invoke("log", "evidence", 1, "--not-an-intimate-image", shot, "--as", "Jo").exit_code == 0
    r = invoke("log", "evidence", 1, shot, "--withdraw", "--as", "Jo")
    assert r.exit_code == 1 and "--reason" in r.output  # a withdrawal needs its reason
    r = invoke("log", "evidence", 1, "nothing.png", "--withdraw", "--reason", "x", "--as", "Jo")
    assert r.exit_code == 1 and "screenshot.png" in r.output  # names what is registered
    r = invoke("log", "evidence", 1, "screenshot.png", "--withdraw", "--reason", "Belongs to incident 2", "--as", "Jo")
    assert r.exit_code == 0, r.output
    data = json.loads(invoke("log", "show", 1, "--json").stdout)
    assert data["evidence"] == []
    said = " ".join(e["summary"] for e in data["history"])
    assert "withdrew evidence screenshot.png" in said and "Belongs to incident 2" in said
    assert "Belongs to incident 2" in invoke("log", "export", 1, "--format", "md").stdout
    shot.unlink()  # no longer rechecked: its absence is not a problem of this incident
    assert invoke("log", "verify", 1).exit_code == 0
    assert (
        invoke("log", "evidence", 1, "--not-an-intimate-image", shot, "--as", "Jo").exit_code == 1
    )  # missing file: a clear error
    shot.write_bytes(b"not really a png")
    assert (
        invoke("log", "evidence", 1, "--not-an-intimate-image", shot, "--as", "Jo").exit_code == 0
    )  # may be registered again


def test_contacts_set_after_an_incident_was_saved_are_shown_now_with_their_date_and_the_change_is_said(refused):
    assert invoke("contacts", "set", "dsl", "--name", "Mrs Patel", "--phone", "01234 567890").exit_code == 0
    shown = " ".join(invoke("log", "show", 1).stdout.split())
    assert "Your school's contacts now, where they differ from this record" in shown
    assert "Mrs Patel; 01234 567890 (set " in shown and "Set since this incident was recorded" in shown
    for fmt in ("md", "html"):
        text = " ".join(invoke("log", "export", 1, "--format", fmt).stdout.split())
        assert "Mrs Patel" in text and "Set since this incident was recorded" in text, fmt
    now = json.loads(invoke("log", "export", 1, "--format", "json").stdout)["school_contacts_now"]
    assert now[0]["now"]["name"] == "Mrs Patel" and now[0]["recorded"] is None and now[0]["changed"] is True
    # A change of answers records the contacts as they are today: the record and today agree again.
    assert invoke("log", "answer", 1, "alleges_harm", "not_sure", "--as", "Jo").exit_code == 0
    assert "differ from this record" not in invoke("log", "show", 1).stdout
    assert json.loads(invoke("log", "show", 1, "--json").stdout)["school_contacts_now"][0]["changed"] is False
    # Changed again: both the new details and what the record has are said.
    assert invoke("contacts", "set", "dsl", "--name", "Mr Jones").exit_code == 0
    shown = " ".join(invoke("log", "show", 1).stdout.split())
    assert "Mr Jones; 01234 567890" in shown
    assert "Changed since this incident was recorded, which has: Mrs Patel" in shown


def test_log_decide_names_each_step_and_takes_several_at_once_or_none(refused):
    r = invoke("log", "decide", 1, 4, 5, "--reason", "Not needed: the post was removed", "--as", "Jo")
    assert r.exit_code == 0, r.output
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("Step 4 of incident 1 decided against") and lines[1].startswith("Step 5")
    assert ": " in lines[0] and len(lines[0].split(": ", 1)[1]) > 5  # the step's own words
    r = invoke("log", "decide", 1, 6, 99, "--reason", "x", "--as", "Jo")
    assert r.exit_code == 1
    item = next(s for s in json.loads(invoke("log", "show", 1, "--json").stdout)["checklist"] if s["number"] == 6)
    assert not item.get("decided_against")  # a mistake in one records none


REFUSED_HERE = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\nalleges_harm: no\ninstigator: parent_carer\n"
    "resolved: no\n"
)


def run_wide(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


@pytest.fixture
def refused_here(tmp_path, monkeypatch):
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path / "home"))
    a = tmp_path / "a.yaml"
    a.write_text(REFUSED_HERE)
    assert run_wide("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    return 1


def show(n=1) -> dict:
    return json.loads(run_wide("log", "show", n, "--json").stdout)


def number(step_id: str) -> int:
    return next(s["number"] for s in show()["checklist"] if s["id"] == step_id)


def test_a_conditional_step_decided_against_keeps_its_if_everywhere(refused_here):
    police = number("police_crime")
    assert run_wide("log", "decide", 1, police, "--reason", "no threats were made", "--as", "Jo").exit_code == 0
    condition = "If the messages are threatening, menacing, grossly offensive or indecent"
    history = " ".join(run_wide("log", "show", 1).stdout.split())
    assert f"Jo decided against '{condition}" in history and "no threats were made" in history
    for fmt in ("md", "html"):
        assert condition in run_wide("log", "export", 1, "--format", fmt).stdout
    summary = json.loads(run_wide("log", "report", "--format", "json").stdout)
    [against] = summary["decided_against"]
    assert against["step"].startswith(condition)  # never "Not done: Report it to the police", which reads as refusing
    page = run_wide("log", "export", 1, "--checklist", "-o", "-").stdout
    assert "&#8212;" in page and page.count("&#9745;") == 0  # decided against is not ticked as done


def test_information_is_never_counted_as_a_step_nor_left_open_at_closing(refused_here):
    info = [s for s in show()["checklist"] if s["id"] in ("single_point_of_contact", "further_contacts")]
    assert len(info) == 2
    [row] = json.loads(run_wide("log", "list", "--json").stdout)
    actions = [s for s in show()["checklist"] if s["id"] not in ("single_point_of_contact", "further_contacts")]
    assert row["steps"] == len(actions)
    assert run_wide("log", "close", 1, "--force", "--reason", "Resolved", "--as", "Jo").exit_code == 0
    md = run_wide("log", "export", 1, "--format", "md").stdout
    for s in info:
        line = next(x for x in md.splitlines() if f" {s['number']}. " in x)
        assert "Information, not a step" in line and "[ ]" not in line
    html = run_wide("log", "export", 1, "--format", "html").stdout
    assert html.count("Not done when the incident was closed") == len([s for s in actions if s["done"] is None])


def _families(fc):
    """One path of each family: who posted it, how the head is involved, and each reader."""
    from esafety_wizard.flowchart import engine

    seen = {}
    for a in engine.every_path(fc) + engine.reader_paths(fc):
        key = (a.get("reader"), a.get("instigator"), a["head_involved"], a.get("alleges_harm"), a["child_at_risk"])
        seen.setdefault(key, a)
    return list(seen.values())


@pytest.mark.parametrize("stride", [pytest.param(5, id="every-5th-family"), pytest.param(1, marks=pytest.mark.slow)])
def test_every_step_is_found_by_the_words_on_the_screen_and_says_which_it_marked(tmp_path, fc, stride):
    from esafety_wizard.casefile import incidents, operations
    from esafety_wizard.flowchart import engine
    from esafety_wizard.record import wording

    families = _families(fc)
    assert len(families) > 50
    with incidents.open_store(Home.at(tmp_path / "home")) as st:
        for answers in families[::stride]:
            n = operations.create(st, fc, answers, "Jo")
            for r in engine.outcome(fc, answers).steps:
                words = wording.short_sentence(r.step, r.status)  # as the screen shows it
                [marked] = operations.done(st, n, [words], None, "Jo")
                assert marked.id == r.step.id, (answers, words)
        # and the first words of a step, as typed by someone in a hurry, where only one step starts so
        n = operations.create(st, fc, {"head_involved": "no", "can_report_to_head": "yes", **PARENT_ANSWERS}, "Jo")
        [marked] = operations.done(st, n, ["Invite"], None, "Jo")
        assert marked.id == "parent_invite"


PARENT_ANSWERS = {"child_at_risk": "no", "alleges_harm": "no", "instigator": "parent_carer", "resolved": "no"}


def test_a_typo_in_an_answer_or_a_contact_gets_a_did_you_mean(refused_here, tmp_path):
    r = run_wide("log", "answer", 1, "resolved", "not_yt", "--as", "Jo")
    assert r.exit_code != 0 and "Did you mean 'not_yet'?" in r.stderr
    r = run_wide("contacts", "set", "dls", "--phone", "01234 567890")
    assert r.exit_code == 1 and "Did you mean 'child_protection_officer'?" in r.stderr


def test_log_list_says_what_an_incident_waits_for_in_words(refused_here):
    out = " ".join(run_wide("log", "list", env={"COLUMNS": "40"}).stdout.split())
    assert "Waiting for: nothing: every answer is known" in out and "Waiting for: -" not in out


def test_a_head_typed_into_a_reason_is_never_read_from_a_governors_summary_or_from_inside_a_line(
    refused_here, tmp_path
):
    planted = "Record head: incident 1, 1-" + "0" * 16
    decided = number("police_crime")
    assert run_wide("log", "decide", 1, decided, "--reason", planted, "--as", "Jo").exit_code == 0
    for fmt in ("md", "html"):
        summary = tmp_path / f"governors.{fmt}"
        assert run_wide("log", "report", "--with-reasons", "--format", fmt, "-o", summary).exit_code == 0
        r = run_wide("log", "verify", 1, "--against", summary)
        assert r.exit_code == 1 and "is a summary for governors" in r.stderr, r.stderr
    text = tmp_path / "notes.md"  # not an export: the words stand inside another line, so they are not the tool's
    text.write_text(f"# Notes\nThe reason given was: {planted}. Keep this copy\n")
    r = run_wide("log", "verify", 1, "--against", text)
    assert r.exit_code == 1 and "has no record head the tool wrote" in r.stderr


def test_a_summary_row_added_by_hand_for_no_incident_is_never_shown_and_verify_reports_it(refused_here, tmp_path):
    import os
    import sqlite3

    from esafety_wizard.casefile.store import DB_NAME

    db = sqlite3.connect(os.path.join(os.environ["ESAFETY_HOME"], DB_NAME), isolation_level=None)
    n, digest, last, data = db.execute("SELECT n, hash, last_at, data FROM summaries").fetchone()
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("INSERT INTO summaries (incident_id, n, hash, status, last_at, data) VALUES (99, ?, ?, 'open', ?, ?)",
               (n, digest, last, data.replace('"id":1', '"id":99')))  # fmt: skip
    db.close()
    listed = json.loads(run_wide("log", "list", "--all", "--json").stdout)
    assert [r["id"] for r in listed] == [1]
    assert json.loads(run_wide("log", "report", "--format", "json").stdout)["incidents"] == 1
    r = run_wide("log", "verify")
    assert r.exit_code == 1 and "incident 99 has a summary row but no record at all" in " ".join(r.stdout.split())


def test_a_database_that_has_a_version_but_no_tables_says_so(tmp_path, monkeypatch):
    import sqlite3

    from esafety_wizard.casefile.store import DB_NAME

    home = tmp_path / "home"
    home.mkdir()
    db = sqlite3.connect(home / DB_NAME)
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    monkeypatch.setenv("ESAFETY_HOME", str(home))
    for args in (["log", "note", 1, "x", "--as", "Jo"], ["log", "list"]):
        r = run_wide(*args)
        said = " ".join(r.stderr.split())
        assert r.exit_code == 1 and "has none of its tables" in said and "disk" not in said, said


def test_a_name_too_long_for_the_system_is_a_clear_error_not_a_traceback(refused_here, tmp_path):
    long = tmp_path / ("a" * 300)
    for args in (["validate", long], ["guide", "--flowchart", long, "-a", long], ["contacts", "--home", long],
                 ["log", "verify", 1, "--against", long], ["log", "list", "--home", long]):  # fmt: skip
        r = run_wide(*args)
        assert r.exit_code == 1 and "name is too long" in r.stderr and "Traceback" not in r.output, (args, r.output)


def test_a_file_the_system_will_not_let_us_read_is_exit_1_with_what_to_do(tmp_path, monkeypatch):
    import esafety_wizard.flowchart.loader

    def refused(*a, **k):  # what a file of another user's gives when this user may not read it
        raise PermissionError(13, "Permission denied", str(tmp_path / "a.yaml"))

    monkeypatch.setattr(esafety_wizard.flowchart.loader, "read_bounded", refused)
    r = run_wide("validate", tmp_path / "a.yaml")
    assert r.exit_code == 1 and "permission denied" in r.stderr.lower() and "Traceback" not in r.output


REFUSED_ANSWERS = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\n"
    "instigator: parent_carer\nresolved: no\nalleges_harm: no\n"
)


def run_cli(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


def test_deep_nesting_in_an_earlier_copy_is_a_message(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(REFUSED_ANSWERS)
    assert run_cli("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    copy = tmp_path / "copy.json"
    copy.write_text("[" * 100_000)
    r = run_cli("log", "verify", 1, "--against", copy)
    assert r.exit_code == 1 and "Traceback" not in r.output


def test_a_write_command_on_a_database_with_a_version_but_no_tables_is_a_message(tmp_path):
    home = Path(os.environ["ESAFETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(home / "incidents.sqlite3")
    db.execute("PRAGMA user_version = 2")
    db.close()
    for args in (["log", "note", 1, "x", "--as", "Jo"], ["log", "list"], ["log", "verify"]):
        r = run_cli(*args)
        assert r.exit_code == 1 and "cannot be read as an incident database" in r.output, (args, r.output)


@pytest.fixture
def saved(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(REFUSED_ANSWERS)
    assert run_cli("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    return 1


def _cut_notes() -> None:
    db = sqlite3.connect(Path(os.environ["ESAFETY_HOME"]) / "incidents.sqlite3")
    db.execute("DROP TRIGGER events_append_only_delete")
    db.execute("DELETE FROM events WHERE kind = 'note'")
    db.commit()
    db.close()


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("field", ["--description", "--staff"])
def test_a_head_planted_in_user_text_does_not_win_over_the_exports_own(saved, tmp_path, fmt, field):
    data = json.loads(run_cli("log", "show", 1, "--json").stdout)
    second = data["history"][1]["hash"][:16]
    assert run_cli("log", "describe", 1, field, f"Record head: incident 1, 2-{second}", "--as", "Jo").exit_code == 0
    for i in range(3):
        assert run_cli("log", "note", 1, f"note {i}", "--as", "Jo").exit_code == 0
    copy = tmp_path / f"earlier.{fmt}"
    assert run_cli("log", "export", 1, "--format", fmt, "-o", copy).exit_code == 0
    _cut_notes()
    r = run_cli("log", "verify", 1, "--against", copy)
    assert r.exit_code == 1 and "cut from the end" in r.stdout and "extends the earlier copy" not in r.stdout


def test_an_event_stored_with_a_duplicate_key_is_caught(saved):
    assert run_cli("log", "note", 1, "original words", "--as", "Jo").exit_code == 0
    db = sqlite3.connect(Path(os.environ["ESAFETY_HOME"]) / "incidents.sqlite3")
    db.execute("DROP TRIGGER events_append_only_update")
    db.execute("""UPDATE events SET data = '{"text":"HIDDEN","text":"original words"}' WHERE kind = 'note'""")
    db.commit()
    db.close()
    r = run_cli("log", "verify", 1)
    assert r.exit_code == 1 and "event 3 was altered" in r.stdout and "stored twice" in " ".join(r.stdout.split())


@pytest.mark.parametrize("head", ["0-abcdef12", "99-abcdef1234567890"])
def test_a_head_that_does_not_match_says_so_once(saved, head):
    r = run_cli("log", "verify", 1, "--against", head)
    assert r.exit_code == 1
    assert r.stdout.count("ALTERED") + r.stderr.count("Error") <= 1 and "extends" not in r.stdout


def test_a_head_in_capitals_and_the_guides_json_transcript_are_accepted(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(REFUSED_ANSWERS)
    t = tmp_path / "t.json"
    assert run_cli("guide", "-a", a, "--save", "--as", "Jo", "-t", t).exit_code == 0
    assert run_cli("log", "verify", 1, "--against", t).exit_code == 0
    head = json.loads(run_cli("log", "show", 1, "--json").stdout)["chain"]["head"]
    assert run_cli("log", "verify", 1, "--against", head.upper()).exit_code == 0
