"""The one dict (JSON) shape of each thing: a flowchart reference, an answer, a step, a contact, a checklist item,
an outcome, an incident. Transcripts, `paths --json`, the case file's events, `log show --json` and exports all
use these functions, so a thing has the same keys wherever it is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .. import __version__
from ..flowchart.model import Contact, Flowchart, Step
from . import wording

if TYPE_CHECKING:
    from ..flowchart.engine import Outcome
    from .event import Event
    from .incident import Evidence, Incident, Item, Note

TOOL = f"esafety-wizard {__version__}"


def flowchart_ref(fc: Flowchart) -> dict:
    """Which procedure an incident follows: its title, file and the file's own SHA-256 (and, in a pack, the shared
    contacts file's own SHA-256)."""
    ref = {"title": fc.title, "path": fc.origin, "sha256": fc.sha256}
    if fc.contacts_sha256:
        ref["contacts_sha256"] = fc.contacts_sha256
    return ref


def answer(a) -> dict:
    """An answer given in the guide (engine.Answered) or recorded in an incident (incident.Answer)."""
    d = {"id": a.id, "question": a.text, "answer": a.value, "label": a.label}
    if getattr(a, "reason", None):  # a recorded answer given with its reason
        d["reason"] = a.reason
    if a.by_role:  # not asked: given by the reader's role
        d["by_role"] = True
    return d


def step(s: Step, status: str, section: str) -> dict:
    """A step with its status; `section` is the section's title."""
    d = {"id": s.id, "section": section, "text": s.text, "status": status}
    if s.condition:
        d["condition"] = s.condition
    if s.details:
        d["details"] = list(s.details)
    if s.source:
        d["source"] = s.source
    if s.added:
        d["added"] = s.added
    if s.short:
        d["short"] = s.short
    if s.when:
        d["when"] = s.when
    if s.info:
        d["info"] = True
    if s.route:
        d["route"] = s.route
    d["contacts"] = list(s.contacts)
    return d


def outcome_steps(fc: Flowchart, out: Outcome) -> list[dict]:
    return [step(r.step, r.status, fc.sections[r.step.section].title) for r in out.steps]


def decision(d) -> dict:
    """A decision (engine.Decision or incident.Decision): the answer, what it means is not done, and why."""
    return {"id": d.id, "answer": d.value, "decision": d.text, "reason": d.reason}


def contact(c: Contact) -> dict:
    d = {k: v for k, v in c._asdict().items() if v is not None}
    if c.local:
        d["local"] = {k: v for k, v in c.local._asdict().items() if v}
    return d


def outcome(fc: Flowchart, out: Outcome, created_at: datetime) -> dict:
    """A guide's transcript."""
    return {
        "tool": TOOL,
        "flowchart": flowchart_ref(fc),
        "created_at": created_at.isoformat(timespec="seconds"),
        "answers": [answer(a) for a in out.answered],
        "not_asked": [{"id": k, "answer": v} for k, v in out.not_asked],
        "decisions": [decision(d) for d in out.decisions],
        "steps": outcome_steps(fc, out),
        "contacts": [contact(c) for c in out.contacts],
    }


def path(fc: Flowchart, out: Outcome) -> dict:
    """One path of `esafety paths --json`."""
    return {
        "answers": {a.id: a.value for a in out.answered},
        "steps": outcome_steps(fc, out),
        "contacts": [contact(c) for c in out.contacts],
    }


def item(it: Item) -> dict:
    return {
        "number": it.number,
        "id": it.id,
        "text": it.step.text,
        "status": it.status,
        "condition": it.step.condition,
        "section": it.step.section,
        "done": it.done._asdict() if it.done else None,
        "decided_against": it.decided._asdict() if it.decided else None,
        "no_longer_needed": (
            {"why": wording.dropped_sentence(it.dropped), **(it.dropped._asdict() if it.dropped else {})}
            if it.status == "no_longer_needed"
            else None
        ),
    }


def note(n: Note) -> dict:
    return n._asdict()


def evidence(e: Evidence) -> dict:
    d = {k: getattr(e, k) for k in ("path", "name", "size", "mtime", "sha256")}
    if e.note:
        d["note"] = e.note
    return {**d, "at": e.at, "actor": e.actor}


def event(e: Event, inc: Incident | None = None) -> dict:
    return {
        "n": e.n,
        "at": e.at,
        "actor": e.actor,
        "kind": e.kind,
        "summary": wording.describe(e, inc),
        "data": e.data,
        "prev": e.prev,
        "hash": e.hash,
    }


def school_now(n) -> dict:
    """One of the school's contacts today (school.Now), beside what the incident recorded."""
    details = lambda local: {k: v for k, v in local._asdict().items() if v} if local else None  # noqa: E731
    return {"id": n.id, "name": n.name, "now": details(n.now), "recorded": details(n.was), "changed": n.changed}


def incident(inc: Incident, chain_problems: list[str], exported_at: str) -> dict:
    """An incident's full record."""
    return {
        "tool": TOOL,
        "incident": inc.id,
        "status": inc.status,
        "created_at": inc.created_at,
        "created_by": inc.created_by,
        "exported_at": exported_at,
        "flowchart": inc.flowchart._asdict(),
        "answers": [answer(a) for a in inc.answers],
        "decisions": [decision(d) for d in inc.decisions],
        "guide_complete": inc.complete,
        "checklist": [item(it) for it in inc.checklist],
        "notes": [note(n) for n in inc.notes],
        "evidence": [evidence(e) for e in inc.evidence],
        "contacts": [contact(c) for c in inc.contacts],
        "school_contacts_now": [school_now(n) for n in inc.school_now],
        "history": [event(e, inc) for e in inc.events],
        "chain": {
            "intact": not chain_problems,
            "problems": chain_problems,
            "last_hash": inc.events[-1].hash if inc.events else "",
            "head": inc.head,
        },
    }


def governors(s) -> dict:
    """The governors' summary (incident.Summary): numbers and outcomes, no names; reasons only where asked."""
    return {
        "tool": TOOL,
        "period": {"from": s.start, "to": s.end},
        "incidents": s.incidents,
        "open": s.open,
        "closed": s.closed,
        "by_who": s.by_who,
        "by_route": s.by_route,
        "days_to_close": s.days_to_close,
        "decisions": [{"decision": d, **({"reason": r} if s.reasons_shown else {})} for d, r in s.decisions],
        "decided_against": [{"step": d, **({"reason": r} if s.reasons_shown else {})} for d, r in s.decided_against],
        "record_heads": [{"incident": n, "head": h} for n, h in s.heads],
        "closed_with_steps_open": [
            {"incident": n, "open_steps": k, **({"reason": r} if s.reasons_shown else {})} for n, k, r in s.forced
        ],
        "reasons": "shown as written" if s.reasons_shown else "left out: free text that may name people",
    }


def summary(inc: Incident) -> dict:
    """An incident's line in `log list`."""
    return {
        "id": inc.id,
        "status": inc.status,
        "created_at": inc.created_at,
        "created_by": inc.created_by,
        "description": inc.description,
        "staff": inc.staff,
        "who": inc.who,
        # Steps are actions: information (the single point of contact, further support) is never counted.
        "steps_done": sum(1 for it in inc.checklist if it.done and not it.step.info),
        "steps": sum(1 for it in inc.checklist if not it.step.info),
        "waiting_for": [a.id for a in inc.waiting_for] + ([] if inc.complete else ["(guide not finished)"]),
        "waiting_for_questions": [a.text for a in inc.waiting_for]
        + ([] if inc.complete else ["the rest of the guide"]),
        "steps_open": sum(1 for it in inc.checklist if it.open),
        "last_change": inc.events[-1].at,
    }
