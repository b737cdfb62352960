"""The steps on screen are the order to take them: checked on every path of the built-in procedure, per family
(parent, pupil, staff, head involved, cannot tell the head, unknown)."""

import pytest

from esafety_wizard.flowchart import engine

REMOVAL_REQUESTS = ("parent_request_removal", "pupil_remove", "staff_remove")
EVIDENCE = "keep_evidence"
DSL = "child_protection"


def _paths(fc):
    return [engine.outcome(fc, answers) for answers in engine.every_path(fc)]


@pytest.fixture(scope="module")
def outcomes(fc):
    return _paths(fc)


def ids(out):
    return [r.step.id for r in out.steps]


def after_now(out):
    """The steps after 'Now, before anything else' (the child-protection routes), in order."""
    return [r.step.id for r in out.steps if r.step.section != "now"]


def answers(out):
    return {a.id: a.value for a in out.answered}


def test_every_family_is_covered(outcomes):
    families = {answers(o).get("instigator") for o in outcomes}
    assert families == {"parent_carer", "pupil", "staff", "unknown"}
    assert {answers(o)["head_involved"] for o in outcomes} == {"no", "targeted", "posted_or_accused", "other"}
    assert any(answers(o).get("can_report_to_head") == "no" for o in outcomes)


def test_evidence_is_kept_before_anyone_is_asked_to_remove_anything(outcomes):
    for out in outcomes:
        got = ids(out)
        for sid in REMOVAL_REQUESTS:
            if sid in got:
                assert got.index(EVIDENCE) < got.index(sid), (answers(out), sid)


def test_a_child_who_is_or_may_be_at_risk_comes_before_everything_else_whoever_posted_it(outcomes):
    for out in outcomes:
        a = answers(out)
        got = ids(out)
        if a["child_at_risk"] in ("yes", "not_sure"):
            # Before telling anyone else, before evidence, before any pupil step; only the line saying who the
            # DSL is when the head teacher is involved and is the DSL may stand above it.
            assert [sid for sid in got if sid != "deputy_dsl"][0] == DSL, a
            assert [r.status for r in out.steps if r.step.id == DSL] == ["due"]
        else:
            assert DSL not in got


def test_serious_staff_case_starts_with_hr_or_the_lado_and_says_it_once(outcomes, fc):
    for out in outcomes:
        a = answers(out)
        if a.get("instigator") != "staff":
            continue
        staff = [sid for sid in ids(out) if fc.steps[sid].section == "staff"]
        if a["serious"] == "yes":
            # The LADO first where its tests may be met (its own step, or the allegation's), then Schools HR.
            first = [sid for sid in staff if sid != "staff_lado"]
            assert first[0] == "staff_serious_first", a
            if "staff_lado" in staff:
                assert staff.index("staff_lado") < staff.index("staff_serious_first"), a
        assert not {"staff_lado", "lado_allegation"} <= set(ids(out)), a  # one LADO step per outcome
        assert not {"staff_lado", "lado_ask"} <= set(ids(out)), a
        assert not {"staff_serious_first", "staff_hr_lado"} <= set(staff), a


def test_no_instruction_appears_twice(outcomes):
    for out in outcomes:
        texts = [r.step.text for r in out.steps]
        assert len(texts) == len(set(texts)), answers(out)


def test_head_involved_no_step_goes_through_the_head_teacher(outcomes):
    for out in outcomes:
        if answers(out)["head_involved"] == "no":
            continue
        chair = "head_accused_chair" if answers(out)["head_involved"] == "posted_or_accused" else "head_involved_chair"
        assert after_now(out)[0] == chair, answers(out)  # first after the child-protection routes
        for r in out.steps:
            text = r.step.text.lower()
            assert "report the incident to the head teacher" not in text
            assert "the head teacher or chair" not in text
            assert "consider involving the chair" not in text


def test_cannot_tell_the_head_the_other_route_comes_first(outcomes):
    for out in outcomes:
        a = answers(out)
        if a.get("can_report_to_head") != "no":
            continue
        assert after_now(out)[0] == "cannot_report_to_head", a
        assert "report_incident" not in ids(out)


def test_only_the_route_that_applies_tells_you_who_to_report_to(outcomes):
    routes = {"report_incident", "head_involved_chair", "head_accused_chair", "cannot_report_to_head"}
    for out in outcomes:
        assert len(routes & set(ids(out))) == 1, answers(out)


def test_every_step_says_where_it_comes_from_and_changes_keep_the_source_words(fc):
    for s in fc.steps.values():
        assert s.source or s.added, s.id
    moved = [fc.steps[sid] for sid in (DSL, "head_involved_chair", "report_abuse")]
    assert all(s.source and s.added for s in moved)


def test_decisions_not_to_refer_are_marked_on_the_questions_that_decide_a_referral(fc):
    for question, value in (("can_report_to_head", "no"), ("child_at_risk", "no")):
        assert fc.questions[question].choice(value).decision
    assert fc.questions["pupil_serious"].choice("no").decision
    assert fc.questions["staff_serious"].choice("no").decision
