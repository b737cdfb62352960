"""Property tests: random answers and mutated or random flowcharts never produce a traceback.

Everything either works or fails with the one user-facing error type (WizardError). The default run tries a
few dozen examples; `pytest -m slow` tries thousands.
"""

import os

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from esafety_wizard.cli import app
from esafety_wizard.documents import diagram, path_list
from esafety_wizard.errors import WizardError
from esafety_wizard.flowchart import engine, loader
from esafety_wizard.flowchart.loader import reader
from esafety_wizard.flowchart.model import count_paths

BUILTIN = loader.builtin_path().read_text(encoding="utf-8")
LINES = BUILTIN.splitlines()
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(
    max_examples=int(os.environ.get("ESAFETY_SLOW_EXAMPLES", "2500")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

IDS = [
    "head_involved",
    "can_report_to_head",
    "instigator",
    "resolved",
    "refuses_removal",
    "under_13",
    "serious",
    "persistent",
    "child_at_risk",
    "instigater",
    "x",
]
VALUES = st.one_of(
    st.sampled_from(
        ["yes", "no", "not_yet", "not_sure", "parent_carer", "pupil", "staff", "unknown", "Not sure", "YES", ""]
    ),
    st.booleans(),
    st.integers(),
    st.none(),
    st.text(max_size=8),
    st.lists(st.text(max_size=3), max_size=2),
)
ANSWERS = st.dictionaries(st.sampled_from(IDS), VALUES, max_size=9)


def exercise(text, answers):
    """Everything a user can do with a flowchart text and an answers mapping, outside the CLI."""
    fc, problems = loader.parse(text, "f.yaml")
    for p in problems:
        assert str(p).startswith("f.yaml")
    if fc is None:
        assert any(not p.warning for p in problems)
        return
    diagram.mermaid(fc)
    diagram.dot(fc)
    # The whole listing of a file with few paths; for the built-in's 1,680 (whose listing the snapshot test
    # checks), the first 50 outcomes: listing them all for each of thousands of examples costs minutes.
    if count_paths(fc) <= 400:
        path_list.to_text(fc)
    else:
        for some in engine.every_path(fc)[:50]:
            engine.outcome(fc, some)
    try:
        engine.outcome(fc, engine.normalise_answers(fc, answers))
    except WizardError:
        pass


# --- mutations of the built-in file ----------------------------------------------------------------------


@st.composite
def mutated(draw):
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "dedent", "indent", "truncate", "replace", "swap"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "dedent":
            lines[i] = lines[i][2:]
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]) - 1)))]
        elif kind == "replace":
            lines[i] = (
                lines[i].split(":")[0]
                + ": "
                + draw(
                    st.sampled_from(
                        ["end", "[]", "{}", "nowhere", "yes", "- a", "[x, y]", "'", "&a", "*a", "!!binary x", "{a: b}"]
                    )
                )
            )
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines) + "\n"


# --- random flowcharts -------------------------------------------------------------------------------------


@st.composite
def random_flowchart(draw):
    n = draw(st.integers(1, 8))
    qids = [f"q{i}" for i in range(n)]
    sids = [f"s{i}" for i in range(draw(st.integers(0, 5)))]
    cids = [f"c{i}" for i in range(draw(st.integers(0, 3)))]
    targets = st.sampled_from([*qids, "end", "nowhere"])
    questions = {}
    for q in qids:
        choices = {}
        for v in draw(st.lists(st.sampled_from(["yes", "no", "not_sure", "a"]), max_size=4, unique=True)):
            c = {"next": draw(targets)}
            if sids and draw(st.booleans()):
                c["due"] = draw(st.lists(st.sampled_from([*sids, "zz"]), max_size=2))
            if sids and draw(st.booleans()):
                c["conditional"] = draw(st.lists(st.sampled_from([*sids, "zz"]), max_size=2))
            choices[v] = c
        body = {"text": f"Question {q}?", "choices": choices}
        if draw(st.booleans()) and n > 1:
            body["asks"] = draw(st.sampled_from(qids))
        questions[q] = body
    steps = {
        s: {
            "section": draw(st.sampled_from(["main", "other"])),
            "text": "Do it.",
            draw(st.sampled_from(["source", "added", "neither"])): "x",
            "contacts": draw(st.lists(st.sampled_from([*cids, "cz"]), max_size=2)),
            "always": draw(st.booleans()),
        }
        for s in sids
    }
    doc = {
        "title": "T",
        "start": draw(st.sampled_from([*qids, "nowhere"])),
        "questions": questions,
        "sections": {"main": {"title": "Main"}},
        "steps": steps,
        "contacts": {c: {"name": c, "source": "x"} for c in cids},
    }
    return yaml.safe_dump(doc, sort_keys=False)


# --- the YAML reader against PyYAML's own -------------------------------------------------------------------

WORDS = st.text(alphabet="abcxyz _-.019", max_size=6)
DOCS = st.recursive(
    st.one_of(WORDS, st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(WORDS, inner, max_size=4)),
    max_leaves=25,
)


def _lines_are_right(x, lines):
    if isinstance(x, dict):
        for k, v in x.items():
            assert k in lines[x.key_lines[k] - 1] or k == ""
            _lines_are_right(v, lines)
    elif isinstance(x, list):
        for v in x:
            _lines_are_right(v, lines)


def check_reader_agrees_with_pyyaml(data, flow):
    """Whatever PyYAML writes, our one-pass reader reads back as PyYAML's own loader does, with true lines."""
    text = yaml.safe_dump({"top": data}, default_flow_style=flow, width=10_000)
    doc, problems = reader.load(text, "f.yaml")
    assert problems == []
    assert doc == yaml.safe_load(text)
    _lines_are_right(doc, text.splitlines())


def test_property_reader_agrees_with_pyyaml_fast():
    given(DOCS, st.sampled_from([False, True, None]))(
        FAST(lambda data, flow: check_reader_agrees_with_pyyaml(data, flow))
    )()


def test_property_mutated_builtin_fast():
    given(mutated(), ANSWERS)(FAST(lambda text, answers: exercise(text, answers)))()


def test_property_random_flowcharts_fast():
    given(random_flowchart(), ANSWERS)(FAST(lambda text, answers: exercise(text, answers)))()


def test_property_random_answers_files_through_the_cli(tmp_path):
    runner = CliRunner()

    @FAST
    @given(st.one_of(ANSWERS.map(yaml.safe_dump), st.text(max_size=40)))
    def check(text):
        p = tmp_path / "answers.yaml"
        p.write_text(text, encoding="utf-8")
        r = runner.invoke(app, ["guide", "--answers", str(p)])
        assert r.exit_code in (0, 1), r.output
        assert r.exception is None or isinstance(r.exception, SystemExit)

    check()


@pytest.mark.slow
def test_property_mutated_builtin_many():
    given(mutated(), ANSWERS)(SLOW(lambda text, answers: exercise(text, answers)))()


@pytest.mark.slow
def test_property_reader_agrees_with_pyyaml_many():
    given(DOCS, st.sampled_from([False, True, None]))(
        SLOW(lambda data, flow: check_reader_agrees_with_pyyaml(data, flow))
    )()


@pytest.mark.slow
def test_property_random_flowcharts_many():
    given(random_flowchart(), ANSWERS)(SLOW(lambda text, answers: exercise(text, answers)))()


@pytest.mark.slow
def test_property_cli_commands_on_mutated_files(tmp_path):
    runner = CliRunner()

    @settings(max_examples=300, deadline=None)
    @given(
        mutated(),
        st.sampled_from(
            [
                ["validate"],
                ["paths"],
                ["diagram"],
                ["diagram", "--format", "dot"],
                ["contacts"],
                ["guide", "--answers", "ANSWERS"],
            ]
        ),
    )
    def check(text, cmd):
        f = tmp_path / "f.yaml"
        f.write_text(text, encoding="utf-8")
        a = tmp_path / "a.yaml"
        a.write_text(
            "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\ninstigator: unknown\nalleges_harm: no\n"
        )
        args = [str(a) if x == "ANSWERS" else x for x in cmd]
        r = runner.invoke(app, [*args, "--flowchart", str(f)])
        assert r.exit_code in (0, 1), r.output
        assert r.exception is None or isinstance(r.exception, SystemExit)

    check()
