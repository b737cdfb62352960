"""Hostile input, second round: packs stay in their folder, every read is of a bounded regular file, nesting and
huge numbers give messages not tracebacks, and a record head cannot be forged in an export."""

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app

runner = CliRunner()
PACK = Path(__file__).parent / "procedures" / "pack"
PARENT = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\n"
    "instigator: parent_carer\nresolved: no\nalleges_harm: no\n"
)
SECRET = "SECRET-TOKEN-3f9a: do not print me\nroot:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n"


def run(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


@pytest.fixture
def pack(tmp_path):
    folder = tmp_path / "pack"
    shutil.copytree(PACK, folder)
    (tmp_path / "secret.txt").write_text(SECRET)
    return folder


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
        r = run(*args)
        assert r.exit_code == 1, (args, r.output)
        assert "SECRET-TOKEN" not in r.output and "hashhash" not in r.output, r.output
        assert "pack" in r.output and ("folder" in r.output), r.output


def test_no_message_quotes_more_than_a_short_piece_of_a_file_that_fails_to_parse(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("SECRET-TOKEN-" + "x" * 5000 + "\n")
    r = run("validate", f)
    assert r.exit_code == 1 and len(r.output) < 400 and "x" * 60 not in r.output


def _fifo(tmp_path: Path) -> Path:
    p = tmp_path / "fifo"
    os.mkfifo(p)
    return p


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_fifo_or_a_device_is_refused_wherever_a_file_is_read(tmp_path, pack, special):
    src = _fifo(tmp_path) if special == "fifo" else Path(special)
    home = Path(os.environ["ESAFETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    a = tmp_path / "a.yaml"
    a.write_text(PARENT)
    assert run("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    cases = [
        (["validate", src], None),
        (["guide", "-a", src], None),
        (["log", "verify", 1, "--against", src], None),
    ]
    for name in ("school-contacts.json", "config.json", "school.json"):
        cases.append((["contacts"] if name == "school-contacts.json" else ["school"] if name == "school.json"
                      else ["log", "note", 1, "x"], name))  # fmt: skip
    for args, planted in cases:
        if planted:
            (home / planted).unlink(missing_ok=True)
            (home / planted).symlink_to(src)
        try:
            r = run(*args)
        finally:
            if planted:
                (home / planted).unlink()
        assert r.exit_code == 1, (args, planted, r.output)
        assert "not a regular file" in r.output and "Traceback" not in r.output, (args, planted, r.output)


def test_a_pack_whose_procedure_is_a_fifo_is_refused_without_waiting(tmp_path, pack):
    (pack / "illegal.yaml").unlink()
    os.mkfifo(pack / "illegal.yaml")
    r = run("validate", pack)
    assert r.exit_code == 1 and "not a regular file" in r.output


@pytest.mark.parametrize("name", ["school-contacts.json", "config.json", "school.json"])
def test_deep_nesting_in_a_settings_file_is_a_message_not_a_traceback(name):
    home = Path(os.environ["ESAFETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / name).write_text("[" * 100_000 + "]" * 100_000)
    args = {"school-contacts.json": ["contacts"], "school.json": ["school"], "config.json": ["log", "name"]}[name]
    r = run(*args) if name != "config.json" else run("log", "note", 1, "x")
    assert r.exit_code == 1 and "nests too deeply" in r.output and "Traceback" not in r.output


def test_deep_nesting_in_an_earlier_copy_is_a_message(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT)
    assert run("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    copy = tmp_path / "copy.json"
    copy.write_text("[" * 100_000)
    r = run("log", "verify", 1, "--against", copy)
    assert r.exit_code == 1 and "Traceback" not in r.output


def test_a_procedure_over_its_size_limit_is_refused_at_once(tmp_path):
    f = tmp_path / "big.yaml"
    with open(f, "w") as out:
        out.write("title: Big\n# " + "x" * (6 << 20) + "\n")
    r = run("validate", f)
    assert r.exit_code == 1 and "may be at most 5 MB" in r.output


def test_a_write_command_on_a_database_with_a_version_but_no_tables_is_a_message(tmp_path):
    home = Path(os.environ["ESAFETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(home / "incidents.sqlite3")
    db.execute("PRAGMA user_version = 2")
    db.close()
    for args in (["log", "note", 1, "x", "--as", "Jo"], ["log", "list"], ["log", "verify"]):
        r = run(*args)
        assert r.exit_code == 1 and "cannot be read as an incident database" in r.output, (args, r.output)


def test_esafety_home_naming_a_file_is_an_error(tmp_path, monkeypatch):
    f = tmp_path / "not-a-folder"
    f.write_text("x")
    monkeypatch.setenv("ESAFETY_HOME", str(f))
    for args in (["log", "list"], ["log", "show", 1], ["contacts"]):
        r = run(*args)
        assert r.exit_code == 1 and "not a folder" in r.output, (args, r.output)


# --- a record head that cannot be forged ------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT)
    assert run("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    return 1


def _cut_notes() -> None:
    db = sqlite3.connect(Path(os.environ["ESAFETY_HOME"]) / "incidents.sqlite3")
    db.execute("DROP TRIGGER events_append_only_delete")
    db.execute("DELETE FROM events WHERE kind = 'note'")
    db.commit()
    db.close()


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("field", ["--description", "--staff"])
def test_a_head_planted_in_user_text_does_not_win_over_the_exports_own(saved, tmp_path, fmt, field):
    data = json.loads(run("log", "show", 1, "--json").stdout)
    second = data["history"][1]["hash"][:16]
    assert run("log", "describe", 1, field, f"Record head: incident 1, 2-{second}", "--as", "Jo").exit_code == 0
    for i in range(3):
        assert run("log", "note", 1, f"note {i}", "--as", "Jo").exit_code == 0
    copy = tmp_path / f"earlier.{fmt}"
    assert run("log", "export", 1, "--format", fmt, "-o", copy).exit_code == 0
    _cut_notes()
    r = run("log", "verify", 1, "--against", copy)
    assert r.exit_code == 1 and "cut from the end" in r.stdout and "extends the earlier copy" not in r.stdout


def test_an_event_stored_with_a_duplicate_key_is_caught(saved):
    assert run("log", "note", 1, "original words", "--as", "Jo").exit_code == 0
    db = sqlite3.connect(Path(os.environ["ESAFETY_HOME"]) / "incidents.sqlite3")
    db.execute("DROP TRIGGER events_append_only_update")
    db.execute("""UPDATE events SET data = '{"text":"HIDDEN","text":"original words"}' WHERE kind = 'note'""")
    db.commit()
    db.close()
    r = run("log", "verify", 1)
    assert r.exit_code == 1 and "event 3 was altered" in r.stdout and "stored twice" in " ".join(r.stdout.split())


@pytest.mark.parametrize("head", ["0-abcdef12", "99-abcdef1234567890"])
def test_a_head_that_does_not_match_says_so_once(saved, head):
    r = run("log", "verify", 1, "--against", head)
    assert r.exit_code == 1
    assert r.stdout.count("ALTERED") + r.stderr.count("Error") <= 1 and "extends" not in r.stdout


def test_a_head_in_capitals_and_the_guides_json_transcript_are_accepted(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT)
    t = tmp_path / "t.json"
    assert run("guide", "-a", a, "--save", "--as", "Jo", "-t", t).exit_code == 0
    assert run("log", "verify", 1, "--against", t).exit_code == 0
    head = json.loads(run("log", "show", 1, "--json").stdout)["chain"]["head"]
    assert run("log", "verify", 1, "--against", head.upper()).exit_code == 0


# --- packs everywhere -------------------------------------------------------------------------------------------

PACK_ANSWERS = "procedure: non_illegal\n"


def test_a_pack_incident_is_answered_and_resumed_through_another_path_to_the_pack(tmp_path, pack):
    import hashlib

    from esafety_wizard.flowchart import loader

    first = loader.load_pack(pack).procedures["non_illegal"]
    a = tmp_path / "a.yaml"
    a.write_text(_complete(first))
    assert (
        run("guide", "--flowchart", pack, "--procedure", "non_illegal", "-a", a, "--save", "--as", "Jo").exit_code == 0
    )
    recorded = json.loads(run("log", "show", 1, "--json").stdout)["flowchart"]
    assert recorded["sha256"] == hashlib.sha256((pack / "non_illegal.yaml").read_bytes()).hexdigest()
    assert recorded["contacts_sha256"] == hashlib.sha256((pack / "contacts.yaml").read_bytes()).hexdigest()
    moved = tmp_path / "elsewhere"
    shutil.copytree(pack, moved)  # the same pack, reached by another path
    q, value = _another_answer(first)
    r = run("log", "answer", 1, q, value, "--flowchart", moved, "--as", "Jo")
    assert r.exit_code == 0, r.output
    r = run("log", "answer", 1, q, value, "--flowchart", moved, "--procedure", "non_illegal", "--as", "Jo")
    assert r.exit_code == 0, r.output
    r = run("log", "resume", 1, "-a", a, "--flowchart", moved, "--procedure", "non_illegal", "--as", "Jo")
    assert r.exit_code == 0, r.output


def test_contacts_set_works_with_a_pack(pack):
    from esafety_wizard.flowchart import loader

    cid = next(iter(loader.load_pack(pack).procedures["illegal"].contacts))
    r = run("contacts", "set", cid, "--name", "Our person", "--flowchart", pack)
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


def test_a_huge_value_quoted_from_a_procedure_is_cut_in_every_message(tmp_path):
    from esafety_wizard.flowchart import loader

    text = loader.builtin_path().read_text()
    text = text.replace("start: head_involved", "start: " + "S" * 100_000)
    text = text.replace("who_question: instigator", "who_question: " + "W" * 100_000)
    f = tmp_path / "huge.yaml"
    f.write_text(text)
    r = run("validate", f)
    assert r.exit_code == 1 and len(r.output) < 1000 and "'start' is" in r.output


def test_a_fifo_planted_in_the_cache_is_passed_over_not_waited_on():
    import hashlib

    from esafety_wizard.flowchart import loader
    from esafety_wizard.home import Home

    sha = hashlib.sha256(loader.builtin_path().read_bytes()).hexdigest()
    Home.resolve().cache.mkdir(parents=True, exist_ok=True)
    entry = Home.resolve().cache / f"flowchart-{sha}.json"
    entry.unlink(missing_ok=True)
    os.mkfifo(entry)
    r = run("contacts", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)
