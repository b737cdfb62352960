"""The Markdown writer shared by transcripts and incident reports: a checklist step, a decision and a contact,
written once. Every value from a file, an argument or the database goes through `escape.markdown` (`md`), so no
value can start a heading, a list item, a table row or HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import escape
from ..flowchart.model import Contact, Step
from ..record import wording

if TYPE_CHECKING:
    from ..record.incident import Decided, Done


def md(s: object, indent: str = "    ") -> str:
    return escape.markdown(str(s), indent)


def step_lines(
    step: Step,
    status: str,
    *,
    number: int | None = None,
    done: Done | None = None,
    decided: Decided | None = None,
    dropped=None,
) -> list[str]:
    """A checklist line, then its details and what the tool added, indented under it."""
    mark = "x" if done else "-" if decided else " "  # open steps of a closed incident: see report.closing
    num = f"{number}. " if number is not None else ""
    if step.info:  # information, not an action: no box to tick
        lines = [f"- {num}_{md(wording.INFORMATION)}:_ {md(wording.step_sentence(step))}"]
        return lines + [f"    - _{md(line, ' ' * 6)}_" for line in wording.provenance(step.source, step.added)]
    depends = f"*{wording.DEPENDS}:* " if status == "conditional" else ""
    who = ""
    if done:
        who = f" — done {wording.when(done.at)} by {md(done.actor)}" + (f": {md(done.note)}" if done.note else "")
    if decided:  # both, when a step decided against was done after all: every word stays
        when = wording.when(decided.at)
        who += f" — {wording.DECIDED_AGAINST.lower()} {when} by {md(decided.actor)}: {md(decided.reason)}"
    lines = [f"- [{mark}] {num}{depends}{md(wording.step_sentence(step))}{who}"]
    if status == "no_longer_needed":
        lines.append(f"    - **{md(wording.dropped_sentence(dropped), ' ' * 6)}**")
    lines += [f"    - {md(d, ' ' * 6)}" for d in step.details]
    lines += [f"    - _{md(line, ' ' * 6)}_" for line in wording.provenance(step.source, step.added)]
    return lines


def decision_lines(decisions) -> list[str]:
    """The decisions section: what each answer means is not done, and why (or a reminder to record why)."""
    if not decisions:
        return []
    lines = ["", f"## {wording.DECISIONS}", "", wording.DECISIONS_WHY, ""]
    return lines + [f"- {md(d.text)} **{md(wording.decision_reason(d.reason))}**" for d in decisions]


def contact_lines(c: Contact) -> list[str]:
    return [f"- **{md(c.name)}**", *(f"    - {md(d, ' ' * 6)}" for d in wording.contact_details(c))]
