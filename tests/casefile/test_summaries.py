"""Each incident's summary row: written with each change, trusted only while it ends at the incident's last event,
rebuilt when an older store is migrated, checked by verify; and what `log list` shows people by default."""

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from esafety_wizard.casefile import incidents, operations, summaries
from esafety_wizard.casefile.store import DB_NAME, Store
from esafety_wizard.cli import app
from esafety_wizard.home import Home

PUPIL = {
    "head_involved": "no",
    "can_report_to_head": "yes",
    "child_at_risk": "no",
    "alleges_harm": "no",
    "instigator": "pupil",
}
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def replayed(st) -> list[dict]:
    """What the summaries must say: every incident replayed from its events, as before summary rows existed."""
    return [incidents.summary_of(st.events(i))[2] for i in st.incident_ids()]


def read(st) -> list[dict]:
    """Both parts of every incident's summary, as listings and the governors' summary read them."""
    return [
        {"v": incidents.SUMMARY_VERSION, "row": r, "facts": f}
        for r, f in zip(summaries.summaries(st, "row"), summaries.summaries(st, "facts"), strict=True)
    ]


def test_a_summary_row_is_written_with_each_change_and_says_what_a_replay_says(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        a = operations.create(st, fc, PUPIL, "Jo")
        b = operations.create(st, fc, {**PUPIL, "instigator": "parent_carer"}, "Jo")
        operations.done(st, a, ["1"], "Spoke to the DSL", "Jo")
        operations.note(st, b, "Parent phoned", "Jo")
        operations.close(st, b, "Resolved", "Jo", force=True)
        assert st.stale_summaries() == set()
        assert read(st) == replayed(st)
        rows = list(summaries.rows(st, summaries.listing(st, "all")))
        assert [(r["id"], r["status"], r["steps_done"]) for r in rows] == [(a, "open", 1), (b, "closed", 0)]


def test_a_change_by_a_writer_without_a_summariser_makes_the_row_stale_and_readers_replay_it(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        a = operations.create(st, fc, PUPIL, "Jo")
    with Store(home) as st:  # an older or other writer: it cannot write the row, so it removes it
        operations.done(st, a, ["1"], None, "Jo")
        assert st.stale_summaries() == {a}
        assert list(summaries.summaries(st, "row"))[0]["steps_done"] == 1


def test_a_row_left_behind_by_a_change_is_not_trusted(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        a = operations.create(st, fc, PUPIL, "Jo")
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    db.execute("UPDATE summaries SET n = n - 1")  # as if an event were added without its row
    db.close()
    with incidents.open_store(Home.at(home), readonly=True) as st:
        assert st.stale_summaries() == {a}
        assert read(st) == replayed(st)


def test_an_older_store_is_migrated_and_its_rows_built_in_the_same_transaction(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        a = operations.create(st, fc, PUPIL, "Jo")
        operations.note(st, a, "Spoke to the parent", "Jo")
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    db.executescript("DROP TABLE summaries; PRAGMA user_version = 1;")
    db.close()
    with incidents.open_store(Home.at(home), readonly=True) as st:  # read-only: not migrated, every incident replayed
        assert not st.has_summaries() and read(st) == replayed(st)
    with incidents.open_store(Home.at(home)) as st:
        assert st.db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert st.stale_summaries() == set() and read(st) == replayed(st)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE summaries SET data = replace(data, '\"steps_done\":1', '\"steps_done\":9')",
        "UPDATE summaries SET status = 'closed'",
        "UPDATE summaries SET data = replace(data, 'A pupil', 'A parent or carer')",
    ],
)
def test_verify_finds_a_summary_row_altered_in_place_and_readers_do_not_trust_a_broken_one(home, fc, sql):
    with incidents.open_store(Home.at(home)) as st:
        a = operations.create(st, fc, PUPIL, "Jo")
        operations.done(st, a, ["1"], None, "Jo")
    assert run("log", "verify").exit_code == 0
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    db.execute(sql)
    db.close()
    r = run("log", "verify", 1)  # one incident: its summary computed again and compared
    said = " ".join(r.stdout.split())
    assert r.exit_code == 1 and "its summary for listings and the governors' summary does not match its record" in said
    if "status" in sql:  # every incident: a row that contradicts itself
        assert run("log", "verify").exit_code == 1


def test_verify_of_every_incident_finds_a_summary_row_this_version_could_not_have_written(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        operations.create(st, fc, PUPIL, "Jo")
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    db.execute("""UPDATE summaries SET data = '{"v":2,"row":{"id":"x"},"facts":[]}'""")
    db.close()
    r = run("log", "verify")
    assert r.exit_code == 1 and "listings replay the incident instead" in " ".join(r.stdout.split())


def test_a_damaged_row_is_replayed_not_a_traceback(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        operations.create(st, fc, PUPIL, "Jo")
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    db.execute("""UPDATE summaries SET data = '{"v":2,"row":{"id":"x"},"facts":[]}'""")
    db.close()
    r = run("log", "list", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["id"] == 1
    assert run("log", "report", "--format", "json").exit_code == 0


def _closed_long_ago(st, fc, n: int, day: str) -> list[int]:
    ids = []
    from esafety_wizard.record import serialize

    at = f"{day}T09:00:00+00:00"
    for _ in range(n):
        i = st.new_incident(
            at,
            "Jo",
            [("opened", {"flowchart": serialize.flowchart_ref(fc)}), ("answered", operations.answered_data(fc, PUPIL))],
        )
        st.append(i, at, "Jo", "closed", {"reason": "Resolved", "open_steps": ["x"]})
        ids.append(i)
    return ids


def test_log_list_shows_every_open_incident_and_recent_closed_ones_and_says_how_to_see_the_rest(home, fc):
    with incidents.open_store(Home.at(home)) as st:
        old = _closed_long_ago(st, fc, 3, "2026-01-05")
        recent = [operations.create(st, fc, PUPIL, "Jo") for _ in range(2)]
        operations.close(st, recent[0], "Resolved", "Jo", force=True)
        still_open = operations.create(st, fc, PUPIL, "Jo")
        chosen = summaries.listing(st)
        assert chosen.ids == [*recent, still_open]
        assert [r["id"] for r in summaries.rows(st, chosen)] == chosen.ids
        assert (chosen.total, chosen.open, chosen.hidden) == (6, 2, 3)
        assert summaries.listing(st, "all").ids == [*old, *recent, still_open]
        assert summaries.listing(st, "closed").ids == [*old, recent[0]]
    r = run("log", "list")
    assert "3 older closed incidents are not shown (6 in all, 2 open)" in " ".join(r.stdout.split())
    assert "esafety log list --all" in r.stdout
    assert "hidden" not in run("log", "list", "--all").stdout and "not shown" not in run("log", "list", "--all").stdout
    everything = json.loads(run("log", "list", "--json").stdout)  # scripts get every incident
    assert [x["id"] for x in everything] == [*old, *recent, still_open]
    assert [x["id"] for x in json.loads(run("log", "list", "--json", "--open").stdout)] == recent[1:] + [still_open]


def test_the_governors_summary_from_summary_rows_is_the_summary_of_the_replayed_incidents(home, fc):
    from esafety_wizard.record.incident import summarise

    with incidents.open_store(Home.at(home)) as st:
        a = operations.create(st, fc, PUPIL, "Jo")
        operations.done(st, a, ["1"], None, "Jo")
        operations.decide(st, a, "2", "Not needed: the pupil's parents removed it", "Jo")
        _closed_long_ago(st, fc, 2, "2026-03-01")
        assert summaries.governors_summary(st, None, None) == summarise((d["facts"] for d in replayed(st)), None, None)
        s = summaries.governors_summary(st, "2026-11-01", None)
        assert s.incidents == 1 and s.decided_against and s.heads == [(a, incidents.get(st, a).head)]


def test_the_governors_summary_without_reasons_names_each_decision_and_no_reason_in_both_formats(home, fc):
    """The default summary (no --with-reasons): the decisions under their own heading, each in words, the steps
    decided against as 'Not done', an incident closed with steps open: and not one word of anyone's reasons."""
    from esafety_wizard.documents import governors_summary as g
    from esafety_wizard.record.incident import without_reasons

    with incidents.open_store(Home.at(home)) as st:
        a = operations.create(st, fc, {**PUPIL, "child_at_risk": "no"}, "Jo", {"child_at_risk": "SECRET-A"})
        operations.decide(st, a, "1", "SECRET-B", "Jo")
        operations.close(st, a, "SECRET-C", "Jo", force=True)
        s = without_reasons(summaries.governors_summary(st, None, None))
    decided = g._decision_lines(s)
    assert decided and any(line.startswith(f"{g.NOT_DONE}: ") for line in decided)
    md, html = g.governors("md", s, "2026-12-03T10:00:00+00:00"), g.governors("html", s, "2026-12-03T10:00:00+00:00")
    assert "## Decisions\n" in md and g.REASONS_LEFT_OUT in md
    assert all(f"- {line}" in md for line in decided)
    from esafety_wizard.escape import html as e

    assert "<h2>Decisions</h2>" in html and e(g.REASONS_LEFT_OUT) in html
    assert "<ul>" + "".join(f"<li>{e(line)}</li>" for line in decided) + "</ul>" in html
    forced = f"Incident {a}: closed with "
    assert forced in md and forced in html and "Reason:" not in md.split(forced)[1].split("\n")[0]
    assert "SECRET" not in md + html
