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


def run_wide(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


def test_home_receives_every_file_the_guide_writes_drafts_and_the_cache_included(tmp_path, monkeypatch):
    """--home names the folder of the user's private files: a Ctrl-C draft and the checked procedure's cache are
    kept there, never in the default folder or ESAFETY_HOME."""
    import pexpect

    default = tmp_path / "default"
    mine = tmp_path / "mine"
    env = {**__import__("os").environ, "ESAFETY_HOME": str(default), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    exe = str(__import__("pathlib").Path(__import__("sys").executable).with_name("esafety"))
    c = pexpect.spawn(f"{exe} guide --home {mine}", env=env, encoding="utf-8", timeout=15, dimensions=(40, 120))
    c.expect_exact("Who is reading this?")
    c.expect_exact("press Enter)")
    c.send("\r")
    c.expect_exact("Is the head teacher involved?")
    c.expect_exact("press Enter)")
    c.send("\x03")
    c.expect(pexpect.EOF)
    c.close()
    assert list(mine.glob("unfinished-guide*.json")) and list((mine / "cache").glob("flowchart-*.json"))
    assert not default.exists() or not any(default.rglob("*"))
    r = run_wide("guide", "--home", mine, "--resume", "--plain", env={"ESAFETY_HOME": str(default)})
    assert "There is no unfinished guide" not in r.output  # found where it was kept


def run_cli(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


def test_esafety_home_naming_a_file_is_an_error(tmp_path, monkeypatch):
    f = tmp_path / "not-a-folder"
    f.write_text("x")
    monkeypatch.setenv("ESAFETY_HOME", str(f))
    for args in (["log", "list"], ["log", "show", 1], ["contacts"]):
        r = run_cli(*args)
        assert r.exit_code == 1 and "not a folder" in r.output, (args, r.output)
