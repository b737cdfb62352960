"""Operations on the case file, called as a library: one open store, values back, WizardError on a mistake,
nothing printed."""

import pytest

from esafety_wizard.casefile import acting, incidents, operations, verify
from esafety_wizard.casefile.store import Store
from esafety_wizard.errors import WizardError
from esafety_wizard.home import Home
from esafety_wizard.record.incident import Item

PUPIL = {
    "head_involved": "no",
    "can_report_to_head": "yes",
    "child_at_risk": "no",
    "alleges_harm": "no",
    "instigator": "pupil",
    "refuses_removal": "not_yet",
}


@pytest.fixture
def st(tmp_path):
    with Store(tmp_path / "home") as store:
        yield store


@pytest.fixture
def one(st, fc):
    return operations.create(st, fc, PUPIL, "Jo Head")


def test_create_then_read_back_the_same_answers_and_checklist(st, fc, one, capsys):
    inc = incidents.get(st, one)
    assert [(a.id, a.value) for a in inc.answers] == list(PUPIL.items())
    assert inc.created_by == "Jo Head" and inc.status == "open" and not inc.complete
    assert all(isinstance(it, Item) for it in inc.checklist)
    assert [it.number for it in inc.checklist] == list(range(1, len(inc.checklist) + 1))
    assert inc.flowchart.sha256 == fc.sha256
    assert capsys.readouterr() == ("", "")


def test_done_returns_the_item_and_records_who_and_the_note(st, one):
    [it] = operations.done(st, one, "1", "Form tutor identified the pupils", "Jo")
    again = incidents.get(st, one).item(it.id)
    assert again.done.actor == "Jo" and again.done.note == "Form tutor identified the pupils"
    with pytest.raises(WizardError, match="has no step '99'"):
        operations.done(st, one, "99", None, "Jo")


def test_a_closed_incident_takes_no_change_until_reopened(st, one):
    operations.close(st, one, "Resolved", "Jo", force=True)
    for change in (
        lambda: operations.note(st, one, "late note", "Jo"),
        lambda: operations.done(st, one, "1", None, "Jo"),
        lambda: operations.close(st, one, None, "Jo"),
    ):
        with pytest.raises(WizardError, match="is closed"):
            change()
    operations.reopen(st, one, "New posts", "Jo")
    assert operations.note(st, one, "New post seen", "Jo").kind == "note"
    with pytest.raises(WizardError, match="already open"):
        operations.reopen(st, one, None, "Jo")


def test_record_answers_reports_what_changed_on_the_checklist(st, fc, one):
    before = {it.id for it in incidents.get(st, one).checklist}
    inc = operations.record_answers(st, one, fc, {**PUPIL, "refuses_removal": "no", "serious": "yes"}, "Jo")
    changes = inc.events[-1].data["changes"]
    after = {it.id for it in inc.checklist}
    assert set(changes["added"]) == after - before and set(changes["dropped"]) == before - after


def test_verify_returns_what_it_found_for_each_incident(st, fc, one, tmp_path):
    f = tmp_path / "post.png"
    f.write_bytes(b"x")
    operations.add_evidence(st, one, [f], "As seen on Monday", "Jo")
    [v] = verify.verify(st, one)
    assert v.ok and v.problems == [] and v.evidence[0][1] == "unchanged"
    f.write_bytes(b"y")
    [v] = verify.verify(st)
    assert not v.ok and v.evidence[0][1] == "changed"


def test_empty_note_and_missing_name_are_errors_naming_the_fix(st, one, tmp_path):
    with pytest.raises(WizardError, match="empty"):
        operations.note(st, one, "  ", "Jo")
    with pytest.raises(WizardError, match="esafety log name"):
        acting.actor(Home.at(tmp_path / "nobody"), None)
    acting.set_name(Home.at(tmp_path / "somebody"), " Jo Bloggs ")
    assert acting.actor(Home.at(tmp_path / "somebody"), None) == "Jo Bloggs"


def test_evidence_is_read_in_blocks_and_reports_its_progress(tmp_path):
    from esafety_wizard.casefile import evidence

    f = tmp_path / "video.mp4"
    f.write_bytes(b"x" * (3 * evidence.BLOCK + 5))
    seen = []
    fp = evidence.fingerprint(f, lambda done, total: seen.append((done, total)))
    assert len(seen) == 4 and seen[-1] == (f.stat().st_size, f.stat().st_size)
    import hashlib

    assert fp["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()


def test_one_state_a_step_a_second_tick_or_a_tick_after_a_decision_without_a_word_is_refused(st, one):
    events = len(incidents.get(st, one).events)
    with pytest.raises(WizardError, match="has no step '99'"):
        operations.done(st, one, ["2", "99"], None, "Jo")  # a mistake in one marks none
    assert len(incidents.get(st, one).events) == events
    assert [it.number for it in operations.done(st, one, ["1", "2"], "Both done on Monday", "Jo")] == [1, 2]
    with pytest.raises(WizardError, match="is already marked done"):
        operations.done(st, one, "1", "again", "Jo")
    operations.decide(st, one, "3", "Not needed: the post was removed", "Jo")
    with pytest.raises(WizardError, match="was decided against: 'Not needed: the post was removed'"):
        operations.done(st, one, "3", None, "Jo")
    [it] = operations.done(st, one, "3", "Done after all: new posts appeared", "Jo")
    again = incidents.get(st, one).item(it.id)
    assert again.done.note == "Done after all: new posts appeared" and again.decided.reason.startswith("Not needed")
