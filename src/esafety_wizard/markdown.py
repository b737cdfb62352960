"""The Markdown writer shared by transcripts and incident reports: a checklist step and a contact, written once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import wording
from .model import Contact, Step

if TYPE_CHECKING:
    from .incident import Done


def step_lines(step: Step, status: str, *, number: int | None = None, done: Done | None = None) -> list[str]:
    """A checklist line, then its details and what the tool added, indented under it."""
    mark = "x" if done else " "
    num = f"{number}. " if number is not None else ""
    depends = f"*{wording.DEPENDS}:* " if status == "conditional" else ""
    who = ""
    if done:
        who = f" — done {wording.when(done.at)} by {done.actor}" + (f": {done.note}" if done.note else "")
    lines = [f"- [{mark}] {num}{depends}{wording.step_sentence(step)}{who}"]
    lines += [f"    - {d}" for d in step.details]
    if step.added:
        lines += [f"    - _{line}_" for line in wording.provenance(step.source, step.added)]
    return lines


def decision_lines(decisions) -> list[str]:
    """The decisions section: what each answer means is not done, and why (or a reminder to record why)."""
    if not decisions:
        return []
    lines = ["", f"## {wording.DECISIONS}", "", wording.DECISIONS_WHY, ""]
    return lines + [f"- {d.text} **{wording.decision_reason(d.reason)}**" for d in decisions]


def contact_lines(c: Contact) -> list[str]:
    return [f"- **{c.name}**", *(f"    - {d}" for d in wording.contact_details(c))]
