"""Tests of what the record means, not of its words: the state of a step after a sequence of operations, which
stored fields the hash chain protects, the governors' summary at the ends of its period, and the engine's
precedence rules on procedures written for the test. Run in process, so mutation testing sees them."""

import json
import sqlite3

import pytest

from esafety_wizard.casefile import acting, incidents, operations, store, summaries, verify
from esafety_wizard.casefile.store import DB_NAME, Store
from esafety_wizard.documents import governors_summary, incident_record
from esafety_wizard.errors import WizardError
from esafety_wizard.flowchart import engine, loader
from esafety_wizard.home import Home

PARENT = {"head_involved": "no", "can_report_to_head": "yes", "child_at_risk": "no", "instigator": "parent_carer",
          "resolved": "no", "alleges_harm": "no"}  # fmt: skip


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def one(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        return operations.create(st, fc, PARENT, "Jo")


APPEND_ONLY = (
    "events_append_only_update",
    "events_append_only_delete",
    "incidents_append_only_update",
    "incidents_append_only_delete",
)


def by_hand(home, *statements):
    """Change the incident database as someone who can write the file could, past its append-only triggers:
    each statement is SQL, or (SQL, parameters)."""
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    for trigger in APPEND_ONLY:
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for statement in statements:
        db.execute(*((statement,) if isinstance(statement, str) else statement))
    db.close()


def item(home, incident_id, ref):
    with incidents.open_store(Home.at(home), readonly=True) as st:
        inc = incidents.get(st, incident_id)
        return inc.item(ref), inc


# --- a step's state after sequences of operations ------------------------------------------------------------


def test_done_twice_is_refused_and_the_first_note_stays(home, one):
    with incidents.open_store(Home.at(home)) as st:
        operations.done(st, one, ["1"], "First note", "Jo")
        with pytest.raises(WizardError, match="already marked done"):
            operations.done(st, one, ["1"], "Second note", "Sam")
    it, _ = item(home, one, "1")
    assert it.done.note == "First note" and it.done.actor == "Jo" and it.status == "due"


def test_decided_then_undone_is_open_again_and_both_stay_in_the_history(home, one):
    with incidents.open_store(Home.at(home)) as st:
        operations.decide(st, one, "2", "Not needed", "Jo")
        operations.undone(st, one, "2", "Decided by mistake", "Jo")
    it, inc = item(home, one, "2")
    assert it.open and it.decided is None and it.done is None
    kinds = [e.kind for e in inc.events]
    assert kinds[-2:] == ["step_decided", "step_undone"]


def test_done_after_decided_needs_a_note_and_then_holds_both(home, one):
    with incidents.open_store(Home.at(home)) as st:
        operations.decide(st, one, "2", "Not needed", "Jo")
        with pytest.raises(WizardError, match="was decided against"):
            operations.done(st, one, ["2"], None, "Jo")
        operations.done(st, one, ["2"], "Needed after all: the parent posted again", "Jo")
    it, _ = item(home, one, "2")
    assert it.done.note.startswith("Needed after all") and it.decided.reason == "Not needed"
    assert not it.open


def test_a_field_cleared_is_cleared_and_the_history_keeps_it(home, one):
    with incidents.open_store(Home.at(home)) as st:
        operations.describe(st, one, "Posts on Facebook", "Mr Smith", "Jo")
        operations.describe(st, one, "", None, "Jo")
    _, inc = item(home, one, "1")
    assert inc.description is None and inc.staff == "Mr Smith"
    assert sum(e.kind == "described" for e in inc.events) == 2


def test_a_close_with_an_open_conditional_step_needs_force_and_lists_it(home, fc):
    answers = {**PARENT, "alleges_harm": "not_sure"}
    with incidents.open_store(Home.at(home)) as st:
        n = operations.create(st, fc, answers, "Jo")
        inc = incidents.get(st, n)
        for it in inc.checklist:
            if it.status == "due" and not it.step.info:
                operations.done(st, n, [str(it.number)], None, "Jo")
        still = [it for it in incidents.get(st, n).checklist if it.open]
        assert still and all(it.status == "conditional" for it in still)
        with pytest.raises(WizardError, match="neither done nor decided"):
            operations.close(st, n, None, "Jo")
        e = operations.close(st, n, "The parent removed it", "Jo", force=True)
    assert e.data["open_steps"] == [it.id for it in still]


def test_an_answer_changed_after_a_reason_keeps_the_reason_only_while_the_answer_holds(home, one, fc):
    with incidents.open_store(Home.at(home)) as st:
        operations.answer(st, one, fc, {"resolved": "yes"}, "Jo", {"resolved": "Removed on Tuesday"})
        operations.answer(st, one, fc, {"alleges_harm": "not_sure"}, "Jo")
        assert {a.id: a.reason for a in incidents.get(st, one).answers}["resolved"] == "Removed on Tuesday"
        operations.answer(st, one, fc, {"resolved": "no"}, "Jo")
        assert {a.id: a.reason for a in incidents.get(st, one).answers}["resolved"] is None


def test_a_step_done_then_dropped_is_no_longer_needed_with_who_changed_what(home, one, fc):
    with incidents.open_store(Home.at(home)) as st:
        inc = incidents.get(st, one)
        chair = next(it for it in inc.checklist if it.id == "parent_chair")
        operations.done(st, one, [str(chair.number)], "Chair told", "Jo")
        operations.answer(st, one, fc, {"resolved": "yes"}, "Sam")
        it = incidents.get(st, one).item("parent_chair")
    assert it.status == "no_longer_needed" and it.done.note == "Chair told"
    assert it.dropped.actor == "Sam" and any("solved" in c[0] for c in it.dropped.changed)


# --- which stored fields the hash chain protects ----------------------------------------------------------------


@pytest.mark.parametrize(
    "column, value",
    [
        ("n", "n + 100"),
        ("at", "'2026-01-01T00:00:00+00:00'"),
        ("actor", "'Someone else'"),
        ("kind", "'reopened'"),
        ("data", """'{"text":"Changed"}'"""),
        ("prev", "'0000'"),
        ("hash", "'abcd'"),
    ],
)
def test_every_stored_column_of_an_event_altered_in_place_is_caught(home, one, column, value):
    with incidents.open_store(Home.at(home)) as st:
        operations.note(st, one, "Original", "Jo")
        operations.note(st, one, "After", "Jo")
    by_hand(home, f"UPDATE events SET {column} = {value} WHERE n = 3")
    with Store(home, create=False, readonly=True) as st:
        found = verify.verify(st, one)
    assert not found[0].ok and found[0].problems, column


def test_a_chain_cut_and_recomputed_is_caught_against_an_earlier_copy(home, one, tmp_path):
    from esafety_wizard.record.event import event_hash

    with incidents.open_store(Home.at(home)) as st:
        for i in range(3):
            operations.note(st, one, f"note {i}", "Jo")
        inc, problems = incidents.load(st, one)
    copy = tmp_path / "copy.json"
    copy.write_text(incident_record.to_json(inc, problems, "2026-12-01T09:00:00+00:00"))
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    db.execute("DROP TRIGGER events_append_only_update")
    db.execute("DROP TRIGGER events_append_only_delete")
    db.execute("UPDATE events SET data = ? WHERE n = 3", (json.dumps({"text": "rewritten"}),))
    prev = ""
    for n, at, actor, kind, data in db.execute("SELECT n, at, actor, kind, data FROM events ORDER BY n").fetchall():
        h = event_hash(one, n, at, actor, kind, json.loads(data), prev)
        db.execute("UPDATE events SET prev = ?, hash = ?, data = ? WHERE n = ?", (prev, h, data, n))
        prev = h
    db.close()
    with Store(home, create=False, readonly=True) as st:
        assert verify.verify(st, one)[0].ok  # the file alone cannot see a recomputed chain
        found, proved = verify.compare(st, one, verify.earlier(str(copy)))
    assert found and "event 3" in found[0] and not proved


# --- the governors' summary: the ends of its period, and what a route is called ----------------------------------


def _on(st, fc, day: str, answers=PARENT) -> int:
    from esafety_wizard.record import serialize

    at = f"{day}T09:00:00+00:00"
    return st.new_incident(
        at,
        "Jo",
        [("opened", {"flowchart": serialize.flowchart_ref(fc)}), ("answered", operations.answered_data(fc, answers))],
    )


def test_the_period_includes_its_first_and_last_days_and_nothing_outside(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        for day in ("2026-08-31", "2026-09-01", "2026-09-15", "2026-09-30", "2026-10-01"):
            _on(st, fc, day)
        s = summaries.governors_summary(st, "2026-09-01", "2026-09-30")
        assert s.incidents == 3 and [n for n, _ in s.heads] == [2, 3, 4]
        assert summaries.governors_summary(st, "2026-09-30", "2026-09-30").incidents == 1
        assert summaries.governors_summary(st, None, "2026-08-31").incidents == 1
        assert summaries.governors_summary(st, "2026-10-01", None).incidents == 1


def test_a_route_is_counted_by_its_kind_not_by_the_name_the_school_gave_its_contact(home, tmp_path):
    from esafety_wizard.casefile import school

    fc = loader.load()
    school.set_contact(fc, "chair_of_governors", {"name": "Mr Okafor"}, Home.at(home))
    fc = school.apply(fc, Home.at(home))
    with incidents.open_store(Home.at(home)) as st:
        n = operations.create(st, fc, PARENT, "Jo")
        chair = incidents.get(st, n).item("parent_chair")
        operations.done(st, n, [str(chair.number)], None, "Jo")
        s = summaries.governors_summary(st, None, None)
    assert s.by_route == {"Chair of Governors": 1}
    assert "Okafor" not in json.dumps(governors_summary.governors_json(s, "2026-12-01"))


def test_hostile_values_in_every_field_stay_text_in_every_export(home, one):
    hostile = "<script>x</script> # [link](javascript:x) | \x1b[31m"
    with incidents.open_store(Home.at(home)) as st:
        operations.describe(st, one, hostile, hostile, hostile)
        operations.note(st, one, hostile, hostile)
        operations.decide(st, one, "2", hostile, hostile)
        inc, problems = incidents.load(st, one)
    md = incident_record.to_markdown(inc, problems, "2026-12-01T09:00:00+00:00")
    html = incident_record.to_html(inc, problems, "2026-12-01T09:00:00+00:00")
    data = json.loads(incident_record.to_json(inc, problems, "2026-12-01T09:00:00+00:00"))
    assert "<script>" not in md and "<script>" not in html and "\x1b" not in md + html
    assert "\n# " not in md and "| \\x1b" not in md
    assert data["history"][-1]["actor"] == hostile  # JSON keeps the words, escaped by the encoder


# --- the engine's precedence rules, on procedures written for the test -----------------------------------------

TWO_QUESTIONS = """\
title: Precedence
start: q1
questions:
  q1:
    text: First?
    choices:
      due: {next: q2, due: [s1]}
      cond: {next: q2, conditional: [s1]}
  q2:
    text: Second?
    choices:
      due: {next: end, due: [s1, s2]}
      cond: {next: end, conditional: [s1]}
sections:
  main: {title: Main}
steps:
  s1: {section: main, text: One., source: x}
  s2: {section: main, text: Two., source: x, covered_by: [s1]}
  s3: {section: main, text: Always., source: x, always: true}
contacts: {}
"""


@pytest.mark.parametrize(
    "first, second, s1",
    [("due", "cond", "due"), ("cond", "due", "due"), ("cond", "cond", "conditional"), ("due", "due", "due")],
)
def test_due_on_any_answer_outranks_conditional_on_another_whatever_the_order(tmp_path, first, second, s1):
    f = tmp_path / "p.yaml"
    f.write_text(TWO_QUESTIONS)
    fc = loader.load(f)
    out = engine.outcome(fc, {"q1": first, "q2": second})
    status = {r.step.id: r.status for r in out.steps}
    assert status["s1"] == s1 and status["s3"] == "due"
    # s2 is covered by s1 only where s1 is due: a conditional step might not happen.
    assert ("s2" in status) == (second == "due" and s1 != "due")


# --- operations, exactly: what each one writes and what it accepts ---------------------------------------------


def events_of(home, incident_id):
    with incidents.open_store(Home.at(home), readonly=True) as st:
        return st.events(incident_id)


def test_a_step_undone_or_an_incident_reopened_without_a_note_writes_no_note(home, one):
    with incidents.open_store(Home.at(home)) as st:
        operations.done(st, one, ["1"], None, "Jo")
        operations.undone(st, one, "1", None, "Jo")
        operations.done(st, one, ["1"], None, "Jo")
        operations.undone(st, one, "1", "Wrong step", "Jo")
    undone = [e.data for e in events_of(home, one) if e.kind == "step_undone"]
    assert undone[0] == {"step": undone[0]["step"]} and undone[1]["note"] == "Wrong step"


def test_evidence_is_written_with_its_note_only_when_given_and_read_back_whole(home, one, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    a.write_bytes(b"first")
    b.write_bytes(b"second, longer")
    with incidents.open_store(Home.at(home)) as st:
        operations.add_evidence(st, one, [a], None, "Jo")
        operations.add_evidence(st, one, [b], "From the phone", "Sam")
        inc = incidents.get(st, one)
    data = [e.data for e in events_of(home, one) if e.kind == "evidence"]
    assert "note" not in data[0] and data[1]["note"] == "From the phone"
    first, second = inc.evidence
    assert (first.name, first.size, first.note, first.actor) == ("a.png", 5, None, "Jo")
    assert (second.name, second.size, second.note, second.actor) == ("b.png", 14, "From the phone", "Sam")
    assert first.mtime == data[0]["mtime"] and first.mtime.startswith("20") and first.path == str(a.resolve())


def test_the_same_file_twice_in_one_registration_is_refused_naming_both(home, one, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "copy-of-a.png"
    a.write_bytes(b"same")
    b.write_bytes(b"same")
    with incidents.open_store(Home.at(home)) as st, pytest.raises(WizardError) as e:
        operations.add_evidence(st, one, [a, b], None, "Jo")
    assert str(e.value) == (
        f"{b.resolve()} is already registered with incident {one} (the same contents as {a.resolve()}, registered "
        "now by you). Nothing was registered."
    )
    assert not [e for e in events_of(home, one) if e.kind == "evidence"]


def test_evidence_progress_is_reported_for_each_file_with_its_bytes(home, one, tmp_path):
    a = tmp_path / "a.bin"
    a.write_bytes(b"x" * 10)
    seen = []
    with incidents.open_store(Home.at(home)) as st:
        operations.add_evidence(st, one, [a], None, "Jo", progress=lambda *called: seen.append(called))
    assert seen and seen[-1] == (a, 10, 10)


@pytest.mark.parametrize("how", ["path", "relative", "name", "sha8", "SHA8", "sha64"])
def test_evidence_is_withdrawn_by_its_path_name_or_the_start_of_its_sha256(home, one, tmp_path, monkeypatch, how):
    a = tmp_path / "shot.png"
    a.write_bytes(b"the post")
    monkeypatch.chdir(tmp_path)
    with incidents.open_store(Home.at(home)) as st:
        sha = operations.add_evidence(st, one, [a], None, "Jo")[0].data["sha256"]
        ref = {"path": str(a), "relative": "./shot.png", "name": "shot.png", "sha8": sha[:8], "SHA8": sha[:8].upper(),
               "sha64": sha}[how]  # fmt: skip
        assert operations.withdraw_evidence(st, one, f"  {ref} ", "  Wrong incident ", "Jo").sha256 == sha
    assert events_of(home, one)[-1].data == {"sha256": sha, "name": "shot.png", "reason": "Wrong incident"}


def test_seven_characters_of_a_sha256_are_too_few_and_a_name_on_two_files_is_refused(home, one, tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "shot.png").write_bytes(folder.encode())
    with incidents.open_store(Home.at(home)) as st:
        found = operations.add_evidence(st, one, [tmp_path / "x" / "shot.png", tmp_path / "y" / "shot.png"], None, "Jo")
        sha = found[0].data["sha256"]
        with pytest.raises(WizardError) as short:
            operations.withdraw_evidence(st, one, sha[:7], "Wrong", "Jo")
        with pytest.raises(WizardError) as two:
            operations.withdraw_evidence(st, one, "shot.png", "Wrong", "Jo")
        with pytest.raises(WizardError) as empty:
            operations.withdraw_evidence(st, one, "   ", "Wrong", "Jo")
    listed = "".join(f"\n  shot.png (SHA-256 {e.data['sha256'][:12]})" for e in found)
    assert str(short.value) == (
        f"'{sha[:7]}' is not registered with it. The evidence of incident {one}:{listed}\n"
        "Give the file's path or name, or the start of its SHA-256."
    )
    assert str(two.value).startswith(f"'shot.png' matches more than one file. The evidence of incident {one}:")
    assert str(empty.value).startswith("'   ' is not registered with it.")


def test_a_letter_is_found_by_its_name_or_the_nearest_is_suggested(fc):
    assert operations.letter_template(fc, "parent_invite") is fc.letters["parent_invite"]
    with pytest.raises(WizardError) as e:
        operations.letter_template(fc, "parent_invit")
    assert str(e.value) == (
        f"The procedure has no letter 'parent_invit'. Did you mean 'parent_invite'? Its letters: "
        f"{', '.join(fc.letters)} (see esafety letters)."
    )
    with pytest.raises(WizardError) as e:
        operations.letter_template(fc, "zzzzzzzzzzzzzzzzzzzz")
    assert "Did you mean" not in str(e.value)
    with pytest.raises(WizardError, match=r"^This procedure has no letters to draft\.$"):
        operations.letter_template(fc._replace(letters={}), "parent_invite")


def test_the_saved_name_is_read_back_replaced_and_never_made_up(home):
    assert acting.saved_name(Home.at(home)) is None
    acting.set_name(Home.at(home), "Jo Head")
    acting.set_name(Home.at(home), "Sam DSL")  # a second name replaces the first
    assert acting.saved_name(Home.at(home)) == "Sam DSL"
    (home / "config.json").write_text('["not", "a", "name"]')
    assert acting.saved_name(Home.at(home)) is None
    (home / "config.json").write_text('{"name": ""}')
    assert acting.saved_name(Home.at(home)) is None


def test_a_mistyped_step_suggests_at_most_three_near_it_with_words_first(home, one):
    with incidents.open_store(Home.at(home), readonly=True) as st:
        inc = incidents.get(st, one)
    near = {ref: [it.id for it in inc.near(ref)] for ref in ("report", "Report  THE", "keep_evidenc", "dont_engag")}
    assert near == {
        "report": ["report_incident", "intimate_images_adult", "police_crime"],  # four start so: three are shown
        "Report  THE": ["report_incident", "report_abuse"],
        "keep_evidenc": ["keep_evidence"],
        "dont_engag": [],  # not a step of this reader's checklist
    }
    assert inc.item("keep any evidence").id == "keep_evidence" and inc.item("report") is None  # two start so


def test_verify_of_one_incident_reads_only_that_incident(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        a = operations.create(st, fc, PARENT, "Jo")
        b = operations.create(st, fc, PARENT, "Jo")
    by_hand(home, ("UPDATE events SET actor = 'Mallory' WHERE incident_id = ?", (b,)))
    with Store(home, create=False, readonly=True) as st:
        assert st.verify(a) == [] and st.verify(b)


def test_a_database_that_cannot_be_read_is_named_with_the_first_line_of_the_reason(home):
    home.mkdir(parents=True)
    (home / DB_NAME).write_bytes(b"not a database\n" * 100)
    with pytest.raises(WizardError) as e:
        Store(home, create=False, readonly=True)
    said = str(e.value)
    assert "cannot be read as an incident database (file is not a database)" in said and "\n" not in said


def test_a_value_quoted_in_a_message_is_one_line_and_cut_at_sixty_characters():
    assert engine.shown_value("x" * 60) == "x" * 60
    assert engine.shown_value("x" * 61) == "x" * 59 + "…"
    assert engine.shown_value("a\nb") == "a b" and engine.shown_value(5) == "5"
    assert engine.shown_value("x" * 10, limit=4) == "xxx…"


def test_a_reason_is_the_first_line_of_an_error():
    from esafety_wizard.casefile.store import _reason

    assert _reason(ValueError("database disk image is malformed\nmore detail")) == "database disk image is malformed"


def test_verify_of_every_incident_reads_events_whose_incident_row_is_gone_under_their_own_number(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        ids = [operations.create(st, fc, PARENT, "Jo") for _ in range(4)]
        operations.note(st, ids[1], "a note", "Jo")
    by_hand(home, ("DELETE FROM incidents WHERE id IN (?, ?)", (ids[0], ids[3])))  # the first and the last
    with Store(home, create=False, readonly=True) as st:
        found = [(i, [e.n for e in events], problems) for i, events, problems in st.each_checked()]
    assert found == [(ids[0], [1, 2], []), (ids[1], [1, 2, 3], []), (ids[2], [1, 2], []), (ids[3], [1, 2], [])]


def test_summary_rows_rebuilt_are_the_rows_written_with_the_events(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        for _ in range(3):
            operations.create(st, fc, PARENT, "Jo")
        before = list(st.summary_data())
        st.rebuild_summaries()
        assert list(st.summary_data()) == before and len(before) == 3 and not st.stale_summaries()


def test_an_event_added_after_an_earlier_copy_but_dated_before_it_is_named(home, one):
    with incidents.open_store(Home.at(home)) as st:
        events = st.events(one)
        later = "2099-01-01T00:00:00+00:00"
        copy = verify.Earlier(one, len(events), events[-1].hash, [], later)
        operations.note(st, one, "added after", "Jo")
        found, proved = verify.compare(st, one, copy)
        assert found == [f"event {len(events) + 1} was added after the earlier copy but is dated before it"]
        assert verify.compare(st, one, copy._replace(at=""))[0] == []  # then the copy's own last event's time


def test_a_record_head_of_one_event_is_a_head(home, one):
    assert verify.earlier("1-3f2a9c81d0e4b5a6").events == 1
    with pytest.raises(WizardError, match="at least one event"):
        verify.earlier("0-3f2a9c81d0e4b5a6")


def test_reopen_without_a_reason_writes_none_and_withdrawing_needs_one(home, one, tmp_path):
    with incidents.open_store(Home.at(home)) as st:
        operations.close(st, one, "Done", "Jo", force=True)
        operations.reopen(st, one, None, "Jo")
        for reason in (None, "", "   "):
            with pytest.raises(WizardError, match="Say why the evidence is withdrawn"):
                operations.withdraw_evidence(st, one, "x", reason, "Jo")
    assert events_of(home, one)[-1].data == {}


def test_long_values_are_cut_in_messages_at_their_own_limits(home, one, fc):
    with incidents.open_store(Home.at(home)) as st:
        with pytest.raises(WizardError) as e:
            operations.withdraw_evidence(st, one, "r" * 200, "Wrong", "Jo")
        assert str(e.value).startswith("'" + "r" * 80 + "' is not registered")
        with pytest.raises(WizardError) as e:
            summaries.governors_summary(st, "2" * 100, None)
        assert str(e.value) == f"--from must be a real date like 2026-09-01, not '{'2' * 40}'."
        with pytest.raises(WizardError) as e:
            summaries.governors_summary(st, None, "2026-02-30")
        assert str(e.value) == "--to must be a real date like 2026-09-01, not '2026-02-30'."
        assert summaries.governors_summary(st, "0001-01-01", None).incidents == 1  # the first day there is
    with pytest.raises(WizardError) as e:
        operations.letter_template(fc, "q" * 100)
    assert str(e.value) == (
        f"The procedure has no letter '{'q' * 40}'. Its letters: {', '.join(fc.letters)} (see esafety letters)."
    )


def _facts(*each):
    """The governors' summary facts of incidents opened on 1 September 2026: each given as what differs."""
    usual = {"created_at": "2026-09-01", "who": "pupil", "routes": [], "closed": False, "decisions": [],
             "decided_against": [], "forced": None}  # fmt: skip
    return [{**usual, "id": i, "head": f"{i}-00", **differs} for i, differs in enumerate(each, 1)]


def test_the_summary_counts_each_route_and_orders_who_did_it_by_how_often(home, fc):
    from esafety_wizard.record import incident

    facts = _facts(
        {"who": "pupil", "routes": ["lado"]},
        {"who": "staff", "routes": ["lado", "police"]},
        {"who": "staff", "routes": ["police"]},
        {"who": "staff"},
    )
    s = incident.summarise(facts, None, None)
    assert list(s.by_who.items()) == [("staff", 3), ("pupil", 1)]  # by how often, not by name
    assert s.by_route == {"lado": 2, "police": 2}
    assert incident.summarise(facts, "2026-09-02", None).incidents == 0


# --- reading an earlier copy, damaged rows and records, and the engine's repeated question -----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Incident 3\n- Record head: incident 3, 12-abcdef0123456789. Keep this copy, or write it down\n",
         (3, 12, "abcdef0123456789", [], "")),
        ("x\n<!-- esafety-record-head: incident 3, 12-abcdef0123456789 -->\n", (3, 12, "abcdef0123456789", [], "")),
        ('{"incident": {"id": 3, "head": "12-ABCDEF0123456789"}}', (3, 12, "abcdef0123456789", [], "")),
        ('{"incident": "3", "history": [{"hash": "AA", "at": "t1"}, {"hash": "BB", "at": "t2"}, 5]}',
         (None, 2, "bb", ["aa", "bb"], "t2")),
        ('{"incident": 3, "history": [{"hash": "aa"}]}', (3, 1, "aa", ["aa"], "")),
    ],
)  # fmt: skip
def test_an_earlier_copy_is_read_for_exactly_its_incident_head_hashes_and_time(tmp_path, text, expected):
    path = tmp_path / "copy"
    path.write_text(text)
    assert tuple(verify.earlier(str(path))) == expected
    assert tuple(verify.earlier("12-ABCDEF0123456789")) == (None, 12, "abcdef0123456789", [], "")


def test_an_earlier_copy_that_cannot_be_trusted_or_read_is_refused_saying_why(tmp_path):
    two = tmp_path / "two.md"
    two.write_text(
        "- Record head: incident 3, 12-abcdef01. Keep this copy\n"
        "- Record head: incident 3, 13-abcdef02. Keep this copy\n"
    )
    unreadable = tmp_path / ("u" * 150)
    unreadable.write_bytes(b"\xff\xfe not text")
    said = []
    for path in (two, unreadable, tmp_path / ("m" * 150)):
        with pytest.raises(WizardError) as e:
            verify.earlier(str(path))
        said.append(str(e.value))
    assert said[0] == (
        f"{two} has no record head the tool wrote (it has more than one 'Record head:' line, so none can be trusted)"
        ": give an export made by esafety log export, or the head as written down."
    )
    assert said[1] == (
        f"'{str(unreadable)[:80]}' is neither a record head (like 12-3f2a9c81d0e4b5a6) nor an export that can be "
        "read. Give the head as written down, or the file exported earlier."
    )
    assert said[2].startswith(f"'{str(tmp_path / ('m' * 150))[:120]}' is neither a record head")


def test_an_incident_deleted_whole_or_left_with_no_events_is_named(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        ids = [operations.create(st, fc, PARENT, "Jo") for _ in range(3)]
    by_hand(
        home,
        ("DELETE FROM events WHERE incident_id = ?", (ids[1],)),
        ("DELETE FROM events WHERE incident_id = ?", (ids[2],)),
        ("DELETE FROM incidents WHERE id = ?", (ids[2],)),
    )
    with Store(home, create=False, readonly=True) as st:
        found = verify.damaged(st)
    assert found == [
        verify.Verified(ids[2], 0, [f"incident {ids[2]} is missing: it was deleted"], []),
        verify.Verified(ids[1], 0, [f"incident {ids[1]} has no events: its record was cut"], []),
    ]


def test_describe_needs_something_and_close_says_how_many_steps_are_open(home, one):
    with incidents.open_store(Home.at(home)) as st:
        with pytest.raises(WizardError) as e:
            operations.describe(st, one, None, None, "Jo")
        assert str(e.value) == 'Give --description "..." or --staff "...", or both.'
        inc = incidents.get(st, one)
        open_ = [it for it in inc.checklist if it.open]
        operations.done(st, one, [str(it.number) for it in open_[1:]], None, "Jo")
        with pytest.raises(WizardError) as e:
            operations.close(st, one, None, "Jo")
        assert str(e.value).startswith(f"Incident {one} has 1 step neither done nor decided against:\n  ")
        for reason in (None, "", "   "):
            with pytest.raises(WizardError) as e:
                operations.close(st, one, reason, "Jo", force=True)
            assert str(e.value) == 'Closing with steps still open needs a reason, for the record: add --reason "..."'
        operations.done(st, one, [str(open_[0].number)], None, "Jo")
        operations.close(st, one, None, "Jo")
    assert events_of(home, one)[-1].data == {}


def test_a_wrong_answer_to_a_saved_incident_names_the_incident(home, one, fc):
    with incidents.open_store(Home.at(home)) as st, pytest.raises(WizardError, match=f"incident {one}"):
        operations.answer(st, one, fc, {"resolved_or_not": "yes"}, "Jo")


def test_a_summary_row_is_trusted_only_when_every_part_has_its_shape():
    from esafety_wizard.record import incident

    good = {"created_at": "2026-09-01T09:00:00+00:00", "who": "pupil", "routes": ["lado"], "closed": True,
            "decisions": [["d", "r"]], "decided_against": [], "id": 1, "head": "1-aa", "forced": [2, "why"],
            "days_to_close": 3}  # fmt: skip
    assert summaries._facts_ok(good)
    bad_parts = [
        {"forced": [2]}, {"forced": [2, "a", "b"]}, {"forced": "2"}, {"days_to_close": "3"},
        {"decisions": [["d"]]}, {"decisions": [["d", 5]]}, {"decisions": "dr"}, {"decided_against": [5]},
    ]  # fmt: skip
    for bad in bad_parts:
        assert not summaries._facts_ok({**good, **bad}), bad
    assert summaries._facts_ok({**good, "forced": None, "days_to_close": None})
    assert not summaries._well_formed({"v": incidents.SUMMARY_VERSION, "row": None, "facts": good})
    assert incident._days("not a time", "2026-09-01") == 0
    assert incident._days("2026-09-03T10:00:00", "2026-09-01T09:00:00") == 0  # never less than nothing


def test_evidence_read_back_from_a_damaged_event_keeps_what_it_can():
    from esafety_wizard.record.event import Event
    from esafety_wizard.record.incident import _evidence

    e = _evidence(Event(1, 1, "t", "Jo", "evidence", {"path": "/p", "sha256": "aa", "size": "big", "note": 7}, "", "h"))
    assert (e.path, e.size, e.note, e.sha256) == ("/p", 0, None, "aa")
    e = _evidence(Event(1, 1, "t", "Jo", "evidence", {"path": "/p", "sha256": "aa", "size": 4, "note": "n"}, "", "h"))
    assert (e.size, e.note) == (4, "n")


def test_the_summary_orders_routes_by_how_often_they_were_taken():
    from esafety_wizard.record import incident

    facts = _facts(*({"routes": r} for r in (["lado"], ["police", "lado"], ["police"], ["police"])))
    assert list(incident.summarise(facts, None, None).by_route.items()) == [("police", 3), ("lado", 2)]


REPEATED = """\
title: Test
start: q1
questions:
  q1:
    text: First?
    choices:
      yes: {next: q2}
      no: {next: q2}
  q2:
    text: Second?
    choices:
      a: {next: q3}
      b: {next: end}
  q3:
    asks: q1
    choices:
      yes: {next: end, due: [s1]}
      no: {next: end}
sections:
  main: {title: Main}
steps:
  s1: {section: main, text: Do one., source: one}
contacts: {}
"""


def test_a_question_asked_again_on_a_path_keeps_its_first_answer_in_every_path(tmp_path):
    path = tmp_path / "repeated.yaml"
    path.write_text(REPEATED)
    fc = loader.load(path)
    assert engine.every_path(fc) == [
        {"q1": "yes", "q2": "a"},
        {"q1": "yes", "q2": "b"},
        {"q1": "no", "q2": "a"},
        {"q1": "no", "q2": "b"},
    ]
    assert engine.reader_paths(fc) == []  # it asks no reader
    assert [r.step.id for r in engine.outcome(fc, {"q1": "yes", "q2": "a"}).steps] == ["s1"]


@pytest.mark.parametrize("ids", [None, [2, 5], [1, 3], [4], []])
@pytest.mark.parametrize("part", ["row", "facts"])
def test_summaries_read_fresh_rows_and_replay_stale_or_damaged_ones_in_incident_order(home, fc, ids, part):
    with incidents.open_store(Home.at(home)) as st:
        every = [operations.create(st, fc, PARENT, "Jo") for _ in range(6)]
        operations.note(st, every[2], "changed", "Jo")
        expected = {i: incidents.summary_of(st.events(i))[2][part] for i in every}
    by_hand(
        home,
        "DELETE FROM summaries WHERE incident_id IN (1, 5)",  # stale: missing, first and last
        "UPDATE summaries SET n = n - 1 WHERE incident_id = 2",  # stale: there, but not at the last event
        # another version's row (another incident's words in it): never trusted, whatever it holds
        "UPDATE summaries SET data = replace((SELECT data FROM summaries WHERE incident_id = 4), '\"v\":', "
        "'\"v\":9') WHERE incident_id = 3",
        "UPDATE summaries SET data = '{}' WHERE incident_id = 4",  # well formed JSON, nothing in it
        "UPDATE summaries SET data = '[1]' WHERE incident_id = 6",  # well formed JSON, not a mapping
    )
    with Store(home, create=False, readonly=True) as st:
        assert st.stale_summaries() == {1, 2, 5}
        got = list(summaries.summaries(st, part, ids))
        assert got == [expected[i] for i in (every if ids is None else ids)]
        assert list(summaries.summaries(st, part, ids, stale=st.stale_summaries())) == got


def test_verify_names_an_incident_whose_row_was_deleted_but_whose_events_remain_once(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        ids = [operations.create(st, fc, PARENT, "Jo") for _ in range(3)]
    by_hand(
        home,
        ("DELETE FROM incidents WHERE id = ?", (ids[1],)),
        ("DELETE FROM incidents WHERE id = ?", (ids[2],)),
        ("DELETE FROM events WHERE incident_id = ?", (ids[2],)),
    )
    with Store(home, create=False, readonly=True) as st:
        found = verify.verify(st)
    assert [(v.incident_id, v.events, v.problems) for v in found] == [
        (ids[0], 2, []),
        (ids[1], 2, [f"incident {ids[1]} is missing: it was deleted"]),
        (ids[2], 0, [f"incident {ids[2]} is missing: it was deleted"]),
    ]


def test_a_chain_that_is_broken_is_said_once_not_again_as_a_summary_problem(home, one):
    by_hand(home, "UPDATE events SET actor = 'Mallory' WHERE n = 1")
    with Store(home, create=False, readonly=True) as st:
        for found in (verify.verify(st, one), verify.verify(st)):
            assert found[0].problems and not [p for p in found[0].problems if "summary" in p], found[0].problems


def test_answers_from_a_file_take_yes_and_no_as_booleans_and_name_what_is_wrong(fc):
    assert engine.normalise_answers(fc, {"head_involved": True, "can_report_to_head": False}) == {
        "head_involved": "posted_or_accused",  # an older yes, read the safest way: nothing goes through the head
        "can_report_to_head": "no",
    }
    questions = ", ".join(fc.question_values())
    said = []
    for raw in (["not", "a", "mapping"], {True: "yes"}, {1: "yes"}):
        with pytest.raises(WizardError) as e:
            engine.normalise_answers(fc, raw)
        said.append(str(e.value))
    first, values = next(iter(fc.question_values().items()))
    assert said == [
        f"the answers must be a mapping of question id to answer, like '{first}: {values[0]}'.",
        f"the answers: 'yes' is not a question in this flowchart. Questions: {questions}.",  # YAML's `yes:` key
        f"the answers: '1' is not a question in this flowchart. Questions: {questions}.",
    ]


def test_a_step_done_without_a_note_writes_none(home, one):
    with incidents.open_store(Home.at(home)) as st:
        operations.done(st, one, ["1"], None, "Jo")
        operations.done(st, one, ["2"], "", "Jo")
    assert [e.data for e in events_of(home, one)[-2:]] == [{"step": e.data["step"]} for e in events_of(home, one)[-2:]]


def test_a_listing_row_is_trusted_only_with_its_shape(home, one):
    with incidents.open_store(Home.at(home), readonly=True) as st:
        row = next(summaries.summaries(st, "row"))
    assert summaries._row_ok(row)
    for bad in ({"waiting_for": "x"}, {"who": 5}, {"description": []}, {"staff": 1}, {"waiting_for_questions": [1]}):
        assert not summaries._row_ok({**row, **bad}), bad
    assert not summaries._row_ok([row])


def test_a_decisions_reason_is_kept_while_its_answer_holds_and_dropped_when_it_changes(home, fc):
    answers = {**PARENT, "can_report_to_head": "no"}
    why = {"can_report_to_head": "The head is away this term"}
    with incidents.open_store(Home.at(home)) as st:
        n = operations.create(st, fc, answers, "Jo", why)
        operations.answer(st, n, fc, {"alleges_harm": "not_sure"}, "Jo")  # another answer changes: the reason stays
        kept = {d.id: d.reason for d in incidents.get(st, n).decisions if d.id == "can_report_to_head"}
        operations.answer(st, n, fc, {"can_report_to_head": "yes"}, "Jo")  # not a decision now: its reason goes
        changed = {a.id: a.reason for a in incidents.get(st, n).answers}["can_report_to_head"]
        operations.answer(st, n, fc, {"can_report_to_head": "no"}, "Jo")  # changed back: a new decision, no reason yet
        again = {d.id: d.reason for d in incidents.get(st, n).decisions if d.id == "can_report_to_head"}
    assert kept == {"can_report_to_head": "The head is away this term"} and again == {"can_report_to_head": None}
    assert changed is None


SUMMARY_WRONG = (
    "its summary for listings and the governors' summary does not match its record (the record itself is "
    "unchanged; the next change to incident 1 writes the summary again, and {then})"
)


@pytest.mark.parametrize(
    ("sql", "one_incident", "every_incident"),
    [
        ("UPDATE summaries SET data = replace(data, '\"steps_done\":0', '\"steps_done\":9')",
         "listings show it wrongly until then", None),
        ("UPDATE summaries SET status = 'closed'", "listings replay the incident instead",
         "listings replay the incident instead"),
        ("UPDATE summaries SET data = '{\"v\":2,\"row\":{},\"facts\":[]}'", "listings replay the incident instead",
         "listings replay the incident instead"),
        ("UPDATE summaries SET data = 'not json'", "listings replay the incident instead",
         "listings replay the incident instead"),
        ("UPDATE summaries SET data = replace(data, '\"v\":', '\"v\":9')", None, None),  # another version's row
    ],
)  # fmt: skip
def test_a_summary_row_that_differs_from_its_record_is_said_exactly(home, one, sql, one_incident, every_incident):
    by_hand(home, sql)
    with Store(home, create=False, readonly=True) as st:
        deep, wide = verify.verify(st, one)[0].problems, verify.verify(st)[0].problems
    assert deep == ([SUMMARY_WRONG.format(then=one_incident)] if one_incident else [])
    assert wide == ([SUMMARY_WRONG.format(then=every_incident)] if every_incident else [])


def test_a_step_not_found_suggests_the_steps_near_it_in_one_sentence(home, one):
    with incidents.open_store(Home.at(home)) as st, pytest.raises(WizardError) as e:
        operations.done(st, one, ["Report the"], None, "Jo")
    with incidents.open_store(Home.at(home), readonly=True) as st:
        inc = incidents.get(st, one)
    near = inc.near("Report the")
    assert len(near) == 2
    assert str(e.value) == (
        f"Incident {one} has no step 'Report the'. Did you mean {near[0].number} ('{near[0].step.text}') or "
        f"{near[1].number} ('{near[1].step.text}')? Give a step's number, as in: esafety log show {one}"
    )
    with incidents.open_store(Home.at(home)) as st, pytest.raises(WizardError) as e:
        operations.done(st, one, ["z" * 100], None, "Jo")
    assert str(e.value).startswith(f"Incident {one} has no step '{'z' * 60}'. Give")


def test_near_offers_two_steps_by_words_and_two_by_id_and_never_more_than_three(home):
    from pathlib import Path

    fc = loader.load(Path(__file__).parents[1] / "procedures" / "near.yaml")
    with incidents.open_store(Home.at(home)) as st:
        inc = incidents.get(st, operations.create(st, fc, {"q1": "yes"}, "Jo"))
    near = {ref: [it.id for it in inc.near(ref)] for ref in ("head teacher today", "step_x", "Tell  THE head")}
    assert near == {
        "head teacher today": ["step_a", "step_b"],  # the two closest in words, however many are close
        "step_x": ["step_d", "step_c"],  # the two closest ids
        "Tell  THE head": ["step_a", "step_b", "step_c"],  # three start so: three, in order
    }


def test_summary_rows_of_many_incidents_are_read_in_one_pass_and_only_those_asked_for(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        for _ in range(105):
            st.new_incident(None, "Jo", [("opened", operations.answered_data(fc, PARENT))])
        asked = list(range(3, 105))  # more than 100: one pass over the table
        assert [i for i, _ in st.summary_data(asked)] == asked
        assert [i for i, _ in st.summary_data([5, 2])] == [2, 5]


# --- exports and the governors' summary at their edges ----------------------------------------------------------


def test_each_evidence_files_state_is_written_as_checked_or_not_checked(home, one, tmp_path):
    a = tmp_path / "a.png"
    a.write_bytes(b"x")
    with incidents.open_store(Home.at(home)) as st:
        operations.add_evidence(st, one, [a], None, "Jo")
        inc, problems = incidents.load(st, one)
    for states, shown in ((None, "not checked"), (["changed"], "CHANGED since it was registered"), (["odd"], "odd")):
        md, html = incident_record.to_markdown(inc, [], "t", states), incident_record.to_html(inc, [], "t", states)
        assert f"**{shown}**" in md and f"'todo'>{shown}</span>" in html, states
        assert f"<td>{a.resolve()}</td>" in html  # no note: nothing after the path
        assert f" by Jo). **{shown}**" in md  # no note: nothing between who registered it and its state
    assert "<span class='ok'>present and unchanged</span>" in incident_record.to_html(inc, [], "t", ["unchanged"])
    assert json.loads(incident_record.to_json(inc, [], "t", None))["evidence"][0]["state_when_exported"] == "unchecked"
    assert (
        json.loads(incident_record.to_json(inc, [], "t", ["missing"]))["evidence"][0]["state_when_exported"]
        == "missing"
    )


def test_a_closing_says_its_reason_only_when_it_is_text_and_open_steps_only_when_there_are_some(home, one):
    with incidents.open_store(Home.at(home)) as st:
        st.append(one, None, "Jo", "closed", {"reason": 5})
        assert incident_record.closing(incidents.get(st, one)).endswith(" by Jo")
        st.append(one, None, "Jo", "reopened", {})
        st.append(one, None, "Jo", "closed", {"reason": "Sorted", "open_steps": []})
        assert incident_record.closing(incidents.get(st, one)).endswith(" by Jo: Sorted")


def test_the_governors_summary_of_one_incident_says_one_and_every_reason_or_that_none_is_recorded():
    from esafety_wizard.record import incident

    s = incident.summarise(_facts({"decisions": [["Not referred", ""]], "forced": [2, ""]}), None, None)
    md, html = governors_summary.governors("md", s, "t"), governors_summary.governors("html", s, "t")
    assert "- 1 incident: 1 open, 0 closed." in md and "<p><b>1</b> incident: <b>1</b> open" in html
    assert f"- Not referred **{incident_record.escape.markdown(wording_no_reason())}**" in md
    assert f"<td>Not referred</td><td><span class='todo'>{wording_no_reason()}</span></td>" in html
    assert "Incident 1: closed with 2 steps still open. Reason: none given" in md
    s = incident.summarise(_facts({"decisions": [["A", "first"]]}, {"decisions": [["B", "second"]]}), None, None)
    assert s.decisions == [("A", "first"), ("B", "second")]
    md, html = governors_summary.governors("md", s, "t"), governors_summary.governors("html", s, "t")
    assert "- A **Reason: first**" in md and "<td>B</td><td>second</td>" in html


def wording_no_reason():
    from esafety_wizard.record import wording

    return wording.NO_REASON


def test_a_change_made_by_hand_shows_in_the_markdown_export(home, one):
    with incidents.open_store(Home.at(home), readonly=True) as st:
        inc = incidents.get(st, one)
    said = "WARNING: the record has been altered: event 2 is not what it was; event 3 is missing"
    problems = ["event 2 is not what it was", "event 3 is missing"]
    assert f"\n- {said}\n" in incident_record.to_markdown(inc, problems, "t")
    assert f"<p class='warn'>{said}</p>" in incident_record.to_html(inc, problems, "t")
    assert "<p class='ok'>The record&#x27;s 2 events show no sign of change" in incident_record.to_html(inc, [], "t")


def test_the_reader_paths_are_each_readers_complete_walks_once_each(fc):
    paths = engine.reader_paths(fc)
    assert paths and all(next(iter(p)) == engine.READER for p in paths)
    assert len({tuple(p.items()) for p in paths}) == len(paths)
    for p in paths:
        assert engine.walk(fc, p).finished and engine.walk(fc, {k: v for k, v in p.items()}).answered
    by = {}
    for p in paths:
        by.setdefault(p[engine.READER], []).append(p)
    # The member of staff: how the head is involved (4), whether they can tell the head (2, only when not), and
    # whether a child may be at risk (3): nothing about who posted it or the rest.
    assert set(by) == set(fc.reader.values) and len(by["member_of_staff"]) == (2 + 3) * 3
    staff = engine.outcome(fc, by["member_of_staff"][0])
    only = fc.reader_part("member_of_staff").only
    assert staff.steps and all(r.step.id in only for r in staff.steps)
    head = engine.outcome(fc, {engine.READER: "head_teacher", **PARENT})
    assert "report_incident" not in [r.step.id for r in head.steps] and head.steps


def test_a_wrong_answer_is_named_with_the_answers_there_are(fc):
    with pytest.raises(WizardError) as e:
        engine.normalise_value("resolved", "perhaps\nnot", ("yes", "no"))
    assert str(e.value) == "'perhaps not' is not an answer to question 'resolved'. Use one of: yes, no."


def test_who_is_acting_is_asked_for_when_no_name_is_set(home):
    assert acting.actor(Home.at(home), "  Jo  ") == "Jo"
    with pytest.raises(WizardError) as e:
        acting.actor(Home.at(home), " ")
    assert str(e.value) == (
        'Say who is recording this: add --as "Your Name", or set it once with: esafety log name "Your Name"'
    )


def test_a_copy_of_the_whole_record_whose_last_event_differs_is_caught(home, one):
    with incidents.open_store(Home.at(home)) as st:
        events = st.events(one)
        found, _ = verify.compare(st, one, verify.earlier(f"{len(events)}-{'0' * 16}"))
    assert found == [
        f"event {len(events)} is not the event in the earlier copy: the record was changed at or before it, and "
        "its chain recomputed"
    ]


def test_an_added_event_is_dated_against_the_copys_own_last_event_when_the_copy_gives_no_time(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        n = st.new_incident("2026-09-01T09:00:00+00:00", "Jo", [("opened", operations.answered_data(fc, PARENT))])
        st.append(n, "2026-09-03T09:00:00+00:00", "Jo", "note", {"text": "later"})
        copy = verify.Earlier(n, 2, st.events(n)[-1].hash, [], "")
        st.append(n, "2026-09-02T09:00:00+00:00", "Jo", "note", {"text": "dated between the two"})
        found, _ = verify.compare(st, n, copy)
    assert found == ["event 3 was added after the earlier copy but is dated before it"]


def test_a_long_path_with_no_head_is_cut_in_the_message(tmp_path):
    long = tmp_path / ("p" * 200)
    long.write_text('{"history": []}')
    with pytest.raises(WizardError) as e:
        verify.earlier(str(long))
    assert str(e.value) == f"{str(long)[:120]} has no record head: give an export made by esafety log export."
    long.write_text("no head here")
    with pytest.raises(WizardError) as e:
        verify.earlier(str(long))
    assert str(e.value).startswith(f"{str(long)[:120]} has no record head the tool wrote:")


def test_the_home_given_is_the_home_used(home, fc, tmp_path):
    other = tmp_path / "other"
    with incidents.open_store(Home.at(other)) as st:
        n = operations.create(st, fc, PARENT, "Jo")
        inc = incidents.get(st, n)
    assert incidents.has_incidents(Home.at(other)) and not incidents.has_incidents(Home.at(home))
    from esafety_wizard.casefile import school

    school.set_contact(fc, "child_protection_officer", {"name": "Ms Other"}, Home.at(other))
    assert [x.now.name for x in incidents.with_school_now(inc, Home.at(other)).school_now] == ["Ms Other"]
    assert incidents.with_school_now(inc, Home.at(home)).school_now == ()


def test_an_incident_is_loaded_under_its_own_number(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        operations.create(st, fc, PARENT, "Jo")
        n = operations.create(st, fc, PARENT, "Jo")
        inc, problems = incidents.load(st, n)
    assert inc.id == n and problems == []
    assert inc.step_text("keep_evidence").startswith("Keep any evidence") and inc.step_text("nope") == "nope"


def _closed_on(st, fc, day, closed=True):
    n = st.new_incident(f"{day}T09:00:00+00:00", "Jo", [("opened", operations.answered_data(fc, PARENT))])
    if closed:
        st.append(n, f"{day}T10:00:00+00:00", "Jo", "closed", {"reason": "Done"})
    return n


def test_the_list_shows_open_incidents_and_closed_ones_of_the_last_thirty_days_newest_first(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        late = _closed_on(st, fc, "2026-07-01")  # the first incident, closed last of all: shown
        st.append(late, "2026-09-29T23:00:00+00:00", "Jo", "reopened", {})
        st.append(late, "2026-09-29T23:30:00+00:00", "Jo", "closed", {"reason": "Done again"})
        old = _closed_on(st, fc, "2026-08-31")
        edge = _closed_on(st, fc, "2026-09-01")  # 30 days before 1 October: still shown
        recent = [_closed_on(st, fc, f"2026-09-{d:02}") for d in range(2, 30)]  # 28 more: the 24 newest shown
        still = _closed_on(st, fc, "2026-07-01", closed=False)
        default = summaries.listing(st, None, today="2026-10-01")
        assert default.ids == sorted([late, still, *recent[-24:]])
        assert (default.total, default.open, default.hidden) == (32, 1, 32 - 26)
        assert old not in default.ids and edge not in default.ids
        assert summaries.listing(st, "open").ids == [still] and summaries.listing(st, "open").hidden == 0
        assert summaries.listing(st, "closed").ids == sorted([late, old, edge, *recent])
        assert summaries.listing(st, "all").ids == sorted([late, old, edge, *recent, still])
        few = summaries.listing(st, None, today="2026-10-27")  # closed on 27, 28 and 29 September: 27 is the edge
        assert few.ids == sorted([late, still, *recent[-3:]]) and few.hidden == 32 - 5
    by_hand(home, ("DELETE FROM summaries WHERE incident_id IN (?, ?)", (still, recent[-1])))  # replayed instead
    with Store(home, create=False, readonly=True) as st:
        again = summaries.listing(st, None, today="2026-10-27")
        assert again.ids == few.ids and again.stale == {still, recent[-1]} and again.open == 1


def test_decide_takes_one_step_as_text_or_several_and_refuses_a_step_already_done(home, one):
    from esafety_wizard.record import wording

    with incidents.open_store(Home.at(home)) as st:
        assert [it.number for it in operations.decide(st, one, "12", "Not needed", "Jo")] == [12]
        assert [it.number for it in operations.decide(st, one, ["13", "14", "13"], " Not needed ", "Jo")] == [13, 14]
        operations.done(st, one, ["2"], None, "Jo")
        with pytest.raises(WizardError) as e:
            operations.decide(st, one, ["3", "2"], "Not needed", "Jo")
        it = incidents.get(st, one).item("2")
    assert str(e.value) == (
        f"Step 2 of incident {one} ({wording.step_words(it.step)}) is marked done. If that was a mistake, correct it "
        f"first: esafety log undone {one} 2"
    )
    decided = [e.data for e in events_of(home, one) if e.kind == "step_decided"]
    assert [d["reason"] for d in decided] == ["Not needed"] * 3  # a mistake in one records none


def test_an_answer_is_read_in_any_case_with_spaces_or_dashes_for_underscores(fc):
    values = fc.question_values()["alleges_harm"]
    for given in ("Not Sure", " not-sure ", "NOT_SURE"):
        assert engine.normalise_value("alleges_harm", given, values) == "not_sure"


def test_an_outcome_without_every_answer_names_the_question_still_to_answer(fc):
    from esafety_wizard.errors import MissingAnswer

    with pytest.raises(MissingAnswer) as e:
        engine.outcome(fc, {"head_involved": "no"})
    assert str(e.value) == (
        "No answer for question 'can_report_to_head' (Can you report the incident to your head teacher?). Add it to "
        "the answers file with one of: yes, no."
    )


def test_an_incident_left_with_no_events_is_refused_naming_it(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        n = operations.create(st, fc, PARENT, "Jo")
    by_hand(home, ("DELETE FROM events WHERE incident_id = ?", (n,)))
    with Store(home, create=False, readonly=True) as st:
        for read in (incidents.load, incidents.get):
            with pytest.raises(WizardError) as e:
                read(st, n)
            assert str(e.value) == (
                f"Incident {n} has no events: its record was cut. Check the file with: esafety log verify"
            )


def test_a_step_dropped_in_an_old_record_that_does_not_say_why_is_still_exported(home):
    from esafety_wizard.record import incident, serialize, wording
    from esafety_wizard.record.event import Event

    step = {"id": "s1", "text": "Do one.", "section": "Main", "status": "due"}
    events = [
        Event(1, 1, "2026-09-01T09:00:00+00:00", "Jo", "opened", {"flowchart": {"title": "T"}}, "", "h1"),
        Event(1, 2, "2026-09-01T09:01:00+00:00", "Jo", "answered", {"answers": [], "steps": [step]}, "h1", "h2"),
        Event(1, 3, "2026-09-01T09:02:00+00:00", "Jo", "step_done", {"step": "s1"}, "h2", "h3"),
        Event(1, 4, "2026-09-01T09:03:00+00:00", "Jo", "answered", {"answers": [], "steps": []}, "h3", "h4"),
    ]
    (it,) = incident.replay(events).checklist
    assert it.status == "no_longer_needed" and it.dropped is None
    assert serialize.item(it)["no_longer_needed"] == {"why": wording.dropped_sentence(None)}


# --- the hash chain, event by event -----------------------------------------------------------------------------


def _rows(*spec):
    """Stored rows of incident 1: each (n, at, data as stored or a dict, prev: 'chain' or a value)."""
    from esafety_wizard.record.event import canonical, event_hash

    rows, prev = [], ""
    for n, at, data, link in spec:
        text = data if isinstance(data, str) else canonical(data)
        true = data if isinstance(data, dict) else {"text": "original"}
        p = prev if link == "chain" else link
        h = event_hash(1, n, at, "Jo", "note", true, p)
        rows.append((1, n, at, "Jo", "note", text, p, h))
        prev = h
    return rows


T1, T2, T3, T4 = (f"2026-09-0{d}T09:00:00+00:00" for d in (1, 2, 3, 4))
NOTE = {"text": "original"}


@pytest.mark.parametrize(
    ("spec", "problems"),
    [
        ([(1, T1, NOTE, "chain"), (2, T2, NOTE, "chain"), (3, T3, NOTE, "chain")], []),
        ([(1, T1, NOTE, "chain"), (3, T3, NOTE, "chain")], ["event 2 is missing"]),
        ([(1, T1, NOTE, "chain"), (4, T4, NOTE, "chain")], ["events 2 to 3 are missing"]),
        ([(1, T1, NOTE, "chain"), (2, T2, NOTE, "x" * 64)], ["event 2 does not follow the event before it"]),
        ([(1, T1, NOTE, "chain"), (2, T2, '{"text": "changed"}', "chain"), (3, T3, NOTE, "chain")],
         ["event 2 was altered after it was written"]),
        ([(1, T1, NOTE, "chain"), (2, T2, '{"text": "changed", "text": "original"}', "chain"), (3, T3, NOTE, "chain")],
         ["event 2 was altered after it was written (a key is stored twice)"]),
        ([(1, T1, NOTE, "chain"), (2, T2, "{not json", "chain"), (3, T3, NOTE, "chain")], ["event 2 cannot be read"]),
        ([(1, T1, NOTE, "chain"), (2, "Tuesday", NOTE, "chain"), (3, T3, NOTE, "chain")],
         ["event 2 has no readable date"]),
        ([(1, T1, NOTE, "chain"), (2, "2026-09-02T09:00:00", NOTE, "chain")], ["event 2 has no readable date"]),
        ([(1, T3, NOTE, "chain"), (2, T1, NOTE, "chain"), (3, T2, NOTE, "chain")],
         ["event 2 is dated before the event it follows"]),
        ([(1, T2, NOTE, "chain"), (2, "never", NOTE, "chain"), (3, T1, NOTE, "chain")],
         ["event 2 has no readable date", "event 3 is dated before the event it follows"]),
        ([(2, T1, NOTE, "e" * 64)], ["event 1 is missing", "event 2 does not follow the event before it"]),
    ],
)  # fmt: skip
def test_each_break_in_the_chain_is_named_once_and_the_chain_goes_on_from_the_stored_hash(spec, problems):
    from esafety_wizard.casefile.store import _chain_problems

    assert _chain_problems(1, _rows(*spec)) == problems


def test_an_event_whose_data_cannot_be_read_is_kept_as_text():
    from esafety_wizard.casefile.store import _event

    row = (1, 2, T1, "Jo", "note", "{not json", "p", "h")
    assert _event(row).data == {"unreadable": "{not json"} and _event(row).prev == "p"


def test_the_first_incident_deleted_whole_is_named_and_an_empty_store_has_nothing_missing(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        assert verify.damaged(st) == [] and st.missing_incidents() == []
        ids = [operations.create(st, fc, PARENT, "Jo") for _ in range(2)]
    by_hand(
        home,
        ("DELETE FROM events WHERE incident_id = ?", (ids[0],)),
        ("DELETE FROM incidents WHERE id = ?", (ids[0],)),
    )
    with Store(home, create=False, readonly=True) as st:
        assert st.missing_incidents() == [ids[0]]
        assert [(v.incident_id, v.events, v.problems) for v in verify.verify(st)] == [
            (ids[0], 0, [f"incident {ids[0]} is missing: it was deleted"]),
            (ids[1], 2, []),
        ]


def test_verify_of_every_incident_names_one_left_with_no_events_between_others(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        ids = [operations.create(st, fc, PARENT, "Jo") for _ in range(3)]
    by_hand(home, ("DELETE FROM events WHERE incident_id = ?", (ids[1],)))
    with Store(home, create=False, readonly=True) as st:
        found = [(i, len(events), problems) for i, events, problems in st.each_checked()]
    assert found == [(ids[0], 2, []), (ids[1], 0, [f"incident {ids[1]} has no events: its record was cut"]),
                     (ids[2], 2, [])]  # fmt: skip


def test_malformed_events_are_named_by_number_and_evidence_withdrawn_is_not_rechecked():
    from esafety_wizard.record import event, incident
    from esafety_wizard.record.event import Event

    def ev(n, kind, data):
        return Event(1, n, T1, "Jo", kind, data, "", "h")

    events = [
        ev(1, "opened", {"flowchart": {}}),
        ev(2, "party", {}),
        ev(3, "note", {"unreadable": "{"}),
        ev(4, "note", {"text": 5}),
        ev(5, "evidence", {"path": "/a", "sha256": "aa"}),
        ev(6, "evidence", {"path": "/b", "sha256": "bb"}),
        ev(7, "evidence_withdrawn", {"sha256": "aa", "reason": "wrong incident"}),
        ev(8, "evidence_withdrawn", {"sha256": 5, "reason": "bad"}),
        ev(9, "note", {"path": "/c", "sha256": "cc", "text": "a note is not evidence"}),
    ]
    assert event.malformed(events) == [
        "event 2 is of an unknown kind",
        "event 3 is not a well-formed 'note' event",
        "event 4 is not a well-formed 'note' event",
        "event 8 is not a well-formed 'evidence_withdrawn' event",
    ]
    assert [f.path for f in incident.evidence_of(events)] == ["/b"]


def test_a_forced_close_with_a_reason_that_is_not_text_counts_with_an_empty_reason(home, one):
    from esafety_wizard.record import incident

    with incidents.open_store(Home.at(home)) as st:
        st.append(one, None, "Jo", "closed", {"reason": 5, "open_steps": ["a", "b"]})
        assert incident.facts(incidents.get(st, one))["forced"] == [2, ""]


def test_three_letters_are_enough_to_name_a_step_by_its_words(home, one):
    with incidents.open_store(Home.at(home), readonly=True) as st:
        inc = incidents.get(st, one)
    assert inc.item("kee").id == "keep_evidence" and inc.item("ke") is None


def test_a_carriage_return_and_line_feed_is_one_line_break(home, one):
    from esafety_wizard import escape

    assert escape.markdown("a\r\nb\rc") == escape.markdown("a\nb\nc")


def test_a_step_decided_against_then_done_shows_both_in_html_one_under_the_other(home, one):
    with incidents.open_store(Home.at(home)) as st:
        operations.decide(st, one, "2", "Not needed at first", "Jo")
        operations.done(st, one, ["2"], "Needed after all", "Sam")
        inc = incidents.get(st, one)
    html = incident_record.to_html(inc, [], "t")
    assert "<br>Sam<br>Needed after all<br><b>Decided against</b>" in html


def test_an_intact_incident_verifies_with_nothing_to_say_deep_or_wide(home, one):
    with Store(home, create=False, readonly=True) as st:
        assert verify.verify(st, one)[0].problems == [] and verify.verify(st)[0].problems == []


# --- opening the database: refusals, read-only, waiting for a lock (found by mutation testing) ------------------


def test_where_there_is_no_database_reading_or_opening_without_create_refuses_and_writes_nothing(home):
    for open_it in (lambda: Store(home, readonly=True), lambda: incidents.open_store(Home.at(home), create=False)):
        with pytest.raises(WizardError) as e:
            open_it()
        assert str(e.value) == f"There are no incidents yet (no database in {home})."
        assert not (home / DB_NAME).exists()


def test_a_store_opened_read_only_cannot_write(home, one):
    with (
        incidents.open_store(Home.at(home), readonly=True) as st,
        pytest.raises(sqlite3.OperationalError, match="readonly"),
    ):
        st.db.execute("CREATE TABLE t (x)")


def _spy(monkeypatch, refuse: str | None = None) -> list[tuple[str, dict]]:
    """Every sqlite3.connect the store makes, with its arguments; `refuse`: fail those whose name ends so."""
    calls, real = [], sqlite3.connect

    def connect(target, **kw):
        calls.append((str(target), kw))
        if refuse and str(target).endswith(refuse):
            raise sqlite3.OperationalError("unable to open database file")
        return real(target, **kw)

    monkeypatch.setattr(sqlite3, "connect", connect)
    return calls


def test_every_connection_waits_30_seconds_for_a_lock_and_reads_only_when_asked(home, one, monkeypatch):
    """A writer waits for another (30 s is longer than any one change takes) rather than failing; a reader opens
    the file read-only. Seen in the arguments: a lock held for 30 s is too slow to test for real."""
    calls = _spy(monkeypatch)
    with incidents.open_store(Home.at(home)):
        pass
    with incidents.open_store(Home.at(home), readonly=True):
        pass
    uri = (home / DB_NAME).resolve().as_uri()
    assert calls == [
        (str(home / DB_NAME), {"timeout": 30, "isolation_level": None}),
        (f"{uri}?mode=ro", {"uri": True, "timeout": 30, "isolation_level": None}),
    ]


def test_a_database_that_cannot_be_opened_read_only_is_read_as_an_unchanging_file(home, one, monkeypatch):
    """SQLite cannot open a WAL database 'ro' in a folder it cannot write (it needs its -shm file): the store
    reads it as immutable instead, and everything is still there."""
    calls = _spy(monkeypatch, refuse="?mode=ro")
    with incidents.open_store(Home.at(home), readonly=True) as st:
        assert incidents.get(st, one).id == one
    uri = (home / DB_NAME).resolve().as_uri()
    assert calls[-1] == (f"{uri}?immutable=1", {"uri": True, "timeout": 30, "isolation_level": None})


@pytest.mark.parametrize("readonly", [False, True])
def test_a_file_that_is_not_an_incident_database_is_named_with_what_to_do(home, readonly):
    home.mkdir(parents=True)
    (home / DB_NAME).write_bytes(b"not a database at all" * 100)
    with pytest.raises(WizardError) as e:
        Store(home, readonly=readonly)
    assert str(e.value) == (
        f"{home / DB_NAME} cannot be read as an incident database (file is not a database). "
        "Check the file, or use another folder with --home."
    )


def test_a_database_from_a_newer_version_is_refused_with_what_to_do(home, one):
    by_hand(home, "PRAGMA user_version = 99")
    for readonly in (False, True):
        with pytest.raises(WizardError) as e:
            Store(home, readonly=readonly)
        assert str(e.value) == (
            f"{home / DB_NAME} was written by a newer esafety-wizard (database version 99; this one reads up to "
            f"{store.SCHEMA_VERSION}). Upgrade esafety-wizard; nothing was changed."
        )


def test_the_database_is_created_for_its_owner_only_and_a_folder_that_is_not_there_is_named(tmp_path):
    with Store(tmp_path / "h"):
        pass
    assert (tmp_path / "h" / DB_NAME).stat().st_mode & 0o777 == 0o600
    with pytest.raises(WizardError) as e:
        store._create_private(tmp_path / "none" / DB_NAME)
    assert str(e.value) == f"Cannot create the incident database in {tmp_path / 'none'}: No such file or directory."


def test_a_change_written_without_a_summariser_removes_the_row_and_readers_replay_it(home, one):
    with Store(home) as st:
        added = st.append(one, None, "Jo", "note", {"text": "Rang"})
        assert added == st.events(one)[-1]  # the event as stored, every field
        assert list(st.summary_data([one])) == [] and st.stale_summaries() == {one}
    with incidents.open_store(Home.at(home), readonly=True) as st:
        assert [r["last_change"] for r in summaries.list_rows(st)] == [added.at]


# --- the chain goes on after an event it cannot read -----------------------------------------------------------


@pytest.mark.parametrize(
    "damage, said",
    [
        ("'{'", "event 2 cannot be read"),
        ('\'{"a":1,"a":2}\'', "event 2 was altered after it was written (a key is stored twice)"),
    ],
)
def test_after_an_event_that_cannot_be_read_the_events_after_it_are_still_checked(home, one, damage, said):
    with incidents.open_store(Home.at(home)) as st:
        operations.note(st, one, "first", "Jo")
        operations.note(st, one, "second", "Jo")
    by_hand(
        home,
        f"UPDATE events SET data = {damage} WHERE incident_id = {one} AND n = 2",
        f"UPDATE events SET data = replace(data, 'second', 'changed') WHERE incident_id = {one} AND n = 4",
    )
    with incidents.open_store(Home.at(home), readonly=True) as st:
        assert st.verify(one) == [said, "event 4 was altered after it was written"]


def test_verify_of_a_store_with_no_events_at_all_names_each_incident_once(home, one):
    by_hand(home, "DELETE FROM events")
    with incidents.open_store(Home.at(home), readonly=True) as st:
        assert [(i, problems) for i, _, problems in st.each_checked()] == [
            (one, [f"incident {one} has no events: its record was cut"])
        ]


# --- listing --------------------------------------------------------------------------------------------------


def test_the_open_list_leaves_out_an_incident_closed_today_and_the_closed_list_has_only_it(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        a, b = operations.create(st, fc, PARENT, "Jo"), operations.create(st, fc, PARENT, "Jo")
        operations.close(st, b, "done", "Jo", force=True)
        assert summaries.listing(st, "open").ids == [a]
        assert summaries.listing(st, "closed").ids == [b]
        assert summaries.listing(st).ids == [a, b]


def test_verify_of_one_incident_whose_events_are_all_gone_names_it_by_its_number(home, one):
    by_hand(home, f"DELETE FROM events WHERE incident_id = {one}")
    with incidents.open_store(Home.at(home), readonly=True) as st:
        (v,) = verify.verify(st, one)
    assert v.problems[0] == f"incident {one} has no events: its record was cut"


def test_a_decisions_reason_stands_beside_it_in_the_html_export(home, fc):
    unable = {**PARENT, "can_report_to_head": "no"}
    with incidents.open_store(Home.at(home)) as st:
        why = {"can_report_to_head": "The head is the <subject>", "child_at_risk": "No child is involved"}
        n = operations.create(st, fc, unable, "Jo", why)
        inc, problems = incidents.load(st, n)
    html = incident_record.render("html", inc, problems, "2026-09-07T09:00:00+00:00", operations.evidence_states(inc))
    [d] = [d for d in inc.decisions if d.id == "can_report_to_head"]
    table = html[html.index("<tr><th>Decision</th><th>Reason</th></tr>") :]
    table = table[: table.index("</table>")]
    assert f"<tr><td>{d.text}</td><td>The head is the &lt;subject&gt;</td></tr>" in table and "todo" not in table


def test_a_summary_that_cannot_be_made_never_stops_the_event_and_its_old_row_goes(home, one):
    def boom(events):
        raise ValueError("a summariser with a bug")

    with Store(home, summarise=boom) as st:
        added = st.append(one, None, "Jo", "note", {"text": "Rang"})
        assert st.events(one)[-1] == added
        assert list(st.summary_data([one])) == [] and st.stale_summaries() == {one}
    with incidents.open_store(Home.at(home), readonly=True) as st:
        assert [r["last_change"] for r in summaries.list_rows(st)] == [added.at]


def test_a_decisions_reason_kept_only_with_the_decision_in_an_older_record_is_kept_too(home, fc):
    """Records made before every reason was kept with its answer hold a decision's reason only in 'decisions'."""
    unable = {**PARENT, "can_report_to_head": "no"}
    with incidents.open_store(Home.at(home)) as st:
        n = operations.create(st, fc, unable, "Jo", {"can_report_to_head": "The head is the subject"})
    by_hand(
        home, f"UPDATE events SET data = json_remove(data, '$.answers[1].reason') WHERE incident_id = {n} AND n = 2"
    )
    with incidents.open_store(Home.at(home)) as st:
        assert [a.reason for a in incidents.get(st, n).answers if a.id == "can_report_to_head"] == [None]
        inc = operations.record_answers(st, n, fc, {**unable, "alleges_harm": "not_sure"}, "Jo")
    assert [(d.id, d.reason) for d in inc.decisions if d.id == "can_report_to_head"] == [
        ("can_report_to_head", "The head is the subject")
    ]
