"""Any authority's procedure: nothing the user reads comes from the built-in one when another is in use, and the
package's code names none of the built-in's questions or its title."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app

runner = CliRunner()
OTHER = Path(__file__).parents[1] / "procedures" / "non_illegal.yaml"
SRC = Path(__file__).resolve().parents[2] / "src" / "esafety_wizard"
BUILT_IN = [  # distinctive words of the built-in procedure: its title, question ids, contacts
    "staff as victims",
    "head_involved",
    "can_report_to_head",
    "instigator",
    "refuses_removal",
    "child_at_risk",
    "under_13",
    "parent_carer",
    "not_yet",
    "not_sure",
    "Derbyshire",
    "Claire Winter",
    "Miles Dent",
    "Child Protection Officer",
]


def run(*args, **kw):
    env = {"COLUMNS": "200", "ESAFETY_FLOWCHART": str(OTHER), **kw.pop("env", {})}
    return runner.invoke(app, [str(a) for a in args], env=env, **kw)


@pytest.fixture
def answers(tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text("involved: unclear\nharm: no\nreasons:\n  harm: Nobody was hurt\n")
    return p


def test_every_command_reads_only_the_procedure_in_use(answers, tmp_path):
    outputs = []
    for args in (
        ["--help"],
        ["guide", "-a", answers, "--save", "--as", "Jo", "-t", tmp_path / "t.md"],
        ["contacts"],
        ["contacts", "--json"],
        ["paths"],
        ["paths", "--json"],
        ["diagram"],
        ["validate"],
        ["log", "list"],
        ["log", "show", 1],
        ["log", "export", 1, "--format", "md"],
        ["log", "export", 1, "--format", "html"],
        ["log", "report", "--format", "md"],
        ["guide", "--plain"],
    ):
        r = run(*args, input="3\n1\n")
        assert "Traceback" not in r.output, (args, r.output)
        outputs.append(r.stdout + r.stderr)
    outputs.append((tmp_path / "t.md").read_text())
    text = "\n".join(outputs)
    assert [w for w in BUILT_IN if w.lower() in text.lower()] == []
    assert "the school Online Safety Incident Log" in text  # its own name for its log
    assert "Not in the flowchart: 'It is unclear': For tests" in text


def test_listings_count_by_the_procedures_own_who_question_and_resume_asks_its_unknowns(answers):
    assert run("guide", "-a", answers, "--save", "--as", "Jo").exit_code == 0
    [row] = json.loads(run("log", "list", "--json").stdout)
    assert row["who"] == "It is unclear" and row["waiting_for"] == ["involved"]
    assert json.loads(run("log", "report", "--format", "json").stdout)["by_who"] == {"It is unclear": 1}
    r = run("log", "resume", 1, "--plain", "--as", "Jo", input="1\n")
    assert r.exit_code == 0 and "A learner" in r.stdout


def test_the_package_code_names_nothing_of_the_built_in_procedure():
    found = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found += [(path.name, w) for w in BUILT_IN if re.search(re.escape(w), text, re.IGNORECASE)]
    assert found == []


# --- a pack: several procedures side by side --------------------------------------------------------------

PACK = Path(__file__).parents[1] / "procedures" / "pack"


def test_a_pack_is_validated_whole_and_listed(tmp_path):
    r = run("validate", PACK)
    assert r.exit_code == 0 and "a pack of 2 procedures" in r.stdout
    rows = json.loads(run("procedures", "--json", env={"ESAFETY_FLOWCHART": str(PACK)}).stdout)
    assert [r["name"] for r in rows] == ["non_illegal", "illegal"]
    assert rows[1]["scope"] == "If the incident may have involved an illegal activity" and rows[1]["version"] == "2.1"


def test_a_script_names_the_procedure_and_without_one_is_told_which_there_are(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text("images: yes\n")
    env = {"ESAFETY_FLOWCHART": str(PACK)}
    r = run("guide", "-a", a, env=env)
    assert r.exit_code == 1 and "2 procedures (non_illegal, illegal)" in r.stderr and "--procedure" in r.stderr
    r = run("guide", "-a", a, "--procedure", "illegal", env=env)
    assert r.exit_code == 0 and "Local police" in r.stdout and "101" in r.stdout  # a shared contact
    assert "Do not view or share the images." in r.stdout


@pytest.mark.parametrize(
    "edit, message",
    [
        (("tell_police", "contacts: [polise]"), "names contact 'polise', which is not in 'contacts'"),
        (("contacts: {}", "contacts: {police: {name: X, source: y}}"), "also in the pack's shared contacts"),
    ],
)
def test_cross_file_mistakes_in_a_pack_are_named(tmp_path, edit, message):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    f = pack / "illegal.yaml"
    old, new = edit
    text = f.read_text()
    f.write_text(text.replace("contacts: [police]", new) if old == "tell_police" else text.replace(old, new))
    r = run("validate", pack)
    assert r.exit_code == 1 and message in r.stdout, r.stdout


def test_a_saved_incident_keeps_following_its_own_procedure_of_the_pack(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text("involved: unclear\nharm: no\n")
    env = {"ESAFETY_FLOWCHART": str(PACK)}
    assert run("guide", "-a", a, "--procedure", "non_illegal", "--save", "--as", "Jo", env=env).exit_code == 0
    r = run("log", "answer", 1, "involved", "learner", "--as", "Jo", env=env)
    assert r.exit_code == 0, r.output
    assert "Talk to the learner and their form tutor." in r.stdout


def run_cli(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


def _point(folder: Path, key: str, ref: str) -> None:
    text = (folder / "pack.yaml").read_text()
    if key == "procedure":
        text = text.replace("illegal: illegal.yaml", f"illegal: {ref}")
    else:
        text = text.replace("contacts: contacts.yaml", f"contacts: {ref}")
    (folder / "pack.yaml").write_text(text)


@pytest.mark.parametrize("key", ["procedure", "contacts"])
@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_a_pack_names_only_files_inside_its_folder_and_never_prints_one_outside(pack, key, how):
    secret = pack.parent / "secret.txt"
    if how == "dotdot":
        ref = "../secret.txt"
    elif how == "absolute":
        ref = str(secret)
    else:
        (pack / "link.yaml").symlink_to(secret)
        ref = "link.yaml"
    _point(pack, key, ref)
    for args in (["validate", pack], ["procedures", "--flowchart", pack], ["contacts", "--flowchart", pack]):
        r = run_cli(*args)
        assert r.exit_code == 1, (args, r.output)
        assert "SECRET-TOKEN" not in r.output and "hashhash" not in r.output, r.output
        assert "pack" in r.output and ("folder" in r.output), r.output


def test_a_pack_whose_procedure_is_a_fifo_is_refused_without_waiting(tmp_path, pack):
    (pack / "illegal.yaml").unlink()
    os.mkfifo(pack / "illegal.yaml")
    r = run_cli("validate", pack)
    assert r.exit_code == 1 and "not a regular file" in r.output


def test_a_pack_incident_is_answered_and_resumed_through_another_path_to_the_pack(tmp_path, pack):
    import hashlib

    from esafety_wizard.flowchart import loader

    first = loader.load_pack(pack).procedures["non_illegal"]
    a = tmp_path / "a.yaml"
    a.write_text(_complete(first))
    assert (
        run_cli("guide", "--flowchart", pack, "--procedure", "non_illegal", "-a", a, "--save", "--as", "Jo").exit_code
        == 0
    )
    recorded = json.loads(run_cli("log", "show", 1, "--json").stdout)["flowchart"]
    assert recorded["sha256"] == hashlib.sha256((pack / "non_illegal.yaml").read_bytes()).hexdigest()
    assert recorded["contacts_sha256"] == hashlib.sha256((pack / "contacts.yaml").read_bytes()).hexdigest()
    moved = tmp_path / "elsewhere"
    shutil.copytree(pack, moved)  # the same pack, reached by another path
    q, value = _another_answer(first)
    r = run_cli("log", "answer", 1, q, value, "--flowchart", moved, "--as", "Jo")
    assert r.exit_code == 0, r.output
    r = run_cli("log", "answer", 1, q, value, "--flowchart", moved, "--procedure", "non_illegal", "--as", "Jo")
    assert r.exit_code == 0, r.output
    r = run_cli("log", "resume", 1, "-a", a, "--flowchart", moved, "--procedure", "non_illegal", "--as", "Jo")
    assert r.exit_code == 0, r.output


def test_contacts_set_works_with_a_pack(pack):
    from esafety_wizard.flowchart import loader

    cid = next(iter(loader.load_pack(pack).procedures["illegal"].contacts))
    r = run_cli("contacts", "set", cid, "--name", "Our person", "--flowchart", pack)
    assert r.exit_code == 0, r.output


def _complete(fc) -> str:
    """Answers that walk the procedure to its end, taking each question's first choice."""
    from esafety_wizard.flowchart import engine

    answers: dict[str, str] = {}
    while True:
        w = engine.walk(fc, answers)
        if w.finished or w.pending is None:
            break
        answers[w.pending.asks] = w.pending.choices[0].value
    return "".join(f"{k}: {v}\n" for k, v in answers.items())


def _another_answer(fc) -> tuple[str, str]:
    q = fc.questions[fc.start]
    return q.asks, q.choices[-1].value
