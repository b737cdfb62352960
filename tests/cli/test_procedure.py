"""Tools for the people who maintain the procedure: validate, diagram, paths, schema."""

import json
import re
from pathlib import Path

import jsonschema
import pydot
import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app
from esafety_wizard.flowchart import engine
from esafety_wizard.flowchart.loader import reader
from esafety_wizard.flowchart.model import count_paths

from samples import GOOD

runner = CliRunner()
SNAPSHOT = Path(__file__).parents[1] / "snapshots" / "paths.txt.gz"
ROOT = Path(__file__).parents[2]


def run(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


# --- validate -------------------------------------------------------------------------------------------


def test_validate_builtin_prints_a_summary():
    r = run("validate")
    assert r.exit_code == 0
    assert re.search(r"OK: 12 questions, 49 steps, 18 contacts, 1890 paths$", r.stdout.strip())


def test_validate_lists_every_problem_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("next: q2", "next: q22").replace("    text: First?", "    txt: First?"))
    r = run("validate", bad)
    assert r.exit_code == 1
    lines = r.stdout.strip().splitlines()
    assert (
        f"{bad}:5: question 'q1' has an unknown key 'txt' (did you mean 'text'?). Allowed: text, asks, "
        "help, source, added, choices" in lines
    )
    assert any(line.startswith(f"{bad}:7: choice 'yes' of question 'q1' goes to 'q22'") for line in lines)
    assert "3 problems" in r.stderr  # the unknown key, the missing text, the bad branch


def test_validate_warnings_do_not_fail(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text(GOOD + "  c9: {name: Nobody, source: x}\n")
    r = run("validate", f)
    assert r.exit_code == 0
    assert "warning: contact 'c9' is not named by any step" in r.stdout and "1 warning" in r.stdout


def test_guide_refuses_a_broken_file_before_asking_anything(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("next: q2", "next: q22"))
    r = run("guide", "--flowchart", bad, input="1\n")
    assert r.exit_code == 1 and "q22" in r.stderr and "Question 1" not in r.stdout


# --- diagram --------------------------------------------------------------------------------------------


def test_mermaid_diagram_follows_the_grammar_essentials(fc):
    text = run("diagram").stdout
    lines = text.strip().splitlines()
    assert lines[0] == "flowchart TD"
    declared = set()
    edges = []
    for line in lines[1:]:
        line = line.strip()
        if line.startswith("%%"):
            continue
        m = re.fullmatch(r'(\w+)(\{|\[|\(\[)"([^"]*)"(\}|\]|\]\))', line)
        if m:
            declared.add(m.group(1))
            assert "<" not in m.group(3).replace("<br/>", "")  # reserved characters are entity codes
            continue
        m = re.fullmatch(r'(\w+) (-->|---)(?:\|"([^"]*)"\|)? (\w+)', line)
        assert m, f"not a Mermaid node or edge: {line}"
        edges.append((m.group(1), m.group(3), m.group(4)))
    assert "end" not in declared  # a reserved word in Mermaid
    assert {f"q_{q}" for q in fc.questions} <= declared
    assert all(a in declared and b in declared for a, _, b in edges)
    labels = {label.removesuffix(" (not in the flowchart)") for _, label, _ in edges if label}
    assert {c.label for q in fc.questions.values() for c in q.choices} <= labels


def test_dot_diagram_parses_and_has_every_question_and_choice(fc, tmp_path):
    out = tmp_path / "f.dot"
    r = run("diagram", "--format", "dot", "-o", out)
    assert r.exit_code == 0
    [graph] = pydot.graph_from_dot_data(out.read_text())
    names = {n.get_name().strip('"') for n in graph.get_nodes()}
    assert {f"q_{q}" for q in fc.questions} <= names
    n_choices = sum(len(q.choices) for q in fc.questions.values())
    n_boxes = sum(1 for q in fc.questions.values() for c in q.choices if c.due or c.conditional)
    assert len(graph.get_edges()) == n_choices + n_boxes + 1


def test_diagram_escapes_quotes(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text(GOOD.replace("text: First?", 'text: "Is it \\"first\\" & <best>?"'))
    mer = run("diagram", "--flowchart", f).stdout
    assert '"Is it #quot;first#quot; #amp; #lt;best#gt;?"' in mer
    dot = run("diagram", "--format", "dot", "--flowchart", f).stdout
    [graph] = pydot.graph_from_dot_data(dot)
    assert graph.get_node('"q_q1"')


# --- paths ----------------------------------------------------------------------------------------------


def test_paths_listing_matches_the_checked_in_snapshot():
    """If the procedure changed on purpose, regenerate: esafety paths | gzip -9n > tests/snapshots/paths.txt.gz"""
    import difflib
    import gzip

    want = gzip.decompress(SNAPSHOT.read_bytes()).decode("utf-8")
    got = run("paths").stdout
    if got != want:
        diff = difflib.unified_diff(want.splitlines(), got.splitlines(), "snapshot", "esafety paths", lineterm="")
        pytest.fail("esafety paths differs from the snapshot:\n" + "\n".join(list(diff)[:60]))


def test_paths_json_has_the_transcript_shapes(fc):
    data = json.loads(run("paths", "--json").stdout)
    assert len(data) == count_paths(fc) == len(engine.every_path(fc))
    for item in data:
        assert set(item) == {"answers", "steps", "contacts"}
        assert {s["status"] for s in item["steps"]} <= {"due", "conditional"}
        assert all(("source" in s) or ("added" in s) for s in item["steps"])
    staff = [p for p in data if p["answers"].get("instigator") == "staff" and p["answers"]["serious"] == "yes"]
    assert staff and all(any(s["id"] == "staff_serious_first" for s in p["steps"]) for p in staff)


# --- schema ---------------------------------------------------------------------------------------------


def _as_json_data(text):
    doc, problems = reader.load(text, "f.yaml")
    assert not problems

    def plain(x, key=None):
        if isinstance(x, dict):
            return {k: plain(v, k) for k, v in x.items()}
        if isinstance(x, list):
            return [plain(v) for v in x]
        if key in ("always", "info"):
            return x.lower() in ("true", "yes")
        return x

    return plain(doc)


@pytest.fixture(scope="module")
def schema():
    return json.loads(run("schema").stdout)


def test_builtin_flowchart_matches_the_json_schema(schema):
    jsonschema.validate(_as_json_data((ROOT / "flowchart.yaml").read_text()), schema)


def test_schema_rejects_unknown_keys_and_missing_provenance(schema):
    for broken in (GOOD.replace("text: First?", "txt: First?"), GOOD.replace(", added: a test", "")):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(_as_json_data(broken), schema)


def test_the_authors_guide_points_editors_at_the_schema():
    assert "# yaml-language-server: $schema=" in (ROOT / "docs" / "procedure-authors.md").read_text()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize(
    "ref, cid",
    [
        ("dsl", "child_protection_officer"),
        ("DSL", "child_protection_officer"),
        ("lado", "lado"),
        ("chair of governors", "chair_of_governors"),
        ("schools hr", "schools_hr"),
        ("slt", "senior_leadership_team"),
    ],
)
def test_contacts_set_takes_the_name_people_use(ref, cid):
    r = invoke("contacts", "set", ref, "--phone", "01234 567890")
    assert r.exit_code == 0, r.output
    data = {c["id"]: c for c in json.loads(invoke("contacts", "--json").stdout)}
    assert data[cid]["local"]["phone"] == "01234 567890"


def test_contacts_set_a_near_miss_is_told_what_was_meant_and_clearing_every_detail_leaves_no_empty_line():
    r = invoke("contacts", "set", "chair_of_governor", "--name", "X")
    assert r.exit_code == 1 and "Did you mean 'chair_of_governors'?" in r.output
    assert invoke("contacts", "set", "dsl", "--name", "Mrs Patel").exit_code == 0
    assert invoke("contacts", "set", "dsl", "--name", "").exit_code == 0
    out = invoke("contacts").stdout
    assert "Your school:" not in out and "Mrs Patel" not in out
