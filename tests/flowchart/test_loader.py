"""The loader: every error names the file, the line and what to fix."""

import contextlib
import signal
import textwrap

import pytest
import yaml
from typer.testing import CliRunner

from esafety_wizard.cli import app
from esafety_wizard.errors import FlowchartError
from esafety_wizard.flowchart import loader
from esafety_wizard.flowchart.loader import reader

from samples import GOOD


def problems(tmp_path, text):
    p = tmp_path / "f.yaml"
    p.write_text(textwrap.dedent(text))
    fc, found = loader.check_file(p)
    return fc, [str(x) for x in found]


def errors_of(tmp_path, text):
    fc, found = problems(tmp_path, text)
    assert fc is None
    return [x for x in found if "warning" not in x]


def test_good_file_loads_with_shorthands_expanded(tmp_path):
    fc, found = problems(tmp_path, GOOD)
    assert found == []
    assert fc.questions["q1"].values == ("yes", "no")  # `yes:` stays the word, not True
    assert fc.questions["q1"].choice("no").label == "No"
    assert fc.contacts["c1"].phone == "01629 531940"  # not an octal number
    assert fc.steps["s3"].always is True
    assert len(fc.sha256) == 64


def test_builtin_flowchart_has_no_problems_at_all():
    fc, found = loader.check_file(None)
    assert fc is not None and found == []


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("    text: Second?", "    text: [Second?"))
    assert len(errs) == 1 and errs[0].startswith(f"{tmp_path / 'f.yaml'}:") and "not valid YAML" in errs[0]


def test_branch_to_a_missing_question_suggests_the_right_one(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("next: q2", "next: q22"))
    assert any(
        ":7: choice 'yes' of question 'q1' goes to 'q22', which is not a question (did you mean 'q2'?)" in e
        for e in errs
    )


def test_unknown_key_suggests_the_right_one(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("    text: First?", "    txt: First?"))
    assert any(":5: question 'q1' has an unknown key 'txt' (did you mean 'text'?)" in e for e in errs)


def test_duplicate_key_is_reported_not_overwritten(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("  q2:\n", "  q1:\n"))
    assert any(":9: 'q1' is given twice (first at line 4)" in e for e in errs)


def test_step_without_source_or_added(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace(", added: a test", ""))
    assert any(":18: step 's2' says neither where it comes from nor why it was added" in e for e in errs)


def test_unknown_contact_and_unknown_step(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("contacts: [c1]", "contacts: [c2]").replace("due: [s1]", "due: [s9]"))
    assert any(":7: choice 'yes' of question 'q1' names step 's9'" in e for e in errs)
    assert any(":17: step 's1' names contact 'c2'" in e for e in errs)


def test_question_with_one_choice(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("      b: {next: end}\n", ""))
    assert any("question 'q2' has 1 choice: a question needs at least two" in e for e in errs)


def test_choice_without_next_ends_without_an_outcome(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("no: {next: end}", "no: {}"))
    assert any(":8: choice 'no' of question 'q1' has no 'next': add it" in e for e in errs)


def test_loop_is_reported(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("a: {next: end", "a: {next: q1"))
    assert any("goes back to 'q1', which makes a loop" in e for e in errs)


def test_question_no_path_reaches(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("yes: {next: q2", "yes: {next: end"))
    assert any(":9: question 'q2' is never asked" in e for e in errs)


def test_unused_contact_and_step_are_warnings_only(tmp_path):
    text = GOOD + "  c9: {name: Nobody, source: x}\n"
    fc, found = problems(tmp_path, text)
    assert fc is not None
    assert any("warning: contact 'c9' is not named by any step" in x for x in found)


def test_all_problems_are_reported_at_once(tmp_path):
    errs = errors_of(
        tmp_path,
        GOOD.replace("txt", "x")
        .replace("next: q2", "next: nowhere")
        .replace("section: main, text: Always.", "section: mian, text: Always."),
    )
    assert len(errs) >= 2


def test_load_raises_one_error_listing_everything(tmp_path):
    p = tmp_path / "f.yaml"
    p.write_text(GOOD.replace("next: q2", "next: q22"))
    with pytest.raises(FlowchartError) as e:
        loader.load(p)
    assert "problem" in str(e.value) and "q22" in str(e.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FlowchartError, match="nope.yaml: file not found"):
        loader.load(tmp_path / "nope.yaml")


def test_not_a_mapping(tmp_path):
    errs = errors_of(tmp_path, "- just\n- a list\n")
    assert errs == [f"{tmp_path / 'f.yaml'}:1: the file must be a mapping of 'key: value' lines, found a list"]


def test_same_question_asked_with_different_choices(tmp_path):
    text = GOOD.replace("  q2:\n    text: Second?", "  q2:\n    asks: q1\n    text: Second?")
    errs = errors_of(tmp_path, text)
    assert any("asks 'q1' with choices a, b" in e for e in errs)


def test_yaml_tags_are_not_executed(tmp_path):
    errs = errors_of(tmp_path, "title: !!python/object/apply:os.system ['echo hi']\n")
    assert errs and all("Traceback" not in e for e in errs)


@contextlib.contextmanager
def finishes_within(seconds):
    """Fail, instead of hanging the test run, if the code inside loops for ever."""

    def stop(*_):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_aliases_are_refused_even_when_they_point_at_themselves(tmp_path):
    # A recursive alias used to make the loader loop for ever; a shared one could blow up exponentially.
    with finishes_within(10):
        assert errors_of(tmp_path, "title: &x\n  - *x\n") == [
            f"{tmp_path / 'f.yaml'}:2: aliases (*name) are not supported: write the value out in full"
        ]
        errs = errors_of(tmp_path, "a: &x [1, 2]\nb: *x\n")
    assert any(":2: aliases (*name) are not supported" in e for e in errs)


def test_more_than_one_document_is_refused(tmp_path):
    errs = errors_of(tmp_path, GOOD + "---\ntitle: Another\n")
    assert errs == [
        f"{tmp_path / 'f.yaml'}:{GOOD.count(chr(10)) + 1}: a second YAML document starts here ('---'): keep only one"
    ]


def test_a_key_that_is_a_list_is_refused_and_the_rest_still_read(tmp_path):
    doc, found = reader.load("? [a, {b: c}]\n: value\nafter: kept\n", "f.yaml")
    assert [str(p) for p in found] == ["f.yaml:1: a key must be a plain word, not a list or mapping"]
    assert doc == {"after": "kept"} and doc.line_of("after") == 3


def test_empty_file_and_bare_text(tmp_path):
    assert errors_of(tmp_path, "") == [
        f"{tmp_path / 'f.yaml'}:1: the file must be a mapping of 'key: value' lines, found nothing"
    ]
    assert errors_of(tmp_path, "just words\n") == [
        f"{tmp_path / 'f.yaml'}:1: the file must be a mapping of 'key: value' lines, found the text 'just words'"
    ]


def test_each_problem_is_reported_once(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("    text: First?", "    text: First?\n    help: [not, text]"))
    assert errs == [f"{tmp_path / 'f.yaml'}:6: 'help' of question 'q1' must be text, found a list"]


def test_problems_inside_a_choice_name_the_choice(tmp_path):
    errs = errors_of(
        tmp_path, GOOD.replace("yes: {next: q2, due: [s1]}", "yes: {next: q2, due: [s1], conditional: s1, label: [x]}")
    )
    assert errs == [
        f"{tmp_path / 'f.yaml'}:7: choice 'yes' of question 'q1' makes s1 both due and conditional: pick one",
        f"{tmp_path / 'f.yaml'}:7: 'label' of choice 'yes' of question 'q1' must be text, found a list",
    ]


def test_pure_python_parser_reads_the_same_document_and_lines(monkeypatch):
    # Without libyaml, PyYAML's own parser is used: the document and every line number must be the same.
    def shape(x):
        if isinstance(x, dict):
            return (x.line, sorted(x.key_lines.items()), {k: shape(v) for k, v in x.items()})
        if isinstance(x, list):
            return (x.line, list(x.item_lines), [shape(v) for v in x])
        return x

    text = loader.builtin_path().read_text(encoding="utf-8") + "extra: &a [1]\nmore: *a\n"
    fast = reader.load(text, "f.yaml")
    monkeypatch.setattr(reader, "_Loader", yaml.SafeLoader)
    slow = reader.load(text, "f.yaml")
    assert shape(slow[0]) == shape(fast[0]) and slow[1] == fast[1] != []


@pytest.mark.parametrize("loader", ["libyaml", "pure Python"])
def test_an_invisible_control_character_is_named_with_its_line(tmp_path, monkeypatch, loader):
    if loader == "pure Python":  # its reader rejects the character before parsing starts
        monkeypatch.setattr(reader, "_Loader", yaml.SafeLoader)
    errs = errors_of(tmp_path, GOOD.replace("Do two.", "Do\x07 two."))
    assert errs == [
        f"{tmp_path / 'f.yaml'}:18: this line contains a control character (#x0007) that YAML does not allow. "
        "It is often invisible: retype the line."
    ]


def test_covered_by_names_steps_and_a_typo_is_named_with_its_line(tmp_path):
    errs = errors_of(
        tmp_path, GOOD.replace("text: Always., always: true", "text: Always., always: true, covered_by: [s11]")
    )
    assert any(
        ":19: step 's3' is covered by step 's11', which is not in 'steps' (did you mean 's1'?)" in e for e in errs
    )


def test_urgent_decision_and_covered_by_are_read(tmp_path):
    text = GOOD.replace("start: q1", "urgent: {text: Call 999 now., added: not in the source}\nstart: q1")
    text = text.replace("no: {next: end}", "no: {next: end, decision: Nothing is done.}")
    text = text.replace("text: Always., always: true", "text: Always., always: true, covered_by: [s1]")
    fc, found = problems(tmp_path, text)
    assert fc is not None, found
    assert fc.urgent.text == "Call 999 now." and fc.urgent.added == "not in the source"
    assert fc.questions["q1"].choice("no").decision == "Nothing is done."
    assert fc.steps["s3"].covered_by == ("s1",)
    assert loader.load(tmp_path / "f.yaml") == loader.load(tmp_path / "f.yaml")  # and through the cache


def test_urgent_needs_its_provenance(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("start: q1", "urgent: {text: Call 999 now.}\nstart: q1"))
    assert any("'urgent' says neither where it comes from nor why it was added" in e for e in errs)


def test_a_step_with_an_empty_section_is_named(tmp_path):
    errs = errors_of(tmp_path, GOOD.replace("s1: {section: main,", "s1: {section: ,"))
    assert any(":17: 'section' of step 's1' is empty" in e for e in errs), errs


def test_a_reader_who_is_a_contact_must_name_one_of_the_procedures_contacts(tmp_path):
    text = loader.builtin_path().read_text(encoding="utf-8")
    line = text[: text.index("is_contact: chair_of_governors")].count("\n") + 1
    errs = errors_of(tmp_path, text.replace("is_contact: chair_of_governors", "is_contact: chair_of_governers"))
    assert errs == [
        f"{tmp_path / 'f.yaml'}:{line}: reader 'chair_of_governors' is contact 'chair_of_governers', which is not a "
        "contact (did you mean 'chair_of_governors'?)"
    ]
    fc = loader.load(loader.builtin_path())
    assert fc.reader_part("chair_of_governors").is_contact == "chair_of_governors"
    assert fc.reader_part("head_teacher").is_contact is None


READERS = """\
reader:
  text: Who is reading this?
  added: a test
  choices:
    a:
      label: A
      offers: {q1: [yes, maybe]}
      becomes: {q1: {yes: nobody}, qx: {yes: b}}
    b:
      label: B
      asks: [q1, qy]
      answers: {q1: perhaps}
  parts:
    a:
      label: clash
      added: a test
"""


def test_a_readers_part_names_only_questions_answers_and_parts_that_exist(tmp_path):
    errs = " | ".join(errors_of(tmp_path, GOOD.replace("start: q1\n", "start: q1\n" + READERS)))
    assert "reader 'a' offers 'maybe' for 'q1': use one of yes, no" in errs
    assert "reader 'a' becomes 'nobody' on 'q1: yes': name another reader, or a part under 'parts'" in errs
    assert "reader 'a' becomes another on 'qx', which no question asks" in errs
    assert "reader 'b' asks 'qy', which no question asks" in errs
    assert "reader 'b' answers 'q1' with 'perhaps': use one of yes, no" in errs
    assert "reader part 'a' has the name of a reader's choice" in errs


def test_a_hold_needs_its_words_and_a_replaced_answer_cannot_still_be_a_choice(tmp_path):
    held = GOOD.replace("yes: {next: q2, due: [s1]}", "yes: {next: q2, due: [s1], holds: [s2]}")
    assert any("holds steps: say what they wait for in 'hold'" in e for e in errors_of(tmp_path, held))
    replaced = GOOD.replace("b: {next: end}", "b: {next: end, replaces: [a]}")
    assert any("choice 'b' replaces 'a', which is still a choice" in e for e in errors_of(tmp_path, replaced))


runner = CliRunner()


def run_cli(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


def test_no_message_quotes_more_than_a_short_piece_of_a_file_that_fails_to_parse(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("SECRET-TOKEN-" + "x" * 5000 + "\n")
    r = run_cli("validate", f)
    assert r.exit_code == 1 and len(r.output) < 400 and "x" * 60 not in r.output


def test_a_procedure_over_its_size_limit_is_refused_at_once(tmp_path):
    f = tmp_path / "big.yaml"
    with open(f, "w") as out:
        out.write("title: Big\n# " + "x" * (6 << 20) + "\n")
    r = run_cli("validate", f)
    assert r.exit_code == 1 and "may be at most 5 MB" in r.output


def test_a_huge_value_quoted_from_a_procedure_is_cut_in_every_message(tmp_path):
    from esafety_wizard.flowchart import loader

    text = loader.builtin_path().read_text()
    text = text.replace("start: head_involved", "start: " + "S" * 100_000)
    text = text.replace("who_question: instigator", "who_question: " + "W" * 100_000)
    f = tmp_path / "huge.yaml"
    f.write_text(text)
    r = run_cli("validate", f)
    assert r.exit_code == 1 and len(r.output) < 1000 and "'start' is" in r.output
