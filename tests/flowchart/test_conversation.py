"""The conversation without a terminal: answer, go back, change, and abandoned answers vanish."""

import pytest

from esafety_wizard.errors import Interrupted
from esafety_wizard.flowchart.conversation import BACK, Session


def scripted(replies):
    asked = []
    it = iter(replies)

    def ask(prompt):
        asked.append((prompt.question.asks, prompt.can_go_back, prompt.current))
        return next(it)

    return ask, asked


def test_going_back_and_changing_an_answer_drops_the_abandoned_branch(fc):
    ask, asked = scripted(["no", "yes", "yes", "no", "parent_carer", BACK, "staff", "no"])
    out = Session(fc).run(ask)
    ids = [a.id for a in out.answered]
    assert ids == ["head_involved", "can_report_to_head", "child_at_risk", "alleges_harm", "instigator", "serious"]
    assert "resolved" not in {a.id for a in out.answered} and out.not_asked == ()
    # Coming back to 'instigator' shows the earlier answer as the current one.
    assert asked[6] == ("instigator", True, "parent_carer")


def test_first_question_cannot_go_back(fc):
    ask, asked = scripted(["targeted", "no", "no", "unknown"])
    Session(fc).run(ask)
    assert asked[0] == ("head_involved", False, None)
    assert asked[1][1] is True


def test_back_at_the_first_question_is_harmless(fc):
    s = Session(fc)
    s.back()
    assert s.next_prompt().question.asks == "head_involved"


@pytest.mark.parametrize("key", [KeyboardInterrupt, EOFError])
def test_ctrl_c_and_ctrl_d_carry_the_answers_in_one_interrupt(fc, key):
    s = Session(fc)

    def ask(prompt):
        if prompt.question.asks == "instigator":
            raise key
        return "no" if prompt.question.asks == "head_involved" else "yes"

    with pytest.raises(Interrupted) as stop:
        s.run(ask)
    assert (
        stop.value.answers
        == s.answers
        == {
            "head_involved": "no",
            "can_report_to_head": "yes",
            "child_at_risk": "yes",
            "alleges_harm": "yes",
        }
    )


def test_resumed_session_asks_only_what_is_missing(fc):
    ask, asked = scripted(["no"])
    given = {"head_involved": "targeted", "child_at_risk": "no", "instigator": "staff", "alleges_harm": "no"}
    out = Session(fc, given).run(ask)
    assert [q for q, _, _ in asked] == ["serious"]
    assert {a.id: a.value for a in out.answered}["serious"] == "no"


def test_resumed_answers_hold_after_an_earlier_question_is_answered_again(fc):
    given = {
        "head_involved": "no",
        "can_report_to_head": "yes",
        "instigator": "pupil",
        "under_13": "yes",
        "persistent": "no",
        "child_at_risk": "no",
        "alleges_harm": "no",
    }
    ask, asked = scripted(["yes", "not_sure"])  # refuses_removal, then serious: nothing else is asked again
    out = Session(fc, given).run(ask)
    assert [q for q, _, _ in asked] == ["refuses_removal", "serious"]
    assert {a.id: a.value for a in out.answered}["under_13"] == "yes"


def test_going_back_over_a_resumed_answer_asks_it_again(fc):
    given = {
        "head_involved": "no",
        "can_report_to_head": "yes",
        "child_at_risk": "no",
        "instigator": "staff",
        "alleges_harm": "no",
    }
    ask, asked = scripted([BACK, "parent_carer", "no"])
    out = Session(fc, given).run(ask)
    assert [q for q, _, _ in asked] == ["serious", "instigator", "resolved"]
    assert [a.id for a in out.answered][-2:] == ["instigator", "resolved"]
