"""What listings and the governors' summary read: each incident's summary row, trusted only while it is well formed
and ends at the incident's last event; any other incident is replayed instead."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ..errors import WizardError
from ..escape import one_line
from .incidents import SUMMARY_VERSION, summary_of
from .store import Store

_ROW_KEYS = {
    "id": int,
    "status": str,
    "created_at": str,
    "created_by": str,
    "steps_done": int,
    "steps": int,
    "steps_open": int,
    "last_change": str,
    "waiting_for": list,
    "waiting_for_questions": list,
}


_ROW_TYPES = tuple(_ROW_KEYS.values())


_MAYBE = (str, type(None))


_FACT_KEYS = {
    "id": int,
    "created_at": str,
    "who": str,
    "routes": list,
    "decisions": list,
    "decided_against": list,
    "head": str,
}


def _strings(v: object) -> bool:
    return isinstance(v, list) and all(type(x) is str for x in v)


def _pairs(v: object) -> bool:
    return isinstance(v, list) and all(isinstance(x, list) and len(x) == 2 and _strings(x) for x in v)


def _row_ok(row: object) -> bool:
    """A listing row holds what `log list` reads from it (a damaged or altered one is replayed instead)."""
    if not isinstance(row, dict):
        return False
    get = row.get
    return (
        tuple(map(type, map(get, _ROW_KEYS))) == _ROW_TYPES  # exact types: JSON gives no subclasses
        and isinstance(get("who"), _MAYBE)
        and isinstance(get("description"), _MAYBE)
        and isinstance(get("staff"), _MAYBE)
        and _strings(row["waiting_for"])
        and _strings(row["waiting_for_questions"])
    )


def _facts_ok(f: object) -> bool:
    """An incident's facts hold what the governors' summary reads from them."""
    return (
        isinstance(f, dict)
        and all(isinstance(f.get(k), t) for k, t in _FACT_KEYS.items())
        and _strings(f["routes"])
        and _pairs(f["decisions"])
        and _pairs(f["decided_against"])
        and (f.get("forced") is None or (isinstance(f["forced"], list) and len(f["forced"]) == 2))
        and (f.get("days_to_close") is None or isinstance(f["days_to_close"], int))
    )


_CHECK = {"row": _row_ok, "facts": _facts_ok}


def _well_formed(data: dict) -> bool:
    """A stored summary row holds what its readers read (a damaged or altered row is replayed instead)."""
    return data.get("v") == SUMMARY_VERSION and _row_ok(data.get("row")) and _facts_ok(data.get("facts"))


def summaries(st: Store, part: str, ids: list[int] | None = None, stale: set[int] | None = None) -> Iterator[dict]:
    """One part ("row" for listings, "facts" for the governors' summary) of each incident's summary, in incident
    order, streamed: read from its summary row, or, where that is missing, stale or damaged, replayed from its
    events (one incident at a time). Only the part read is checked. `stale`: st.stale_summaries(), when the
    caller has it already."""
    ok = _CHECK[part]
    stale = st.stale_summaries() if stale is None else stale
    # Rows with no incident behind them (added by hand) are never shown. Only a read of every row can meet one:
    # the ids callers ask for come from the incidents themselves.
    orphans = set(st.orphan_summaries()) if ids is None else set()
    wanted = None if ids is None else set(ids)
    fresh = st.summary_data(None if ids is None else [i for i in ids if i not in stale])
    replayed = (i for i in sorted(stale) if wanted is None or i in wanted)
    pending = next(replayed, None)
    for i, data in fresh:
        if i in stale or i in orphans:
            continue
        while pending is not None and pending < i:
            yield from _replayed(st, pending, part)
            pending = next(replayed, None)
        if data.get("v") == SUMMARY_VERSION and ok(data.get(part)):
            yield data[part]
        else:
            yield from _replayed(st, i, part)
    while pending is not None:
        yield from _replayed(st, pending, part)
        pending = next(replayed, None)


def _replayed(st: Store, incident_id: int, part: str) -> Iterator[dict]:
    events = st.events(incident_id)
    if events:  # an incident with no events is reported by `damaged`
        yield summary_of(events)[2][part]


RECENT = 25  # closed incidents shown by default, beside every open one


RECENT_DAYS = 30


class Listing(NamedTuple):
    """What `log list` shows: the incidents chosen, and how many there are in all."""

    ids: list[int]  # in incident order; their rows are read one at a time by `rows`
    total: int
    open: int
    hidden: int  # incidents not shown by default (see --all)
    stale: set[int] = set()  # noqa: RUF012 - the incidents without a fresh summary row, found once per listing


def rows(st: Store, found: Listing) -> Iterator[dict]:
    """The listing rows of the incidents chosen, streamed in incident order."""
    return summaries(st, "row", found.ids, found.stale)


def listing(st: Store, which: str | None = None, today: str | None = None) -> Listing:
    """The incidents people can read at once: by default every open incident and the closed ones changed in the
    last 30 days (at most 25 of those, the most recent); `which` 'open', 'closed' or 'all' for those in full.
    Only the chosen rows' data is read: the choice is made on the status and time of each summary row."""
    from datetime import date, timedelta

    stale = st.stale_summaries()
    orphans = set(st.orphan_summaries())  # a row added by hand for no incident: never listed
    keys = [(i, status, last) for i, status, last in st.summary_keys() if i not in stale and i not in orphans]
    for row in summaries(st, "row", sorted(stale), stale):  # the few without a fresh row, replayed
        keys.append((row["id"], row["status"], row["last_change"]))
    total, n_open = len(keys), sum(1 for k in keys if k[1] == "open")
    if which == "all":
        chosen = [k[0] for k in keys]
    elif which in ("open", "closed"):
        chosen = [k[0] for k in keys if k[1] == which]
    else:
        since = ((date.fromisoformat(today) if today else date.today()) - timedelta(days=RECENT_DAYS)).isoformat()
        recent = sorted((k for k in keys if k[1] != "open" and k[2][:10] >= since), key=lambda k: k[2], reverse=True)
        chosen = [k[0] for k in keys if k[1] == "open"] + [k[0] for k in recent[:RECENT]]
    return Listing(sorted(chosen), total, n_open, total - len(chosen) if which is None else 0, stale)


def list_rows(st: Store, which: str | None = None) -> Iterator[dict]:
    """Every incident's listing row (or only the open or closed ones), streamed in incident order: for --json."""
    for row in summaries(st, "row"):
        if which is None or row["status"] == which:
            yield row


def governors_summary(st: Store, start: str | None, end: str | None):
    """The incidents opened in a period, summed up for governors (incident.Summary), streamed from the
    summary rows."""
    from datetime import date

    for when, name in ((start, "--from"), (end, "--to")):
        if when is None:
            continue
        try:  # a real calendar date, in ASCII digits: not 2026-13-45, 2026-02-30 or 0000-00-00
            ok = bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", when)) and date.fromisoformat(when).year >= 1
        except ValueError:
            ok = False
        if not ok:
            raise WizardError(f"{name} must be a real date like 2026-09-01, not '{one_line(when)[:40]}'.")
    if start and end and start > end:
        raise WizardError(f"--from {start} is after --to {end}: give the first day first.")
    from ..record.incident import summarise

    return summarise(summaries(st, "facts"), start, end)
