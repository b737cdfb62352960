"""The incident case file: store, history, checklist, evidence, export, and bad input."""

import json
import re
import sqlite3
import stat
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from esafety_wizard.casefile.store import DB_NAME, Store
from esafety_wizard.cli import app

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
