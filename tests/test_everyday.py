"""Used for real, over days (issue 30): a decision keeps the step's "if", notes are not steps, the words on screen
can be typed back, and the letters and pages print as a school expects."""

import json

import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app
from esafety_wizard.home import Home

runner = CliRunner()
PARENT = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\nalleges_harm: no\ninstigator: parent_carer\n"
    "resolved: no\n"
)


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


@pytest.fixture
def incident(tmp_path, monkeypatch):
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path / "home"))
    a = tmp_path / "a.yaml"
    a.write_text(PARENT)
    assert run("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    return 1


def show(n=1) -> dict:
    return json.loads(run("log", "show", n, "--json").stdout)


def number(step_id: str) -> int:
    return next(s["number"] for s in show()["checklist"] if s["id"] == step_id)


def test_a_conditional_step_decided_against_keeps_its_if_everywhere(incident):
    police = number("police_crime")
    assert run("log", "decide", 1, police, "--reason", "no threats were made", "--as", "Jo").exit_code == 0
    condition = "If the messages are threatening, menacing, grossly offensive or indecent"
    history = " ".join(run("log", "show", 1).stdout.split())
    assert f"Jo decided against '{condition}" in history and "no threats were made" in history
    for fmt in ("md", "html"):
        assert condition in run("log", "export", 1, "--format", fmt).stdout
    summary = json.loads(run("log", "report", "--format", "json").stdout)
    [against] = summary["decided_against"]
    assert against["step"].startswith(condition)  # never "Not done: Report it to the police", which reads as refusing
    page = run("log", "export", 1, "--checklist", "-o", "-").stdout
    assert "&#8212;" in page and page.count("&#9745;") == 0  # decided against is not ticked as done


def test_information_is_never_counted_as_a_step_nor_left_open_at_closing(incident):
    info = [s for s in show()["checklist"] if s["id"] in ("single_point_of_contact", "further_contacts")]
    assert len(info) == 2
    [row] = json.loads(run("log", "list", "--json").stdout)
    actions = [s for s in show()["checklist"] if s["id"] not in ("single_point_of_contact", "further_contacts")]
    assert row["steps"] == len(actions)
    assert run("log", "close", 1, "--force", "--reason", "Resolved", "--as", "Jo").exit_code == 0
    md = run("log", "export", 1, "--format", "md").stdout
    for s in info:
        line = next(x for x in md.splitlines() if f" {s['number']}. " in x)
        assert "Information, not a step" in line and "[ ]" not in line
    html = run("log", "export", 1, "--format", "html").stdout
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


def test_a_typo_in_an_answer_or_a_contact_gets_a_did_you_mean(incident, tmp_path):
    r = run("log", "answer", 1, "resolved", "not_yt", "--as", "Jo")
    assert r.exit_code != 0 and "Did you mean 'not_yet'?" in r.stderr
    r = run("contacts", "set", "dls", "--phone", "01234 567890")
    assert r.exit_code == 1 and "Did you mean 'child_protection_officer'?" in r.stderr


@pytest.mark.parametrize("cols", ["40", "100"])
def test_help_lists_each_commands_summary_whole_never_cut(cols):
    for args in ([], ["log"], ["contacts"], ["school"]):
        r = run(*args, "--help", env={"COLUMNS": cols})
        listing = r.stdout[r.stdout.index("Commands:") :]
        assert "..." not in listing and "…" not in listing, (args, listing)


def test_log_list_says_what_an_incident_waits_for_in_words(incident):
    out = " ".join(run("log", "list", env={"COLUMNS": "40"}).stdout.split())
    assert "Waiting for: nothing: every answer is known" in out and "Waiting for: -" not in out


def test_a_head_typed_into_a_reason_is_never_read_from_a_governors_summary_or_from_inside_a_line(incident, tmp_path):
    planted = "Record head: incident 1, 1-" + "0" * 16
    decided = number("police_crime")
    assert run("log", "decide", 1, decided, "--reason", planted, "--as", "Jo").exit_code == 0
    for fmt in ("md", "html"):
        summary = tmp_path / f"governors.{fmt}"
        assert run("log", "report", "--with-reasons", "--format", fmt, "-o", summary).exit_code == 0
        r = run("log", "verify", 1, "--against", summary)
        assert r.exit_code == 1 and "is a summary for governors" in r.stderr, r.stderr
    text = tmp_path / "notes.md"  # not an export: the words stand inside another line, so they are not the tool's
    text.write_text(f"# Notes\nThe reason given was: {planted}. Keep this copy\n")
    r = run("log", "verify", 1, "--against", text)
    assert r.exit_code == 1 and "has no record head the tool wrote" in r.stderr


def test_a_summary_row_added_by_hand_for_no_incident_is_never_shown_and_verify_reports_it(incident, tmp_path):
    import os
    import sqlite3

    from esafety_wizard.casefile.store import DB_NAME

    db = sqlite3.connect(os.path.join(os.environ["ESAFETY_HOME"], DB_NAME), isolation_level=None)
    n, digest, last, data = db.execute("SELECT n, hash, last_at, data FROM summaries").fetchone()
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("INSERT INTO summaries (incident_id, n, hash, status, last_at, data) VALUES (99, ?, ?, 'open', ?, ?)",
               (n, digest, last, data.replace('"id":1', '"id":99')))  # fmt: skip
    db.close()
    listed = json.loads(run("log", "list", "--all", "--json").stdout)
    assert [r["id"] for r in listed] == [1]
    assert json.loads(run("log", "report", "--format", "json").stdout)["incidents"] == 1
    r = run("log", "verify")
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
        r = run(*args)
        said = " ".join(r.stderr.split())
        assert r.exit_code == 1 and "has none of its tables" in said and "disk" not in said, said


def test_a_name_too_long_for_the_system_is_a_clear_error_not_a_traceback(incident, tmp_path):
    long = tmp_path / ("a" * 300)
    for args in (["validate", long], ["guide", "--flowchart", long, "-a", long], ["contacts", "--home", long],
                 ["log", "verify", 1, "--against", long], ["log", "list", "--home", long]):  # fmt: skip
        r = run(*args)
        assert r.exit_code == 1 and "name is too long" in r.stderr and "Traceback" not in r.output, (args, r.output)


def test_a_file_the_system_will_not_let_us_read_is_exit_1_with_what_to_do(tmp_path, monkeypatch):
    import esafety_wizard.flowchart.loader

    def refused(*a, **k):  # what a file of another user's gives when this user may not read it
        raise PermissionError(13, "Permission denied", str(tmp_path / "a.yaml"))

    monkeypatch.setattr(esafety_wizard.flowchart.loader, "read_bounded", refused)
    r = run("validate", tmp_path / "a.yaml")
    assert r.exit_code == 1 and "permission denied" in r.stderr.lower() and "Traceback" not in r.output


def test_home_receives_every_file_the_guide_writes_drafts_and_the_cache_included(tmp_path, monkeypatch):
    """--home names the folder of the user's private files: a Ctrl-C draft and the checked procedure's cache are
    kept there, never in the default folder or ESAFETY_HOME."""
    import pexpect

    default = tmp_path / "default"
    mine = tmp_path / "mine"
    env = {**__import__("os").environ, "ESAFETY_HOME": str(default), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    exe = str(__import__("pathlib").Path(__import__("sys").executable).with_name("esafety"))
    c = pexpect.spawn(f"{exe} guide --home {mine}", env=env, encoding="utf-8", timeout=15, dimensions=(40, 120))
    c.expect_exact("Who is reading this?")
    c.expect_exact("press Enter)")
    c.send("\r")
    c.expect_exact("Is the head teacher involved?")
    c.expect_exact("press Enter)")
    c.send("\x03")
    c.expect(pexpect.EOF)
    c.close()
    assert list(mine.glob("unfinished-guide*.json")) and list((mine / "cache").glob("flowchart-*.json"))
    assert not default.exists() or not any(default.rglob("*"))
    r = run("guide", "--home", mine, "--resume", "--plain", env={"ESAFETY_HOME": str(default)})
    assert "There is no unfinished guide" not in r.output  # found where it was kept
