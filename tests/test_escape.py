"""Text leaving the program: no control character reaches a terminal raw, and no value changes the structure of
a Markdown, HTML or JSON file, whatever it holds."""

import json
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from esafety_wizard import escape

RAW = set(range(0x00, 0x20)) - {0x0A, 0x09} | set(range(0x7F, 0xA0))


def unsafe_in(text: str) -> list[str]:
    """Control (C0, C1) and format characters, as the issue defines them: newline and tab are allowed."""
    return [c for c in text if ord(c) in RAW or unicodedata.category(c) in ("Cf", "Cs", "Zl", "Zp")]


def test_the_list_of_format_characters_matches_this_pythons_unicode():
    missing = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Cs", "Zl", "Zp")
        and chr(cp) not in "\n\t"
        and not escape.UNSAFE.match(chr(cp))
    ]
    assert missing == []


every_char = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
# Pieces that start Markdown structure, so that random text finds them often.
MARKS = ["\n", "\n\n", "#", "## ", "- ", "* ", "+ ", "1. ", "2) ", "> ", "<div>", "<script>", "|", "`", "```", "***"]
markdownish = st.one_of(
    every_char, st.lists(st.sampled_from([*MARKS, " ", "x", "[x] ", "=", "\x1b", "\u202e", "\\"])).map("".join)
)


@given(every_char)
def test_terminal_text_has_no_raw_control_or_format_character(s):
    out = escape.terminal(s)
    assert unsafe_in(out) == []
    assert escape.terminal(out) == out  # already safe text is left as it is


@given(every_char)
def test_json_text_round_trips_and_carries_no_raw_control_character(s):
    text = escape.json_text({"note": s})
    assert unsafe_in(text) == []
    assert json.loads(text) == {"note": s}


BLOCKS = {"heading_open", "bullet_list_open", "ordered_list_open", "list_item_open", "table_open", "html_block"}
TEMPLATE = "# Record\n\n## Notes\n\n- {}\n- second\n\n## Evidence\n\nNone.\n"


def _blocks(text: str) -> list[tuple[str, str]]:
    return [(t.type, t.tag) for t in MarkdownIt("commonmark").enable("table").parse(text) if t.type in BLOCKS]


@given(markdownish)
def test_markdown_values_cannot_change_the_document_structure(s):
    assert _blocks(TEMPLATE.format(escape.markdown(s))) == _blocks(TEMPLATE.format("x"))


@given(markdownish)
def test_a_markdown_table_cell_stays_one_cell(s):
    row = f"| a | b |\n| --- | --- |\n| {escape.markdown_cell(s)} | x |\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(row)
    assert sum(t.type == "td_open" for t in tokens) == 2


def test_a_note_cannot_forge_a_heading_or_a_ticked_step():
    forged = "fine\n## Checklist\n- [x] 99. FAKE step done by Head\n1. one\n<script>alert(1)</script>"
    text = TEMPLATE.format(escape.markdown(forged))
    tokens = MarkdownIt("commonmark").parse(text)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2", "h2"]
    assert sum(t.type == "list_item_open" for t in tokens) == 2
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]


def test_html_escapes_markup_and_control_characters():
    assert escape.html("<b>\x1b[2J</b>") == "&lt;b&gt;\\x1b[2J&lt;/b&gt;"


# --- diagrams: the same structure whatever the flowchart's words -------------------------------------------

words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda s: s.strip()
)


def _diagram_of(title: str, question: str, label: str, step: str, fmt: str) -> str:
    from esafety_wizard.documents import diagram
    from esafety_wizard.flowchart import loader

    from samples import GOOD, yaml_quoted

    text = (
        GOOD.replace("title: Test", "title: " + yaml_quoted(title))
        .replace("text: First?", "text: " + yaml_quoted(question))
        .replace("yes: {next: q2", "yes: {label: " + yaml_quoted(label) + ", next: q2")
        .replace("Do one.", yaml_quoted(step))
    )
    fc, problems = loader.parse(text, "f.yaml")
    assert fc is not None, problems
    return escape.terminal(diagram.render(fc, fmt))


def _shape(mermaid: str) -> list[str]:
    import re as _re

    return [_re.sub(r'"[^"\n]*"', '""', line) if "%%" not in line else "%% comment" for line in mermaid.splitlines()]


@pytest.mark.mutation_slow
@settings(deadline=None)
@given(words, words, words, words)
def test_mermaid_keeps_its_structure_whatever_the_words(title, question, label, step):
    plain = _shape(_diagram_of("T", "Q?", "L", "S.", "mermaid"))
    assert _shape(_diagram_of(title, question, label, step, "mermaid")) == plain


@pytest.mark.mutation_slow
@settings(deadline=None)
@given(words, words, words, words)
def test_dot_parses_to_the_same_graph_whatever_the_words(title, question, label, step):
    import pydot

    def graph(text):
        [g] = pydot.graph_from_dot_data(text)
        return sorted(n.get_name() for n in g.get_nodes()), sorted(
            (e.get_source(), e.get_destination()) for e in g.get_edges()
        )

    assert graph(_diagram_of(title, question, label, step, "dot")) == graph(_diagram_of("T", "Q?", "L", "S.", "dot"))


# --- HTML: the same elements whatever the words ------------------------------------------------------------


def _tags(html: str) -> list[str]:
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.seen = []

        def handle_starttag(self, tag, attrs):
            self.seen.append(tag)

    p = Tags()
    p.feed(html)
    return p.seen


@settings(deadline=None, max_examples=40)
@given(markdownish)
def test_html_exports_have_the_same_elements_whatever_a_note_says(s):
    from esafety_wizard.documents import incident_record
    from esafety_wizard.record.event import Event
    from esafety_wizard.record.incident import replay

    def export(text):
        events = [
            Event(1, 1, "2026-11-27T09:00:00+00:00", "Jo", "opened", {"flowchart": {"title": "T"}}, "", "a"),
            Event(1, 2, "2026-11-27T09:01:00+00:00", text or "x", "note", {"text": text or "x"}, "a", "b"),
        ]
        return incident_record.to_html(replay(events), [], "2026-11-27T09:02:00+00:00")

    assert _tags(export(s)) == _tags(export("plain words"))


# --- exact forms: what each destination gets, character for character (found by mutation testing) --------------


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("\x9f", "\\x9f"),
        ("\u202e", "\\u202e"),
        ("\U000e0001", "\\U000e0001"),
        ("plain\ttext\n", "plain\ttext\n"),
    ],
)
def test_terminal_shows_each_character_in_its_own_escape(raw, shown):
    assert escape.terminal(raw) == shown


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("a\nb", "a b"),
        ("a\rb", "a b"),
        ("a\r\nb", "a b"),
        ("a\tb", "a b"),
        ("a  b", "a  b"),
        ("a \x1b b", "a \\x1b b"),
    ],
)
def test_one_line_turns_line_breaks_into_spaces_and_keeps_other_spacing(raw, shown):
    assert escape.one_line(raw) == shown


@pytest.mark.parametrize(
    "raw, escaped",
    [
        ("*x* [y](z) <b>", "\\*x\\* \\[y\\](z) \\<b\\>"),
        ("- item", "\\- item"),
        ("> quote", "\\> quote"),
        ("12. x", "12\\. x"),
        ("3) x", "3\\) x"),
        ("  # heading  ", "\\# heading"),
    ],
)
def test_markdown_escapes_exactly_what_could_start_structure(raw, escaped):
    assert escape.markdown(raw) == escaped
    assert escape.markdown_cell(raw) == escaped


def test_markdown_keeps_line_breaks_under_the_item_and_drops_empty_lines():
    assert escape.markdown("a\rb") == "a\\\n    b"
    assert escape.markdown("a\r\nb") == "a\\\n    b"  # a Windows line break is one break, not \x0d
    assert escape.terminal("a\rb") == "a\\x0db"  # to a terminal, a bare carriage return is shown, never obeyed
    assert escape.markdown("a\n\n- b", indent="  ") == "a\\\n  \\- b"


def test_json_text_escapes_control_and_format_characters_as_json_does_for_utf16():
    assert escape.json_text({"a": [1]}) == '{\n  "a": [\n    1\n  ]\n}'
    assert escape.json_text({"a": [1]}, indent=None) == '{"a": [1]}'
    assert escape.json_text("\x1b\u202e") == '"\\u001b\\u202e"'
    assert escape.json_text("\U000e0001") == '"\\udb40\\udc01"'  # a surrogate pair, as JSON spells it
    assert escape.json_text("\U000e007f") == '"\\udb40\\udc7f"'
    assert json.loads(escape.json_text("x\U000e0020y")) == "x\U000e0020y"


def test_a_streamed_json_array_is_one_item_a_line():
    import io

    out = io.StringIO()
    escape.write_json_array(iter([{"a": 1}, {"b": [2]}]), out)
    assert out.getvalue() == '[\n{"a": 1},\n{"b": [2]}\n]\n'
    out = io.StringIO()
    escape.write_json_array(iter([]), out)
    assert out.getvalue() == "[]\n"
