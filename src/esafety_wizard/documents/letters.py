"""The letters a procedure asks the school to write, drafted from an incident's record and the school's details.

A template (model.Letter) is data in the procedure. `draft` fills its {placeholders} from what the record holds;
anything the record does not hold stays visible as "[to fill: ...]" and is listed, never left blank. A letter to
other parents (`general`) takes nothing from the record, whatever its template asks. The draft is then written as
Markdown, HTML or Word (.docx, with python-docx, imported only here and only for that); every value is escaped for
its destination.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from .. import escape
from ..casefile.school import Details
from ..flowchart.model import GENERAL_PLACEHOLDERS, PLACEHOLDER, PLACEHOLDERS, Letter
from ..record.incident import NO_LONGER_NEEDED, Incident, Item
from ..record.wording import when
from .markdown import md

FORMATS = ("docx", "md", "html")
LEFT_OUT = "[left out: a letter to other parents names no one and describes nothing]"
GAP = "…"  # where the school finishes a sentence in its own words
CHAIR_NAME = "the Chair of Governors' name (esafety school set --chair)"


class Block(NamedTuple):
    """A paragraph, or a list of points."""

    text: str | None = None
    items: tuple[str, ...] = ()


class Draft(NamedTuple):
    letter: Letter
    school: Details
    date: str  # today, written out: "3 December 2026"
    blocks: tuple[Block, ...]
    to_fill: tuple[str, ...]  # what a person must still write in, in the order it appears
    by_chair: bool = False  # signed by the Chair of Governors: the head teacher is involved


def signed_by_chair(chair_signs: tuple[str, ...], inc: Incident) -> bool:
    """Whether the Chair of Governors signs this incident's letters: its checklist has one of the procedure's
    `chair_signs` steps (the head teacher is involved), still needed."""
    return any(it.id in chair_signs and it.status != NO_LONGER_NEEDED for it in inc.checklist)


def waiting_for(letter: Letter, inc: Incident) -> list[Item]:
    """The steps this letter waits for that the incident has and that are neither done nor decided yet (the
    LADO's agreement, on an allegation)."""
    return [
        it
        for it in inc.checklist
        if it.id in letter.waits_for and it.status != NO_LONGER_NEEDED and it.done is None and it.decided is None
    ]


def written_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _values(inc: Incident, school: Details, today: date, by_chair: bool) -> dict[str, str | None]:
    who = next((a.label for a in inc.answers if a.id == inc.who_question), None) if inc.who_question else None
    try:
        opened = written_date(date.fromisoformat(inc.created_at[:10]))
    except ValueError:
        opened = None
    return {
        "school_name": school.name,
        "school_address": school.address,
        "head_name": school.head,
        "signer_name": school.chair if by_chair else school.head,
        "date": written_date(today),
        "staff_name": inc.staff,
        "description": inc.description,
        "incident_date": opened,
        "incident_number": str(inc.id),
        "who_posted": who,
    }


def _record(inc: Incident, which: str) -> tuple[str, ...]:
    if which == "steps_done":
        items = tuple(
            f"{when(it.done.at)}, {it.done.actor}: {it.step.text}" + (f" Note: {it.done.note}" if it.done.note else "")
            for it in inc.checklist
            if it.done
        )
    elif which == "decisions":
        items = tuple(f"{d.text} {d.value}. Reason: {d.reason or 'none recorded'}" for d in inc.decisions) + tuple(
            f"Not done: {it.step.sentence} Reason: {it.decided.reason}" for it in inc.checklist if it.decided
        )
    else:
        items = tuple(f"{when(n.at)}, {n.actor}: {n.text}" for n in inc.notes)
    return items or ("[none recorded yet]",)


def draft(letter: Letter, inc: Incident, school: Details, today: date, by_chair: bool = False) -> Draft:
    """The letter filled in from the record and the school's details; signed by the Chair of Governors when
    `by_chair` (the head teacher is involved), never by the head teacher."""
    values = _values(inc, school, today, by_chair)
    to_fill: list[str] = []
    signer = CHAIR_NAME if by_chair else PLACEHOLDERS["head_name"]

    def fill(text: str) -> str:
        def one(m: re.Match) -> str:
            name = m.group(1)
            if name not in PLACEHOLDERS:  # `validate` refuses these; a hand-made template still gets no blank
                missing = f"{{{name}}}"
            elif letter.general and name not in GENERAL_PLACEHOLDERS:
                return LEFT_OUT
            elif values.get(name):
                return str(values[name])
            else:
                missing = signer if name == "signer_name" else PLACEHOLDERS[name]
            if missing not in to_fill:
                to_fill.append(missing)
            return f"[to fill: {missing}]"

        return PLACEHOLDER.sub(one, text)

    blocks = []
    for part in letter.parts:
        if part.text:
            blocks.append(Block(text=fill(part.text)))
        elif part.points:
            blocks.append(Block(items=tuple(fill(p) for p in part.points)))
        elif part.record:
            blocks.append(Block(items=(LEFT_OUT,) if letter.general else _record(inc, part.record)))
    # The letterhead and signature need the school's details too: say so once if they are not set.
    for name, missing in (("school_name", PLACEHOLDERS["school_name"]), ("signer_name", signer)):
        if not values.get(name) and missing not in to_fill:
            to_fill.append(missing)
    # A talking point that ends in "…" is a sentence the school finishes in its own words: listed, never missed.
    gaps = sum((b.text or "").count(GAP) + sum(x.count(GAP) for x in b.items) for b in blocks)
    if gaps:
        to_fill.append(f"your own words wherever the letter has {GAP} ({gaps} place{'s' if gaps != 1 else ''})")
    return Draft(letter, school, written_date(today), tuple(blocks), tuple(to_fill), by_chair)


def _head(d: Draft) -> list[str]:
    """The letterhead: the school's name and address (or where to fill them)."""
    return [
        d.school.name or f"[to fill: {PLACEHOLDERS['school_name']}]",
        *([d.school.address] if d.school.address else []),
    ]


def _signature(d: Draft) -> list[str]:
    if d.by_chair:
        return [d.school.chair or f"[to fill: {CHAIR_NAME}]", "Chair of Governors"]
    return [d.school.head or f"[to fill: {PLACEHOLDERS['head_name']}]", "Head teacher"]


def to_markdown(d: Draft) -> str:
    L = [*(f"**{md(x)}**  " if i == 0 else f"{md(x)}  " for i, x in enumerate(_head(d))), "", md(d.date), ""]
    L += [f"**{md(d.letter.title)}**", ""]
    for b in d.blocks:
        L += [md(b.text)] if b.text else [f"- {md(x, '  ')}" for x in b.items]
        L.append("")
    L += [f"{md(x)}  " for x in _signature(d)]
    return "\n".join(L).rstrip() + "\n"


def to_html(d: Draft) -> str:
    e = escape.html
    h = [
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>",
        f"<title>{e(d.letter.title)}</title><style>"
        "@page { size: A4; margin: 25mm 22mm; } body { font: 11pt/1.5 Arial, sans-serif; max-width: 40em; "
        "margin: 2em auto; color: #0b0c0c; } .head { margin-bottom: 2em; } .head b { font-size: 14pt; }"
        "</style></head><body>",
        "<p class='head'>" + "<br>".join(f"<b>{e(x)}</b>" if i == 0 else e(x) for i, x in enumerate(_head(d))) + "</p>",
        f"<p>{e(d.date)}</p>",
        f"<p><strong>{e(d.letter.title)}</strong></p>",
    ]
    for b in d.blocks:
        h.append(f"<p>{e(b.text)}</p>" if b.text else "<ul>" + "".join(f"<li>{e(x)}</li>" for x in b.items) + "</ul>")
    h.append("<p>" + "<br>".join(e(x) for x in _signature(d)) + "</p></body></html>")
    return "\n".join(h) + "\n"


def to_docx(d: Draft) -> bytes:
    """The letter as a Word document, ready to edit: python-docx, imported only here."""
    from io import BytesIO

    from docx import Document
    from docx.shared import Mm, Pt

    t = escape.terminal  # no control character reaches the XML (python-docx refuses some; none belongs there)
    doc = Document()
    page = doc.sections[0]  # A4 with the margins a school printer expects (python-docx's default is US Letter)
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.top_margin = page.bottom_margin = Mm(25)
    page.left_margin = page.right_margin = Mm(22)
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    head = doc.add_paragraph()
    for i, line in enumerate(_head(d)):
        run = head.add_run(t(line))
        run.bold = i == 0
        if i + 1 < len(_head(d)):
            run.add_break()
    doc.add_paragraph(t(d.date))
    doc.add_paragraph().add_run(t(d.letter.title)).bold = True
    for b in d.blocks:
        if b.text:
            doc.add_paragraph(t(b.text))
        for x in b.items:
            doc.add_paragraph(t(x), style="List Bullet")
    sign = doc.add_paragraph()
    sign.paragraph_format.space_before = Pt(30)  # room to sign
    for i, line in enumerate(_signature(d)):
        run = sign.add_run(t(line))
        if i == 0:
            run.add_break()
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def render(fmt: str, d: Draft) -> str | bytes:
    return {"docx": to_docx, "md": to_markdown, "html": to_html}[fmt](d)
