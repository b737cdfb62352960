"""Transcripts for the incident log: Markdown to read and print, JSON for other tools."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from .. import __version__, escape
from ..files import now
from ..flowchart.engine import Outcome
from ..flowchart.model import Flowchart
from ..record import serialize, wording
from . import markdown
from .markdown import md

FORMATS = ("md", "json")


def format_for(path: str, fmt: str | None) -> str:
    """The format asked for, else the one the file name's extension implies (Markdown by default)."""
    if fmt:
        return fmt
    return "json" if str(path).lower().endswith(".json") else "md"


def to_json(fc: Flowchart, out: Outcome, created_at: datetime, incident: tuple[int, str] | None = None) -> str:
    data = serialize.outcome(fc, out, created_at)
    if incident:
        data["incident"] = {"id": incident[0], "head": incident[1]}
    return escape.json_text(data) + "\n"


def to_markdown(fc: Flowchart, out: Outcome, created_at: datetime, incident: tuple[int, str] | None = None) -> str:
    lines = [
        f"# {md(fc.title)}: guide transcript",
        "",
        f"- Created: {created_at.isoformat(timespec='seconds')}",
        f"- {md(wording.origin_line(fc))}",
        f"- Tool: esafety-wizard {__version__}",
        *([f"- {md(wording.head_line(*incident))}"] if incident else []),
        "",
        "## Questions and answers",
        "",
    ]
    for i, a in enumerate(out.answered, 1):
        lines.append(
            f"{i}. {md(a.text)} **{md(a.label)}** (`{a.id}: {a.value}`)"
            + (f" ({wording.BY_ROLE})" if a.by_role else "")
        )
        lines += [f"    - _{md(line, ' ' * 6)}_" for line in wording.added_to_answer(a)]
    if out.not_asked:
        lines += [
            "",
            "Answers given but not asked on this path (ignored): " + ", ".join(f"`{k}: {v}`" for k, v in out.not_asked),
        ]
    lines += markdown.decision_lines(out.decisions)
    lines += ["", "## Steps", ""]
    if fc.urgent:
        lines += [f"**{md(fc.urgent.text)}**", ""]
        if fc.urgent.added:
            lines += [f"_{md(line)}_" for line in wording.provenance(fc.urgent.source, fc.urgent.added)] + [""]
    lines += [wording.LEGEND]
    for section_id, group in groupby(out.steps, key=lambda r: r.step.section):
        section = fc.sections[section_id]
        lines += ["", f"### {md(section.title)}", ""]
        if section.intro:
            lines += [md(section.intro), ""]
        for r in group:
            lines += markdown.step_lines(r.step, r.status)
    lines += ["", "## Contacts", ""]
    for c in out.contacts:
        lines += markdown.contact_lines(c)
    lines += [
        "",
        "## Record of actions",
        "",
        "| Date | Who | What was done |",
        "| --- | --- | --- |",
        "|  |  |  |",
        "",
        "---",
        "",
        md(fc.credit or ""),
        "",
        *([wording.head_marker_md(*incident), ""] if incident else []),
    ]
    return "\n".join(lines)


def render(
    fmt: str, fc: Flowchart, out: Outcome, created_at: datetime | None = None, incident: tuple[int, str] | None = None
) -> str:
    """`incident`: the number and record head of the incident saved with this guide, if any."""
    created_at = created_at or now()
    write = to_json if fmt == "json" else to_markdown
    return write(fc, out, created_at, incident)
