"""The outcome as one A4 page to print and tick by hand: the steps with boxes, the contacts with their numbers,
the decisions, the date, and the procedure's title and version. A self-contained HTML page (print it from a
browser); every value is escaped, so nothing in it can become markup.

The words are the screen's (one line a step, from `short:`); the full text and the sources stay in the
transcript and the incident's record.
"""

from __future__ import annotations

from typing import NamedTuple

from .. import __version__, escape
from ..flowchart.model import Contact, Step
from ..record import wording


class Page(NamedTuple):
    """What the page says of the procedure it follows (a guide's flowchart, or an incident's record of it)."""

    title: str
    sha256: str
    urgent: str | None = None
    incident_log: str = "your incident log"


class Row(NamedTuple):
    """A line of the checklist: a step with its status, and whether it was done or decided against."""

    step: Step
    status: str  # due / conditional
    done: str = ""  # who and when, for an incident's step already done (or decided against)
    decided: bool = False  # decided against: marked apart from a step done


CSS = """
@page { size: A4; margin: 12mm 12mm; }
body { font: 10pt/1.3 Helvetica, Arial, sans-serif; color: #0b0c0c; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 2pt; } .meta { font-size: 8.5pt; color: #505a5f; margin: 0 0 6pt; }
.urgent { font-weight: bold; color: #d4351c; margin: 4pt 0; }
table { border-collapse: collapse; width: 100%; } td { border-bottom: 1px solid #b1b4b6; padding: 2pt 4pt;
  vertical-align: top; } td.n { width: 1.6em; text-align: right; } td.box { width: 1.2em; font-size: 12pt; }
td.when { width: 8em; color: #505a5f; font-size: 8.5pt; } tr { page-break-inside: avoid; }
h2 { font-size: 11pt; margin: 8pt 0 2pt; } ul { margin: 2pt 0; padding-left: 1.2em; } .small { font-size: 8.5pt; }
.if { font-weight: bold; }
"""


def to_html(
    fc: Page,  # what next_short needs of a flowchart (its incident_log) too
    rows: list[Row],
    contacts: tuple[Contact, ...],
    decisions: list[str],
    made_at: str,
    heading: str | None = None,
) -> str:
    """One printable page. `heading` names what it is for (an incident); `decisions` are lines already worded."""
    e = escape.html
    actions = [r for r in rows if not r.step.info]
    h = [
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>",
        f"<title>{e(heading or fc.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(heading or wording.TO_DO_NOW)}</h1>",
        f"<p class='meta'>{e(fc.title)}. Printed {e(wording.when(made_at))}. Procedure SHA-256 "
        f"{e(fc.sha256[:12])}; esafety-wizard {e(__version__)}.</p>",
    ]
    if fc.urgent:
        h.append(f"<p class='urgent'>{e(fc.urgent)}</p>")
    h.append("<table>")
    for n, r in enumerate(actions, 1):
        text = e(wording.short_sentence(r.step, r.status))
        if r.status == "conditional":
            text = f"<span class='if'>{e(wording.IF_MARK)}</span> {text}"
        mark = " *" if r.step.added else ""
        box = "&#8212;" if r.decided else "&#9745;" if r.done else "&#9744;"  # decided against is not a tick
        h.append(
            f"<tr><td class='n'>{n}.</td><td class='box'>{box}</td><td>{text}{mark}</td>"
            f"<td class='when'>{e(r.done) or 'Date, initials:'}</td></tr>"
        )
    h.append("</table>")
    info = [r for r in rows if r.step.info]
    if info:
        h.append(
            "<ul class='small'>" + "".join(f"<li>{e(wording.short_sentence(r.step, r.status))}</li>" for r in info)
        )
        h.append("</ul>")
    reach, missing = wording.contacts_to_reach(contacts)
    h.append(f"<h2>{e(wording.CONTACTS_HEADING)}</h2><ul>")
    h += [f"<li>{e(wording.contact_line(c, how, 200))}</li>" for c, how in reach]
    if missing:
        names = ", ".join(wording.contact_kinds(missing))
        h.append(f"<li class='small'>No number yet for: {e(names)}. Write them here: ____________________</li>")
    h.append("</ul>")
    if decisions:
        h.append(f"<h2>{e(wording.DECISIONS)}</h2><ul>" + "".join(f"<li>{e(d)}</li>" for d in decisions) + "</ul>")
    legend = wording.legend(
        any(r.status == "conditional" for r in actions),
        any(r.step.added for r in rows),
        sources="the full record keeps the sources",
    )
    h.append(f"<p class='small'>{e(legend)}</p>")
    h.append(f"<p class='small'>{e(wording.next_short(fc, 200))}</p></body></html>")
    return "\n".join(h) + "\n"


def of_outcome(fc, out, made_at: str) -> str:
    """The page for a guide's outcome (engine.Outcome) on its flowchart."""
    page = Page(fc.title, fc.sha256, fc.urgent.text if fc.urgent else None, fc.incident_log)
    rows = [Row(r.step, r.status) for r in out.steps]
    return to_html(
        page,
        rows,
        tuple(wording.due_contacts(out.steps, out.contacts, fc.part_of(out.answered))),
        [wording.decision_line(d) for d in out.decisions],
        made_at,
    )


def of_incident(inc, made_at: str) -> str:
    """The page for an incident's checklist as it stands: what is done is ticked, with who and when."""
    rows = []
    for it in inc.checklist:
        done = ""
        if it.done:
            done = f"Done {wording.when(it.done.at)}, {it.done.actor}"
        elif it.decided:
            done = f"Decided against {wording.when(it.decided.at)}, {it.decided.actor}: {it.decided.reason}"
        rows.append(Row(it.step, it.status, done, it.decided is not None and it.done is None))
    page = Page(inc.flowchart.title, inc.flowchart.sha256)
    pairs = [(it.step, it.status) for it in inc.checklist]
    return to_html(
        page,
        rows,
        tuple(wording.due_contacts(pairs, inc.contacts)),
        [wording.decision_line(d) for d in inc.decisions],
        made_at,
        heading=f"Incident {inc.id}: checklist",
    )
