"""Each concern goes to the right body, in today's words: checked on every path of the built-in procedure, per
family. These test the routes (which step, which contact, due or only if it applies), not only the words.

The facts behind each route are in ../shared/source/GUIDANCE.md ("Who does what", "Evidence", "The member of
staff who was targeted"); each step's `added:` names where it is stated.
"""

import re

import pytest

from esafety_wizard.flowchart import engine

INSTIGATOR_SECTIONS = ("parent_carer", "pupil", "staff", "unknown")
NEW_CONTACTS = ("lado", "childrens_social_care", "nspcc_whistleblowing", "revenge_porn_helpline", "stopncii")


@pytest.fixture(scope="module")
def outcomes(fc):
    return [engine.outcome(fc, answers) for answers in engine.every_path(fc)]


def answers(out):
    return {a.id: a.value for a in out.answered}


def status(out):
    return {r.step.id: r.status for r in out.steps}


def lado_steps(out, only_due=False):
    """The steps on this path that send someone to the LADO."""
    return [r.step.id for r in out.steps if "lado" in r.step.contacts and (r.status == "due" or not only_due)]


def test_every_family_and_the_new_questions_are_covered(outcomes):
    seen = {(answers(o).get("instigator"), answers(o).get("alleges_harm")) for o in outcomes}
    assert {i for i, _ in seen} == {"parent_carer", "pupil", "staff", "unknown"}
    assert {a for _, a in seen} == {"yes", "no", "not_sure"}


def test_nude_images_the_dsl_decides_about_the_police_when_young_people_shared_them(outcomes, fc):
    text = fc.steps["nude_images"].text
    assert "will involve the police" not in text
    assert "If an adult shared it, it goes to the police urgently" in text
    assert "If young people shared it, the DSL decides whether the police or children's social care" in text
    for out in outcomes:
        assert status(out)["nude_images"] == "due"
        assert not [r.step.id for r in out.steps if "will involve the police" in r.step.text]


def test_a_child_at_risk_goes_through_the_dsl_to_childrens_social_care_not_the_lado(outcomes, fc):
    dsl = fc.steps["child_protection"]
    assert "children's social care" in dsl.text and "LADO" not in dsl.text
    assert "childrens_social_care" in dsl.contacts and "lado" not in dsl.contacts
    care = fc.contacts["childrens_social_care"]
    assert care.phone and care.checked[:10] == "2026-11-29" and "Starting Point" in care.name
    at_risk = [o for o in outcomes if answers(o).get("child_at_risk") in ("yes", "not_sure")]
    assert at_risk
    for out in at_risk:
        assert status(out)["child_protection"] == "due"
        assert "childrens_social_care" in {c.id for c in out.contacts}, answers(out)


def test_the_lado_is_not_due_where_its_criteria_do_not_apply(outcomes):
    for out in outcomes:
        a = answers(out)
        if a["alleges_harm"] != "no":
            continue
        if a.get("instigator") == "staff" and a.get("serious") == "no":
            assert lado_steps(out, only_due=True) == [], a  # an HR matter, unless it meets the LADO's tests
            assert status(out)["staff_lado"] == "conditional", a
        if a.get("can_report_to_head") == "no" and a["instigator"] in ("parent_carer", "pupil"):
            assert lado_steps(out) == [], a  # not even as a maybe: nothing about an adult who works with children


def test_an_allegation_that_someone_harmed_a_child_goes_to_the_lado_within_one_working_day(outcomes, fc):
    step = fc.steps["lado_allegation"]
    assert step.section == "now" and "one working day" in step.text and "lado" in step.contacts
    assert "until" in step.text and "charged" in step.text  # reporting restrictions (Education Act 2002, s141F)
    assert "on a pupil's behalf" in step.text and "a parent's own post" in step.text  # as wide as the law
    for out in outcomes:
        a = answers(out)["alleges_harm"]
        assert status(out).get("lado_allegation") == {"yes": "due", "not_sure": None, "no": None}[a], answers(out)
        assert status(out).get("lado_ask") == {"yes": None, "not_sure": "due", "no": None}[a], answers(out)
        assert status(out).get("lado_agreed") == {"yes": "due", "not_sure": "due", "no": None}[a], answers(out)


def test_the_lado_is_a_route_and_the_flowcharts_officers_stay_in_its_own_words(fc, outcomes):
    lado = fc.contacts["lado"]
    assert lado.email == "professional.allegations@derbyshire.gov.uk" and "referral form" in lado.role
    assert not lado.phone and "Miles Dent: 01629 531940" in " ".join(lado.source.split())
    assert lado.checked.startswith("2026-11-29")
    for out in outcomes[::7]:
        for r in out.steps:
            assert not re.search("Claire Winter|Miles Dent|531940", r.step.text), r.step.id
        for c in out.contacts:
            assert "531940" not in (c.phone or "") and c.name not in ("Claire Winter", "Miles Dent")


def test_the_platform_decides_a_school_can_only_ask(fc):
    for sid in ("pupil_social_network", "report_abuse", "unknown_report_platform"):
        text = fc.steps[sid].text
        assert "who will close" not in text and "decides" in text, sid
    assert "who will close the account" in fc.steps["pupil_social_network"].source  # the flowchart's words kept


def test_the_chairs_step_fits_the_head_who_posted_it_and_the_head_who_was_targeted(fc):
    text = fc.steps["head_involved_chair"].text
    assert text.startswith("Report the incident to the school's Chair of Governors")
    assert "not the head" not in text  # a head who was targeted may be told
    accused = fc.steps["head_accused_chair"].text
    assert accused.startswith("Report the incident to the school's Chair of Governors, not the head teacher")
    choices = fc.questions["head_involved"]
    assert choices.choice("targeted").due[0] == "head_involved_chair"
    assert choices.choice("posted_or_accused").due[0] == "head_accused_chair"


def test_report_harmful_content_is_for_legal_but_harmful_content_and_the_reporters_age(fc):
    step = fc.steps["report_abuse"]  # the platform's own tool, then the escalation when that fails
    assert "aged 13" not in step.text  # read after the under-13 question, it looked like the pupil's age
    assert "may be a crime goes to the police" in step.text
    assert "the person reporting" in step.added and "legal but harmful" in step.added


def test_the_member_of_staff_is_looked_after_before_any_step_about_who_posted_it(outcomes, fc):
    assert "safe today" in fc.steps["staff_wellbeing"].text and "risk assessment" in fc.steps["staff_wellbeing"].text
    support = {c for c in fc.steps["support_for_staff"].contacts}
    assert {"union", "education_support", "helpline"} <= support
    for out in outcomes:
        got = [r.step.id for r in out.steps]
        theirs = [i for i, r in enumerate(out.steps) if r.step.section in INSTIGATOR_SECTIONS]
        assert theirs, answers(out)
        assert got.index("staff_wellbeing") < got.index("support_for_staff") < theirs[0], answers(out)
        assert status(out)["staff_wellbeing"] == status(out)["support_for_staff"] == "due"


def test_every_path_has_the_police_for_crimes_and_for_intimate_images_beside_999(outcomes, fc):
    crime = fc.steps["police_crime"]
    assert "101" in crime.text and "999" in crime.text and "police decide" in crime.text
    assert "threatening, menacing, grossly offensive or indecent" in crime.condition
    images = fc.steps["intimate_images_adult"]
    assert {"derbyshire_police", "revenge_porn_helpline", "stopncii"} <= set(images.contacts)
    assert "faked images too" in images.text
    for out in outcomes:
        assert status(out)["police_crime"] == "conditional", answers(out)
        assert status(out)["intimate_images_adult"] == "conditional", answers(out)
        assert "derbyshire_police" in {c.id for c in out.contacts}


def test_the_head_teacher_who_is_the_dsl_hands_the_child_protection_steps_to_the_deputy(outcomes):
    for out in outcomes:
        a = answers(out)
        want = None if a["head_involved"] == "no" else "conditional"  # "if the head is also the DSL"
        assert status(out).get("deputy_dsl") == want, a
        if want:
            assert out.steps[0].step.id == "deputy_dsl", a  # read before any step that names the DSL


def test_cannot_tell_the_head_offers_the_nspcc_whistleblowing_line(outcomes):
    for out in outcomes:
        if answers(out).get("can_report_to_head") == "no":
            assert {"nspcc_whistleblowing", "helpline", "senior_leadership_team"} <= {c.id for c in out.contacts}


def test_instigator_unknown_reports_to_the_platform_within_the_first_five_steps(outcomes):
    unknown = [o for o in outcomes if answers(o)["instigator"] == "unknown"]
    assert unknown
    for out in unknown:
        # Counted after 'Now, before anything else' (an allegation; the deputy DSL), which only those answers add.
        got = [r.step.id for r in out.steps if r.step.section != "now"]
        assert "unknown_report_platform" in got[:5], got
        assert got.index("keep_evidence") < got.index("unknown_report_platform")  # evidence first, still
        assert "report_abuse" not in got  # said once


def test_the_warning_about_nude_images_comes_before_anyone_keeps_screenshots(outcomes):
    for out in outcomes:
        got = [r.step.id for r in out.steps]
        assert got.index("nude_images") < got.index("keep_evidence"), answers(out)


def test_data_protection_in_the_evidence_the_governors_and_the_letter_to_other_parents(fc):
    assert "not a personal phone" in fc.steps["keep_evidence"].text
    assert "who may see it" in fc.steps["keep_evidence"].text
    for sid in ("governors", "governing_body"):
        assert "needs no names" in fc.steps[sid].text, sid
    assert "Name no pupil or member of staff" in fc.steps["parent_letter"].text


def test_every_number_and_address_says_where_it_comes_from_and_when_it_was_checked(fc):
    for c in fc.contacts.values():
        if c.phone or c.email or c.web:
            assert c.checked, c.id
            assert c.source or c.added, c.id
    for cid in NEW_CONTACTS:
        c = fc.contacts[cid]
        assert re.match(r"\d{4}-\d{2}-\d{2}", c.checked), cid
        assert c.added and re.search(r"\w+\.(org|gov)\.uk|\.org\b|nspcc|swgfl", c.added), cid  # a public page named


def test_every_addition_is_marked_and_every_change_keeps_the_flowcharts_words(fc):
    for s in fc.steps.values():
        assert s.source or s.added, s.id
    for sid in ("child_protection", "cannot_report_to_head", "staff_serious_first", "pupil_social_network"):
        assert fc.steps[sid].source and fc.steps[sid].added, sid
    for qid in ("head_involved", "child_at_risk", "alleges_harm"):
        assert fc.questions[qid].added, qid
