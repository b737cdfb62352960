"""Parts of the record issue settled so far: the governors' summary counts right, periods are real, and exports
are written in the format their file name says (or refused, never silently written as HTML)."""

import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app
from esafety_wizard.documents import governors_summary

runner = CliRunner()
PARENT = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\n"
    "instigator: parent_carer\nresolved: no\nalleges_harm: no\n"
)


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def saved(tmp_path, answers: str) -> int:
    """An incident saved from these answers by the guide, as a user would: its number."""
    a = tmp_path / "a.yaml"
    a.write_text(answers)
    assert run("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    return 1


@pytest.fixture
def incident(tmp_path):
    return saved(tmp_path, PARENT)


@pytest.mark.parametrize(
    "days, said",
    [
        ([2, 5], "Closed in a median of 3.5 days (fastest 2, slowest 5)."),
        ([2, 3, 9], "Closed in a median of 3 days (fastest 2, slowest 9)."),
        ([4], "Closed in a median of 4 days (fastest 4, slowest 4)."),
    ],
)
def test_the_median_time_to_close_is_a_true_median(days, said):
    assert governors_summary._closing(SimpleNamespace(days_to_close=days)) == said


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
def test_a_reversed_period_or_a_date_that_does_not_exist_is_refused(incident, args):
    r = run("log", "report", *args, "--format", "json")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "--from" in r.output or "--to" in r.output


def test_exports_follow_the_file_name_and_refuse_what_they_cannot_write(incident, tmp_path):
    assert run("log", "export", 1, "-o", tmp_path / "i.md").exit_code == 0
    assert (tmp_path / "i.md").read_text().startswith("# ")
    assert run("log", "export", 1, "-o", tmp_path / "i.json").exit_code == 0
    assert json.loads((tmp_path / "i.json").read_text())["incident"] == 1
    assert run("log", "report", "-o", tmp_path / "s.md").exit_code == 0
    assert (tmp_path / "s.md").read_text().startswith("# E-safety incidents")
    for args in (["export", 1, "-o", tmp_path / "i.pdf"], ["report", "-o", tmp_path / "s.pdf"]):
        r = run("log", *args)
        assert r.exit_code == 1 and "cannot write a '.pdf' file" in r.output, r.output
        assert not (tmp_path / "i.pdf").exists() and not (tmp_path / "s.pdf").exists()
    # An explicit --format still wins over the extension.
    assert run("log", "export", 1, "--format", "json", "-o", tmp_path / "x.html").exit_code == 0
    assert json.loads((tmp_path / "x.html").read_text())["incident"] == 1


def test_log_done_names_each_step_it_marked_so_a_wrong_number_is_seen_at_once(incident):
    r = run("log", "done", 1, 2, 3, "--as", "Jo")
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [  # a message, on stderr
        "Step 2 of incident 1 marked done: Nude image of an under-18? Do not view, copy or share it: tell the DSL.",
        "Step 3 of incident 1 marked done: Keep the evidence on school systems; never an image of an under-18.",
    ]


def test_a_step_done_then_dropped_by_a_later_answer_stays_with_its_note_in_every_output(tmp_path):
    saved(
        tmp_path,
        "head_involved: no\ncan_report_to_head: yes\ninstigator: pupil\nchild_at_risk: not_sure\n"
        "refuses_removal: no\nserious: no\npersistent: no\nalleges_harm: no\n",
    )
    show = json.loads(run("log", "show", 1, "--json").stdout)
    dsl = next(s for s in show["checklist"] if s["id"] == "child_protection")["number"]
    note = "Spoke to DSL Mrs Patel; no child at risk"
    assert run("log", "done", 1, dsl, "--note", note, "--as", "Jo").exit_code == 0
    assert run("log", "answer", 1, "child_at_risk", "no", "--as", "Sam").exit_code == 0

    item = next(s for s in json.loads(run("log", "show", 1, "--json").stdout)["checklist"] if s["number"] == dsl)
    assert item["status"] == "no_longer_needed" and item["done"]["note"] == note
    why = item["no_longer_needed"]["why"]
    assert "Not sure \u2192 No" in why and "by Sam" in why and item["no_longer_needed"]["actor"] == "Sam"
    outputs = {
        "show": run("log", "show", 1).stdout,
        "md": run("log", "export", 1, "--format", "md").stdout,
        "html": run("log", "export", 1, "--format", "html").stdout,
        "json": run("log", "export", 1, "--format", "json").stdout,
    }
    for name, text in outputs.items():
        flat = " ".join(text.replace("\\\\", "").split())
        assert "Spoke to DSL Mrs Patel" in flat, name
        assert "No longer needed" in flat, name
    # Not to do any more: it does not keep the incident open.
    state = json.loads(run("log", "show", 1, "--json").stdout)
    assert all(s["number"] != dsl for s in state["checklist"] if s["status"] != "no_longer_needed" and not s["done"])


def test_a_decided_step_done_after_all_keeps_both_in_the_json(incident):
    assert run("log", "decide", 1, 4, "--reason", "Not needed at first", "--as", "Jo").exit_code == 0
    assert run("log", "done", 1, 4, "--note", "Needed after all", "--as", "Jo").exit_code == 0
    for args in (["log", "show", 1, "--json"], ["log", "export", 1, "--format", "json"]):
        item = next(s for s in json.loads(run(*args).stdout)["checklist"] if s["number"] == 4)
        assert item["done"]["note"] == "Needed after all"
        assert item["decided_against"]["reason"] == "Not needed at first"


def test_the_summary_says_not_done_so_a_step_decided_against_cannot_be_read_the_other_way(incident):
    # Step 2 is the nude-image warning: "Decided against: ... do not view, copy" read as if not viewing was refused.
    assert run("log", "decide", 1, 2, "--reason", "No images in the posts", "--as", "Jo").exit_code == 0
    for fmt in ("md", "html"):
        text = run("log", "report", "--format", fmt).stdout
        assert "Not done: If the material may include a nude" in text, fmt
        assert "Decided against: If the material" not in text, fmt


def test_a_reason_given_with_log_answer_is_kept_in_every_output_and_a_decision_without_one_is_flagged(incident):
    r = run("log", "answer", 1, "resolved", "yes", "--reason", "The parent took the post down on Tuesday", "--as", "Jo")
    assert r.exit_code == 0, r.output
    assert r.stdout.rstrip().splitlines()[-1] == "See the whole checklist: esafety log show 1"  # short, then where
    for args in (
        ["log", "show", 1],
        ["log", "show", 1, "--json"],
        ["log", "export", 1, "--format", "md"],
        ["log", "export", 1, "--format", "html"],
        ["log", "export", 1, "--format", "json"],
    ):
        assert "The parent took the post down on Tuesday" in " ".join(run(*args).stdout.split()), args
    # The reason stays while the answer holds, through a later change of another answer.
    assert run("log", "answer", 1, "alleges_harm", "not_sure", "--as", "Jo").exit_code == 0
    answers = {a["id"]: a for a in json.loads(run("log", "show", 1, "--json").stdout)["answers"]}
    assert answers["resolved"]["reason"] == "The parent took the post down on Tuesday"


def test_changing_an_answer_to_a_decision_without_a_reason_says_how_to_add_one(tmp_path):
    saved(
        tmp_path,
        "head_involved: no\ncan_report_to_head: yes\ninstigator: pupil\nchild_at_risk: not_sure\n"
        "refuses_removal: no\nserious: yes\nalleges_harm: no\n",
    )
    r = run("log", "answer", 1, "child_at_risk", "no", "--as", "Jo")
    assert r.exit_code == 0 and "is a decision" in r.stderr and "--reason" in r.stderr


def test_log_close_lists_the_open_steps_one_a_line(incident):
    r = run("log", "close", 1, "--as", "Jo")
    assert r.exit_code == 1
    listed = [line for line in r.stderr.splitlines() if line.startswith("  ")]
    assert listed[0].startswith("  1. ") and len(listed) > 5 and all(len(x) < 90 for x in listed)


@pytest.mark.parametrize(
    "ref, cid",
    [
        ("dsl", "child_protection_officer"),
        ("DSL", "child_protection_officer"),
        ("lado", "lado"),
        ("chair of governors", "chair_of_governors"),
        ("schools hr", "schools_hr"),
        ("slt", "senior_leadership_team"),
    ],
)
def test_contacts_set_takes_the_name_people_use(ref, cid):
    r = run("contacts", "set", ref, "--phone", "01234 567890")
    assert r.exit_code == 0, r.output
    data = {c["id"]: c for c in json.loads(run("contacts", "--json").stdout)}
    assert data[cid]["local"]["phone"] == "01234 567890"


def test_contacts_set_a_near_miss_is_told_what_was_meant_and_clearing_every_detail_leaves_no_empty_line():
    r = run("contacts", "set", "chair_of_governor", "--name", "X")
    assert r.exit_code == 1 and "Did you mean 'chair_of_governors'?" in r.output
    assert run("contacts", "set", "dsl", "--name", "Mrs Patel").exit_code == 0
    assert run("contacts", "set", "dsl", "--name", "").exit_code == 0
    out = run("contacts").stdout
    assert "Your school:" not in out and "Mrs Patel" not in out


def test_the_history_says_which_answer_changed_and_why_not_how_many_answers_there_are(incident):
    r = run("log", "answer", incident, "resolved", "yes", "--reason", "Parent took the post down", "--as", "Jo")
    assert r.exit_code == 0
    shown = " ".join(run("log", "show", incident).output.split())
    assert "changed an answer: 'You contact the parent or carer" in shown
    assert "from 'No, it is not solved' to 'Yes, it is solved' (reason: Parent took the post down)" in shown
    assert "recorded 5 answers; " not in shown.split("changed an answer")[1]
    data = json.loads(run("log", "show", incident, "--json").output)
    said = [e for e in data["history"] if "changed an answer" in json.dumps(e)]
    assert said, "the JSON history says it too"


@pytest.mark.parametrize("ref", ["one", "99999999999999999999", "0", "-3", "3\x1b[31m"])
def test_an_incident_number_that_is_not_one_is_refused_in_plain_words(incident, ref):
    for cmd in (["log", "show"], ["log", "verify"], ["log", "done"]):
        r = run(*cmd, "--", ref, *(["1"] if cmd[-1] == "done" else []))
        assert r.exit_code == 2 and "is not an incident number" in r.output, (cmd, r.output)
        assert "\x1b" not in r.output and "Traceback" not in r.output and "Input should be" not in r.output


def test_verify_against_a_file_that_does_not_exist_says_so(incident, tmp_path):
    r = run("log", "verify", 1, "--against", tmp_path / "incident-1.html")
    assert r.exit_code == 1 and "nor a file that exists" in r.output and "incident-1.html" in r.output


def test_evidence_registered_to_the_wrong_incident_is_withdrawn_with_a_reason_and_stays_in_the_history(
    incident, tmp_path
):
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(b"not really a png")
    assert run("log", "evidence", 1, "--not-an-intimate-image", shot, "--as", "Jo").exit_code == 0
    r = run("log", "evidence", 1, shot, "--withdraw", "--as", "Jo")
    assert r.exit_code == 1 and "--reason" in r.output  # a withdrawal needs its reason
    r = run("log", "evidence", 1, "nothing.png", "--withdraw", "--reason", "x", "--as", "Jo")
    assert r.exit_code == 1 and "screenshot.png" in r.output  # names what is registered
    r = run("log", "evidence", 1, "screenshot.png", "--withdraw", "--reason", "Belongs to incident 2", "--as", "Jo")
    assert r.exit_code == 0, r.output
    data = json.loads(run("log", "show", 1, "--json").stdout)
    assert data["evidence"] == []
    said = " ".join(e["summary"] for e in data["history"])
    assert "withdrew evidence screenshot.png" in said and "Belongs to incident 2" in said
    assert "Belongs to incident 2" in run("log", "export", 1, "--format", "md").stdout
    shot.unlink()  # no longer rechecked: its absence is not a problem of this incident
    assert run("log", "verify", 1).exit_code == 0
    assert (
        run("log", "evidence", 1, "--not-an-intimate-image", shot, "--as", "Jo").exit_code == 1
    )  # missing file: a clear error
    shot.write_bytes(b"not really a png")
    assert (
        run("log", "evidence", 1, "--not-an-intimate-image", shot, "--as", "Jo").exit_code == 0
    )  # may be registered again


def test_contacts_set_after_an_incident_was_saved_are_shown_now_with_their_date_and_the_change_is_said(incident):
    assert run("contacts", "set", "dsl", "--name", "Mrs Patel", "--phone", "01234 567890").exit_code == 0
    shown = " ".join(run("log", "show", 1).stdout.split())
    assert "Your school's contacts now, where they differ from this record" in shown
    assert "Mrs Patel; 01234 567890 (set " in shown and "Set since this incident was recorded" in shown
    for fmt in ("md", "html"):
        text = " ".join(run("log", "export", 1, "--format", fmt).stdout.split())
        assert "Mrs Patel" in text and "Set since this incident was recorded" in text, fmt
    now = json.loads(run("log", "export", 1, "--format", "json").stdout)["school_contacts_now"]
    assert now[0]["now"]["name"] == "Mrs Patel" and now[0]["recorded"] is None and now[0]["changed"] is True
    # A change of answers records the contacts as they are today: the record and today agree again.
    assert run("log", "answer", 1, "alleges_harm", "not_sure", "--as", "Jo").exit_code == 0
    assert "differ from this record" not in run("log", "show", 1).stdout
    assert json.loads(run("log", "show", 1, "--json").stdout)["school_contacts_now"][0]["changed"] is False
    # Changed again: both the new details and what the record has are said.
    assert run("contacts", "set", "dsl", "--name", "Mr Jones").exit_code == 0
    shown = " ".join(run("log", "show", 1).stdout.split())
    assert "Mr Jones; 01234 567890" in shown
    assert "Changed since this incident was recorded, which has: Mrs Patel" in shown


def test_log_decide_names_each_step_and_takes_several_at_once_or_none(incident):
    r = run("log", "decide", 1, 4, 5, "--reason", "Not needed: the post was removed", "--as", "Jo")
    assert r.exit_code == 0, r.output
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("Step 4 of incident 1 decided against") and lines[1].startswith("Step 5")
    assert ": " in lines[0] and len(lines[0].split(": ", 1)[1]) > 5  # the step's own words
    r = run("log", "decide", 1, 6, 99, "--reason", "x", "--as", "Jo")
    assert r.exit_code == 1
    item = next(s for s in json.loads(run("log", "show", 1, "--json").stdout)["checklist"] if s["number"] == 6)
    assert not item.get("decided_against")  # a mistake in one records none
