"""What to do now: an outcome as its reader acts on it, in order, one line a step. The one view of it that every
face shows (the terminal draws it with rich, the browser as a page), so no face holds a rule of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ..flowchart.model import Contact, Flowchart, Step
from ..record import wording

if TYPE_CHECKING:
    from ..flowchart.engine import Outcome


class Action(NamedTuple):
    number: int
    text: str  # the short line (or the whole instruction where the procedure gives none)
    conditional: bool  # only if it applies: shown after "If"
    added: bool  # not in the flowchart as written, or changed from it
    step: Step  # the whole step: its instruction, condition, sources, for "where this comes from"


class ToActOn(NamedTuple):
    urgent: str | None
    urgent_added: bool
    not_asked: str | None
    actions: tuple[Action, ...]
    information: tuple[str, ...]
    reach: tuple[tuple[Contact, str], ...]  # each contact these steps need, with a way to reach them
    missing: tuple[Contact, ...]  # needed, but with no way to reach them yet (say: esafety contacts set)
    show_missing: bool  # not for a reader whose part is a few steps of their own
    decisions: tuple[str, ...]
    conditional: bool  # some step only may apply: the legend says what "If" means
    marked: bool  # some step is marked as not in the flowchart
    theirs: bool  # the reader's part is a few steps of their own, not the handling


def to_act_on(fc: Flowchart, out: Outcome) -> ToActOn:
    steps = [r for r in out.steps if not r.step.info]
    part = fc.part_of(out.answered)
    reach, missing = wording.contacts_to_reach(wording.due_contacts(out.steps, out.contacts, part))
    theirs = part is not None and bool(part.only)
    return ToActOn(
        urgent=fc.urgent.text if fc.urgent else None,
        urgent_added=bool(fc.urgent and fc.urgent.added),
        not_asked=wording.not_asked(out.not_asked) if out.not_asked else None,
        actions=tuple(
            Action(n, wording.short_sentence(r.step, r.status), r.status == "conditional", bool(r.step.added), r.step)
            for n, r in enumerate(steps, 1)
        ),
        information=tuple(wording.short_sentence(r.step, r.status) for r in out.steps if r.step.info),
        reach=tuple(reach),
        missing=tuple(missing),
        show_missing=bool(missing) and not theirs,
        decisions=tuple(wording.decision_lines(out.decisions)),
        conditional=any(r.status == "conditional" for r in out.steps),
        marked=any(r.step.added for r in out.steps) or bool(fc.urgent and fc.urgent.added),
        theirs=theirs,
    )
