"""An incident, replayed from its events into typed objects: pure, no I/O.

The history is the truth; everything shown (answers, checklist, notes, evidence, open or closed) is derived
from it, so a correction is always a new event and nothing is ever rewritten. Events hold the dict shapes of
`serialize`; this module turns them back into the same objects the guide works with (a checklist item holds a
`model.Step`, a contact is a `model.Contact`), so every output reads one shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .model import Contact, Step

if TYPE_CHECKING:
    from .store import Event

UNCERTAIN = ("not_yet", "not_sure")


class FlowchartRef(NamedTuple):
    """Which procedure an incident followed: its title, where it came from, and the file's SHA-256."""

    title: str = ""
    path: str = ""
    sha256: str = ""


class Answer(NamedTuple):
    """One recorded answer, in the words shown when it was given."""

    id: str
    text: str  # the question
    value: str
    label: str


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


class Item(NamedTuple):
    """A step on an incident's checklist: the step as recorded, its status, and whether it is done."""

    number: int
    step: Step  # `step.section` is the section's title as recorded
    status: str  # due / conditional
    done: Done | None

    @property
    def id(self) -> str:
        return self.step.id


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

    @property
    def waiting_for(self) -> list[Answer]:
        """Answers still uncertain (not yet / not sure): what `log resume` asks again."""
        return [a for a in self.answers if a.value in UNCERTAIN]

    @property
    def status(self) -> str:
        return "closed" if self.closed else "open"

    def item(self, ref: str) -> Item | None:
        """A checklist step by its id or its number."""
        for it in self.checklist:
            if ref == it.id or ref == str(it.number):
                return it
        return None


def _step(d: dict) -> Step:
    return Step(
        id=d["id"],
        text=d["text"],
        section=d.get("section", ""),
        condition=d.get("condition"),
        details=tuple(d.get("details", ())),
        source=d.get("source"),
        added=d.get("added"),
        contacts=tuple(d.get("contacts", ())),
    )


def _contact(d: dict) -> Contact:
    return Contact(**{k: d.get(k) for k in Contact._fields})


def _answer(d: dict) -> Answer:
    return Answer(d["id"], d["question"], d["answer"], d["label"])


def replay(events: list[Event]) -> Incident:
    first = events[0]
    ref = FlowchartRef()
    answers: list[dict] = []
    decisions: list[dict] = []
    complete = False
    steps: list[dict] = []
    contacts: list[dict] = []
    done: dict[str, Done] = {}
    notes: list[Note] = []
    evidence: list[Evidence] = []
    closed = False
    for e in events:
        d = e.data
        if e.kind == "opened":
            ref = FlowchartRef(**d.get("flowchart", {}))
        elif e.kind == "answered":
            answers, complete = d.get("answers", []), bool(d.get("complete"))
            decisions = d.get("decisions", [])
            steps, contacts = d.get("steps", []), d.get("contacts", [])
        elif e.kind == "step_done":
            done[d["step"]] = Done(e.at, e.actor, d.get("note"))
        elif e.kind == "step_undone":
            done.pop(d["step"], None)
        elif e.kind == "note":
            notes.append(Note(e.at, e.actor, d.get("text", "")))
        elif e.kind == "evidence":
            evidence.append(
                Evidence(*(d.get(k, "") for k in Evidence._fields[:5]), at=e.at, actor=e.actor, note=d.get("note"))
            )
        elif e.kind == "closed":
            closed = True
        elif e.kind == "reopened":
            closed = False
    checklist = tuple(Item(i, _step(s), s["status"], done.get(s["id"])) for i, s in enumerate(steps, 1))
    return Incident(
        first.incident_id,
        first.at,
        first.actor,
        closed,
        ref,
        tuple(_answer(a) for a in answers),
        tuple(Decision(x["id"], x["answer"], x["decision"], x.get("reason")) for x in decisions),
        complete,
        checklist,
        tuple(_contact(c) for c in contacts),
        tuple(notes),
        tuple(evidence),
        tuple(events),
    )


def changes(old: tuple[Item, ...], new_steps: list[dict]) -> dict:
    """What a new set of answers did to the checklist: steps that appeared, dropped away, or changed status."""
    before = {it.id: it.status for it in old}
    after = {s["id"]: s["status"] for s in new_steps}
    return {
        "added": [sid for sid in after if sid not in before],
        "dropped": [sid for sid in before if sid not in after],
        "changed": [[sid, before[sid], st] for sid, st in after.items() if sid in before and before[sid] != st],
    }
