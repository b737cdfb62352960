"""An incident's record, replayed from its events: pure, no I/O.

The history is the truth; everything shown (answers, checklist, notes, evidence, open or closed) is derived
from it, so a correction is always a new event and nothing is ever rewritten.
"""

from __future__ import annotations

from typing import NamedTuple

from .store import Event

UNCERTAIN = ("not_yet", "not_sure")


class Done(NamedTuple):
    at: str
    actor: str
    note: str | None


class Item(NamedTuple):
    """A step on an incident's checklist."""

    number: int
    id: str
    text: str
    status: str  # due / conditional
    condition: str | None
    section: str
    done: Done | None


class Incident(NamedTuple):
    id: int
    created_at: str
    created_by: str
    closed: bool
    flowchart: dict
    answers: list[dict]
    complete: bool
    checklist: list[Item]
    contacts: list[dict]
    notes: list[dict]
    evidence: list[dict]
    events: list[Event]

    @property
    def waiting_for(self) -> list[dict]:
        """Answers still uncertain (not yet / not sure): what `log resume` asks again."""
        return [a for a in self.answers if a["answer"] in UNCERTAIN]

    @property
    def status(self) -> str:
        return "closed" if self.closed else "open"

    def item(self, ref: str) -> Item | None:
        """A checklist step by its id or its number."""
        for it in self.checklist:
            if ref == it.id or ref == str(it.number):
                return it
        return None


def replay(events: list[Event]) -> Incident:
    first = events[0]
    flowchart: dict = {}
    answers: list[dict] = []
    complete = False
    steps: list[dict] = []
    contacts: list[dict] = []
    done: dict[str, Done] = {}
    notes: list[dict] = []
    evidence: list[dict] = []
    closed = False
    for e in events:
        d = e.data
        if e.kind == "opened":
            flowchart = d.get("flowchart", {})
        elif e.kind == "answered":
            answers, complete = d.get("answers", []), bool(d.get("complete"))
            steps, contacts = d.get("steps", []), d.get("contacts", [])
        elif e.kind == "step_done":
            done[d["step"]] = Done(e.at, e.actor, d.get("note"))
        elif e.kind == "step_undone":
            done.pop(d["step"], None)
        elif e.kind == "note":
            notes.append({"at": e.at, "actor": e.actor, "text": d.get("text", "")})
        elif e.kind == "evidence":
            evidence.append({**d, "at": e.at, "actor": e.actor})
        elif e.kind == "closed":
            closed = True
        elif e.kind == "reopened":
            closed = False
    checklist = [
        Item(i, s["id"], s["text"], s["status"], s.get("condition"), s.get("section", ""), done.get(s["id"]))
        for i, s in enumerate(steps, 1)
    ]
    return Incident(
        first.incident_id,
        first.at,
        first.actor,
        closed,
        flowchart,
        answers,
        complete,
        checklist,
        contacts,
        notes,
        evidence,
        events,
    )


def changes(old_steps: list[dict], new_steps: list[dict]) -> dict:
    """What a new set of answers did to the checklist: steps that appeared, dropped away, or changed status."""
    old = {s["id"]: s for s in old_steps}
    new = {s["id"]: s for s in new_steps}
    return {
        "added": [s["id"] for s in new_steps if s["id"] not in old],
        "dropped": [s["id"] for s in old_steps if s["id"] not in new],
        "changed": [
            [sid, old[sid]["status"], s["status"]]
            for sid, s in new.items()
            if sid in old and old[sid]["status"] != s["status"]
        ],
    }


def describe(event: Event) -> str:
    """One line of history, without repeating free text (notes are shown in their own section)."""
    d = event.data
    k = event.kind
    if k == "opened":
        return "Incident opened"
    if k == "answered":
        c = d.get("changes") or {}
        parts = [
            f"{len(d.get('answers', []))} answers recorded" + ("" if d.get("complete") else " (guide not finished)")
        ]
        if c.get("added"):
            parts.append("new steps: " + ", ".join(c["added"]))
        if c.get("dropped"):
            parts.append("steps no longer needed: " + ", ".join(c["dropped"]))
        if c.get("changed"):
            parts.append("status changed: " + ", ".join(f"{s} {a}->{b}" for s, a, b in c["changed"]))
        return "; ".join(parts)
    if k == "step_done":
        return f"Step done: {d.get('step')}" + (" (with a note)" if d.get("note") else "")
    if k == "step_undone":
        return f"Step marked not done: {d.get('step')}"
    if k == "note":
        return "Note added"
    if k == "evidence":
        return f"Evidence registered: {d.get('name', '')} (SHA-256 {str(d.get('sha256', ''))[:12]})"
    if k == "closed":
        return "Incident closed" + (" (with a reason)" if d.get("reason") else "")
    if k == "reopened":
        return "Incident reopened" + (" (with a reason)" if d.get("reason") else "")
    return k
