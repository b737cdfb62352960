"""Whether a record can be trusted: the hash chain of each incident, its summary row, the events it holds, and, against
an earlier copy (its record head, or an export), whether anything was changed or cut since."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..errors import WizardError
from ..escape import one_line
from ..record.event import Event, malformed
from ..record.event import canonical as _canonical
from . import evidence
from .incidents import SUMMARY_VERSION, summary_of
from .store import Store, parse_time
from .summaries import _well_formed

if TYPE_CHECKING:
    from ..record.incident import Evidence


def damaged(st: Store) -> list[Verified]:
    """Incidents deleted whole, or left with no events: what a listing would otherwise silently leave out."""
    have = {r[0] for r in st.db.execute("SELECT DISTINCT incident_id FROM events")}
    empty = [Verified(i, 0, st.verify(i), []) for i in st.incident_ids() if i not in have]
    return _deleted(st) + empty


def _deleted(st: Store) -> list[Verified]:
    missing = st.missing_incidents()
    gone = [Verified(i, 0, [f"incident {i} is missing: it was deleted"], []) for i in missing]
    added = [  # a number never given out: its row was made by hand (a number given out is reported as deleted)
        Verified(i, 0, [f"incident {i} has a summary row but no record at all: the row was added by hand"], [])
        for i in sorted(set(st.orphan_summaries()) - set(missing))
    ]
    return gone + added


class Verified(NamedTuple):
    """What `log verify` found for one incident."""

    incident_id: int
    events: int
    problems: list[str]  # what is wrong with the chain of events; empty if intact
    evidence: list[tuple[Evidence, str]]  # each file and 'unchanged', 'changed' or 'missing'

    @property
    def ok(self) -> bool:
        return not self.problems and all(state in ("unchanged", evidence.NOT_HERE) for _, state in self.evidence)


def verify(st: Store, incident_id: int | None = None) -> list[Verified]:
    """Check the chain of events, the incident's summary row and the evidence files of one incident, or of all
    (one incident at a time: memory holds one incident's events, whatever the size of the store)."""
    if incident_id is not None:
        found: Iterator = iter([(incident_id, *st.checked(incident_id))])
        deleted: dict[int, Verified] = {}
    else:  # everything in one pass over the file
        found = st.each_checked()
        deleted = {v.incident_id: v for v in _deleted(st)}
    out = []
    for i, events, chain in found:  # one incident's events at a time, freed once checked
        from ..record.incident import evidence_of  # only where there are events to check

        files = evidence_of(events)
        problems = chain + malformed(events) + _summary_problems(st, i, events, chain, incident_id is not None)
        gone = deleted.pop(i, None)  # its row deleted, its events left: one entry saying both
        out.append(
            Verified(
                i,
                len(events),
                (gone.problems if gone else []) + problems,
                [(e, evidence.recheck(e.path, e.sha256)) for e in files],
            )
        )
    return sorted([*deleted.values(), *out], key=lambda v: v.incident_id)


def _summary_problems(st: Store, incident_id: int, events: list[Event], chain: list[str], deep: bool) -> list[str]:
    """Does the incident's summary row (what listings and the governors' summary read) say what its events say?

    A missing or stale row is not a problem: readers replay that incident. A row that ends at the last event
    must be one this version could have written (every incident); with `deep` (one incident), its contents are
    also computed again from the events and compared. Not for every incident: that would replay the whole store,
    more than doubling the time of a full verify (see benchmarks/case_file_scale.py)."""
    stored = st.stored_summary(incident_id)
    if stored is None or not events or chain or (stored[0], stored[1]) != (events[-1].n, events[-1].hash):
        return []
    try:
        data = json.loads(stored[4])
    except (TypeError, ValueError):
        data = None
    if isinstance(data, dict) and data.get("v") != SUMMARY_VERSION:
        return []  # written by another version: replayed by readers, not trusted
    readable = (
        isinstance(data, dict)
        and _well_formed(data)
        and (data["row"]["status"], data["row"]["last_change"]) == (stored[2], stored[3])
    )
    if readable and deep:
        try:
            status, last_at, again = summary_of(events)
        except WizardError:
            return []
        if (stored[2], stored[3], stored[4]) == (status, last_at, _canonical(again)):
            return []
    elif readable:
        return []
    then = "listings replay the incident instead" if not readable else "listings show it wrongly until then"
    return [
        "its summary for listings and the governors' summary does not match its record (the record itself is "
        f"unchanged; the next change to incident {incident_id} writes the summary again, and {then})"
    ]


class Earlier(NamedTuple):
    """What an earlier copy says of an incident: its head, and each event's hash when the copy is a JSON export."""

    incident_id: int | None
    events: int
    head_hash: str
    hashes: list[str]  # every event's hash, oldest first; [] when only the head is known
    at: str  # when the last event of the copy was written ('' if not known)


_HEAD = re.compile(r"^(\d{1,9})-([0-9a-f]{8,64})$", re.IGNORECASE)


_MARKED = re.compile(  # where the tool itself writes the head: a Markdown comment, an HTML meta tag
    r"<!-- esafety-record-head: incident (\d{1,18}), (\d{1,9})-([0-9a-f]{8,64}) -->"
    r"|<meta name='esafety-record-head' content='incident (\d{1,18}), (\d{1,9})-([0-9a-f]{8,64})'>"
)


# An export from before those markers: the head only where the tool wrote it, the Markdown export's own line
# ("- Record head: incident N, H. Keep this copy"), at the start of a line: never words typed into a reason or
# a description, which the export keeps inside other lines.
_HEAD_IN_TEXT = re.compile(
    r"^- Record head: incident (\d{1,18}), (\d{1,9})-([0-9a-f]{8,64})\. Keep this copy", re.MULTILINE
)


_GOVERNORS = re.compile(r"summary for governors", re.IGNORECASE)


def earlier(against: str) -> Earlier:
    """An earlier head ('19-3f2a9c81d0e4b5a6', as written down, in any case), or a copy the tool wrote: an export
    (JSON, Markdown or HTML) or the transcript of `guide --save` (JSON or Markdown).

    The head is read from where the tool writes it, never from text anyone typed: JSON's own fields, the
    Markdown comment on the export's last line, the HTML meta tag in the page's head. (A copy from before those
    markers is read by its 'Record head:' line only if it has exactly one.)

    Raises:
        WizardError: neither a head nor a readable copy that has one.
    """
    m = _HEAD.match(against.strip())
    if m:
        return _checked_head(Earlier(None, int(m.group(1)), m.group(2).lower(), [], ""))
    path = Path(against).expanduser()
    if not path.exists() and not path.is_symlink():
        raise WizardError(
            f"'{one_line(str(path))[:120]}' is neither a record head (like 12-3f2a9c81d0e4b5a6) nor a file that "
            "exists. Check the file's name and folder, or give the head as written down."
        )
    from ..files import read_bounded

    try:
        text = read_bounded(path, "copy").decode("utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        raise WizardError(
            f"'{one_line(against)[:80]}' is neither a record head (like 12-3f2a9c81d0e4b5a6) nor an export that "
            "can be read. Give the head as written down, or the file exported earlier."
        ) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        return _checked_head(_from_json(data, path))
    if _GOVERNORS.search(text[:2000]):  # its heads are a list of every incident's, and its reasons are typed
        raise WizardError(
            f"{one_line(str(path))[:120]} is a summary for governors: it is not a copy of one incident's record. "
            "Give an export made by esafety log export, or the head as written down."
        )
    marked = list(_MARKED.finditer(text))
    if marked:
        g = [x for x in marked[-1].groups() if x is not None]
        return _checked_head(Earlier(int(g[0]), int(g[1]), g[2].lower(), [], ""))
    found = _HEAD_IN_TEXT.findall(text)
    if len(found) == 1:
        return _checked_head(Earlier(int(found[0][0]), int(found[0][1]), found[0][2].lower(), [], ""))
    raise WizardError(
        f"{one_line(str(path))[:120]} has no record head the tool wrote"
        + (" (it has more than one 'Record head:' line, so none can be trusted)" if found else "")
        + ": give an export made by esafety log export, or the head as written down."
    )


def _from_json(data: dict, path: Path) -> Earlier:
    history = data.get("history")
    if isinstance(history, list):
        hashes = [e for e in history if isinstance(e, dict) and isinstance(e.get("hash"), str)]
        if hashes:
            return Earlier(
                data.get("incident") if type(data.get("incident")) is int else None,
                len(hashes),
                hashes[-1]["hash"].lower(),
                [e["hash"].lower() for e in hashes],
                str(hashes[-1].get("at", "")),
            )
    saved = data.get("incident")  # the JSON transcript of guide --save: {"id": N, "head": "2-..."}
    if isinstance(saved, dict) and type(saved.get("id")) is int and isinstance(saved.get("head"), str):
        m = _HEAD.match(saved["head"])
        if m:
            return Earlier(saved["id"], int(m.group(1)), m.group(2).lower(), [], "")
    raise WizardError(f"{one_line(str(path))[:120]} has no record head: give an export made by esafety log export.")


def _checked_head(copy: Earlier) -> Earlier:
    if copy.events < 1:
        raise WizardError("A record head counts at least one event (like 2-3f2a9c81d0e4b5a6): check the head.")
    return copy


def compare(st: Store, incident_id: int, copy: Earlier) -> tuple[list[str], str]:
    """Does today's record extend the earlier copy? Returns (what differs, a sentence saying what was proved)."""
    if copy.incident_id is not None and copy.incident_id != incident_id:
        raise WizardError(f"That copy is of incident {copy.incident_id}, not incident {incident_id}.")
    events = st.events(incident_id)
    problems: list[str] = []
    if len(events) < copy.events:
        cut = (
            f"event {copy.events} was"
            if copy.events == len(events) + 1
            else f"events {len(events) + 1} to {copy.events} were"
        )
        problems.append(f"the record has {len(events)} events, the earlier copy {copy.events}: {cut} cut from the end")
    for i, h in enumerate(copy.hashes[: len(events)], 1):  # a full copy names the first event that differs
        if events[i - 1].hash != h:
            problems.append(f"event {i} is not the event in the earlier copy: the record was changed from there on")
            break
    else:
        if copy.events <= len(events) and not events[copy.events - 1].hash.startswith(copy.head_hash):
            problems.append(
                f"event {copy.events} is not the event in the earlier copy: the record was changed at or before it, "
                "and its chain recomputed"
            )
    if problems:
        return problems, ""
    last = parse_time(copy.at) or parse_time(events[copy.events - 1].at)
    for e in events[copy.events :]:
        at = parse_time(e.at)
        if last is not None and at is not None and at < last:
            problems.append(f"event {e.n} was added after the earlier copy but is dated before it")
    added = len(events) - copy.events
    return problems, (
        f"Today's record extends the earlier copy: its first {copy.events} events are unchanged"
        + (
            f", and {added} {'events were' if added != 1 else 'event was'} added since."
            if added
            else ", and none was added."
        )
    )
