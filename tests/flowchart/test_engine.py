"""One test per branch of the source flowchart: answers in, steps out."""

import pytest

from esafety_wizard.errors import MissingAnswer, WizardError
from esafety_wizard.flowchart import engine

BASE = {"head_involved": "no", "can_report_to_head": "yes", "child_at_risk": "no", "alleges_harm": "no"}
HEAD = {"head_involved": "posted_or_accused", "child_at_risk": "no", "alleges_harm": "no"}
EVERY_INCIDENT = [
    "record_in_log",
    "governors",
    "report_abuse",
    "single_point_of_contact",
    "further_contacts",
]


def steps(fc, **answers):
    out = engine.outcome(fc, {**BASE, **answers})
    return {r.step.id: r.status for r in out.steps}


def due(fc, **answers):
    return [k for k, v in steps(fc, **answers).items() if v == "due"]


def conditional(fc, **answers):
    return [k for k, v in steps(fc, **answers).items() if v == "conditional"]


# --- every incident ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "instigator, extra",
    [
        ("parent_carer", {"resolved": "yes"}),
        ("pupil", {"refuses_removal": "no", "serious": "no", "persistent": "no", "child_at_risk": "no"}),
        ("staff", {"serious": "no"}),
        ("unknown", {}),
    ],
)
def test_every_incident_is_reported_recorded_and_evidence_kept(fc, instigator, extra):
    got = due(fc, instigator=instigator, **extra)
    platform = "unknown_report_platform" if instigator == "unknown" else "report_abuse"  # sooner when unknown
    for sid in ["report_incident", "keep_evidence", "staff_wellbeing", "support_for_staff", platform]:
        assert sid in got
    assert [sid for sid in EVERY_INCIDENT if sid not in got] == ([] if instigator != "unknown" else ["report_abuse"])


def test_report_first_then_evidence_and_the_follow_up_last(fc):
    got = list(steps(fc, instigator="staff", serious="no"))
    assert got[:3] == ["report_incident", "nude_images", "keep_evidence"]  # never screenshot a nude image
    assert got[-len(EVERY_INCIDENT) :] == EVERY_INCIDENT


# --- the head teacher ----------------------------------------------------------------------------------


def test_head_teacher_involved_means_you_must_contact_the_chair_of_governors(fc):
    out = engine.outcome(fc, {**HEAD, "instigator": "unknown"})
    assert [a.id for a in out.answered] == ["head_involved", "child_at_risk", "alleges_harm", "instigator"]
    ids = {r.step.id: r.status for r in out.steps}
    assert ids["head_accused_chair"] == "due" and "head_involved_chair" not in ids
    assert ids["deputy_dsl"] == "conditional"  # if the head is the DSL: no question needed to say so
    targeted = {
        r.step.id for r in engine.outcome(fc, {**HEAD, "head_involved": "targeted", "instigator": "unknown"}).steps
    }
    assert "head_involved_chair" in targeted and "head_accused_chair" not in targeted
    assert "cannot_report_to_head" not in ids
    assert "chair_of_governors" in [c.id for c in out.contacts]


def test_head_teacher_involved_skips_the_can_you_report_question(fc):
    for how in ("targeted", "posted_or_accused", "other"):
        w = engine.walk(fc, {"head_involved": how})
        assert w.pending.asks == "child_at_risk"


def test_an_older_yes_for_the_head_involved_reads_as_posted_it_or_accused(fc):
    # The safest reading of the old yes/no: nothing goes through the head teacher.
    assert engine.normalise_answers(fc, {"head_involved": "yes"}) == {"head_involved": "posted_or_accused"}
    w = engine.walk(fc, {"head_involved": "yes"})
    assert w.answered[0].value == "posted_or_accused"


def test_unable_to_report_to_head_gives_slt_the_helpline_and_whistleblowing_not_the_lado(fc):
    out = engine.outcome(fc, {**BASE, "can_report_to_head": "no", "child_at_risk": "no", "instigator": "unknown"})
    assert {r.step.id: r.status for r in out.steps}["cannot_report_to_head"] == "due"
    contacts = {c.id: c for c in out.contacts}
    assert contacts["helpline"].email == "helpline@saferinternet.org.uk"
    assert contacts["nspcc_whistleblowing"].phone == "0800 028 0285"
    assert "senior_leadership_team" in contacts and "lado" not in contacts
    # The flowchart's words, with the officer it names, stay beside the change.
    assert "Miles Dent: 01629 531940" in " ".join(fc.steps["cannot_report_to_head"].source.split())


def test_able_to_report_to_head_has_no_alternative_route(fc):
    assert "cannot_report_to_head" not in steps(fc, instigator="unknown")


# --- parents and carers --------------------------------------------------------------------------------


def test_parent_carer_is_invited_in_and_asked_to_remove_the_material(fc):
    got = due(fc, instigator="parent_carer", resolved="yes")
    assert ["parent_invite", "parent_request_removal", "parent_letter"] == [s for s in got if s.startswith("parent_")]
    assert "parent_chair" not in steps(fc, instigator="parent_carer", resolved="yes")


def test_parent_carer_not_resolved_consider_involving_the_chair_of_governors(fc):
    assert steps(fc, instigator="parent_carer", resolved="no")["parent_chair"] == "due"


def test_parent_carer_not_yet_contacted_shows_the_chair_as_conditional(fc):
    assert steps(fc, instigator="parent_carer", resolved="not_yet")["parent_chair"] == "conditional"


def test_parent_carer_path_asks_no_pupil_or_staff_questions(fc):
    out = engine.outcome(fc, {**BASE, "instigator": "parent_carer", "resolved": "no"})
    assert [a.id for a in out.answered] == [
        "head_involved",
        "can_report_to_head",
        "child_at_risk",
        "alleges_harm",
        "instigator",
        "resolved",
    ]


# --- pupils --------------------------------------------------------------------------------------------

PUPIL_CALM = {"instigator": "pupil", "serious": "no", "persistent": "no", "child_at_risk": "no"}


def test_pupil_identify_ask_to_remove_and_follow_school_policy(fc):
    got = due(fc, **PUPIL_CALM, refuses_removal="no")
    assert [s for s in got if s.startswith("pupil_")] == ["pupil_identify", "pupil_remove", "pupil_policy"]


def test_pupil_refuses_and_under_13_contacts_the_social_network(fc):
    out = engine.outcome(fc, {**BASE, **PUPIL_CALM, "refuses_removal": "yes", "under_13": "yes"})
    assert {r.step.id: r.status for r in out.steps}["pupil_social_network"] == "due"
    assert "social_network" in [c.id for c in out.contacts]


def test_pupil_refuses_and_13_or_over_does_not_contact_the_social_network(fc):
    assert "pupil_social_network" not in steps(fc, **PUPIL_CALM, refuses_removal="yes", under_13="no")


def test_pupil_refuses_age_not_sure_social_network_is_conditional(fc):
    assert steps(fc, **PUPIL_CALM, refuses_removal="yes", under_13="not_sure")["pupil_social_network"] == "conditional"


def test_pupil_not_yet_asked_and_under_13_social_network_is_conditional(fc):
    assert steps(fc, **PUPIL_CALM, refuses_removal="not_yet", under_13="yes")["pupil_social_network"] == "conditional"


def test_pupil_who_removed_it_is_not_asked_their_age(fc):
    w = engine.walk(fc, {**BASE, "instigator": "pupil", "child_at_risk": "no", "refuses_removal": "no"})
    assert w.pending.asks == "serious"


@pytest.mark.parametrize("instigator", ["parent_carer", "pupil", "staff", "unknown"])
def test_a_child_at_risk_is_asked_before_who_posted_it_whoever_did(fc, instigator):
    answers = {k: v for k, v in BASE.items() if k != "child_at_risk"}
    assert engine.walk(fc, {**answers, "instigator": instigator}).pending.asks == "child_at_risk"
    rest = {"resolved": "yes", "refuses_removal": "no", "serious": "no", "persistent": "no"}
    assert steps(fc, **{**rest, "instigator": instigator, "child_at_risk": "yes"}).get("child_protection") == "due"


def test_pupil_serious_incident_inform_parents_and_police_neighbourhood_team(fc):
    got = steps(fc, instigator="pupil", refuses_removal="no", serious="yes", child_at_risk="no")
    assert got["pupil_inform_parents"] == "due"
    assert got["police_neighbourhood_team"] == "due"


def test_pupil_serious_incident_is_not_asked_if_persistent(fc):
    w = engine.walk(
        fc, {**BASE, "instigator": "pupil", "child_at_risk": "no", "refuses_removal": "no", "serious": "yes"}
    )
    assert w.finished


def test_pupil_persistent_incident_inform_parents(fc):
    got = steps(fc, instigator="pupil", refuses_removal="no", serious="no", persistent="yes", child_at_risk="no")
    assert got["pupil_inform_parents"] == "due"
    assert got["police_neighbourhood_team"] == "conditional"  # still there "for further advice"


def test_pupil_neither_serious_nor_persistent_parents_not_informed(fc):
    assert "pupil_inform_parents" not in steps(fc, **PUPIL_CALM, refuses_removal="no")


def test_pupil_not_sure_if_serious_leads_to_further_advice_from_the_police_team(fc):
    got = steps(fc, instigator="pupil", refuses_removal="no", serious="not_sure", persistent="no", child_at_risk="no")
    assert got["police_neighbourhood_team"] == "due"
    assert got["pupil_inform_parents"] == "conditional"


def test_pupil_not_sure_if_serious_but_persistent_inform_parents(fc):
    got = steps(fc, instigator="pupil", refuses_removal="no", serious="not_sure", persistent="yes", child_at_risk="no")
    assert got["pupil_inform_parents"] == "due"


def test_pupil_child_at_risk_talk_to_the_child_protection_officer(fc):
    out = engine.outcome(fc, {**BASE, **PUPIL_CALM, "refuses_removal": "no", "child_at_risk": "yes"})
    assert {r.step.id: r.status for r in out.steps}["child_protection"] == "due"
    assert {"child_protection_officer", "childrens_social_care"} <= {c.id for c in out.contacts}
    assert "lado" not in {c.id for c in out.contacts}  # the LADO is for allegations about adults


def test_pupil_child_at_risk_not_sure_talk_to_the_dsl_first_not_the_police(fc):
    # KCSIE 2025: if in doubt, speak to the Designated Safeguarding Lead at once.
    got = steps(fc, **{**PUPIL_CALM, "child_at_risk": "not_sure"}, refuses_removal="no")
    assert got["child_protection"] == "due"
    assert got["police_neighbourhood_team"] == "conditional"  # from "not serious": further advice only
    assert fc.questions["child_at_risk"].choice("not_sure").added


# --- staff ---------------------------------------------------------------------------------------------


def test_staff_serious_contact_hr_first_and_the_lado_where_its_tests_are_met(fc):
    out = engine.outcome(fc, {**BASE, "instigator": "staff", "serious": "yes"})
    got = {r.step.id: r.status for r in out.steps}
    assert got["staff_serious_first"] == "due" and "staff_hr" not in got  # one instruction, not two
    assert got["staff_lado"] == "conditional" and "one working day" in fc.steps["staff_lado"].text
    assert "Claire Winter" not in fc.steps["staff_serious_first"].text  # a route, not a named officer
    assert "Claire Winter" in fc.steps["staff_serious_first"].source  # the flowchart's words kept beside it
    assert "staff_remove" not in got
    assert got["staff_code_of_conduct"] == "due"
    assert {"schools_hr", "lado"} <= {c.id for c in out.contacts}


def test_staff_not_serious_ask_the_member_of_staff_to_remove_it_immediately(fc):
    got = steps(fc, instigator="staff", serious="no")
    assert got["staff_remove"] == "due"
    assert "staff_serious_first" not in got
    assert got["staff_code_of_conduct"] == "due"


def test_staff_not_sure_if_serious_take_initial_advice_and_removal_is_conditional(fc):
    got = steps(fc, instigator="staff", serious="not_sure")
    assert got["staff_hr"] == "due" and "staff_serious_first" not in got
    assert got["staff_remove"] == "conditional"


# --- unknown instigator (not in the source) -------------------------------------------------------------


def test_unknown_instigator_gets_general_steps_marked_not_in_source(fc):
    out = engine.outcome(fc, {**BASE, "instigator": "unknown"})
    got = {r.step.id: r for r in out.steps}
    assert got["unknown_instigator"].step.added and not got["unknown_instigator"].step.source
    assert not [sid for sid in got if fc.steps[sid].section in ("parent_carer", "pupil", "staff")]
    assert fc.questions["instigator"].choice("unknown").added


# --- answers contract ----------------------------------------------------------------------------------


def test_missing_answer_names_the_question_and_its_values(fc):
    with pytest.raises(MissingAnswer) as e:
        engine.outcome(fc, {**BASE, "instigator": "staff"})
    assert "'serious'" in str(e.value) and "yes, no, not_sure" in str(e.value)


def test_yaml_booleans_are_yes_and_no(fc):
    got = engine.normalise_answers(fc, {"head_involved": False, "can_report_to_head": True})
    assert got == {"head_involved": "no", "can_report_to_head": "yes"}


def test_unknown_question_id_is_named(fc):
    with pytest.raises(WizardError, match="'instigater' is not a question"):
        engine.normalise_answers(fc, {"instigater": "pupil"})


def test_value_not_allowed_names_question_and_valid_values(fc):
    with pytest.raises(WizardError) as e:
        engine.normalise_answers(fc, {"instigator": "governor"})
    assert "'instigator'" in str(e.value) and "parent_carer, pupil, staff, unknown" in str(e.value)


def test_answers_off_the_path_are_listed_as_not_asked(fc):
    out = engine.outcome(fc, {**BASE, "instigator": "staff", "serious": "no", "resolved": "yes"})
    assert out.not_asked == (("resolved", "yes"),)


def test_public_question_ids_and_values_are_the_contract(fc):
    assert fc.question_values() == {
        "reader": ("member_of_staff", "head_teacher", "chair_of_governors"),
        "head_involved": ("no", "targeted", "posted_or_accused", "other"),
        "can_report_to_head": ("yes", "no"),
        "child_at_risk": ("yes", "no", "not_sure"),
        "alleges_harm": ("yes", "no", "not_sure"),
        "instigator": ("parent_carer", "pupil", "staff", "unknown"),
        "resolved": ("not_yet", "no", "yes"),
        "refuses_removal": ("yes", "no", "not_yet"),
        "under_13": ("yes", "no", "not_sure"),
        "serious": ("yes", "no", "not_sure"),
        "persistent": ("yes", "no"),
    }


def test_paths_cover_every_answer_combination_once(fc):
    all_paths = engine.every_path(fc)
    assert len(all_paths) == len({tuple(sorted(p.items())) for p in all_paths})
    for p in all_paths:
        engine.outcome(fc, p)  # complete: no MissingAnswer
    assert any(p.get("under_13") == "not_sure" for p in all_paths)


# --- covered steps and decisions -----------------------------------------------------------------------


def test_a_step_is_covered_only_by_a_due_step_on_the_path(fc):
    # The Chair of Governors is due when the head teacher is involved: the head-teacher route is left out.
    head = {**HEAD, "instigator": "parent_carer", "resolved": "no"}
    got = {r.step.id for r in engine.outcome(fc, head).steps}
    assert "head_accused_chair" in got and not {"report_incident", "parent_chair", "governors"} & got
    # Not involved, not solved: nothing covers "consider involving the Chair", so it is there.
    assert "parent_chair" in steps(fc, instigator="parent_carer", resolved="no")


def test_a_decision_carries_its_reason_and_a_missing_reason_is_none(fc):
    answers = {**BASE, "instigator": "staff", "serious": "no"}
    [d] = [d for d in engine.outcome(fc, answers, {"serious": "One comment, removed"}).decisions if d.id == "serious"]
    assert d.reason == "One comment, removed" and "not serious" in d.text
    [d] = [d for d in engine.outcome(fc, answers).decisions if d.id == "serious"]
    assert d.reason is None
    assert [d.id for d in engine.outcome(fc, {**answers, "serious": "yes"}, {"serious": "stale"}).decisions] == [
        "child_at_risk"
    ]


# --- found by mutation testing: the words of a refusal, a draft before any answer ---------------------------


@pytest.mark.parametrize(
    "answers, message",
    [
        (
            {"reader": "nobody"},
            "'nobody' is not an answer to question 'reader'. Use one of: member_of_staff, head_teacher, "
            "chair_of_governors.",
        ),
        (
            {"head_involved": "maybe"},
            "'maybe' is not an answer to question 'head_involved'. Use one of: no, targeted, posted_or_accused, other.",
        ),
        (
            {"reader": "chair_of_governors", "head_involved": "no"},
            "'no' is not an answer to question 'head_involved'. Use one of: targeted, posted_or_accused, other.",
        ),
    ],
)
def test_a_wrong_answer_names_itself_its_question_and_every_answer_to_use(fc, answers, message):
    with pytest.raises(WizardError) as e:
        engine.walk(fc, answers)
    assert str(e.value) == message


def test_a_draft_before_any_answer_shows_the_steps_for_everyone(fc):
    w = engine.walk(fc, {})
    assert (w.answered, w.pending.asks) == ((), "head_involved")
    out = engine.outcome_of(fc, w, {})
    assert [r.step.id for r in out.steps] == [sid for sid, s in fc.steps.items() if s.always]
