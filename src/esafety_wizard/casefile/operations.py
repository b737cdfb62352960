"""Operations on the incident case file: each takes one open Store, returns what it did, raises WizardError.

Nothing here prints or prompts: the CLI opens the store once per command, calls one operation and prints its
result (as sqlite-utils' `db.py` serves its CLI). Every change is one appended event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ..errors import WizardError
from ..escape import one_line
from ..files import private_dir, write_private
from ..flowchart import engine
from ..flowchart.model import Flowchart, Letter
from ..home import Home
from ..record import event as kinds
from ..record import serialize, wording
from ..record.event import Event, malformed
from ..record.event import canonical as _canonical
from ..record.incident import Evidence, Incident, Item, Replays, evidence_of, facts, replay, summarise
from . import evidence
from .store import Store, parse_time

# --- who is acting --------------------------------------------------------------------------------------


def saved_name(home: Home) -> str | None:
    """The name set once with `esafety log name`, or None."""
    from ..files import read_json

    try:
        data = read_json(home.settings, "settings")
    except FileNotFoundError:
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return str(name) if name else None


def set_name(home: Home, name: str) -> Path:
    name = name.strip()
    if not name:
        raise WizardError('Give a name, for example: esafety log name "Jo Bloggs"')
    private_dir(home.folder)
    return write_private(home.settings, json.dumps({"name": name}) + "\n", overwrite=True)


def actor(home: Home, as_: str | None) -> str:
    """Who is acting: --as, else the name set once with `esafety log name`.

    Raises:
        WizardError: neither is given.
    """
    if as_ and as_.strip():
        return as_.strip()
    name = saved_name(home)
    if name:
        return name
    raise WizardError(
        'Say who is recording this: add --as "Your Name", or set it once with: esafety log name "Your Name"'
    )


# --- the store ------------------------------------------------------------------------------------------


def has_incidents(home: Home) -> bool:
    return home.database.exists()


def answered_data(
    fc: Flowchart,
    answers: dict[str, str],
    old: tuple[Item, ...] | None = None,
    reasons: dict[str, str] | None = None,
    before: tuple | None = None,
) -> dict:
    """The 'answered' event: the answers so far, and the checklist and contacts they lead to. With `old` (the
    checklist before) and `before` (the answers before), it also records what changed, so the history can say
    which answer changed rather than how many there are."""
    from ..record.incident import changes

    w = engine.walk(fc, answers)
    out = engine.outcome_of(fc, w, answers, reasons)
    steps = serialize.outcome_steps(fc, out)
    data = {
        "flowchart": serialize.flowchart_ref(fc),
        # Every reason given is kept with its answer, a decision's or not: nothing said is dropped.
        "answers": [
            {**serialize.answer(a), **({"reason": reasons[a.id]} if reasons and reasons.get(a.id) else {})}
            for a in out.answered
        ],
        "decisions": [serialize.decision(d) for d in out.decisions],
        "complete": w.finished,
        "who_question": fc.who_question,
        "not_known_yet": list(fc.not_known_yet),
        "steps": steps,
        "contacts": [serialize.contact(c) for c in out.contacts],
    }
    if old is not None:
        data["changes"] = changes(old, steps)
    if before is not None:
        was = {a.id: a for a in before}
        data.setdefault("changes", {})["answers"] = [
            {"id": a.id, "question": a.text, "from": was[a.id].label if a.id in was else None, "to": a.label}
            for a in out.answered
            if a.id not in was or was[a.id].value != a.value
        ]
    return data


def create(st: Store, fc: Flowchart, answers: dict[str, str], who: str, reasons: dict[str, str] | None = None) -> int:
    """A new incident from a guide's answers (finished or not) and the reasons for its decisions; returns its id."""
    return st.new_incident(
        None,
        who,
        [
            (kinds.OPENED, {"flowchart": serialize.flowchart_ref(fc)}),
            ("answered", answered_data(fc, answers, reasons=reasons)),
        ],
    )


def load(st: Store, incident_id: int) -> tuple[Incident, list[str]]:
    """An incident and what is wrong with its record (nothing, if it was not altered), from one read."""
    events, chain = st.checked(incident_id)
    return _replay(st, incident_id, events), chain + malformed(events)


def with_school_now(inc: Incident, home: Home) -> Incident:
    """The incident with the school's contacts as they are set today beside its own (for show and export)."""
    from . import school

    return inc._replace(school_now=school.beside(inc.contacts, home))


def get(st: Store, incident_id: int) -> Incident:
    return _replay(st, incident_id, st.events(incident_id))


def _replay(st: Store, incident_id: int, events: list[Event]) -> Incident:
    if not events:
        raise WizardError(
            f"Incident {incident_id} has no events: its record was cut. Check the file with: esafety log verify"
        )
    return _replays(st).replay(events)


def _replays(st: Store) -> Replays:
    """The replays of this command's store: its summariser's, so that the incident a change was checked against
    is carried on by the change's own event for its summary row, not replayed again."""
    return st.summarise.replays if isinstance(st.summarise, Summariser) else Replays()


def get_open(st: Store, incident_id: int) -> Incident:
    """The incident, which must be open to take a change."""
    inc = get(st, incident_id)
    if inc.closed:
        raise WizardError(f"Incident {inc.id} is closed. Reopen it first: esafety log reopen {inc.id}")
    return inc


# --- summaries: what listings and the governors' summary read ---------------------------------------------


def summary_of(events: list[Event]) -> tuple[str, str, dict]:
    """An incident's summary row (store.Summarise): its status, the time of its last change, and its listing
    line and facts for the governors' summary."""
    return _summary_row(replay(events))


def _summary_row(inc: Incident) -> tuple[str, str, dict]:
    return inc.status, inc.events[-1].at, {"v": SUMMARY_VERSION, "row": serialize.summary(inc), "facts": facts(inc)}


class Summariser:
    """The summariser of one command's store (store.Summarise), holding that command's replays."""

    def __init__(self) -> None:
        self.replays = Replays()

    def __call__(self, events: list[Event]) -> tuple[str, str, dict]:
        return _summary_row(self.replays.replay(events))


SUMMARY_VERSION = 2  # raise when summary_of changes: rows of another version are replayed, not trusted


def open_store(home: Home, *, create: bool = True, readonly: bool = False) -> Store:
    """The one store of a command, writing each incident's summary row with each change."""
    return Store(home.folder, create=create, readonly=readonly, summarise=Summariser())


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


def record_answers(
    st: Store, incident_id: int, fc: Flowchart, answers: dict[str, str], who: str, reasons: dict[str, str] | None = None
) -> Incident:
    """New answers for an incident: the checklist is recomputed and the change recorded; returns the incident.

    Reasons given before for answers that still hold are kept."""
    inc = get_open(st, incident_id)
    kept = {a.id: a.reason for a in inc.answers if a.reason and answers.get(a.id) == a.value}
    kept |= {d.id: d.reason for d in inc.decisions if d.reason and answers.get(d.id) == d.value}
    data = answered_data(fc, answers, inc.checklist, {**kept, **(reasons or {})}, inc.answers)
    st.append(incident_id, None, who, kinds.ANSWERED, data)
    return get(st, incident_id)


def _step(inc: Incident, ref: str) -> Item:
    """A step of the checklist by number, id or the start of its words; else an error with 'did you mean'."""
    it = inc.item(ref)
    if it is not None:
        return it
    near = inc.near(ref)
    hint = " Did you mean " + " or ".join(f"{i.number} ('{i.step.text}')" for i in near) + "?" if near else ""
    raise WizardError(
        f"Incident {inc.id} has no step '{one_line(ref)[:60]}'.{hint} Give a step's number, as in: "
        f"esafety log show {inc.id}"
    )


def done(st: Store, incident_id: int, steps: str | list[str], note: str | None, who: str) -> list[Item]:
    """Mark one step or several done. Every step is checked before any is marked, so a mistake in one marks none.

    Raises:
        WizardError: a step that is not on the checklist, one already done (a second tick would hide the first's
        note: add a note instead), or one decided against, unless a note says why it was done after all.
    """
    inc = get_open(st, incident_id)
    items = [_step(inc, ref) for ref in ([steps] if isinstance(steps, str) else steps)]
    for it in items:
        if it.done is not None:
            raise WizardError(
                f"Step {it.number} of incident {incident_id} ({wording.step_words(it.step)}) is already marked done "
                f'{wording.when(it.done.at)} by {it.done.actor}. To add to it: esafety log note {incident_id} "..."'
            )
        if it.decided is not None and not (note and note.strip()):
            raise WizardError(
                f"Step {it.number} of incident {incident_id} ({wording.step_words(it.step)}) was decided against: "
                f"'{it.decided.reason}'. To mark it done after all, say why with --note \"...\"."
            )
    for it in dict.fromkeys(items):
        st.append(incident_id, None, who, kinds.STEP_DONE, {"step": it.id, **({"note": note} if note else {})})
    return list(dict.fromkeys(items))


def undone(st: Store, incident_id: int, step: str, note: str | None, who: str) -> Item:
    """A correction: the step was marked done by mistake. The earlier mark stays in the history."""
    inc = get_open(st, incident_id)
    it = _step(inc, step)
    if it.done is None and it.decided is None:
        raise WizardError(
            f"Step {it.number} of incident {incident_id} is neither done nor decided against: there is nothing to "
            f"correct. See: esafety log show {incident_id}"
        )
    st.append(incident_id, None, who, kinds.STEP_UNDONE, {"step": it.id, **({"note": note} if note else {})})
    return it


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
    return summarise(summaries(st, "facts"), start, end)


def evidence_states(inc: Incident) -> list[str]:
    """Each evidence file now: 'unchanged', 'changed' or 'missing' (read in chunks: memory stays small)."""
    return [evidence.recheck(e.path, e.sha256) for e in inc.evidence]


def decide(st: Store, incident_id: int, steps: str | list[str], reason: str, who: str) -> list[Item]:
    """Record a decision not to take one step or several (not needed, or decided against), with its reason.
    Every step is checked before any is recorded, so a mistake in one records none."""
    if not reason or not reason.strip():
        raise WizardError(
            "A decision needs its reason, for the record (KCSIE asks schools to record the reasons for decisions, "
            'including a decision not to refer): add --reason "..."'
        )
    inc = get_open(st, incident_id)
    items = list(dict.fromkeys(_step(inc, ref) for ref in ([steps] if isinstance(steps, str) else steps)))
    for it in items:
        if it.done is not None:
            raise WizardError(
                f"Step {it.number} of incident {incident_id} ({wording.step_words(it.step)}) is marked done. If that "
                f"was a mistake, correct it first: esafety log undone {incident_id} {it.number}"
            )
    for it in items:
        st.append(incident_id, None, who, kinds.STEP_DECIDED, {"step": it.id, "reason": reason.strip()})
    return items


def describe(st: Store, incident_id: int, description: str | None, staff: str | None, who: str) -> Event:
    """Set what the incident is about and who it happened to (each change is an event; '' clears one)."""
    data = {k: " ".join(v.split()) for k, v in (("description", description), ("staff", staff)) if v is not None}
    if not data:
        raise WizardError('Give --description "..." or --staff "...", or both.')
    get(st, incident_id)
    return st.append(incident_id, None, who, kinds.DESCRIBED, data)


def answer(
    st: Store, incident_id: int, fc: Flowchart, changed: dict[str, str], who: str, reasons: dict[str, str] | None = None
) -> Incident:
    """Change or add answers of a saved incident: the checklist is recomputed; steps done on a step that drops
    away stay in the record."""
    inc = get_open(st, incident_id)
    answers = {a.id: a.value for a in inc.answers}
    answers.update(changed)
    return record_answers(
        st, incident_id, fc, engine.normalise_answers(fc, answers, f"incident {incident_id}"), who, reasons
    )


def note(st: Store, incident_id: int, text: str, who: str) -> Event:
    if not text.strip():
        raise WizardError("The note is empty. Nothing was recorded.")
    get_open(st, incident_id)
    return st.append(incident_id, None, who, kinds.NOTE, {"text": text})


def add_evidence(
    st: Store, incident_id: int, files: list[Path], note: str | None, who: str, progress=None
) -> list[Event]:
    """Register files by fingerprint; every file is checked before anything is written.

    `progress(path, done, total)` is called as each file is read (for a bar on a terminal)."""
    fingerprints = [
        evidence.fingerprint(f, None if progress is None else (lambda d, t, f=f: progress(f, d, t))) for f in files
    ]
    inc = get_open(st, incident_id)
    known = {e.sha256: e for e in inc.evidence}
    for p in fingerprints:
        if p["sha256"] in known:
            e = known[p["sha256"]]
            raise WizardError(
                f"{one_line(p['path'])} is already registered with incident {incident_id} (the same contents as "
                f"{one_line(e.path)}, registered {e.at[:10]} by {one_line(e.actor)}). Nothing was registered."
            )
        known[p["sha256"]] = Evidence(p["path"], p["name"], p["size"], p["mtime"], p["sha256"], "now", "you")
    return [
        st.append(incident_id, None, who, kinds.EVIDENCE, {**p, **({"note": note} if note else {})})
        for p in fingerprints
    ]


def withdraw_evidence(st: Store, incident_id: int, ref: str, reason: str, who: str) -> Evidence:
    """Withdraw a registered evidence file (registered to the wrong incident, say): an event with the reason. The
    registration and its SHA-256 stay in the history; the file is no longer rechecked by `log verify`.

    `ref`: the file's path or name as registered, or the start of its SHA-256 (8 characters or more)."""
    if not reason or not reason.strip():
        raise WizardError('Say why the evidence is withdrawn, for the record: add --reason "..."')
    inc = get_open(st, incident_id)
    text = ref.strip()
    resolved = str(Path(text).expanduser().resolve()) if text else ""
    found = [
        e
        for e in inc.evidence
        if text
        and (e.path in (text, resolved) or e.name == text or (len(text) >= 8 and e.sha256.startswith(text.lower())))
    ]
    if len(found) != 1:
        listed = "".join(f"\n  {one_line(e.name)} (SHA-256 {e.sha256[:12]})" for e in inc.evidence) or " none."
        what = "matches more than one file" if found else "is not registered with it"
        raise WizardError(
            f"'{one_line(ref)[:80]}' {what}. The evidence of incident {incident_id}:{listed}\n"
            "Give the file's path or name, or the start of its SHA-256."
        )
    e = found[0]
    st.append(
        incident_id, None, who, kinds.EVIDENCE_WITHDRAWN, {"sha256": e.sha256, "name": e.name, "reason": reason.strip()}
    )
    return e


def letter_template(fc: Flowchart, name: str):
    """One of the procedure's letters by name.

    Raises:
        WizardError: the procedure has no letters, or none of that name (with did-you-mean).
    """
    from difflib import get_close_matches

    if name in fc.letters:
        return fc.letters[name]
    if not fc.letters:
        raise WizardError("This procedure has no letters to draft.")
    near = get_close_matches(name, list(fc.letters), n=1)
    hint = f" Did you mean '{near[0]}'?" if near else ""
    raise WizardError(
        f"The procedure has no letter '{one_line(name)[:40]}'.{hint} Its letters: {', '.join(fc.letters)} "
        "(see esafety letters)."
    )


def letter_drafted(
    st: Store, incident_id: int, letter: Letter, file: Path, fmt: str, sha256: str, to_fill, who: str
) -> Event:
    """Record that a letter was drafted: which, by whom, when, the file's name and SHA-256, and what was left to
    fill in; never the letter's text."""
    data = {
        "letter": letter.id,
        "title": letter.title,
        "file": file.name,
        "format": fmt,
        "sha256": sha256,
        "to_fill": list(to_fill),
    }
    return st.append(incident_id, None, who, kinds.LETTER_DRAFTED, data)


class Verified(NamedTuple):
    """What `log verify` found for one incident."""

    incident_id: int
    events: int
    problems: list[str]  # what is wrong with the chain of events; empty if intact
    evidence: list[tuple[Evidence, str]]  # each file and 'unchanged', 'changed' or 'missing'

    @property
    def ok(self) -> bool:
        return not self.problems and all(state == "unchanged" for _, state in self.evidence)


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


def close(st: Store, incident_id: int, reason: str | None, who: str, force: bool = False) -> Event:
    """Close an incident whose steps are each done or decided against (with a reason); --force closes one with
    steps still open, and then a reason is required and the open steps are recorded."""
    inc = get_open(st, incident_id)
    still = [it for it in inc.checklist if it.open]
    if still and not force:
        listed = "".join(f"\n  {it.number}. {wording.step_words(it.step)}" for it in still)  # one a line
        raise WizardError(
            f"Incident {incident_id} has {len(still)} step{'s' if len(still) != 1 else ''} neither done nor decided "
            f"against:{listed}\nMark each done (esafety log done {incident_id} N ...), or decide against it with a "
            f'reason (esafety log decide {incident_id} N --reason "..."), or close anyway with --force --reason "...".'
        )
    if still and not (reason and reason.strip()):
        raise WizardError('Closing with steps still open needs a reason, for the record: add --reason "..."')
    data: dict = {"reason": reason} if reason else {}
    if still:
        data["open_steps"] = [it.id for it in still]
    return st.append(incident_id, None, who, kinds.CLOSED, data)


def reopen(st: Store, incident_id: int, reason: str | None, who: str) -> Event:
    if not get(st, incident_id).closed:
        raise WizardError(f"Incident {incident_id} is already open.")
    return st.append(incident_id, None, who, kinds.REOPENED, {"reason": reason} if reason else {})


# --- against an earlier copy --------------------------------------------------------------------------------


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
