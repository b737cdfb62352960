"""How things are said, shared by the screen, the plain mode and the transcripts: one wording, one place."""

from __future__ import annotations

from .engine import StepResult
from .model import Contact, Flowchart

DEPENDS = "Only if it applies"
LEGEND = (
    f"Steps marked '{DEPENDS}' depend on something you do not know yet. "
    "Check them again when you know, and record what you decided."
)
NOT_IN_SOURCE = "Not in the flowchart"
NEXT = (
    "What to do next: take the steps in order, and record each one, with the date, in the school "
    "safeguarding or e-safety incident log."
)


def step_sentence(r: StepResult) -> str:
    """The step as one sentence: the action, after its condition in the flowchart's words when it has one."""
    return sentence(r.step.text, r.step.condition)


def sentence(text: str, condition: str | None) -> str:
    if not condition:
        return text
    if len(text) > 1 and not text[:2].isupper():  # "Contact ..." -> "contact ...", but "LADO ..." stays
        text = text[0].lower() + text[1:]
    return f"{condition}: {text}"


def contact_details(c: Contact) -> list[str]:
    """Lines describing how to reach a contact and how far to trust the details."""
    lines = []
    if c.role:
        lines.append(c.role)
    if c.phone:
        lines.append(f"Telephone: {c.phone}")
    if c.email:
        lines.append(f"E-mail: {c.email}")
    if c.hours:
        lines.append(f"Open: {c.hours}")
    if c.notes:
        lines.append(c.notes)
    if c.corrects:
        lines.append(f"Corrected: {c.corrects}")
    if c.added:
        lines.append(f"{NOT_IN_SOURCE}: {c.added}")
    if c.checked == "never":
        lines.append(
            "Not checked since it was written down: confirm these details (with your local "
            "authority) before you rely on them."
        )
    elif c.checked:
        lines.append(f"Details last checked: {c.checked}.")
    return lines


def contact_how(c: Contact) -> str:
    """The ways to reach a contact, in one short line ('' if the flowchart gives none)."""
    return "; ".join(x for x in (c.phone, c.email) if x)


def origin_line(fc: Flowchart) -> str:
    where = "the built-in flowchart" if fc.origin == "built-in" else fc.origin
    return f"Procedure: {fc.title} ({where}, SHA-256 {fc.sha256[:12]})"


def when(iso: str) -> str:
    """An ISO 8601 time as people read it: '26 Nov 2026, 04:02'. The exact time stays in JSON exports."""
    from datetime import datetime

    try:
        t = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return f"{t.day} {t:%b %Y, %H:%M}"
