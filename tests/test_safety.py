"""Where a school can do most harm (issue 28), checked on every path of the built-in procedure and for every reader
it accepts: a head teacher who is involved takes no part, an allegation waits for the LADO, a child who may be at
risk is asked about everywhere and goes to the DSL first, no image of an under-18 is kept, the police advise first."""

import pytest

from esafety_wizard.flowchart import engine

# Steps about the person who posted it, or about handling the case: never for a head teacher who posted it or
# is accused, nor for the one who was targeted (the Chair handles the rest).
HANDLING_SECTIONS = {"parent_carer", "pupil", "staff", "unknown"}
# Contact with the poster or the complainant, removal requests, sanctions and letters: each waits for the LADO
# on an allegation.
WAITS_FOR_LADO = {
    "parent_invite",
    "parent_request_removal",
    "parent_letter",
    "pupil_identify",
    "pupil_remove",
    "pupil_social_network",
    "pupil_policy",
    "pupil_inform_parents",
    "staff_remove",
    "staff_code_of_conduct",
    "unknown_report_platform",
    "report_abuse",
}
CONTACT_OR_REMOVAL = {"parent_invite", "parent_request_removal", "pupil_remove", "staff_remove"}


def _all_paths(fc):
    return [(a, engine.outcome(fc, a)) for a in engine.every_path(fc) + engine.reader_paths(fc)]


@pytest.fixture(scope="module")
def paths(fc):
    return _all_paths(fc)


def status(out):
    return {r.step.id: r for r in out.steps}


def test_every_path_family_and_reader_is_covered(paths):
    readers = {a.get("reader") for a, _ in paths}
    assert readers == {None, "member_of_staff", "head_teacher", "chair_of_governors"}
    assert {a["head_involved"] for a, _ in paths} == {"no", "targeted", "posted_or_accused", "other"}
    assert {a.get("instigator") for a, _ in paths} >= {"parent_carer", "pupil", "staff", "unknown"}


def test_a_head_teacher_who_posted_it_or_is_accused_takes_no_part_in_handling_it(paths, fc):
    accused = [
        (a, o) for a, o in paths if a.get("reader") == "head_teacher" and a["head_involved"] == "posted_or_accused"
    ]
    assert accused
    allowed = {"head_tell_chair", "head_no_part", "head_deputy_dsl", "child_protection", "support_for_head"}
    for a, out in accused:
        ids = [r.step.id for r in out.steps]
        assert set(ids) <= allowed and {"head_tell_chair", "head_no_part", "support_for_head"} <= set(ids), a
        assert "instigator" not in a  # not asked about who posted it: the Chair handles that
        assert len(ids) <= 6
    assert "do not contact the member of staff" in fc.steps["head_no_part"].text


def test_a_head_teacher_who_was_targeted_gets_the_member_of_staffs_part_and_the_chair_the_rest(paths, fc):
    targeted = [(a, o) for a, o in paths if a.get("reader") == "head_teacher" and a["head_involved"] == "targeted"]
    assert targeted
    only = set(fc.reader_part("member_of_staff").only)
    for a, out in targeted:
        ids = {r.step.id for r in out.steps}
        assert ids <= only and "head_involved_chair" in ids and "support_for_you" in ids, a
        assert not [r for r in out.steps if r.step.section in HANDLING_SECTIONS], a


def test_the_chair_gets_the_case_managers_procedure_and_is_never_asked_whether_the_head_is_involved(paths):
    chair = [(a, o) for a, o in paths if a.get("reader") == "chair_of_governors"]
    assert {a["head_involved"] for a, _ in chair} == {"targeted", "posted_or_accused", "other"}
    for a, out in chair:
        ids = [r.step.id for r in out.steps]
        assert "chair_handles" in ids and any(r.step.section in HANDLING_SECTIONS for r in out.steps), a


def test_no_outcome_tells_the_reader_to_contact_themselves(paths, fc):
    for a, out in paths:
        reader = a.get("reader")
        for r in out.steps:
            words = f"{r.step.text} {r.step.short or ''}".lower()
            if reader == "chair_of_governors":
                assert r.step.route != "chair_of_governors" and "report it to the chair" not in words, (a, r.step.id)
            if reader == "head_teacher" or a["head_involved"] != "no":
                assert "report the incident to the head teacher" not in words, (a, r.step.id)
                assert "report it to your head teacher" not in words, (a, r.step.id)


def test_on_an_allegation_nothing_about_the_people_involved_happens_before_the_lado_agrees(paths, fc):
    alleged = [(a, o) for a, o in paths if a.get("alleges_harm") in ("yes", "not_sure")]
    assert alleged
    for a, out in alleged:
        got = status(out)
        handling = a.get("reader") in (None, "head_teacher", "chair_of_governors") and "instigator" in a
        if not handling:
            continue
        assert got["lado_agreed"].status == "due", a
        first = [r.step.id for r in out.steps].index("lado_agreed")
        for sid in WAITS_FOR_LADO & set(got):
            r = got[sid]
            assert r.status == "conditional" and "Only once the LADO has agreed" in r.step.condition, (a, sid)
            assert [x.step.id for x in out.steps].index(sid) > first, (a, sid)
        # exactly one LADO step: the allegation's (or asking the LADO), never the staff route's too
        assert len({"lado_allegation", "lado_ask", "staff_lado"} & set(got)) == 1, a
    for name in ("parent_invite", "remove_material", "other_parents", "inform_parents"):
        assert fc.letters[name].waits_for == ("lado_agreed",), name


def test_not_sure_whether_it_is_an_allegation_says_to_ask_the_lado(paths):
    for a, out in paths:
        if a.get("alleges_harm") == "not_sure":
            got = status(out)
            assert got["lado_ask"].status == "due" and "lado_allegation" not in got, a


def test_a_child_at_risk_is_asked_about_on_every_path_for_every_reader_and_goes_to_the_dsl_first(paths):
    for a, out in paths:
        assert "child_at_risk" in a, a
        ids = [r.step.id for r in out.steps]
        if a["child_at_risk"] in ("yes", "not_sure"):
            first = [sid for sid in ids if sid not in ("deputy_dsl", "head_deputy_dsl")][0]
            assert first == "child_protection" and status(out)["child_protection"].status == "due", a
        else:
            assert "child_protection" not in ids, a


def test_on_a_child_at_risk_path_the_childs_parents_are_told_only_if_the_dsl_decides(paths, fc):
    for a, out in paths:
        got = status(out)
        if a["child_at_risk"] == "no":
            continue
        for sid in ("pupil_inform_parents", "parent_invite", "parent_request_removal"):
            if sid in got:
                r = got[sid]
                assert r.status == "conditional" and "the DSL has decided" in r.step.condition, (a, sid)
    # The letter offered to a pupil's parents tells them; it never asks them to remove what their child posted.
    inform = fc.letters["inform_parents"]
    assert inform.steps == ("pupil_inform_parents",)
    assert not any("remove" in (p.text or "").lower() for p in inform.parts)
    assert fc.letters["remove_material"].steps == ("parent_request_removal",)


def test_no_step_says_to_keep_an_image_that_may_show_an_under_18(paths, fc):
    for a, out in paths[::5]:
        for r in out.steps:
            text = r.step.text.lower()
            if "screenshot" in text or "keep any evidence" in text:
                assert "under 18" in text and "do not capture it" in text, (a, r.step.id)
    ids = [r.step.id for r in paths[0][1].steps]
    assert ids.index("nude_images") < ids.index("keep_evidence")
    assert "never an image of an under-18" in fc.steps["keep_evidence"].short


def test_where_the_police_may_act_their_advice_comes_before_contact_or_removal(paths, fc):
    for sid in ("police_crime", "intimate_images_adult"):
        assert "advice" in fc.steps[sid].text and "before you contact" in fc.steps[sid].text, sid
    for sid in CONTACT_OR_REMOVAL:
        assert "take their advice first" in fc.steps[sid].text, sid
    for a, out in paths[::7]:
        ids = [r.step.id for r in out.steps]
        if "police_crime" in ids:
            for sid in CONTACT_OR_REMOVAL & set(ids):
                assert ids.index("police_crime") < ids.index(sid), (a, sid)


def test_the_staff_route_puts_the_lado_before_schools_hr(fc):
    ids = list(fc.steps)
    assert ids.index("staff_lado") < ids.index("staff_serious_first") < ids.index("staff_hr")
    assert set(fc.steps["staff_lado"].covered_by) == {"lado_allegation", "lado_ask"}


def test_the_law_is_cited_as_it_stands(fc):
    assert "section 66B" in fc.steps["intimate_images_adult"].added and "31 January 2024" in (
        fc.steps["intimate_images_adult"].added
    )
    assert "section 141F" in fc.steps["lado_allegation"].added
    assert "72 hours" in fc.steps["data_breach"].text and "data protection officer" in fc.steps["data_breach"].text
    assert "chair_of_governors" in fc.steps["cannot_report_to_head"].contacts


def test_an_older_answers_file_saying_the_head_is_involved_is_read_the_safest_way(fc):
    old = {"reader": "head_teacher", "head_involved": "yes", "child_at_risk": "no"}
    out = engine.outcome(fc, engine.normalise_answers(fc, old))
    assert {r.step.id for r in out.steps} >= {"head_tell_chair", "head_no_part"}


def test_an_answer_given_by_the_readers_role_is_marked_as_not_asked_wherever_the_record_is_read(tmp_path):
    from typer.testing import CliRunner

    from esafety_wizard.cli import app

    runner = CliRunner()
    a = tmp_path / "a.yaml"
    a.write_text("reader: head_teacher\nhead_involved: no\nchild_at_risk: yes\nalleges_harm: no\ninstigator: unknown\n")
    env = {"ESAFETY_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    assert runner.invoke(app, ["guide", "-a", str(a), "--save", "--as", "Jo", "-t", str(tmp_path / "t.md")], env=env)
    mark = "(not asked: it follows from who is reading)"
    said = {
        "transcript": (tmp_path / "t.md").read_text(),
        "log show": runner.invoke(app, ["log", "show", "1"], env=env).stdout,
        "md": runner.invoke(app, ["log", "export", "1", "--format", "md"], env=env).stdout,
        "html": runner.invoke(app, ["log", "export", "1", "--format", "html"], env=env).stdout,
    }
    for where, text in said.items():
        line = next(x for x in text.splitlines() if "report the incident to your head teacher" in x)
        assert mark in line, where
        assert sum(x.count(mark) for x in text.splitlines()) == 1, where  # only that one: the others were asked
    data = runner.invoke(app, ["log", "export", "1", "--format", "json"], env=env).stdout
    import json

    by_role = [x["id"] for x in json.loads(data)["answers"] if x.get("by_role")]
    assert by_role == ["can_report_to_head"]
