"""The exact bytes of every record the tool writes, for one incident that has lived through every kind of event,
and of every message the case file's operations refuse with, compared with files kept in tests/snapshots/exact.

The record is the school's evidence: a key renamed in its JSON, a heading lost from its Markdown or a word
changed in its HTML is a change to what a LADO, the police or a governor reads. These tests see any such change;
if it was meant, write the files again and read the diff before committing:

    ESAFETY_SNAPSHOTS=write .venv/bin/python -m pytest tests/casefile/test_exact_outputs.py

Run in process on a clock the test sets (one minute a step), so mutation testing sees them.
"""

import json
import os
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from esafety_wizard import __version__
from esafety_wizard.casefile import acting, incidents, operations, school, store, summaries, verify
from esafety_wizard.documents import governors_summary, incident_record
from esafety_wizard.errors import WizardError
from esafety_wizard.flowchart import engine, loader
from esafety_wizard.home import Home
from esafety_wizard.record import serialize

SNAPSHOTS = Path(__file__).parents[1] / "snapshots" / "exact"
WRITE = os.environ.get("ESAFETY_SNAPSHOTS") == "write"
START = datetime(2026, 9, 7, 8, 30, tzinfo=timezone(timedelta(hours=1)))
PARENT = {"head_involved": "no", "can_report_to_head": "yes", "child_at_risk": "not_sure", "instigator": "parent_carer",
          "resolved": "no", "alleges_harm": "not_sure"}  # fmt: skip


FIXED = Path("/tmp/esafety-exact-outputs")  # the same folder on every run: an event's hash covers the paths in it


@pytest.fixture(scope="module")
def fc():
    """The built-in procedure, read from a copy at a path that is the same on every run and in every checkout."""
    return loader.load(fixed_file("flowchart.yaml", loader.builtin_path().read_bytes()))


def fixed_file(name: str, content: bytes) -> Path:
    """A file at a path that is the same on every run, written whole (two workers may both write it)."""
    FIXED.mkdir(exist_ok=True)
    path = FIXED / name
    part = FIXED / f".{name}.{os.getpid()}"
    part.write_bytes(content)
    os.utime(part, (START.timestamp(), START.timestamp()))
    os.replace(part, path)
    return path


def same_as_kept(name: str, text: str, tmp: Path) -> None:
    """`text`, with this run's folder and version put in plain words, is the file kept under `name`."""
    for folder in (str(tmp), str(tmp).replace("_", "\\_")):  # as written, and as Markdown escapes it
        text = text.replace(folder, "<tmp>")
    text = text.replace(__version__, "<version>")
    kept = SNAPSHOTS / name
    if WRITE:
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(text, encoding="utf-8")
    assert kept.exists(), f"{kept} is missing: write it with ESAFETY_SNAPSHOTS=write (see this file's docstring)"
    assert text == kept.read_text(encoding="utf-8")


@pytest.fixture
def clock(monkeypatch):
    """Each event one minute after the last, from a Monday morning in September; the school's contacts are set
    on the day of the last event."""
    ticks = iter(range(10_000))
    last = [START]

    def stamp():
        last[0] = START + timedelta(minutes=next(ticks))
        return last[0].isoformat()

    class Today(date):
        @classmethod
        def today(cls):
            return last[0].date()

    monkeypatch.setenv("TZ", "UTC")  # a file's modified time is written in the machine's own zone
    time.tzset()
    monkeypatch.setattr(store, "stamp", stamp)
    monkeypatch.setattr(school, "date", Today)
    yield
    monkeypatch.undo()
    time.tzset()


UNFINISHED = {"head_involved": "no", "can_report_to_head": "no", "child_at_risk": "no", "instigator": "parent_carer"}


@pytest.fixture
def lived(tmp_path, fc, clock):
    """Two incidents: one through every kind of event, closed with a step still open; one closed cleanly."""
    home = tmp_path / "home"
    school.set_contact(fc, "chair_of_governors", {"name": "Mr Old", "phone": "0300 000 0000"}, Home.at(home))
    shot = fixed_file("screenshot.png", b"\x89PNG a screenshot of the post")
    wrong = fixed_file("other.png", b"a file from another incident")
    here = school.apply(fc, Home.at(home))  # the procedure as the command line loads it: with the school's own contacts
    with incidents.open_store(Home.at(home)) as st:
        n = operations.create(st, here, PARENT, "Jo Head", {"resolved": "The parent refused to take the post down"})
        operations.describe(st, n, "A parent posted about Ms Lee on Facebook", "Ms Lee", "Jo Head")
        operations.done(st, n, ["1", "2"], "Screenshots taken with the date showing", "Jo Head")
        operations.undone(st, n, "2", "Ticked by mistake", "Jo Head")
        operations.decide(st, n, "3", "The parent is already meeting the head", "Jo Head")
        operations.note(st, n, "Rang the parent; no answer", "Sam DSL")
        operations.add_evidence(st, n, [shot], "From Ms Lee's phone", "Sam DSL")
        operations.add_evidence(st, n, [wrong], None, "Sam DSL")
        operations.withdraw_evidence(st, n, "other.png", "Registered to the wrong incident", "Sam DSL")
        operations.answer(
            st, n, here, {"alleges_harm": "no"}, "Jo Head", {"alleges_harm": "The post makes no allegation"}
        )
        operations.letter_drafted(
            st, n, here.letters["parent_invite"], tmp_path / "invite.docx", "docx", "ab" * 32,
            ["the parent's name"], "Jo Head",
        )  # fmt: skip
        operations.close(st, n, "Resolved at the meeting", "Jo Head", force=True)
        operations.reopen(st, n, "The parent posted again", "Jo Head")
        operations.close(st, n, "Post removed; the parent apologised", "Jo Head", force=True)
        m = operations.create(st, fc, {**PARENT, "resolved": "yes"}, "Jo Head")
        operations.close(st, m, "Resolved on the day", "Jo Head", force=True)
        o = operations.create(st, fc, UNFINISHED, "Sam DSL")  # the guide stopped: open, a decision with no reason
        operations.done(st, o, ["1"], "Told the Chair", "Sam DSL")
    return home, n, m


EXPORTED = "2026-10-01T09:00:00+01:00"


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_an_incident_through_every_kind_of_event_exports_exactly_as_kept(lived, fmt, tmp_path, fc):
    home, n, _ = lived
    # the school sets its own DSL's number, and changes its police contact, after the incident was saved
    school.set_contact(fc, "child_protection_officer", {"name": "Ms Patel", "phone": "01234 567890"}, Home.at(home))
    school.set_contact(fc, "chair_of_governors", {"name": "Mrs New"}, Home.at(home))
    with incidents.open_store(Home.at(home), readonly=True) as st:
        inc, problems = incidents.load(st, n)
        states = operations.evidence_states(inc)
    inc = incidents.with_school_now(inc, Home.at(home))
    same_as_kept(f"incident.{fmt}", incident_record.render(fmt, inc, problems, EXPORTED, states), tmp_path)


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_an_open_incident_whose_guide_stopped_short_exports_exactly_as_kept(lived, fmt, tmp_path):
    home, n, m = lived
    with incidents.open_store(Home.at(home), readonly=True) as st:
        inc, problems = incidents.load(st, m + 1)
    same_as_kept(f"unfinished.{fmt}", incident_record.render(fmt, inc, problems, EXPORTED, None), tmp_path)


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_the_governors_summary_is_exactly_as_kept(lived, fmt, tmp_path):
    home, _, _ = lived
    with incidents.open_store(Home.at(home), readonly=True) as st:
        s = summaries.governors_summary(st, "2026-09-01", "2026-09-30")
    same_as_kept(f"governors.{fmt}", governors_summary.governors(fmt, s, EXPORTED), tmp_path)


def test_the_list_of_incidents_and_each_summary_are_exactly_as_kept(lived, tmp_path):
    home, n, m = lived
    with incidents.open_store(Home.at(home), readonly=True) as st:
        rows = list(summaries.list_rows(st, "all"))
        each = [serialize.summary(incidents.get(st, i)) for i in (n, m)]
    same_as_kept("list.json", json.dumps({"rows": rows, "summaries": each}, indent=1) + "\n", tmp_path)


CHAIR = {
    "reader": "chair_of_governors",
    "head_involved": "posted_or_accused",
    "child_at_risk": "no",
    "instigator": "staff",
    "serious": "yes",
    "alleges_harm": "no",
    "can_report_to_head": "no",
}  # fmt: skip; the last is not asked of the Chair


def test_a_guides_outcome_and_its_path_are_exactly_as_kept(fc, tmp_path):
    out = engine.outcome(fc, PARENT, {"resolved": "The parent refused"})
    made = {
        "outcome": serialize.outcome(fc, out, START),
        "path": serialize.path(fc, out),
        "chair": serialize.outcome(fc, engine.outcome(fc, CHAIR), START),  # with the answers its reader gives
        "decided": serialize.outcome(fc, engine.outcome(fc, {**PARENT, "can_report_to_head": "no"}), START),
    }
    same_as_kept("outcome.json", json.dumps(made, indent=1) + "\n", tmp_path)


def test_every_refusal_of_the_case_file_says_exactly_what_to_do(lived, fc, tmp_path):
    """One line each: what was tried, and the message that refused it, word for word."""
    home, n, m = lived
    said = []

    def refused(what, do):
        with pytest.raises(WizardError) as e:
            do()
        said.append(f"{what}: {e.value}")

    with incidents.open_store(Home.at(home)) as st:
        refused("note on a closed incident", lambda: operations.note(st, n, "More", "Jo"))
        operations.reopen(st, m, "Another post", "Jo")
        refused("empty note", lambda: operations.note(st, m, "  ", "Jo"))
        refused(
            "done twice", lambda: (operations.done(st, m, ["1"], None, "Jo"), operations.done(st, m, ["1"], None, "Jo"))
        )
        refused("unknown step", lambda: operations.done(st, m, ["99"], None, "Jo"))
        refused("step by word", lambda: operations.done(st, m, ["evidence"], None, "Jo"))
        refused("undo a step never done", lambda: operations.undone(st, m, "4", None, "Jo"))
        refused("decide without a reason", lambda: operations.decide(st, m, "4", " ", "Jo"))
        refused("withdraw without a reason", lambda: operations.withdraw_evidence(st, m, "x", "", "Jo"))
        refused("withdraw what is not there", lambda: operations.withdraw_evidence(st, m, "other.png", "Wrong", "Jo"))
        refused("withdraw by a short hash", lambda: operations.withdraw_evidence(st, m, "abcdef1", "Wrong", "Jo"))
        refused("close without a reason", lambda: operations.close(st, m, None, "Jo"))
        refused("reopen an open incident", lambda: operations.reopen(st, m, "Again", "Jo"))
        refused("no such incident", lambda: incidents.get(st, 99))
        refused("dates the wrong way round", lambda: summaries.governors_summary(st, "2026-10-01", "2026-09-01"))
        refused("not a date", lambda: summaries.governors_summary(st, "2026-02-30", None))
        refused("a head of no events", lambda: verify.earlier("0-3f2a9c81d0e4b5a6"))
        refused("a copy of another incident", lambda: verify.compare(st, n, verify.Earlier(m, 1, "00", [], "")))
        refused("no file", lambda: verify.earlier(str(tmp_path / "missing.json")))
        refused("a JSON with no head", lambda: verify.earlier(str(write(tmp_path / "x.json", '{"history": []}'))))
        refused("text with no head", lambda: verify.earlier(str(write(tmp_path / "x.md", "Record head: none here"))))
        refused("an empty name", lambda: acting.set_name(Home.at(home), " "))
    same_as_kept("refusals.txt", "\n".join(said) + "\n", tmp_path)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_what_a_comparison_with_an_earlier_copy_says_is_exactly_as_kept(lived, tmp_path):
    home, n, _ = lived
    said = []
    with incidents.open_store(Home.at(home)) as st:
        events = st.events(n)
        heads = [f"{len(events) - k}-{events[-1 - k].hash[:16]}" for k in (0, 1, 3)]
        for head in heads:
            said.append(f"{head.split('-')[0]} of {len(events)}: {verify.compare(st, n, verify.earlier(head))}")
        longer = f"{len(events) + 1}-{events[-1].hash[:16]}"
        said.append(f"one more than the record: {verify.compare(st, n, verify.earlier(longer))}")
        longer = f"{len(events) + 3}-{events[-1].hash[:16]}"
        said.append(f"three more than the record: {verify.compare(st, n, verify.earlier(longer))}")
        wrong = f"{len(events) - 1}-{'0' * 16}"
        said.append(f"a different head: {verify.compare(st, n, verify.earlier(wrong))}")
    same_as_kept("compare.txt", "\n".join(said) + "\n", tmp_path)


@pytest.fixture
def small(tmp_path, clock):
    """A two-question procedure (tests/samples.py): one incident closed with one step open, one closed with
    every step done and no reason, one still open with a decision; its summaries for periods of every kind."""
    from samples import GOOD

    fc = loader.load(fixed_file("small.yaml", GOOD.encode()))
    home = tmp_path / "home"
    with incidents.open_store(Home.at(home)) as st:
        a = operations.create(st, fc, {"q1": "yes", "q2": "a"}, "Jo")
        operations.done(st, a, ["1", "3"], None, "Jo")
        operations.close(st, a, "The rest is for the police", "Jo", force=True)
        b = operations.create(st, fc, {"q1": "no"}, "Jo")
        operations.done(st, b, ["1"], None, "Jo")
        operations.close(st, b, None, "Jo")
        c = operations.create(st, fc, {"q1": "yes", "q2": "b"}, "Jo")
        operations.decide(st, c, "2", "Not for this school", "Jo")
        operations.reopen(st, b, None, "Jo")
    return home, (a, b, c)


def test_the_edges_of_a_small_procedures_records_are_exactly_as_kept(small, tmp_path):
    home, (a, b, c) = small
    said = []
    with incidents.open_store(Home.at(home), readonly=True) as st:
        for n, states in ((a, None), (b, ["unchecked"]), (c, [])):
            inc, problems = incidents.load(st, n)
            said += [
                incident_record.to_markdown(inc, problems, EXPORTED, states),
                incident_record.to_html(inc, problems, EXPORTED),
            ]
        said.append(incident_record.closing(incidents.get(st, a)))
        for start, end in ((None, None), ("2026-09-07", None), (None, "2026-09-07"), ("2026-09-08", "2026-09-09")):
            s = summaries.governors_summary(st, start, end)
            said += [governors_summary.governors("md", s, EXPORTED), governors_summary.governors("html", s, EXPORTED)]
    same_as_kept("small.txt", "\n----\n".join(said), tmp_path)
