"""The summary for governors: numbers and outcomes over a period, naming no one; JSON, Markdown, or one
self-contained printable HTML page."""

from __future__ import annotations

from .. import __version__, escape
from ..record import serialize, wording
from ..record.wording import when
from .incident_record import CSS  # one look for both pages
from .markdown import md

GOVERNORS_INTRO = (
    "For the governing body: numbers and outcomes only. It names no one and gives no case details; those go to "
    "the people handling each case (the LADO, HR, the Chair when the head teacher is involved)."
)
REASONS_CAUTION = "Reasons are shown as they were written: check that none names anyone before you share this."
REASONS_LEFT_OUT = (
    "The reasons written for these decisions are left out: they are free text and may name people. They are kept "
    "in each incident's record."
)
NOT_DONE = "Not done"  # a step decided against: 'Not done: <step>. Reason: ...' cannot be read the other way round
HEADS_WHY = (
    "A short code for each incident's record as it stands today. Write them down: later, esafety log verify "
    "N --against CODE shows whether anything in that record was changed or removed since."
)


def _forced(s) -> list[str]:
    """Incidents closed with steps still open, each with how many and the reason given (if reasons are shown)."""
    return [
        f"Incident {n}: closed with {k} step{'s' if k != 1 else ''} still open."
        + (f" Reason: {r or 'none given'}" if s.reasons_shown else "")
        for n, k, r in s.forced
    ]


def _decision_lines(s) -> list[str]:
    """Each decision and step decided against, in words, without their reasons (see without_reasons)."""
    return [d for d, _ in s.decisions] + [f"{NOT_DONE}: {d}" for d, _ in s.decided_against]


def _decisions_heading(s) -> tuple[str, str]:
    """The decisions' heading and the line under it: reasons shown as written (check them), or left out."""
    if s.reasons_shown:
        return "Decisions and their reasons", REASONS_CAUTION
    return "Decisions", REASONS_LEFT_OUT


def _period(s) -> str:
    if s.start and s.end:
        return f"{s.start} to {s.end}"
    if s.start:
        return f"from {s.start}"
    if s.end:
        return f"up to {s.end}"
    return "all incidents recorded"


def _closing(s) -> str:
    d = s.days_to_close
    if not d:
        return "No incident of the period is closed yet."
    from statistics import median

    return f"Closed in a median of {median(d):g} days (fastest {min(d)}, slowest {max(d)})."


def governors_json(s, made_at: str) -> str:
    return escape.json_text({**serialize.governors(s), "made_at": made_at}) + "\n"


def governors_markdown(s, made_at: str) -> str:
    cell = escape.markdown_cell
    heading, under = _decisions_heading(s)
    if s.reasons_shown:
        decided = [f"- {md(d)} **{md(wording.decision_reason(r or None))}**" for d, r in s.decisions] + [
            f"- {NOT_DONE}: {md(d)} **Reason: {md(r)}**" for d, r in s.decided_against
        ]
    else:
        decided = [f"- {md(line)}" for line in _decision_lines(s)]
    L = [
        "# E-safety incidents: summary for governors",
        "",
        f"- Period: {md(_period(s))} (by the date each incident was opened)",
        f"- Made: {when(made_at)}",
        "",
        md(GOVERNORS_INTRO),
        "",
        "## Incidents",
        "",
        f"- {s.incidents} incident{'s' if s.incidents != 1 else ''}: {s.open} open, {s.closed} closed.",
        f"- {md(_closing(s))}",
        *(f"- {md(line)}" for line in _forced(s)),
        "",
        "## Who posted it",
        "",
        "| Who | Incidents |",
        "| --- | --- |",
        *(f"| {cell(k)} | {v} |" for k, v in s.by_who.items()),
        "",
        "## Routes taken (each step done that is the route to a contact)",
        "",
        "| Contact | Incidents |",
        "| --- | --- |",
        *(f"| {cell(k)} | {v} |" for k, v in s.by_route.items()),
        "",
        f"## {heading}",
        "",
        md(under),
        "",
        *(decided or ["None."]),
        "",
        "## Record heads",
        "",
        md(HEADS_WHY),
        "",
        *(f"- Incident {n}: {md(h)}" for n, h in s.heads),
    ]
    return "\n".join(L) + "\n"


def governors_html(s, made_at: str) -> str:
    e = escape.html
    heading, under = _decisions_heading(s)
    rows = lambda cells: "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"  # noqa: E731
    h = [
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>",
        f"<title>E-safety incidents: summary for governors</title><style>{CSS}</style></head><body>",
        "<h1>E-safety incidents: summary for governors</h1>",
        "<table class='meta'>",
        rows(["Period", e(_period(s)) + " <small>(by the date each incident was opened)</small>"]),
        rows(["Made", e(when(made_at))]),
        "</table>",
        f"<p>{e(GOVERNORS_INTRO)}</p>",
        "<h2>Incidents</h2>",
        f"<p><b>{s.incidents}</b> incident{'s' if s.incidents != 1 else ''}: <b>{s.open}</b> open, "
        f"<b>{s.closed}</b> closed. {e(_closing(s))}</p>",
        *(f"<p class='warn'>{e(line)}</p>" for line in _forced(s)),
        "<h2>Who posted it</h2><table><tr><th>Who</th><th>Incidents</th></tr>",
        *(rows([e(k), str(v)]) for k, v in s.by_who.items()),
        "</table><h2>Routes taken</h2><p>Each step done that is the route to a contact.</p>",
        "<table><tr><th>Contact</th><th>Incidents</th></tr>",
        *(rows([e(k), str(v)]) for k, v in s.by_route.items()),
        f"</table><h2>{e(heading)}</h2>",
        f"<p class='warn'>{e(under)}</p>",
    ]
    if not s.reasons_shown and (s.decisions or s.decided_against):
        h.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in _decision_lines(s)) + "</ul>")
    elif s.decisions or s.decided_against:
        h.append("<table><tr><th>Decision</th><th>Reason</th></tr>")
        h += [rows([e(d), e(r) if r else f"<span class='todo'>{e(wording.NO_REASON)}</span>"]) for d, r in s.decisions]
        h += [rows([e(f"{NOT_DONE}: {d}"), e(r)]) for d, r in s.decided_against]
        h.append("</table>")
    else:
        h.append("<p>None.</p>")
    h.append(f"<h2>Record heads</h2><p>{e(HEADS_WHY)}</p>")
    h.append("<table><tr><th>Incident</th><th>Record head</th></tr>")
    h += [rows([str(n), f"<code>{e(hd)}</code>"]) for n, hd in s.heads]
    h.append(f"</table><p><small>esafety-wizard {e(__version__)}</small></p></body></html>")
    return "\n".join(h) + "\n"


def governors(fmt: str, s, made_at: str) -> str:
    return {"json": governors_json, "md": governors_markdown, "html": governors_html}[fmt](s, made_at)
