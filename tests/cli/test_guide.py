"""The non-interactive commands through typer's CliRunner."""

import json
import os
import re
import stat
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from esafety_wizard import __version__
from esafety_wizard.cli import app

runner = CliRunner()

PUPIL = """\
head_involved: no
can_report_to_head: yes
instigator: pupil
refuses_removal: yes
under_13: yes
serious: no
persistent: yes
child_at_risk: no
alleges_harm: no
"""


@pytest.fixture
def answers(tmp_path):
    def write(text, name="answers.yaml"):
        p = tmp_path / name
        p.write_text(text)
        return p

    return write


def run(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


def test_contacts_lists_every_contact_of_the_source():
    r = run("contacts", env={"COLUMNS": "200"})
    assert r.exit_code == 0
    for name in [
        "Schools HR",
        "School Governance",
        "Derbyshire Safeguarding Board",
        "Derbyshire Police",
        "Local Authority Designated Officer",
        "Claire Winter",
        "Miles Dent",
        "01629 531940",
        "helpline@saferinternet.org.uk",
        "Chair of Governors",
        "Senior Leadership Team",
        "Child Protection Officer",
        "Police Neighbourhood Team",
        "union",
        "Social Network",
        "Starting Point",
        "NSPCC Whistleblowing Advice Line",
        "Revenge Porn Helpline",
        "stopncii.org",
    ]:
        assert name in " ".join(re.sub("[\u2500-\u257f]", " ", r.output).split()), name  # table rules removed


def test_contacts_json_marks_the_corrected_helpline_address():
    r = run("contacts", "--json")
    data = {c["id"]: c for c in json.loads(r.stdout)}
    assert data["helpline"]["email"] == "helpline@saferinternet.org.uk"
    assert "saferinterent" in data["helpline"]["corrects"]
    assert data["helpline"]["added"]
    # The LADO is a route today (the referral form); the officers the flowchart names stay in its own words.
    assert data["lado"]["email"] == "professional.allegations@derbyshire.gov.uk" and data["lado"]["checked"]
    assert "Miles Dent: 01629 531940" in " ".join(data["lado"]["source"].split()) and "phone" not in data["lado"]
    assert data["childrens_social_care"]["phone"].startswith("01629 533190")


def test_guide_with_answers_prints_steps_and_contacts(answers):
    r = run("guide", "--answers", answers(PUPIL), "--sources", env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "If the pupil refuses to remove the material and is under 13: contact the social network" in r.stdout
    assert "If the incident is serious or persistent: inform the pupil's parents or carers." in r.stdout
    # Conditional on this path: the further-advice route (the incident is not serious), the two police steps
    # that every path has (a crime; intimate images of the member of staff), and the data protection officer.
    assert r.stdout.count("[Only if it applies]") == 4
    assert re.search(
        r"\[Only if it applies\]\s+For serious incidents or further advice: inform your local Police", r.stdout
    )
    assert re.search(r"\[Only if it applies\]\s+If the messages are threatening", r.stdout)
    assert "Record the incident in the school safeguarding or e-safety incident log, with the steps" in r.stdout


def test_guide_answers_json_file_works(answers):
    p = answers(
        json.dumps(
            {
                "head_involved": False,
                "can_report_to_head": True,
                "child_at_risk": False,
                "instigator": "unknown",
                "alleges_harm": "no",
            }
        ),
        "a.json",
    )
    r = run("guide", "--answers", p)
    assert r.exit_code == 0, r.output


def test_missing_answer_names_question_and_values(answers):
    r = run(
        "guide",
        "--answers",
        answers("head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\nalleges_harm: no\ninstigator: staff\n"),
    )
    assert r.exit_code == 1
    assert "No answer for question 'serious'" in r.stderr and "yes, no, not_sure" in r.stderr
    assert "Traceback" not in r.output


def test_unknown_question_id_is_an_error(answers):
    r = run("guide", "--answers", answers("head_involve: no\n"))
    assert r.exit_code == 1 and "'head_involve' is not a question" in r.stderr


def test_bad_value_is_an_error(answers):
    r = run("guide", "--answers", answers("instigator: governor\n"))
    assert r.exit_code == 1 and "parent_carer, pupil, staff, unknown" in r.stderr


def test_broken_answers_yaml_names_file_and_line(answers):
    p = answers("head_involved: no\ninstigator: [pupil\n")
    r = run("guide", "--answers", p)
    assert r.exit_code == 1 and f"{p}:" in r.stderr


def test_control_character_in_answers_names_file_and_line(answers):
    p = answers("head_involved: no\ninstigator: pu\x07pil\n")
    r = run("guide", "--answers", p)
    assert r.exit_code == 1 and f"{p}:2: this line contains a control character (#x0007)" in r.stderr
    assert "Traceback" not in r.output


def test_transcript_markdown_is_private_and_complete(answers, tmp_path):
    out = tmp_path / "t.md"
    r = run("guide", "--answers", answers(PUPIL + "resolved: yes\n"), "--transcript", out)
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    text = out.read_text()
    assert "**A pupil** (`instigator: pupil`)" in text
    assert "- [ ] If the pupil refuses to remove the material and is under 13" in text
    assert "`resolved: yes`" in text  # given but not asked
    assert "Miles Dent" not in text  # the route for staff who cannot tell the head: not on this path
    assert "The flowchart says: If the child is at risk talk to your school Child Protection Officer" not in text
    assert "_The flowchart says: Use the ‘Report Abuse’ button if appropriate_" in text  # changed: source kept


def test_transcript_json_has_the_documented_shape(answers, tmp_path):
    out = tmp_path / "t.json"
    r = run("guide", "--answers", answers(PUPIL + "resolved: yes\n"), "--transcript", out)
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    assert data["flowchart"]["path"] == "built-in" and len(data["flowchart"]["sha256"]) == 64
    assert data["created_at"][-6] in "+-"  # ISO 8601 with an offset
    ids = [a["id"] for a in data["answers"]]
    assert ids[:5] == ["head_involved", "can_report_to_head", "child_at_risk", "alleges_harm", "instigator"]
    assert data["answers"][4] == {
        "id": "instigator",
        "question": "Who posted or sent the abuse?",
        "answer": "pupil",
        "label": "A pupil",
    }
    assert data["not_asked"] == [{"id": "resolved", "answer": "yes"}]
    social = next(s for s in data["steps"] if s["id"] == "pupil_social_network")
    assert social["status"] == "due" and social["contacts"] == ["social_network", "helpline"] and social["source"]
    assert {c["id"] for c in data["contacts"]} >= {"social_network", "chair_of_governors"}


def test_format_overrides_the_extension(answers, tmp_path):
    out = tmp_path / "t.txt"
    run("guide", "--answers", answers(PUPIL), "--transcript", out, "--format", "json")
    assert json.loads(out.read_text())["answers"]


def test_transcript_never_overwrites_without_force(answers, tmp_path):
    out = tmp_path / "t.md"
    out.write_text("earlier record")
    r = run("guide", "--answers", answers(PUPIL), "--transcript", out)
    assert r.exit_code == 1 and "already exists" in r.stderr
    assert out.read_text() == "earlier record"
    r = run("guide", "--answers", answers(PUPIL), "--transcript", out, "--force")
    assert r.exit_code == 0 and "earlier record" not in out.read_text()
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_transcript_is_not_printed(answers, tmp_path):
    r = run("guide", "--answers", answers(PUPIL), "--transcript", tmp_path / "t.json")
    assert '"answers"' not in r.output


def test_no_terminal_and_no_answers_is_a_clear_error():
    r = run("guide", input="")
    assert r.exit_code == 1
    assert "--answers" in r.stderr and "Traceback" not in r.output


def test_broken_flowchart_names_file_and_line(tmp_path, answers):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nstart: q\nquestions:\n  q:\n    text: [oops\n")
    for cmd in (["contacts"], ["guide", "--answers", answers(PUPIL)]):
        r = run(*cmd, "--flowchart", bad)
        assert r.exit_code == 1 and f"{bad}:" in r.stderr, cmd


def test_flowchart_from_environment(tmp_path):
    r = run("contacts", env={"ESAFETY_FLOWCHART": str(tmp_path / "missing.yaml")})
    assert r.exit_code == 1 and "missing.yaml: file not found" in r.stderr


def test_version():
    r = run("--version")
    assert r.exit_code == 0 and __version__ in r.stdout


def test_usage_error_exits_2():
    assert run("guide", "--format", "pdf").exit_code == 2


def _modules_loaded(*args, tmp_path):
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['esafety', *{list(map(str, args))!r}]\n"
        "try:\n    runpy.run_module('esafety_wizard', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('\\nMODULES', ' '.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "100"}
    ).stdout
    return out.split("MODULES", 1)[1].split()


@pytest.mark.parametrize("args", [["contacts"], ["guide", "--answers", "{answers}"], ["--help"]])
def test_non_prompting_commands_do_not_import_questionary(args, answers, tmp_path):
    p = answers(PUPIL)
    mods = _modules_loaded(*[a.replace("{answers}", str(p)) for a in args], tmp_path=tmp_path)
    assert "esafety_wizard.cli" in mods
    assert not [m for m in mods if m.startswith(("questionary", "prompt_toolkit"))]


def test_command_annotations_are_objects_not_strings():
    # With `from __future__ import annotations`, typer evaluates every annotation string on each run: ~20 ms.
    import typer

    from esafety_wizard.cli import app

    stack, callbacks = [typer.main.get_command(app)], []
    while stack:
        group = stack.pop()
        for cmd in group.commands.values():
            (stack if hasattr(cmd, "commands") else callbacks).append(cmd)
    annotations = [a for c in callbacks for a in c.callback.__wrapped__.__annotations__.values()]
    assert len(callbacks) > 10 and annotations and not [a for a in annotations if isinstance(a, str)]


def test_python_dash_m_works():
    r = subprocess.run([sys.executable, "-m", "esafety_wizard", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and __version__ in r.stdout


# --- plain mode with piped input -------------------------------------------------------------------------


def test_plain_mode_reads_numbered_lines_and_echoes_them(tmp_path):
    out = tmp_path / "t.json"
    # The head teacher reading: not asked whether they can report to the head teacher.
    r = run("guide", "--plain", "--transcript", out, input="2\n1\n2\n\n2\nx\n3\n2\n\n")
    assert r.exit_code == 0, r.output
    assert "Question 1: Who is reading this?" in r.stdout
    assert "Question 5: Who posted or sent the abuse?" in r.stdout
    assert "Can you report the incident to your head teacher?" not in r.stdout
    assert "'x' is not one of the choices" in r.stdout
    assert "Answer: A member of staff" in r.stdout
    assert "\x1b[" not in r.stdout and "━" not in r.stdout and "│" not in r.stdout
    got = [(a["id"], a["answer"]) for a in json.loads(out.read_text())["answers"]]
    assert got == [
        ("reader", "head_teacher"),
        ("head_involved", "no"),
        ("can_report_to_head", "yes"),  # given by being the head teacher, and kept in the record as such
        ("child_at_risk", "no"),
        ("alleges_harm", "no"),
        ("instigator", "staff"),
        ("serious", "no"),
    ]
    given = [a["id"] for a in json.loads(out.read_text())["answers"] if a.get("by_role")]
    assert given == ["can_report_to_head"]  # marked as not asked, in the transcript


def test_plain_mode_missing_line_is_an_error_not_a_default():
    r = run("guide", "--plain", input="2\n1\n2\n\n2\n")
    assert r.exit_code == 1
    assert "No answer for question 'instigator'" in r.stderr
    assert "1 = parent_carer, 2 = pupil, 3 = staff, 4 = unknown" in r.stderr


def test_term_dumb_chooses_plain_mode():
    r = run("guide", input="1\n2\n1\n", env={"TERM": "dumb"})
    assert r.exit_code == 0, r.output
    assert "Question 1: Who is reading this?" in r.stdout
    assert "Question 2: Is the head teacher involved? How?" in r.stdout


def test_reasons_for_decisions_from_an_answers_file_reach_the_screen_and_the_transcript(answers, tmp_path):
    text = PUPIL + "reasons:\n  serious: One post, removed the same day\n  child_at_risk: Spoke to the DSL\n"
    r = run("guide", "-a", answers(text), "-t", tmp_path / "t.json", env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "Reason: One post, removed the same day" in r.stdout and "Reason: Spoke to the DSL" in r.stdout
    data = json.loads((tmp_path / "t.json").read_text())
    assert {d["id"]: d["reason"] for d in data["decisions"]} == {
        "child_at_risk": "Spoke to the DSL",
        "serious": "One post, removed the same day",
    }


def test_a_decision_without_a_reason_says_to_record_one(answers, tmp_path):
    r = run("guide", "-a", answers(PUPIL), "-t", tmp_path / "t.md", env={"COLUMNS": "200"})
    assert r.exit_code == 0
    text = (tmp_path / "t.md").read_text()
    assert "## Decisions and their reasons" in text and text.count("No reason recorded yet") == 2


@pytest.mark.parametrize(
    "reasons, message",
    [
        ("reasons: [serious]\n", "'reasons' must be a mapping"),
        ("reasons:\n  seriuos: x\n", "'reasons' names 'seriuos', which is not a question"),
        ("reasons:\n  serious: ''\n", "the reason for 'serious' must be text"),
    ],
)
def test_bad_reasons_are_named(answers, reasons, message):
    r = run("guide", "-a", answers(PUPIL + reasons))
    assert r.exit_code == 1 and message in r.stderr and "Traceback" not in r.output


def test_a_choice_the_tool_adds_is_marked_everywhere(answers, tmp_path):
    unknown = answers(
        "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\ninstigator: unknown\nalleges_harm: no\n"
    )
    mark = "Not in the flowchart: 'I do not know yet'"
    r = run("guide", "-a", unknown, "-t", tmp_path / "t.md", "--sources", env={"COLUMNS": "300"})
    assert mark in r.stdout and mark in (tmp_path / "t.md").read_text()
    assert "instigator=unknown (not in the flowchart)" in run("paths").stdout
    assert "I do not know yet (not in the flowchart)" in run("diagram").stdout
    r = run("guide", "--plain", input="2\n1\n2\n\n2\n4\n", env={"COLUMNS": "300"})
    assert r.exit_code == 0, r.output
    assert "4. I do not know yet (not in the flowchart)" in r.stdout and mark in r.stdout


def test_a_school_sets_its_own_contacts_once_and_they_show_beside_the_procedures(answers, tmp_path):
    r = run("contacts", "set", "child_protection_officer", "--name", "Mrs Patel", "--phone", "01234 567890")
    assert r.exit_code == 0, r.output
    out = run("contacts", env={"COLUMNS": "300"}).stdout
    assert "Your school: Mrs Patel; 01234 567890 (set " in out and "01234 567890" in out
    pupil = answers(PUPIL.replace("child_at_risk: no", "child_at_risk: yes"))
    r = run("guide", "-a", pupil, "--sources", env={"COLUMNS": "300"})
    assert "Your school: Mrs Patel; 01234 567890" in r.stdout
    r = run("guide", "-a", pupil, env={"COLUMNS": "80"})  # the school's own first, one line, on the one screen
    contacts = r.stdout.split("Contacts for these steps")[1].splitlines()
    assert contacts[1] == "Designated Safeguarding Lead (Mrs Patel): 01234 567890"
    data = json.loads(run("contacts", "--json").stdout)
    assert next(c for c in data if c["id"] == "child_protection_officer")["local"]["name"] == "Mrs Patel"
    assert run("contacts", "set", "nobody", "--name", "X").exit_code == 1


def test_a_contact_not_checked_for_over_a_year_is_flagged(tmp_path):
    import os

    home = os.environ["ESAFETY_HOME"]
    os.makedirs(home, exist_ok=True)
    (tmp_path / "home" / "school-contacts.json").write_text(
        json.dumps({"contacts": {"schools_hr": {"name": "HR Direct", "checked": "2024-01-05"}}})
    )
    out = run("contacts", env={"COLUMNS": "300"}).stdout
    assert "NOT CHECKED FOR OVER A YEAR (last 2024-01-05)" in out
