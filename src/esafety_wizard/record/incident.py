"""An incident, replayed from its events into typed objects: pure, no I/O.

The history is the truth; everything shown (answers, checklist, notes, evidence, open or closed) is derived
from it, so a correction is always a new event and nothing is ever rewritten. Events hold the dict shapes of
`serialize`; this module turns them back into the same objects the guide works with (a checklist item holds a
`model.Step`, a contact is a `model.Contact`), so every output reads one shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..errors import WizardError
from ..flowchart.model import Contact, Local, Step
from . import event as kinds

if TYPE_CHECKING:
    from .event import Event

HEAD_HEX = 16  # 64 bits of the SHA-256: enough that no one can make another record with the same head


class FlowchartRef(NamedTuple):
    """Which procedure an incident followed: its title, where it came from, and the file's SHA-256."""

    title: str = ""
    path: str = ""
    sha256: str = ""
    contacts_sha256: str = ""  # in a pack: the shared contacts file's own SHA-256


class Answer(NamedTuple):
    """One recorded answer, in the words shown when it was given."""

    id: str
    text: str  # the question
    value: str
    label: str
    reason: str | None = None  # why, when one was given with the answer (a decision's or any other)
    by_role: bool = False  # not asked: the reader gave it by being who they are (a head teacher can report to the head)


class Decision(NamedTuple):
    """A recorded decision: the answer, what it means is not done, and the reason given."""

    id: str
    value: str
    text: str
    reason: str | None


class Done(NamedTuple):
    at: str
    actor: str
    note: str | None


class Decided(NamedTuple):
    """A step decided against (not needed, or not done on purpose), with the reason: a decision is recorded."""

    at: str
    actor: str
    reason: str


class Dropped(NamedTuple):
    """Why a step left the checklist: the answers that changed (question, old answer, new answer), when, by whom."""

    at: str
    actor: str
    changed: tuple[tuple[str, str, str], ...] = ()


class Item(NamedTuple):
    """A step on an incident's checklist: the step as recorded, its status, and whether it is done.

    `number` is the step's for the life of the incident: given when it first appeared, never reused, so
    'log done 3 7' means the same step after a change of answers as before it."""

    number: int
    step: Step  # `step.section` is the section's title as recorded
    status: str  # due / conditional / no_longer_needed (done or decided on once, then off the path)
    done: Done | None
    decided: Decided | None = None
    dropped: Dropped | None = None  # for a step no longer needed: the change of answers that dropped it

    @property
    def open(self) -> bool:
        """Still to do: an action neither done nor decided against, and still needed (information never is)."""
        return not self.step.info and self.status != NO_LONGER_NEEDED and self.done is None and self.decided is None

    @property
    def id(self) -> str:
        return self.step.id


NO_LONGER_NEEDED = "no_longer_needed"


class Note(NamedTuple):
    at: str
    actor: str
    text: str


class Evidence(NamedTuple):
    """An evidence file registered by fingerprint (never copied)."""

    path: str
    name: str
    size: int
    mtime: str
    sha256: str
    at: str
    actor: str
    note: str | None = None


class Incident(NamedTuple):
    id: int
    created_at: str
    created_by: str
    closed: bool
    flowchart: FlowchartRef
    answers: tuple[Answer, ...]
    decisions: tuple[Decision, ...]
    complete: bool
    checklist: tuple[Item, ...]
    contacts: tuple[Contact, ...]
    notes: tuple[Note, ...]
    evidence: tuple[Evidence, ...]
    events: tuple[Event, ...]
    description: str | None = None
    staff: str | None = None  # the member of staff affected
    who_question: str | None = None  # from the procedure: whose answer says who did it
    not_known_yet: tuple[str, ...] = ()  # from the procedure: answers that mean "not known yet"
    steps_ever: dict[str, tuple[int, Step]] | None = None  # every step ever on the checklist: number, step
    # The school's contacts as they are set today (school.beside), laid beside the record by whoever reads it;
    # never stored in the record, which keeps the contacts as they were.
    school_now: tuple = ()

    def step_text(self, step_id: str) -> str:
        """A step's words, for one that is on the checklist now or was on it once."""
        found = self.step_of(step_id)
        return found.text if found else step_id

    def step_of(self, step_id: str) -> Step | None:
        """A step as recorded, on the checklist now or once; None for an id the record never had."""
        found = (self.steps_ever or {}).get(step_id)
        return found[1] if found else None

    @property
    def head(self) -> str:
        """The record's head, short enough to write down: its number of events and the start of the last
        event's SHA-256, which depends on every event before it. See `esafety log verify --against`."""
        return f"{len(self.events)}-{self.events[-1].hash[:HEAD_HEX]}" if self.events else "0-"

    @property
    def waiting_for(self) -> list[Answer]:
        """Answers the procedure counts as not known yet: what `log resume` asks again."""
        return [a for a in self.answers if a.value in self.not_known_yet]

    @property
    def who(self) -> str | None:
        """The answer to the procedure's question of who did it, in its words, if it was answered."""
        return next((a.label for a in self.answers if a.id == self.who_question), None)

    @property
    def closing(self) -> Event | None:
        """The event that closed the incident last, while it is closed."""
        return next((e for e in reversed(self.events) if e.kind == kinds.CLOSED), None) if self.closed else None

    @property
    def status(self) -> str:
        return "closed" if self.closed else "open"

    def item(self, ref: str) -> Item | None:
        """A checklist step by its number, its id, or its words: the whole instruction, or the short words the
        screen shows (with or without their 'If ...:'), or the start of either if only one step starts so."""
        for it in self.checklist:
            if ref == it.id or ref == str(it.number):
                return it
        words = _plain(ref)
        if len(words) < 3:
            return None
        said = [(it, _said(it.step)) for it in self.checklist]
        for match in (lambda w: w == words, lambda w: w.startswith(words)):
            found = {it.number: it for it, ws in said if any(match(w) for w in ws)}
            if len(found) == 1:
                return next(iter(found.values()))
            if found:
                return None  # the words fit two steps: a number says which
        return None

    def near(self, ref: str) -> list[Item]:
        """Steps a mistyped reference may have meant: numbers next to it, ids and words close to it."""
        import difflib

        words = " ".join(ref.split()).lower()
        by_text = {it.step.text.lower(): it for it in self.checklist}
        by_id = {it.id: it for it in self.checklist}
        close = difflib.get_close_matches(words, list(by_text), n=2, cutoff=0.5)
        close_ids = difflib.get_close_matches(ref, list(by_id), n=2, cutoff=0.6)
        starts = [it for it in self.checklist if words and it.step.text.lower().startswith(words)]
        found = [*starts, *(by_text[t] for t in close), *(by_id[i] for i in close_ids)]
        return list(dict.fromkeys(found))[:3]


def _plain(words: str) -> str:
    """Words as typed or as shown, compared without case, spacing, a mark or an end stop."""
    return " ".join(words.replace("*", " ").split()).lower().rstrip(".").strip()


def _said(step: Step) -> list[str]:
    """Every way a step is worded where a person reads it: its instruction, its short line, and the short line
    after its 'If ...:' as the screen shows a step that only may apply."""
    out = [_plain(step.text)]
    if step.short:
        out.append(_plain(step.short))
        when = step.when_words
        if when:
            out += [_plain(f"if {when}: {step.short}"), _plain(f"{when}: {step.short}")]
    return out


def _text(v: object, default: str = "") -> str:
    return v if isinstance(v, str) else default


def _dicts(v: object) -> list[dict]:
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _opt(v: object) -> str | None:
    return v if isinstance(v, str) else None


def _strs(v: object) -> tuple[str, ...]:
    return tuple(x for x in v if isinstance(x, str)) if isinstance(v, list) else ()


def _step(d: dict) -> Step | None:
    get = d.get
    if not isinstance(get("id"), str):
        return None
    return Step(
        id=d["id"],
        text=_text(get("text")),
        section=_text(get("section")),
        condition=_opt(get("condition")),
        details=_strs(get("details")),
        source=_opt(get("source")),
        added=_opt(get("added")),
        contacts=_strs(get("contacts")),
        short=_opt(get("short")),
        when=_opt(get("when")),
        info=get("info") is True,
        route=_opt(get("route")),
    )


def _contact(d: dict) -> Contact:
    c = Contact(**{k: (d.get(k) if isinstance(d.get(k), str) else None) for k in Contact._fields if k != "local"})
    local = d.get("local")
    if isinstance(local, dict):
        c = c._replace(
            local=Local(
                *(local.get(k) if isinstance(local.get(k), str) else None for k in Local._fields[:3]),
                _text(local.get("checked")),
            )
        )
    return c._replace(id=_text(d.get("id")), name=_text(d.get("name"), "(no name)"))


def _answer(d: dict) -> Answer:
    reason = d.get("reason") if isinstance(d.get("reason"), str) and d.get("reason") else None
    return Answer(
        _text(d.get("id")),
        _text(d.get("question")),
        _text(d.get("answer")),
        _text(d.get("label")),
        reason,
        d.get("by_role") is True,
    )


def _evidence(e: Event) -> Evidence:
    d = e.data
    return Evidence(
        d["path"],
        _text(d.get("name")),
        d.get("size") if isinstance(d.get("size"), int) else 0,
        _text(d.get("mtime")),
        _text(d.get("sha256")),
        at=e.at,
        actor=e.actor,
        note=d.get("note") if isinstance(d.get("note"), str) else None,
    )


def evidence_of(events: list[Event]) -> list[Evidence]:
    """The evidence files registered in these events and not withdrawn since (what `log verify` rechecks), without
    a whole replay. A withdrawn file stays in the history, with its SHA-256 and the reason."""
    files: list[Evidence] = []
    for e in events:
        if e.kind == kinds.EVIDENCE and isinstance(e.data.get("path"), str):
            files.append(_evidence(e))
        elif e.kind == kinds.EVIDENCE_WITHDRAWN and isinstance(e.data.get("sha256"), str):
            files = [f for f in files if f.sha256 != e.data["sha256"]]
    return files


class _Replaying:
    """What the events so far have said, while an incident is replayed: each kind of event changes it through one
    small handler below. A handler skips an event that does not hold what it needs (`log verify` reports it)."""

    def __init__(self) -> None:
        self.ref = FlowchartRef()
        self.answers: list[dict] = []
        self.decisions: list[dict] = []
        self.complete = False
        self.steps: list[dict] = []
        self.parsed: list[tuple[dict, Step]] = []  # the last answered event's steps, each read once
        self.contacts: list[dict] = []
        self.done: dict[str, Done] = {}
        self.decided: dict[str, Decided] = {}
        self.seen: dict[str, tuple[int, Step]] = {}
        self.description: str | None = None
        self.staff: str | None = None
        self.who_question: str | None = None
        self.not_known_yet: tuple[str, ...] = ()
        self.notes: list[Note] = []
        self.evidence: list[Evidence] = []
        self.closed = False
        self.dropped: dict[str, Dropped] = {}

    def opened(self, e: Event) -> None:
        f = e.data.get("flowchart")
        if isinstance(f, dict):
            self.ref = FlowchartRef(
                _text(f.get("title")), _text(f.get("path")), _text(f.get("sha256")), _text(f.get("contacts_sha256"))
            )

    def answered(self, e: Event) -> None:
        d = e.data
        before, before_steps = self.answers, {_text(s.get("id")) for s in self.steps}
        self.answers, self.complete = _dicts(d.get("answers")), bool(d.get("complete"))
        now_steps = {_text(s.get("id")) for s in _dicts(d.get("steps"))}
        if before:
            was = {_text(a.get("id")): a for a in before}
            changed = tuple(
                (_text(a.get("question")), _text(was[a["id"]].get("label")), _text(a.get("label")))
                for a in self.answers
                if isinstance(a.get("id"), str) and a["id"] in was and was[a["id"]].get("answer") != a.get("answer")
            )
            for sid in before_steps - now_steps:
                self.dropped[sid] = Dropped(e.at, e.actor, changed)
        for sid in now_steps:
            self.dropped.pop(sid, None)
        self.decisions = _dicts(d.get("decisions"))
        self.who_question = _opt(d.get("who_question"))
        self.not_known_yet = _strs(d.get("not_known_yet"))
        self.steps, self.contacts = _dicts(d.get("steps")), _dicts(d.get("contacts"))
        self.parsed = [(s, step) for s in self.steps for step in [_step(s)] if step is not None]
        for _, step in self.parsed:
            if step.id not in self.seen:
                self.seen[step.id] = (len(self.seen) + 1, step)

    def step_done(self, e: Event) -> None:
        if isinstance(e.data.get("step"), str):
            self.done[e.data["step"]] = Done(e.at, e.actor, _opt(e.data.get("note")))

    def step_undone(self, e: Event) -> None:
        if isinstance(e.data.get("step"), str):
            self.done.pop(e.data["step"], None)
            self.decided.pop(e.data["step"], None)

    def step_decided(self, e: Event) -> None:
        d = e.data
        if isinstance(d.get("step"), str) and isinstance(d.get("reason"), str):
            self.decided[d["step"]] = Decided(e.at, e.actor, d["reason"])

    def described(self, e: Event) -> None:
        d = e.data
        if isinstance(d.get("description"), str):
            self.description = d["description"] or None
        if isinstance(d.get("staff"), str):
            self.staff = d["staff"] or None

    def note(self, e: Event) -> None:
        if isinstance(e.data.get("text"), str):
            self.notes.append(Note(e.at, e.actor, e.data["text"]))

    def evidence_registered(self, e: Event) -> None:
        if isinstance(e.data.get("path"), str):
            self.evidence.append(_evidence(e))

    def evidence_withdrawn(self, e: Event) -> None:
        if isinstance(e.data.get("sha256"), str):
            self.evidence = [f for f in self.evidence if f.sha256 != e.data["sha256"]]

    def closed_(self, e: Event) -> None:
        self.closed = True

    def reopened(self, e: Event) -> None:
        self.closed = False

    def nothing(self, e: Event) -> None:
        """A letter drafted changes nothing replayed: it stays in the history."""

    def incident(self, events: list[Event]) -> Incident:
        first = events[0]
        return Incident(
            first.incident_id,
            first.at,
            first.actor,
            self.closed,
            self.ref,
            tuple(_answer(a) for a in self.answers),
            tuple(
                Decision(_text(x.get("id")), _text(x.get("answer")), _text(x.get("decision")), x.get("reason") or None)
                for x in self.decisions
            ),
            self.complete,
            self.checklist(),
            tuple(_contact(c) for c in self.contacts),
            tuple(self.notes),
            tuple(self.evidence),
            tuple(events),
            self.description,
            self.staff,
            self.who_question,
            self.not_known_yet,
            dict(self.seen),
        )

    def checklist(self) -> tuple[Item, ...]:
        """The last answers' steps, each with what was done or decided; then the steps done or decided on that a
        change of answers dropped: done stays done, marked no longer needed and why, with every word said of it."""
        seen, done, decided = self.seen, self.done, self.decided
        items = tuple(
            Item(seen[step.id][0], step, _text(s.get("status"), "due"), done.get(step.id), decided.get(step.id))
            for s, step in self.parsed
        )
        on = {it.id for it in items}
        return items + tuple(
            Item(seen[sid][0], seen[sid][1], NO_LONGER_NEEDED, done.get(sid), decided.get(sid), self.dropped.get(sid))
            for sid in sorted({*done, *decided} - on, key=lambda sid: seen[sid][0] if sid in seen else 0)
            if sid in seen
        )


_HANDLERS = {
    kinds.OPENED: _Replaying.opened,
    kinds.ANSWERED: _Replaying.answered,
    kinds.STEP_DONE: _Replaying.step_done,
    kinds.STEP_UNDONE: _Replaying.step_undone,
    kinds.STEP_DECIDED: _Replaying.step_decided,
    kinds.DESCRIBED: _Replaying.described,
    kinds.NOTE: _Replaying.note,
    kinds.EVIDENCE: _Replaying.evidence_registered,
    kinds.EVIDENCE_WITHDRAWN: _Replaying.evidence_withdrawn,
    kinds.LETTER_DRAFTED: _Replaying.nothing,
    kinds.CLOSED: _Replaying.closed_,
    kinds.REOPENED: _Replaying.reopened,
}


def replay(events: list[Event]) -> Incident:
    """The incident as its events say. Raises WizardError if there are none (the record was cut). An event of a
    kind this version does not know is skipped (and reported by `log verify`)."""
    return Replays().replay(events)


class Replays:
    """Replays for one command, keeping the last incident's so far: when the same incident is replayed again with
    events added (a change, then its summary row), only the added events are read. Holds one incident at a
    time, so a listing that replays thousands keeps no more than one."""

    def __init__(self) -> None:
        self._last: tuple[_Replaying, list[Event]] | None = None
        self.full = 0  # replays from the first event: what a test counts

    def replay(self, events: list[Event]) -> Incident:
        if not events:
            raise WizardError(
                "This incident has no events: its record was cut. Check the file with: esafety log verify"
            )
        state, new = self._carried_on(events)
        for e in new:
            handle = _HANDLERS.get(e.kind)
            if handle is not None:
                handle(state, e)
        self._last = (state, list(events))
        return state.incident(events)

    def _carried_on(self, events: list[Event]) -> tuple[_Replaying, list[Event]]:
        """The state to carry on from, and the events still to read: the last replay's when these events begin
        with its events (the hash chain makes the last one's hash stand for all before it), else a new one."""
        if self._last is not None:
            state, seen = self._last
            k = len(seen)
            if k <= len(events) and events[k - 1].incident_id == seen[-1].incident_id:
                if (events[k - 1].n, events[k - 1].hash) == (seen[-1].n, seen[-1].hash):
                    return state, events[k:]
        self.full += 1
        return _Replaying(), events


def changes(old: tuple[Item, ...], new_steps: list[dict]) -> dict:
    """What a new set of answers did to the checklist: steps that appeared, dropped away, or changed status."""
    before = {it.id: it.status for it in old}
    after = {s["id"]: s["status"] for s in new_steps}  # new steps come from the engine: well formed
    return {
        "added": [sid for sid in after if sid not in before],
        "dropped": [sid for sid in before if sid not in after],
        "changed": [[sid, before[sid], st] for sid, st in after.items() if sid in before and before[sid] != st],
    }


# --- the governors' summary: numbers and outcomes, no names ---------------------------------------------


class Summary(NamedTuple):
    """What governors receive: counts, routes, outcomes and the reasons for decisions; no names, no descriptions,
    no evidence paths (they need numbers and outcomes, not case details)."""

    start: str | None  # the period, as dates (YYYY-MM-DD), inclusive; None: open-ended
    end: str | None
    incidents: int
    open: int
    closed: int
    by_who: dict[str, int]  # the answer to the procedure's question of who did it, in its words
    by_route: dict[str, int]  # contacts of steps marked done: the routes actually taken
    days_to_close: list[int]  # for each incident closed now, days from opening to its last closing
    decisions: list[tuple[str, str]]  # (what was not done, the reason or '') for decisions not to act
    decided_against: list[tuple[str, str]]  # (the step, the reason)
    heads: list[tuple[int, str]]  # each incident's number and record head
    forced: list[tuple[int, int, str]] = []  # closed with steps still open: (incident, how many open, the reason)
    reasons_shown: bool = True  # False: every reason (free text, which may name someone) left out


def without_reasons(s: Summary) -> Summary:
    """The summary with every reason left out: free text written about a case can name people or details, and
    the summary says it names no one (reasons only where the person making it asks, and is warned)."""
    return s._replace(
        decisions=[(d, "") for d, _ in s.decisions],
        decided_against=[(d, "") for d, _ in s.decided_against],
        forced=[(n, k, "") for n, k, _ in s.forced],
        reasons_shown=False,
    )


def facts(inc: Incident) -> dict:
    """What the governors' summary needs of one incident, in JSON shapes (kept in its summary row: see store)."""
    # Counted by the kind of route, never by a person's name (records made before 'route:' use the role), and
    # only for a step done that is the route to that contact: not every contact a step names (a step that
    # mentions the union and two helplines takes none of them). Records made before steps said their route
    # count a step that names a single contact.
    names = {c.id: c.route or c.role or "Another contact" for c in inc.contacts}
    routes = {
        names.get(r, r)
        for it in inc.checklist
        if it.done
        for r in [it.step.route or (it.step.contacts[0] if len(it.step.contacts) == 1 else None)]
        if r
    }
    forced = None
    if inc.closing:
        still = inc.closing.data.get("open_steps")
        if isinstance(still, list) and still:
            reason = inc.closing.data.get("reason")
            forced = [len(still), reason if isinstance(reason, str) else ""]
    return {
        "id": inc.id,
        "created_at": inc.created_at,
        "closed": inc.closed,
        "who": inc.who or "Not answered",
        "routes": sorted(routes),
        "days_to_close": _days(inc.created_at, inc.closing.at) if inc.closing else None,
        "forced": forced,
        "decisions": [[d.text, d.reason or ""] for d in inc.decisions],
        "decided_against": [[it.step.sentence, it.decided.reason] for it in inc.checklist if it.decided],
        "head": inc.head,
    }


def summarise(each: Iterable[dict], start: str | None, end: str | None) -> Summary:
    """The incidents opened between `start` and `end` (dates, inclusive), summed up for governors, from each
    incident's facts (see `facts`), streamed: memory holds the sums, not the incidents."""
    n = n_open = 0
    by_who: dict[str, int] = {}
    by_route: dict[str, int] = {}
    days: list[int] = []
    decisions: list[tuple[str, str]] = []
    against: list[tuple[str, str]] = []
    forced: list[tuple[int, int, str]] = []
    heads: list[tuple[int, str]] = []
    for f in each:
        day = str(f.get("created_at", ""))[:10]
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        n += 1
        n_open += not f.get("closed")
        by_who[f["who"]] = by_who.get(f["who"], 0) + 1
        for r in f["routes"]:
            by_route[r] = by_route.get(r, 0) + 1
        if f.get("days_to_close") is not None:
            days.append(f["days_to_close"])
        if f.get("forced"):
            forced.append((f["id"], f["forced"][0], f["forced"][1]))
        decisions += [(d, r) for d, r in f["decisions"]]
        against += [(d, r) for d, r in f["decided_against"]]
        heads.append((f["id"], f["head"]))
    return Summary(
        start,
        end,
        n,
        n_open,
        n - n_open,
        dict(sorted(by_who.items(), key=lambda kv: -kv[1])),
        dict(sorted(by_route.items(), key=lambda kv: -kv[1])),
        sorted(days),
        decisions,
        against,
        heads,
        forced,
    )


def _days(start: str, end: str) -> int:
    from datetime import datetime

    try:
        return max(0, (datetime.fromisoformat(end) - datetime.fromisoformat(start)).days)
    except ValueError:
        return 0
