"""An incident read back from its events: every field as the procedure gave it, steps no longer needed in the order
they first appeared, a record cut short, and events someone altered by hand (a field missing, or of another type)
read as absent rather than as wrong words or a crash. Run in process, so mutation testing sees them."""

from pathlib import Path

import pytest

from esafety_wizard.casefile import incidents, operations
from esafety_wizard.documents import incident_record
from esafety_wizard.errors import WizardError
from esafety_wizard.flowchart import loader
from esafety_wizard.flowchart.model import Local
from esafety_wizard.home import Home
from esafety_wizard.record import serialize
from esafety_wizard.record.event import Event, malformed
from esafety_wizard.record.incident import NO_LONGER_NEEDED, FlowchartRef, evidence_of, facts, replay

PARENT = {
    "head_involved": "no",
    "can_report_to_head": "yes",
    "child_at_risk": "no",
    "alleges_harm": "no",
    "instigator": "parent_carer",
    "resolved": "no",
}
PACK = Path(__file__).parents[1] / "procedures" / "pack"


def ev(n: int, kind: str, data: dict) -> Event:
    """An event as the store hands it to replay (its chain is checked elsewhere: see test_meaning)."""
    return Event(1, n, f"2026-09-07T08:{n:02d}:00+00:00", "Jo", kind, data, "", "")


def step(sid: str, **more) -> dict:
    return {"id": sid, "section": "Now", "text": f"Do {sid}.", "status": "due", **more}


def answered(n: int, steps: list[dict], answers: list[dict] | None = None, **more) -> Event:
    answers = answers if answers is not None else [{"id": "q", "question": "Q?", "answer": "a", "label": "A"}]
    return ev(n, "answered", {"answers": answers, "complete": True, "steps": steps, "contacts": [], **more})


OPENED = ev(1, "opened", {"flowchart": {"title": "T", "path": "/p.yaml", "sha256": "ab" * 32}})


@pytest.fixture
def recorded(tmp_path, fc):
    """The events of an incident on the built-in procedure, as the store keeps them."""
    with incidents.open_store(Home.at(tmp_path / "home")) as st:
        n = operations.create(st, fc, PARENT, "Jo")
        return st.events(n)


def test_a_replayed_step_is_the_procedures_step_field_for_field(recorded, fc):
    inc = replay(recorded)
    assert len(inc.checklist) > 5
    kept = ("id", "text", "condition", "details", "source", "added", "contacts", "short", "when", "info", "route")
    for it in inc.checklist:
        want = fc.steps[it.id]
        assert [getattr(it.step, k) for k in kept] == [getattr(want, k) for k in kept], it.id
        assert it.step.section == fc.sections[want.section].title
    assert any(it.step.when for it in inc.checklist)  # the conditional steps' few words ('If ...') come back too


def test_a_record_with_no_events_is_refused_in_words_that_say_what_to_do():
    with pytest.raises(WizardError) as e:
        replay([])
    assert str(e.value) == "This incident has no events: its record was cut. Check the file with: esafety log verify"


def test_a_record_cut_after_its_first_event_is_open_unfinished_and_empty():
    inc = replay([OPENED])
    assert (inc.complete, inc.closed, inc.not_known_yet, inc.checklist, inc.answers) == (False, False, (), (), ())
    assert inc.flowchart.title == "T" and inc.flowchart.sha256 == "ab" * 32
    # the JSON export says so in its own types: false, not null
    assert incident_record.to_json(inc, [], "2026-09-07T09:00:00+00:00").count('"guide_complete": false') == 1


def test_reopened_is_open_again():
    inc = replay([OPENED, answered(2, [step("a")]), ev(3, "closed", {}), ev(4, "reopened", {})])
    assert not inc.closed
    assert '"status": "open"' in incident_record.to_json(inc, [], "2026-09-07T09:00:00+00:00")


def test_steps_no_longer_needed_come_in_the_order_they_first_appeared_with_their_decisions():
    order = ["zeta", "alpha", "mid", "beta", "omega", "kappa"]  # neither alphabetical nor any set's order, likely
    events = [OPENED, answered(2, [step(s) for s in order])]
    events += [ev(3 + i, "step_done", {"step": s}) for i, s in enumerate(order[:-1])]
    events += [ev(20, "step_decided", {"step": "kappa", "reason": "Not for us"})]
    events += [ev(21, "step_done", {"step": "never_on_any_checklist"})]  # by hand: read, and left out
    events += [answered(22, [], [{"id": "q", "question": "Q?", "answer": "b", "label": "B"}])]
    inc = replay(events)
    assert [it.id for it in inc.checklist] == order
    assert {it.status for it in inc.checklist} == {NO_LONGER_NEEDED}
    assert inc.checklist[-1].decided.reason == "Not for us" and inc.checklist[-1].done is None
    assert all(it.dropped and it.dropped.changed == (("Q?", "A", "B"),) for it in inc.checklist)


BAD = [  # events altered by hand: a field missing, or of another type
    ev(10, "note", {}),
    ev(11, "note", {"text": 5}),
    ev(12, "step_decided", {"step": "a"}),
    ev(13, "step_decided", {"step": "a", "reason": 5}),
    ev(14, "step_decided", {"reason": "why"}),
    ev(15, "evidence", {"sha256": "cd" * 32}),
    ev(16, "evidence_withdrawn", {"path": "/e.png", "reason": "wrong one"}),
    ev(17, "step_done", {"step": 5}),
]


def test_events_altered_by_hand_change_nothing_and_are_each_named(tmp_path):
    good = [
        OPENED,
        answered(2, [step("a"), step("b")]),
        ev(3, "evidence", {"path": "/e.png", "name": "e.png", "size": 3, "mtime": "m", "sha256": "ef" * 32}),
        ev(4, "note", {"text": "Rang"}),
    ]
    want = replay(good)
    for bad in BAD:
        got = replay([*good, bad])
        assert got._replace(events=want.events) == want, bad
        assert evidence_of([*good, bad]) == list(want.evidence), bad
        assert malformed([*good, bad]) == [f"event {bad.n} is not a well-formed '{bad.kind}' event"], bad


def test_a_value_of_another_type_reads_as_absent_not_as_words():
    answers = [
        {"id": "q", "question": "Q?", "answer": "a", "label": "A", "reason": ""},
        {"id": "r", "question": "R?", "answer": "b", "label": "B", "reason": 5},
    ]
    events = [
        OPENED,
        answered(2, [step("a", short=5, when=["x"], route=None)], answers, who_question=5),
        ev(3, "step_done", {"step": "a", "note": 5}),
    ]
    inc = replay(events)
    assert [a.reason for a in inc.answers] == [None, None]
    assert inc.who_question is None
    it = inc.checklist[0]
    assert (it.step.short, it.step.when, it.step.route) == (None, None, None)
    assert it.done.note is None and it.done.actor == "Jo"


def test_an_event_marked_unreadable_is_named_whatever_else_it_holds():
    assert malformed([ev(5, "note", {"text": "Rang", "unreadable": "x"})]) == [
        "event 5 is not a well-formed 'note' event"
    ]


def test_an_incident_on_a_procedure_of_a_pack_keeps_the_shared_contacts_files_sha256(tmp_path):
    fc = loader.load_pack(PACK).procedures["illegal"]
    assert len(fc.contacts_sha256) == 64
    with incidents.open_store(Home.at(tmp_path / "home")) as st:
        n = operations.create(st, fc, {"images": "no"}, "Jo")
        inc = incidents.get(st, n)
        first = st.events(n)[0]
    assert inc.flowchart.contacts_sha256 == fc.contacts_sha256
    assert first.data["flowchart"] == {
        "title": fc.title,
        "path": fc.origin,
        "sha256": fc.sha256,
        "contacts_sha256": fc.contacts_sha256,
    }


def test_a_listing_row_of_an_unfinished_guide_says_the_rest_of_the_guide_is_awaited():
    events = [OPENED, ev(2, "answered", {"answers": [], "complete": False, "steps": [step("a")], "contacts": []})]
    row = serialize.summary(replay(events))
    assert row["waiting_for"][-1] == "(guide not finished)"
    assert row["waiting_for_questions"][-1] == "the rest of the guide"
    done = serialize.summary(replay([*events[:1], answered(2, [step("a")])]))
    assert "(guide not finished)" not in done["waiting_for"]
    assert "the rest of the guide" not in done["waiting_for_questions"]


def test_a_procedure_a_step_status_and_a_contact_altered_by_hand_read_as_absent_or_as_their_default():
    contacts = [
        {"id": "x", "phone": 5, "local": {"name": 5, "phone": "01234", "checked": 7}},
        {"id": "y", "name": "Police", "email": "p@example.org", "local": "not a mapping"},
        {"id": 7, "name": "Z"},
    ]
    events = [
        ev(1, "opened", {"flowchart": "not a mapping"}),
        ev(
            2,
            "answered",
            {"answers": [], "complete": True, "steps": [{"id": "a", "text": "Do a."}], "contacts": contacts},
        ),
    ]
    inc = replay(events)
    assert inc.flowchart == FlowchartRef()
    assert [(it.id, it.status) for it in inc.checklist] == [("a", "due")]
    x, y, z = inc.contacts
    assert (z.id, z.name) == ("", "Z")
    assert (x.id, x.name, x.phone, x.local) == ("x", "(no name)", None, Local(None, "01234", None, ""))
    assert (y.id, y.name, y.email, y.local) == ("y", "Police", "p@example.org", None)


@pytest.mark.parametrize(
    "open_steps, forced", [(["a", "b"], [2, "Agreed with the LADO"]), ("two", None), ([], None), (None, None)]
)
def test_a_close_counts_as_forced_only_with_a_list_of_open_steps(open_steps, forced):
    closing = ev(3, "closed", {"reason": "Agreed with the LADO", "open_steps": open_steps})
    inc = replay([OPENED, answered(2, [step("a")]), closing])
    assert facts(inc)["forced"] == forced


def test_carrying_on_a_replay_gives_the_incident_a_replay_from_the_first_event_gives(tmp_path):
    """A change's summary row carries on the replay its check made: at every point of a real history, replaying
    the first k events and then carrying on to the end is the same incident as one replay of all of them."""
    from esafety_wizard.record.incident import Replays

    home = Home.at(tmp_path / "home")
    fc = loader.load(loader.builtin_path())
    with incidents.open_store(home) as st:
        n = operations.create(st, fc, PARENT, "Jo")
        operations.done(st, n, ["1", "2"], "Taken", "Jo")
        operations.undone(st, n, "2", "By mistake", "Jo")
        operations.decide(st, n, "3", "Not needed", "Jo")
        operations.answer(st, n, fc, {"resolved": "yes"}, "Jo", {"resolved": "Taken down"})
        operations.note(st, n, "Rang", "Jo")
        operations.close(st, n, "Done", "Jo", force=True)
        operations.reopen(st, n, "Again", "Jo")
        events = st.events(n)
    whole = replay(events)
    for k in range(1, len(events) + 1):
        replays = Replays()
        replays.replay(events[:k])
        assert replays.replay(events) == whole, k
        assert replays.full == 1
    other = Replays()
    other.replay(events[:3])
    changed = [*events[:2], events[2]._replace(hash="0" * 64), *events[3:]]
    other.replay(changed)
    assert other.full == 2  # a history that is not the one carried on is replayed from its first event
