"""The askers without a terminal: arrow-key menus fed through prompt_toolkit's pipe input (as questionary's own
tests do), and plain mode through text streams."""

import io

import pytest
from prompt_toolkit.input.defaults import create_pipe_input
from prompt_toolkit.output import DummyOutput

from esafety_wizard.errors import Interrupted, WizardError
from esafety_wizard.flowchart.conversation import BACK, Prompt, Session
from esafety_wizard.prompts.arrows import ArrowAsker
from esafety_wizard.prompts.plain import PlainAsker

DOWN = "\x1b[B"
ENTER = "\r"
CTRL_C = "\x03"
CTRL_D = "\x04"


def arrows(keys: str, call):
    with create_pipe_input() as inp:
        inp.send_text(keys)
        return call(ArrowAsker(input=inp, output=DummyOutput()))


def first(fc):
    return Prompt(fc.questions[fc.start], 1, False)


def test_enter_takes_the_highlighted_first_choice(fc):
    assert arrows(ENTER, lambda a: a.ask(first(fc))) == fc.questions[fc.start].choices[0].value


def test_down_then_enter_takes_the_second_choice(fc):
    assert arrows(DOWN + ENTER, lambda a: a.ask(first(fc))) == fc.questions[fc.start].choices[1].value


def test_the_earlier_answer_is_highlighted_when_coming_back(fc):
    q = fc.questions[fc.start]
    again = Prompt(q, 1, False, current=q.choices[1].value)
    assert arrows(ENTER, lambda a: a.ask(again)) == q.choices[1].value


def test_go_back_is_the_last_entry_after_the_first_question(fc):
    q = fc.questions[fc.start]
    later = Prompt(q, 2, True)
    assert arrows(DOWN * len(q.choices) + ENTER, lambda a: a.ask(later)) is BACK


def test_ctrl_c_in_a_menu_reaches_the_session_as_one_interrupt_with_the_answers(fc):
    session = Session(fc)
    with pytest.raises(Interrupted) as stop:
        arrows(DOWN + ENTER + CTRL_C, lambda a: session.run(a.ask))
    q = fc.questions[fc.start]
    assert stop.value.answers == {q.asks: q.choices[1].value}


def test_ctrl_d_in_a_menu_is_treated_like_ctrl_c(fc):
    session = Session(fc)
    with pytest.raises(Interrupted) as stop:
        arrows(ENTER + CTRL_D, lambda a: session.run(a.ask))
    q = fc.questions[fc.start]
    assert stop.value.answers == {q.asks: q.choices[0].value}


def test_a_decision_asks_for_its_reason_and_the_session_keeps_it(fc):
    # No (head not involved), then No (cannot tell the head): a decision, so the reason is asked.
    session = Session(fc)
    with pytest.raises(Interrupted) as stop:
        arrows(
            ENTER + DOWN + ENTER + "Head is a friend of the parent" + ENTER + CTRL_C,
            lambda a: session.run(a.ask, a.reason),
        )
    assert stop.value.answers == {"head_involved": "no", "can_report_to_head": "no"}
    assert stop.value.reasons == {"can_report_to_head": "Head is a friend of the parent"}


def test_confirm_and_text(fc):
    assert arrows("y", lambda a: a.confirm("Save a transcript?")) is True
    assert arrows(ENTER, lambda a: a.confirm("Keep a case file?", default=False)) is False
    assert arrows("  Jo Bloggs " + ENTER, lambda a: a.text("Your name:")) == "Jo Bloggs"


def plain(lines: str, echo=True):
    out = io.StringIO()
    return PlainAsker(out, io.StringIO(lines), echo=echo), out


def test_plain_reads_a_number_and_help_shows_the_source_words(fc):
    q = fc.questions[fc.start]
    asker, out = plain("?\n2\n")
    assert asker.ask(first(fc)) == q.choices[1].value
    text = out.getvalue()
    assert f"Question 1: {q.text}" in text and f"Answer: {q.choices[1].label}" in text
    if q.source:
        assert q.source in " ".join(text.split())  # wrapped at the terminal's width


def test_plain_says_what_to_type_after_a_wrong_answer(fc):
    asker, out = plain("9\nx\n1\n")
    assert asker.ask(first(fc)) == fc.questions[fc.start].choices[0].value
    assert out.getvalue().count("is not one of the choices") == 2


def test_plain_confirm_and_text(fc):
    assert plain("y\n")[0].confirm("Keep a case file?") is True
    assert plain("\n")[0].confirm("Keep a case file?") is False
    assert plain(" Jo \n")[0].text("Your name:") == "Jo"


@pytest.mark.parametrize("width", range(40, 121, 7))
def test_help_and_hint_wrap_at_words_and_the_hint_is_never_broken(fc, width):
    from esafety_wizard.prompts.arrows import _lines
    from esafety_wizard.record import wording

    for q in fc.questions.values():
        lines = _lines([q.help or "", wording.ARROWS_HINT], width - 2)
        assert lines[-1] == wording.ARROWS_HINT
        assert all(len(line) <= width - 2 for line in lines)


def test_every_choice_fits_a_40_column_menu(fc):
    # questionary cuts a choice that is wider than the terminal; " » " takes three columns.
    asked = [*fc.questions.values(), fc.reader]  # the reader question too: it is asked first
    assert [c.label for q in asked for c in q.choices if len(c.label) > 40 - 4] == []


def test_plain_ctrl_d_at_a_terminal_is_treated_like_ctrl_c(fc):
    asker, _ = plain("2\n", echo=False)  # echo is off when the input is a terminal
    session = Session(fc)
    with pytest.raises(Interrupted) as stop:
        session.run(asker.ask, asker.reason)
    q = fc.questions[fc.start]
    assert stop.value.answers == {q.asks: q.choices[1].value}


def test_plain_reason_is_asked_after_a_decision(fc):
    asker, out = plain("1\n2\nThe head is a friend of the parent\n", echo=True)
    session = Session(fc)
    with pytest.raises(WizardError, match="the input ended"):
        session.run(asker.ask, asker.reason)
    assert session.reasons == {"can_report_to_head": "The head is a friend of the parent"}
    assert "Why did you decide this?" in out.getvalue()


def test_plain_takes_the_answers_words_as_well_as_its_number(fc):
    q = fc.questions[fc.start]
    for typed in ("no", "NO", " No ", "n"):
        asker, _ = plain(f"{typed}\n")
        assert asker.ask(first(fc)) == "no", typed
    asker, out = plain("maybe\n1\n")
    assert asker.ask(first(fc)) == q.choices[0].value
    assert "'maybe' is not one of the choices" in out.getvalue()


def test_plain_wraps_at_the_terminal_width_between_words(fc, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    asker, out = plain("1\n")
    asker.ask(first(fc))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 40
    words = set(" ".join(lines).split())
    assert all(w in words for w in fc.questions[fc.start].text.split())  # no word cut in two


def test_plain_asks_again_when_the_words_fit_two_answers(fc):
    q = fc.questions["resolved"]  # Not yet / No, it is not solved / Yes, it is solved
    asker, out = plain("not\n2\n")
    assert asker.ask(Prompt(q, 1, False)) == "no"
    said = " ".join(out.getvalue().split())
    assert "'not' could be 1 (Not yet" in said and "or 2 (No, it is not solved)" in said


def test_plain_prompts_fit_80_columns(fc, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    asker, out = plain("1\n")
    asker.ask(Prompt(fc.questions["instigator"], 2, True))
    assert max(len(line) for line in out.getvalue().splitlines()) <= 80
