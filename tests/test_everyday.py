"""Used for real, over days (issue 30): a decision keeps the step's "if", notes are not steps, the words on screen
can be typed back, and the letters and pages print as a school expects."""

import json

import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app

runner = CliRunner()
PARENT = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\nalleges_harm: no\ninstigator: parent_carer\n"
    "resolved: no\n"
)


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


@pytest.fixture
def incident(tmp_path, monkeypatch):
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path / "home"))
    a = tmp_path / "a.yaml"
    a.write_text(PARENT)
    assert run("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    return 1


def show(n=1) -> dict:
    return json.loads(run("log", "show", n, "--json").stdout)


def number(step_id: str) -> int:
    return next(s["number"] for s in show()["checklist"] if s["id"] == step_id)


def test_a_conditional_step_decided_against_keeps_its_if_everywhere(incident):
    police = number("police_crime")
    assert run("log", "decide", 1, police, "--reason", "no threats were made", "--as", "Jo").exit_code == 0
    condition = "If the messages are threatening, menacing, grossly offensive or indecent"
    history = " ".join(run("log", "show", 1).stdout.split())
    assert f"Jo decided against '{condition}" in history and "no threats were made" in history
    for fmt in ("md", "html"):
        assert condition in run("log", "export", 1, "--format", fmt).stdout
    summary = json.loads(run("log", "report", "--format", "json").stdout)
    [against] = summary["decided_against"]
    assert against["step"].startswith(condition)  # never "Not done: Report it to the police", which reads as refusing
    page = run("log", "export", 1, "--checklist", "-o", "-").stdout
    assert "&#8212;" in page and page.count("&#9745;") == 0  # decided against is not ticked as done


def test_information_is_never_counted_as_a_step_nor_left_open_at_closing(incident):
    info = [s for s in show()["checklist"] if s["id"] in ("single_point_of_contact", "further_contacts")]
    assert len(info) == 2
    [row] = json.loads(run("log", "list", "--json").stdout)
    actions = [s for s in show()["checklist"] if s["id"] not in ("single_point_of_contact", "further_contacts")]
    assert row["steps"] == len(actions)
    assert run("log", "close", 1, "--force", "--reason", "Resolved", "--as", "Jo").exit_code == 0
    md = run("log", "export", 1, "--format", "md").stdout
    for s in info:
        line = next(x for x in md.splitlines() if f" {s['number']}. " in x)
        assert "Information, not a step" in line and "[ ]" not in line
    html = run("log", "export", 1, "--format", "html").stdout
    assert html.count("Not done when the incident was closed") == len([s for s in actions if s["done"] is None])
