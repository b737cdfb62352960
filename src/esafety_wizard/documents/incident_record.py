"""An incident's full record, for the people handling the case: JSON, Markdown, or one self-contained printable
HTML page. (The governors' summary, which names no one, is governors_summary.)"""

from __future__ import annotations

from .. import __version__, escape
from ..record import serialize, wording
from ..record.incident import Incident, Item
from ..record.wording import describe, when
from . import markdown
from .markdown import md

FORMATS = ("html", "md", "json")


def to_json(inc: Incident, chain_problems: list[str], exported_at: str, evidence: list[str] | None = None) -> str:
    data = serialize.incident(inc, chain_problems, exported_at)
    for item, state in zip(data["evidence"], evidence or ["unchecked"] * len(data["evidence"]), strict=True):
        item["state_when_exported"] = state
    return escape.json_text(data) + "\n"


def _step_line(it: Item) -> str:
    text = wording.step_sentence(it.step)
    return (f"{wording.DEPENDS_IN_LINE} " if it.status == "conditional" else "") + text


def closing(inc: Incident) -> str:
    """When and by whom an incident was last closed, why, and what was still open then."""
    e = inc.closing
    reason = e.data.get("reason")
    still = e.data.get("open_steps") or []
    return (
        f"{when(e.at)} by {e.actor}"
        + (f": {reason}" if isinstance(reason, str) and reason else "")
        + (f" ({len(still)} step{'s' if len(still) != 1 else ''} still open, closed with --force)" if still else "")
    )


def title(inc: Incident) -> str:
    return f"Incident {inc.id}" + (f": {inc.description}" if inc.description else "")


def _chain_line(inc: Incident, chain_problems: list[str]) -> str:
    if chain_problems:
        return "WARNING: the record has been altered: " + "; ".join(chain_problems)
    return (
        f"The record's {len(inc.events)} events show no sign of change within this file (hash chain checked). "
        "Events cut from the end, or a chain recomputed by someone who can write the file, show only against an "
        "earlier copy: see the record head."
    )


def to_markdown(inc: Incident, chain_problems: list[str], exported_at: str, evidence: list[str] | None = None) -> str:
    L = [
        f"# {md(title(inc))}",
        "",
        f"- Status: **{inc.status}**",
        *([f"- About: {md(inc.description)}"] if inc.description else []),
        *([f"- Member of staff affected: {md(inc.staff)}"] if inc.staff else []),
        f"- Opened: {when(inc.created_at)} by {md(inc.created_by)}",
        *([f"- Closed: {md(closing(inc))}"] if inc.closed else []),
        f"- Exported: {when(exported_at)}",
        f"- Procedure: {md(inc.flowchart.title)} (SHA-256 {md(inc.flowchart.sha256)})",
        f"- {md(_chain_line(inc, chain_problems))}",
        f"- {md(wording.head_line(inc.id, inc.head))}",
        "",
        "## Answers",
        "",
    ]
    L += [
        f"{i}. {md(a.text)} **{md(a.label)}**"
        + (f" ({wording.BY_ROLE})" if a.by_role else "")
        + (f" (reason: {md(a.reason)})" if a.reason else "")
        for i, a in enumerate(inc.answers, 1)
    ]
    L += markdown.decision_lines(inc.decisions)
    if not inc.complete:
        L += ["", "_The guide was not finished: run `esafety log resume` to answer the rest._"]
    L += ["", "## Checklist", ""]
    for it in inc.checklist:
        L += markdown.step_lines(
            it.step, it.status, number=it.number, done=it.done, decided=it.decided, dropped=it.dropped
        )
    L += ["", "## Notes", ""]
    L += [f"- {when(n.at)}, {md(n.actor)}: {md(n.text)}" for n in inc.notes] or ["None."]
    L += ["", "## Evidence (registered, not copied)", ""]
    L += [
        f"- {md(e.path or e.name)}: {md(e.size)} bytes, "
        + (f"modified {md(e.mtime)}, " if e.mtime else "")
        + f"SHA-256 {md(e.sha256)} "
        f"(registered {when(e.at)} by {md(e.actor)})"
        + (f": {md(e.note)}" if e.note else "")
        + f". **{md(_state(evidence, i))}**"
        for i, e in enumerate(inc.evidence)
    ] or ["None."]
    L += ["", "## Contacts", ""]
    for c in inc.contacts:
        L += markdown.contact_lines(c)
    if inc.school_now:
        L += ["", f"## {wording.SCHOOL_NOW}", "", md(wording.SCHOOL_NOW_WHY), ""]
        for n in inc.school_now:
            first, *more = wording.school_now(n)
            L += [f"- {md(first)}", *(f"    - **{md(x)}**" for x in more)]
    L += ["", "## History", "", "| # | When | What | SHA-256 |", "| --- | --- | --- | --- |"]
    cell = escape.markdown_cell
    L += [f"| {e.n} | {cell(when(e.at))} | {cell(describe(e, inc))} | {cell(e.hash[:16])} |" for e in inc.events]
    L += ["", wording.head_marker_md(inc.id, inc.head)]
    return "\n".join(L) + "\n"


CSS = """
@page { size: A4; margin: 16mm 14mm; }
@media print { body { margin: 0; max-width: none; } }
body { font: 11pt/1.4 Helvetica, Arial, sans-serif; color: #0b0c0c; max-width: 60em; margin: 1.5em auto; }
h1 { font-size: 18pt; margin-bottom: .2em; } h2 { font-size: 13pt; border-bottom: 2px solid #0b0c0c;
  margin-top: 1.4em; page-break-after: avoid; }
table { border-collapse: collapse; width: 99.6%; font-size: 9.5pt; page-break-inside: auto; }
th, td { border: 1px solid #b1b4b6; padding: 3px 5px; text-align: left; vertical-align: top; }
tr { page-break-inside: avoid; } th { background: #f3f2f1; } tr:has(th) { break-after: avoid; }
.meta td:first-child { width: 9em; font-weight: bold; } .done { color: #00703c; font-weight: bold; }
.todo { color: #d4351c; font-weight: bold; } .cond { font-style: italic; }
.warn { border: 3px solid #d4351c; padding: .5em; font-weight: bold; } .ok { border-left: 5px solid #00703c;
  padding-left: .5em; } code { font-size: 8.5pt; word-break: break-all; }
"""


def to_html(inc: Incident, chain_problems: list[str], exported_at: str, evidence: list[str] | None = None) -> str:
    e = escape.html
    rows = lambda cells: "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"  # noqa: E731
    h = [
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>",
        wording.head_marker_html(inc.id, inc.head),
        f"<title>{e(title(inc))}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(title(inc))}</h1>",
        "<table class='meta'>",
        rows(["Status", e(inc.status)]),
        *([rows(["About", e(inc.description)])] if inc.description else []),
        *([rows(["Member of staff affected", e(inc.staff)])] if inc.staff else []),
        rows(["Opened", f"{e(when(inc.created_at))} by {e(inc.created_by)}"]),
        *([rows(["Closed", e(closing(inc))])] if inc.closed else []),
        rows(["Exported", e(when(exported_at))]),
        rows(
            [
                "Procedure",
                f"{e(inc.flowchart.title)}<br><code>SHA-256 {e(inc.flowchart.sha256)}</code>",
            ]
        ),
        "</table>",
        f"<p class='{'warn' if chain_problems else 'ok'}'>{e(_chain_line(inc, chain_problems))}</p>",
        f"<p>{e(wording.head_line(inc.id, inc.head))}</p>",
        "<h2>Answers</h2><table><tr><th>#</th><th>Question</th><th>Answer</th></tr>",
    ]
    h += [
        rows(
            [
                str(i),
                e(a.text),
                e(wording.answer_label(a)) + (f"<br><small>Reason: {e(a.reason)}</small>" if a.reason else ""),
            ]
        )
        for i, a in enumerate(inc.answers, 1)
    ]
    h.append("</table>")
    if inc.decisions:
        h.append(f"<h2>{e(wording.DECISIONS)}</h2><p>{e(wording.DECISIONS_WHY)}</p><table>")
        h.append("<tr><th>Decision</th><th>Reason</th></tr>")
        h += [
            rows([e(d.text), e(d.reason) if d.reason else f"<span class='todo'>{e(wording.NO_REASON)}</span>"])
            for d in inc.decisions
        ]
        h.append("</table>")
    if not inc.complete:
        h.append("<p class='warn'>The guide was not finished.</p>")
    h.append("<h2>Checklist</h2><table><tr><th>#</th><th>Step</th><th>Done</th></tr>")
    for it in inc.checklist:
        step = f"<span class='cond'>{e(_step_line(it))}</span>" if it.status == "conditional" else e(_step_line(it))
        below = [*it.step.details, *wording.provenance(it.step.source, it.step.added)]
        if it.status == "no_longer_needed":
            below.insert(0, wording.dropped_sentence(it.dropped))
        if below:
            step += "<br><small>" + "<br>".join(e(line) for line in below) + "</small>"
        if it.done or it.decided:
            done = ""
            if it.done:
                done = f"<span class='done'>Done</span> {e(when(it.done.at))}<br>{e(it.done.actor)}" + (
                    f"<br>{e(it.done.note)}" if it.done.note else ""
                )
            if it.decided:  # both, when a step decided against was done after all: every word stays
                d = it.decided
                done += ("<br>" if done else "") + (
                    f"<b>{e(wording.DECIDED_AGAINST)}</b> {e(when(d.at))}<br>{e(d.actor)}<br>{e(d.reason)}"
                )
        elif it.step.info:  # information, not an action: never done, never left open
            done = f"<span class='cond'>{e(wording.INFORMATION)}</span>"
        elif inc.closed:
            done = f"<span class='cond'>{e(wording.OPEN_WHEN_CLOSED)}</span>"
        else:
            done = "<span class='todo'>Not yet</span>"
        h.append(rows([str(it.number), step, done]))
    h.append("</table><h2>Notes</h2>")
    if inc.notes:
        h.append("<table><tr><th>When</th><th>Who</th><th>Note</th></tr>")
        h += [rows([e(when(n.at)), e(n.actor), e(n.text)]) for n in inc.notes]
        h.append("</table>")
    else:
        h.append("<p>None.</p>")
    h.append("<h2>Evidence</h2><p>Registered by fingerprint; the files were not copied or sent.</p>")
    if inc.evidence:
        h.append(
            "<table><tr><th>File</th><th>Size</th><th>Modified</th><th>SHA-256</th><th>Registered</th>"
            "<th>When exported</th></tr>"
        )
        h += [
            rows(
                [
                    e(x.path or x.name) + (f"<br>{e(x.note)}" if x.note else ""),
                    f"{x.size:,} bytes",
                    e(when(x.mtime)),
                    f"<code>{e(x.sha256)}</code>",
                    f"{e(when(x.at))}<br>{e(x.actor)}",
                    f"<span class='{'ok' if evidence and evidence[i] == 'unchanged' else 'todo'}'>"
                    f"{e(_state(evidence, i))}</span>",
                ]
            )
            for i, x in enumerate(inc.evidence)
        ]
        h.append("</table>")
    else:
        h.append("<p>None.</p>")
    h.append("<h2>Contacts</h2><table><tr><th>Who</th><th>How</th><th>About</th></tr>")
    for c in inc.contacts:
        how = "<br>".join(e(x) for x in wording.contact_details(c) if x != c.role) or "-"
        h.append(rows([e(c.name), how, e(c.role or "")]))
    h.append("</table>")
    if inc.school_now:
        h.append(f"<h2>{e(wording.SCHOOL_NOW)}</h2><p>{e(wording.SCHOOL_NOW_WHY)}</p><ul>")
        for n in inc.school_now:
            first, *more = wording.school_now(n)
            h.append(f"<li>{e(first)}" + "".join(f"<br><strong>{e(x)}</strong>" for x in more) + "</li>")
        h.append("</ul>")
    h.append("<h2>History</h2><table><tr><th>#</th><th>When</th><th>What</th><th>SHA-256</th></tr>")
    h += [rows([str(ev.n), e(when(ev.at)), e(describe(ev, inc)), f"<code>{ev.hash[:16]}</code>"]) for ev in inc.events]
    h.append(f"</table><p><small>esafety-wizard {e(__version__)}</small></p></body></html>")
    return "\n".join(h) + "\n"


def render(
    fmt: str, inc: Incident, chain_problems: list[str], exported_at: str, evidence: list[str] | None = None
) -> str:
    """`evidence`: each evidence file's state when exported (see cases.evidence_states); None if not checked."""
    return {"json": to_json, "md": to_markdown, "html": to_html}[fmt](inc, chain_problems, exported_at, evidence)


def _state(evidence: list[str] | None, i: int) -> str:
    return wording.EVIDENCE_STATE.get(evidence[i], evidence[i]) if evidence else wording.EVIDENCE_STATE["unchecked"]
