"""End to end: the installed `esafety` in a pseudo-terminal, driven with real keystrokes (pexpect)."""

import json
import os
import re
import stat
import sys
from pathlib import Path

import pexpect
import pytest

ESAFETY = str(Path(sys.executable).with_name("esafety"))
DOWN, UP, ENTER, CTRL_C = "\x1b[B", "\x1b[A", "\r", "\x03"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ALLEGES = "has harmed a child, or put a child at risk?"  # asked on every path, before who posted it
READER = "Who is reading this?"  # the first question; the second choice is the head teacher handling it
HEAD = "Is the head teacher involved? How?"  # No, then targeted, posted it or accused, in another way
CHILD = "Could any child be at risk of harm?"  # Yes, No (a decision: its reason is asked), Not sure


@pytest.fixture
def spawn(tmp_path):
    children = []

    def start(args="guide", cols=120, home=None):
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "ESAFETY_HOME": str(home or tmp_path / "home"),
            "COLUMNS": str(cols),
            "LINES": "40",
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }  # pexpect does not answer cursor position requests
        env.pop("NO_COLOR", None)
        child = pexpect.spawn(
            f"{ESAFETY} {args}", cwd=str(tmp_path), env=env, encoding="utf-8", dimensions=(40, cols), timeout=15
        )
        children.append(child)
        return child

    yield start
    for c in children:
        c.close(force=True)


def answer(child, question, *keys):
    """Wait for a question, then press keys (the last should be Enter)."""
    child.expect_exact(question)
    child.expect_exact("press Enter)")
    for k in keys:
        child.send(k)


def by_number(child, keys_each):
    """Answer the questions in turn by their number on screen (on a narrow or short screen a question's words
    wrap, so they cannot be waited for whole), pressing each answer's keys once its menu is up."""
    for n, keys in enumerate(keys_each, 1):
        child.expect_exact(f"Question {n}")
        child.expect_exact("»")
        child.send("".join(keys))


def finish(child):
    child.expect(pexpect.EOF)
    child.close()
    return ANSI.sub("", child.before or ""), child.exitstatus


def test_choose_answers_with_arrow_keys_and_save_a_transcript(spawn, tmp_path):
    c = spawn()
    answer(c, READER, DOWN, ENTER)  # the head teacher: not asked if they can report to the head teacher
    answer(c, HEAD, ENTER)  # No
    answer(c, CHILD, DOWN, DOWN, ENTER)  # Not sure: the DSL first
    answer(c, ALLEGES, DOWN, ENTER)  # No
    answer(c, "Who posted or sent the abuse?", DOWN, DOWN, ENTER)  # staff
    answer(c, "Is the case serious?", ENTER)  # Yes
    c.expect_exact("Contact Schools HR for initial advice, before anything else about them.")
    c.expect_exact("Save a transcript?")
    c.send("y")
    c.expect_exact("File name:")
    c.send(ENTER)  # the suggested name
    c.expect_exact("Transcript saved to")
    c.expect_exact("Keep a case file?")
    c.send("n")
    out, status = finish(c)
    assert status == 0
    # The last thing on screen: where the steps are, and the first of them, numbered as above.
    tail = " ".join(out.split("Keep a case file?")[-1].split())
    assert "steps are above, under 'What to do now'. The first 5: 1. Tell the DSL now, before anything else" in tail
    assert tail.index(" 1. ") < tail.index(" 5. ") and " 6. " not in tail, tail
    [saved] = list(tmp_path.glob("esafety-transcript-*.md"))
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    text = saved.read_text()
    assert "`instigator: staff`" in text and "`serious: yes`" in text


def test_go_back_and_change_an_answer(spawn, tmp_path):
    c = spawn("guide --transcript out.json")
    answer(c, READER, DOWN, ENTER)
    answer(c, HEAD, DOWN, DOWN, DOWN, ENTER)  # in another way: the head teacher still handles it, with the Chair
    answer(c, CHILD, DOWN, DOWN, ENTER)  # Not sure
    answer(c, ALLEGES, DOWN, ENTER)  # No
    answer(c, "Who posted or sent the abuse?", ENTER)  # parent or carer
    answer(c, "Has that solved the problem?", UP, ENTER)  # Up wraps round to "Go back"
    answer(c, "Who posted or sent the abuse?", DOWN, DOWN, ENTER)  # now a member of staff
    answer(c, "Is the case serious?", DOWN, ENTER)  # No: a decision, so its reason is asked
    c.expect_exact("Why did you decide this?")
    c.send("A one-off comment, removed at once" + ENTER)
    c.expect_exact("Ask them to remove it immediately.")  # answered 'not serious': the condition is not repeated
    _, status = finish(c)
    assert status == 0
    data = json.loads((tmp_path / "out.json").read_text())
    [decision] = data["decisions"]
    assert decision["id"] == "serious" and decision["reason"] == "A one-off comment, removed at once"
    assert [(a["id"], a["answer"]) for a in data["answers"]] == [
        ("reader", "head_teacher"),
        ("head_involved", "other"),
        ("child_at_risk", "not_sure"),
        ("alleges_harm", "no"),
        ("instigator", "staff"),
        ("serious", "no"),
    ]
    assert data["not_asked"] == []  # the abandoned 'resolved' branch left nothing behind


def test_ctrl_c_keeps_the_answers_and_resume_carries_on(spawn, tmp_path):
    c = spawn()
    answer(c, READER, DOWN, ENTER)
    answer(c, HEAD, ENTER)  # No
    answer(c, CHILD, DOWN, ENTER)  # No: a decision
    c.expect_exact("Why did you decide this?")
    c.send("Spoke to the DSL: no concern" + ENTER)
    answer(c, ALLEGES, DOWN, ENTER)  # No
    answer(c, "Who posted or sent the abuse?", DOWN, ENTER)  # a pupil
    c.expect_exact("Have they refused?")
    c.send(CTRL_C)
    out, status = finish(c)
    assert status == 130
    assert "Your 5 answers are kept privately" in out and "Traceback" not in out  # not the one the role gave
    draft = tmp_path / "home" / "unfinished-guide.json"
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert stat.S_IMODE(draft.parent.stat().st_mode) == 0o700

    c = spawn("guide --resume --transcript t.json")
    answer(c, "Have they refused?", DOWN, ENTER)  # No
    answer(c, "Is the incident serious?", ENTER)  # Yes
    c.expect_exact("Identify the pupils involved.")  # from the answer kept before Ctrl-C
    _, status = finish(c)
    assert status == 0
    assert not draft.exists()
    data = json.loads((tmp_path / "t.json").read_text())
    assert [a["id"] for a in data["answers"]][:5] == [
        "reader",
        "head_involved",
        "can_report_to_head",
        "child_at_risk",
        "alleges_harm",
    ]
    assert data["decisions"][0]["reason"] == "Spoke to the DSL: no concern"  # kept across Ctrl-C


def test_ctrl_c_at_the_first_question_is_clean(spawn):
    c = spawn()
    c.expect_exact(READER)
    c.send(CTRL_C)
    out, status = finish(c)
    assert status == 130 and "Cancelled" in out and "Traceback" not in out


def test_readable_at_40_columns(spawn, tmp_path):
    c = spawn("guide --transcript t.md", cols=40)
    by_number(c, [(DOWN, ENTER), (ENTER,), (DOWN, DOWN, ENTER), (DOWN, ENTER), (DOWN, DOWN, DOWN, ENTER)])
    out, status = finish(c)
    assert status == 0
    lines = [line for line in out.splitlines() if line.strip()]
    assert [line for line in lines[-60:] if len(line.rstrip()) > 40] == []
    assert "incident log" in " ".join(out.split())


def test_validate_wraps_problems_at_words_in_a_narrow_terminal(spawn, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: Test\nstart: q1\nquestions:\n  q1: &q\n    text: First?\n  q2: *q\n")
    out, status = finish(spawn(f"validate {bad}", cols=40))
    lines = out.replace("\r", "").splitlines()
    assert status == 1
    assert [line for line in lines if len(line) > 40 and not line.startswith(str(bad))] == []
    assert "write the value out in full" in " ".join(out.split())  # not broken inside a word
    assert any(line.startswith("    ") for line in lines)  # a hanging indent shows where a problem goes on


def test_plain_mode_in_a_terminal(spawn, tmp_path):
    c = spawn("guide --plain --transcript t.json")
    c.expect_exact(f"Question 1: {READER}")
    c.sendline("2")
    c.expect_exact(f"Question 2: {HEAD}")
    c.expect_exact("then press Enter: ")
    c.sendline("1")
    c.expect_exact(f"Question 3: {CHILD}")
    c.sendline("b")  # back to question 2
    c.expect_exact(f"Question 2: {HEAD}")
    c.sendline("4")
    c.expect_exact(f"Question 3: {CHILD}")
    c.sendline("3")
    c.expect_exact("Question 4: Does the material say")
    c.sendline("2")
    c.expect_exact("Question 5: Who posted or sent the abuse?")
    c.sendline("?")
    c.expect_exact("The flowchart calls this person the instigator.")
    c.sendline("4")
    out, status = finish(c)
    assert status == 0
    assert "\x1b[" not in (c.before or "") or "m" not in ANSI.findall(c.before or "")
    assert [a["id"] for a in json.loads((tmp_path / "t.json").read_text())["answers"]] == [
        "reader",
        "head_involved",
        "child_at_risk",
        "alleges_harm",
        "instigator",
    ]


def test_ctrl_c_during_guide_save_keeps_the_answers_in_the_incident(spawn, tmp_path):
    c = spawn("guide --save --as Jo")
    c.expect_exact("What is it about?")
    c.send("Posts about the Year 6 trip" + ENTER)
    c.expect_exact("Which member of staff does it affect?")
    c.send(ENTER)  # skipped
    answer(c, READER, DOWN, ENTER)
    answer(c, HEAD, ENTER)  # No
    answer(c, CHILD, ENTER)  # Yes (a "Not sure" would be asked again on resuming)
    answer(c, ALLEGES, DOWN, ENTER)  # No
    answer(c, "Who posted or sent the abuse?", ENTER)  # a parent or carer
    c.expect_exact("Has that solved the problem?")
    c.send(CTRL_C)
    out, status = finish(c)
    assert status == 130 and "kept in incident 1" in out

    c = spawn("log resume 1 --as Jo")
    answer(c, "Has that solved the problem?", DOWN, ENTER)  # No (after "Not yet")
    c.expect_exact("Checklist")
    _, status = finish(c)
    assert status == 0
    c = spawn("log show 1 --json")
    out, _ = finish(c)
    data = json.loads(out[out.index("{") :])
    ids = [a["id"] for a in data["answers"]]
    assert ids == [
        "reader",
        "head_involved",
        "can_report_to_head",
        "child_at_risk",
        "alleges_harm",
        "instigator",
        "resolved",
    ]
    assert data["guide_complete"] is True
    assert [h["summary"] for h in data["history"] if h["kind"] == "described"] == [
        "Jo set the description to 'Posts about the Year 6 trip'"
    ]
    assert next(s for s in data["checklist"] if s["id"] == "parent_chair")["status"] == "due"


def test_ctrl_c_during_resume_keeps_the_answers_given_before_it(spawn, tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(
        "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\ninstigator: pupil\nrefuses_removal: not_yet\n"
        "under_13: yes\nserious: not_sure\npersistent: no\nalleges_harm: no\n"
    )
    c = spawn(f"guide --answers {a} --save --as Jo")
    finish(c)
    c = spawn("log resume 1 --as Jo")
    answer(c, "Have they refused?", UP, UP, ENTER)  # from the earlier "Not yet" up to "Yes, they refused"
    c.expect_exact("Is the incident serious?")  # under_13 is kept; 'serious' was not sure
    c.expect_exact("press Enter)")  # the menu is up: the answer before it is taken
    c.send(CTRL_C)
    out, status = finish(c)
    assert status == 130 and "The answers you gave are kept in incident 1" in out
    c = spawn("log show 1 --json")
    out, _ = finish(c)
    data = json.loads(out[out.index("{") :])
    answers = {x["id"]: x["answer"] for x in data["answers"]}
    assert answers["refuses_removal"] == "yes" and answers["under_13"] == "yes"
    assert answers["serious"] == "not_sure" and data["guide_complete"]  # not asked again yet: unchanged
    assert next(s for s in data["checklist"] if s["id"] == "pupil_social_network")["status"] == "due"
    assert [h["kind"] for h in data["history"]] == ["opened", "answered", "answered"]

    c = spawn("log resume 1 --as Jo")
    c.expect_exact("Is the incident serious?")
    c.expect_exact("press Enter)")
    c.send(CTRL_C)
    out, status = finish(c)
    assert status == 130 and "Nothing was changed" in out


def test_first_question_appears_without_importing_rich(tmp_path):
    """Speed: rich is only needed for the outcome, so it is not imported before the first question."""
    env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "ESAFETY_HOME": str(tmp_path)}
    c = pexpect.spawn(
        sys.executable,
        ["-X", "importtime", "-m", "esafety_wizard", "guide"],
        env=env,
        encoding="utf-8",
        timeout=15,
        dimensions=(40, 120),
    )
    c.expect_exact(READER)
    imported = c.before
    c.close(force=True)
    assert "questionary" in imported and "esafety_wizard.flowchart.conversation" in imported
    assert "rich.console" not in imported


def test_asked_and_scripted_give_the_same_steps_in_the_same_order(spawn, tmp_path):
    c = spawn("guide --transcript asked.json")
    answer(c, READER, DOWN, ENTER)
    answer(c, HEAD, ENTER)  # No
    answer(c, CHILD, DOWN, DOWN, ENTER)  # Not sure: the DSL first
    answer(c, ALLEGES, DOWN, ENTER)  # No
    answer(c, "Who posted or sent the abuse?", DOWN, ENTER)  # a pupil
    answer(c, "Have they refused?", ENTER)  # Yes
    answer(c, "Is the pupil under 13?", ENTER)  # Yes
    answer(c, "Is the incident serious?", ENTER)  # Yes
    _, status = finish(c)
    assert status == 0
    asked = json.loads((tmp_path / "asked.json").read_text())
    given = {a["id"]: a["answer"] for a in asked["answers"]}
    (tmp_path / "a.json").write_text(json.dumps(given))
    c = spawn("guide --answers a.json --transcript scripted.json")
    _, status = finish(c)
    scripted = json.loads((tmp_path / "scripted.json").read_text())
    assert status == 0 and [s["id"] for s in asked["steps"]] == [s["id"] for s in scripted["steps"]]
    assert asked["steps"][0]["id"] == "child_protection"


def test_a_second_unfinished_guide_never_replaces_the_first(spawn, tmp_path):
    # The first stops after "No", the second after "In another way": each at the question its answer leads to, so
    # the Ctrl-C lands only once that answer is taken, however loaded the machine.
    for keys in ((ENTER,), (DOWN, DOWN, DOWN, ENTER)):
        c = spawn()
        answer(c, READER, DOWN, ENTER)
        answer(c, HEAD, *keys)
        c.expect_exact(CHILD)
        c.expect_exact("press Enter)")
        c.send(CTRL_C)
        out, status = finish(c)
        assert status == 130 and "kept privately" in out
    drafts = sorted((tmp_path / "home").glob("unfinished-guide*.json"))
    assert len(drafts) == 2
    assert {json.loads(p.read_text())["answers"]["head_involved"] for p in drafts} == {"other", "no"}
    c = spawn("guide --resume")
    c.expect_exact("1 other is kept")
    answer(c, CHILD, CTRL_C)  # the newest: head teacher involved in another way
    finish(c)
    assert len(list((tmp_path / "home").glob("unfinished-guide*.json"))) == 2  # kept again, in its own file


def test_with_a_pack_the_guide_asks_which_procedure_applies_first(spawn, tmp_path):
    pack = Path(__file__).parent / "procedures" / "pack"
    c = spawn(f"guide --flowchart {pack} --transcript t.json")
    answer(c, "Was anything illegal involved?", ENTER)  # Yes, or I think so
    answer(c, "Does it involve indecent images of a child?", ENTER)
    c.expect_exact("Do not view or share the images.")
    _, status = finish(c)
    assert status == 0
    assert json.loads((tmp_path / "t.json").read_text())["flowchart"]["title"].startswith("Responding to an incident")


def test_plain_mode_asks_yes_or_no_then_the_file_name_and_takes_the_answers_words(spawn, tmp_path):
    c = spawn("guide --plain", cols=40)
    c.expect_exact("e-safety")  # the title
    c.expect_exact("Ctrl-C")  # how to stop, as with arrows
    for words in ("head teacher", "no", "not sure", "no", "a member of staff", "not sure"):
        c.expect_exact("Enter: ")  # "then press Enter: ", wrapped where 40 columns end
        c.sendline(words)
    c.expect_exact("Save a transcript?")
    c.sendline("y")
    c.expect_exact("File name (press Enter for")
    c.sendline("mine.md")
    c.expect_exact("Transcript saved to mine.md")
    c.expect_exact("Keep a case file?")
    c.sendline("")
    out, status = finish(c)
    assert status == 0
    assert not (tmp_path / "y").exists() and (tmp_path / "mine.md").exists()
    text = (tmp_path / "mine.md").read_text()
    assert "`serious: not_sure`" in text and "`instigator: staff`" in text
    # Wrapped at the terminal's width between words: no line is wider, and no word is cut in two.
    lines = [line for line in ANSI.sub("", c.before or "").splitlines()]
    assert "Designate" not in [w for line in lines for w in line.split()]


def test_a_guide_not_saved_names_the_letters_for_its_steps_and_how_to_draft_them(spawn, tmp_path):
    c = spawn("guide --plain", cols=80)
    for words in ("head teacher", "no", "not sure", "no", "a parent or carer", "no"):
        c.expect_exact("Enter: ")
        c.sendline(words)
    c.expect_exact("Save a transcript?")
    c.sendline("")
    c.expect_exact("Keep a case file?")
    c.sendline("")
    out, status = finish(c)
    said = " ".join(out.split())
    assert status == 0
    assert "Letters for these steps (Invitation to a meeting;" in said and "--save, then see esafety letters" in said
    assert said.index("Letters for these steps") < said.index("steps are above, under")  # the steps stay last


def test_an_image_registered_as_evidence_is_confirmed_first_and_no_keeps_nothing(spawn, tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(
        "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\nalleges_harm: no\ninstigator: unknown\n"
    )
    finish(spawn(f"guide --answers {a} --save --as Jo"))
    shot = tmp_path / "post.png"
    shot.write_bytes(b"\x89PNG a picture of the post")
    c = spawn(f"log evidence 1 {shot} --as Jo")
    c.expect_exact("looks like an image")
    c.expect_exact("Does no image show anyone nude or semi-nude?")
    c.sendline("n")
    out, status = finish(c)
    assert status == 1 and "Nothing was registered" in out
    c = spawn(f"log evidence 1 {shot} --as Jo")
    c.expect_exact("Does no image show anyone nude or semi-nude?")
    c.sendline("y")
    out, status = finish(c)
    assert status == 0 and "1 evidence file registered" in out


@pytest.mark.parametrize("cols", [80, 40])
def test_the_last_screen_of_an_asked_guide_holds_its_first_steps(spawn, tmp_path, cols):
    """At 24 lines, whatever was asked after the outcome (a transcript, a case file), the first actions are
    still in view: the last 24 lines hold step 1, a due action, never a warning that only may apply."""
    c = spawn(cols=cols)
    c.setwinsize(24, cols)
    # the head teacher; not involved; a child may be at risk (the DSL first); no allegation; a parent; not solved
    by_number(c, [(DOWN, ENTER), (ENTER,), (ENTER,), (DOWN, ENTER), (ENTER,), (DOWN, ENTER)])
    c.expect_exact("Save a transcript?")
    c.send("n")
    c.expect_exact("Keep a case file?")
    c.send("n")
    out, status = finish(c)
    assert status == 0
    last = [line.rstrip() for line in out.replace("\r", "").split("\n")][-24:]
    shown = " ".join(" ".join(last).split())
    assert "1. Tell the DSL now, before anything else" in shown, "\n".join(last)
    assert all(len(line) <= cols for line in last)
