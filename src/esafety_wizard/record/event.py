"""The event: the one unit of the record. Its kinds, what each must hold, its canonical bytes and its hash.

An incident is a chain of events, append-only: each carries the SHA-256 of the one before it in its incident, so a
change anywhere shows. Every other module names a kind through the constants here, never as a string.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import NamedTuple

# The kinds of event, in the order an incident meets them. Stored as these strings: never rename one.
OPENED = "opened"  # the incident was recorded, from the guide's answers
ANSWERED = "answered"  # the answers, and so the checklist, as they now stand
STEP_DONE = "step_done"
STEP_UNDONE = "step_undone"  # a tick (or a decision) undone: a correction
STEP_DECIDED = "step_decided"  # decided not to take a step, with the reason
DESCRIBED = "described"  # the description or the member of staff affected, set or changed
NOTE = "note"
EVIDENCE = "evidence"  # a file registered by its fingerprint, never copied
EVIDENCE_WITHDRAWN = "evidence_withdrawn"
LETTER_DRAFTED = "letter_drafted"
CLOSED = "closed"
REOPENED = "reopened"


class Event(NamedTuple):
    incident_id: int
    n: int
    at: str
    actor: str
    kind: str
    data: dict
    prev: str
    hash: str


def canonical(data: object) -> str:
    """The one JSON text of an event's data: keys sorted, no spaces. Stored as is, and hashed as is."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(incident_id: int, n: int, at: str, actor: str, kind: str, data: dict, prev: str) -> str:
    return _hash(incident_id, n, at, actor, kind, canonical(data), prev)


def _hash(incident_id: int, n: int, at: object, actor: object, kind: object, data_text: str, prev: str) -> str:
    """The same SHA-256 as event_hash, from the data's canonical text (so verify need not encode it again)."""
    body = f"[{incident_id},{n},{_dumps(at)},{_dumps(actor)},{_dumps(kind)},{data_text}]"
    return hashlib.sha256((prev + "\n" + body).encode("utf-8")).hexdigest()


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@functools.lru_cache(maxsize=4096)
def _dumps(value: object) -> str:
    """JSON text of a time, a name or a kind: the same few values recur across a store, so each is encoded once."""
    return _encode(value)


# What each kind of event must hold. An event that does not is reported by `malformed` (and so by
# `log verify`) and otherwise skipped: a damaged record is shown as far as it can be read, never a traceback.
SHAPES: dict[str, dict[str, type | tuple[type, ...]]] = {
    OPENED: {"flowchart": dict},
    ANSWERED: {"answers": list, "steps": list},
    STEP_DONE: {"step": str},
    STEP_UNDONE: {"step": str},
    NOTE: {"text": str},
    EVIDENCE: {"path": str, "sha256": str},
    EVIDENCE_WITHDRAWN: {"sha256": str, "reason": str},
    LETTER_DRAFTED: {"letter": str, "sha256": str},
    STEP_DECIDED: {"step": str, "reason": str},
    DESCRIBED: {},
    CLOSED: {},
    REOPENED: {},
}


def malformed(events: list[Event]) -> list[str]:
    """Events whose kind or content this version cannot read, by number."""
    out = []
    for e in events:
        shape = SHAPES.get(e.kind)
        if shape is None:
            out.append(f"event {e.n} is of an unknown kind")
            continue
        data = e.data
        if "unreadable" in data:
            out.append(f"event {e.n} is not a well-formed '{e.kind}' event")
            continue
        for key, kind in shape.items():
            if not isinstance(data.get(key), kind):
                out.append(f"event {e.n} is not a well-formed '{e.kind}' event")
                break
    return out
