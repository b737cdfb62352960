"""Home: where every file goes, resolved once by a face and handed down; `--home DIR` receives every file a
command writes."""

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from esafety_wizard.cli import app
from esafety_wizard.errors import WizardError
from esafety_wizard.home import Home

runner = CliRunner()
PARENT = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\n"
    "instigator: parent_carer\nresolved: not_yet\nalleges_harm: no\n"
)


@pytest.fixture
def platform(tmp_path, monkeypatch):
    """No ESAFETY_HOME: the platform's folders, pointed into this test's own folder."""
    monkeypatch.delenv("ESAFETY_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path


def test_given_beats_the_environment_which_beats_the_platform(platform, monkeypatch):
    assert Home.resolve().folder == platform / "xdg-data" / "esafety-wizard"
    assert Home.resolve().cache == platform / "xdg-cache" / "esafety-wizard"
    assert Home.resolve().letters == Path(".") and not Home.resolve().chosen  # letters where the person is
    monkeypatch.setenv("ESAFETY_HOME", str(platform / "env"))
    assert Home.resolve() == Home(platform / "env", platform / "env" / "cache", platform / "env" / "letters")
    given = Home.resolve(platform / "given")
    assert (given.folder, given.cache, given.letters) == (
        platform / "given",
        platform / "given" / "cache",
        platform / "given" / "letters",
    )
    assert given.database == platform / "given" / "incidents.sqlite3"
    assert given.draft == platform / "given" / "unfinished-guide.json"


def test_a_home_that_is_a_file_is_refused_by_the_name_that_gave_it(platform, monkeypatch):
    (platform / "f").write_text("x")
    with pytest.raises(WizardError, match="--home names .* not a folder"):
        Home.resolve(platform / "f")
    monkeypatch.setenv("ESAFETY_HOME", str(platform / "f"))
    with pytest.raises(WizardError, match="ESAFETY_HOME names .* not a folder"):
        Home.resolve()


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def test_home_receives_every_file_a_command_writes(platform, monkeypatch):
    """Database, settings, school contacts and details, the unfinished guide, the cache and a letter: all in
    --home, nothing in the platform's folders or the folder the command was run in."""
    here = platform / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    chosen = platform / "chosen"
    answers = platform / "answers.yaml"
    answers.write_text(PARENT)

    def run(*args, input=None):
        r = runner.invoke(app, [*map(str, args), "--home", str(chosen)], input=input, env={"COLUMNS": "100"})
        assert r.exit_code in (0, 130), (args, r.output)
        return r

    run("log", "name", "Jo Head")
    run("contacts", "set", "child_protection_officer", "--name", "Ms Patel")
    run("school", "set", "--name", "Hill School", "--head", "Jo Head")
    run("guide", "-a", answers, "--save")
    from esafety_wizard.prompts.plain import PlainAsker

    asked, ask = [], PlainAsker.ask

    def ctrl_c_at_the_second_question(self, prompt):
        asked.append(prompt)
        if len(asked) > 1:
            raise KeyboardInterrupt
        return ask(self, prompt)

    monkeypatch.setattr(PlainAsker, "ask", ctrl_c_at_the_second_question)
    run("guide", "--plain", input="1\n")  # one answer, then Ctrl-C: kept as an unfinished guide
    run("log", "letter", "1", "parent_invite")
    written = _files(chosen)
    assert {"incidents.sqlite3", "config.json", "school-contacts.json", "school.json", "unfinished-guide.json"} <= (
        written
    )
    assert any(f.startswith("cache/flowchart-") for f in written), written
    assert any(f.startswith("letters/esafety-incident-1-parent_invite-") for f in written), written
    assert _files(platform / "xdg-data") == _files(platform / "xdg-cache") == _files(here) == set()
    assert os.stat(chosen / "letters").st_mode & 0o777 == 0o700


def test_without_a_chosen_home_a_letter_is_saved_where_the_command_is_run(platform, monkeypatch):
    here = platform / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    answers = platform / "answers.yaml"
    answers.write_text(PARENT)
    for args in (
        ["guide", "-a", answers, "--save", "--as", "Jo"],
        ["log", "letter", "1", "parent_invite", "--as", "Jo"],
    ):
        r = runner.invoke(app, list(map(str, args)))
        assert r.exit_code == 0, r.output
    assert [p.name.startswith("esafety-incident-1-parent_invite-") for p in here.iterdir()] == [True]
    assert "incidents.sqlite3" in _files(platform / "xdg-data" / "esafety-wizard")
