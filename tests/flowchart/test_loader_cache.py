"""The cache of checked flowcharts: faster, never different."""

import json
import os

from typer.testing import CliRunner

from esafety_wizard.cli import app
from esafety_wizard.errors import FlowchartError
from esafety_wizard.flowchart import loader
from esafety_wizard.flowchart.loader import cache
from esafety_wizard.home import Home

from samples import GOOD


def test_second_load_comes_from_the_cache_and_is_identical(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text(GOOD)
    first = loader.load(f)
    assert list((tmp_path / "home" / "cache").glob("flowchart-*.json"))
    assert cache.get(first.sha256, Home.resolve())._replace(origin=first.origin) == first
    again = loader.load(f)
    assert again == first
    assert again.questions["q1"].choice("yes").due == ("s1",)


def test_builtin_round_trips_exactly():
    fc = loader.load()
    cached = cache.get(fc.sha256, Home.resolve())
    assert cached is not None and cached._replace(origin=fc.origin) == fc


def test_an_edited_file_is_checked_again(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text(GOOD)
    loader.load(f)
    f.write_text(GOOD.replace("next: q2", "next: q22"))
    try:
        loader.load(f)
    except FlowchartError as e:
        assert "q22" in str(e)
    else:
        raise AssertionError("a broken file was accepted from the cache")


def test_a_corrupt_cache_entry_is_ignored(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text(GOOD)
    fc = loader.load(f)
    [entry] = (tmp_path / "home" / "cache").glob("flowchart-*.json")
    entry.write_text('{"format": "1", "flowchart": ')
    assert loader.load(f) == fc
    entry.write_text(json.dumps({"format": "old", "flowchart": {}}))
    assert loader.load(f) == fc


def test_an_unwritable_cache_does_not_matter(tmp_path, monkeypatch):
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("ESAFETY_HOME", str(blocker))
    f = tmp_path / "f.yaml"
    f.write_text(GOOD)
    assert loader.load(f).title == "Test"


runner = CliRunner()


def run_cli(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


def test_a_fifo_planted_in_the_cache_is_passed_over_not_waited_on():
    import hashlib

    from esafety_wizard.flowchart import loader
    from esafety_wizard.home import Home

    sha = hashlib.sha256(loader.builtin_path().read_bytes()).hexdigest()
    Home.resolve().cache.mkdir(parents=True, exist_ok=True)
    entry = Home.resolve().cache / f"flowchart-{sha}.json"
    entry.unlink(missing_ok=True)
    os.mkfifo(entry)
    r = run_cli("contacts", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)
