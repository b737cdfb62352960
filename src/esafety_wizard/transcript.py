"""Transcripts for the incident log: Markdown to read and print, JSON for other tools."""

from __future__ import annotations

import json
from datetime import datetime
from itertools import groupby

from . import __version__, words
from .engine import Outcome
from .model import Contact, Flowchart

FORMATS = ("md", "json")


def format_for(path: str, fmt: str | None) -> str:
    """The format asked for, else the one the file name's extension implies (Markdown by default)."""
    if fmt:
        return fmt
    return "json" if str(path).lower().endswith(".json") else "md"


def now() -> datetime:
    return datetime.now().astimezone()


def to_dict(fc: Flowchart, out: Outcome, created_at: datetime) -> dict:
    return {
        "tool": f"esafety-wizard {__version__}",
        "flowchart": {"title": fc.title, "path": fc.origin, "sha256": fc.sha256},
        "created_at": created_at.isoformat(timespec="seconds"),
        "answers": [
            {"id": a.id, "question": a.question.text, "answer": a.value, "label": a.choice.label} for a in out.answered
        ],
        "not_asked": [{"id": k, "answer": v} for k, v in out.not_asked],
        "steps": [step_dict(fc, r) for r in out.steps],
        "contacts": [contact_dict(c) for c in out.contacts],
    }


def step_dict(fc: Flowchart, r) -> dict:
    s = r.step
    d = {"id": s.id, "section": fc.sections[s.section].title, "text": s.text, "status": r.status}
    if s.condition:
        d["condition"] = s.condition
    if s.details:
        d["details"] = list(s.details)
    if s.source:
        d["source"] = s.source
    if s.added:
        d["added"] = s.added
    d["contacts"] = list(s.contacts)
    return d


def contact_dict(c: Contact) -> dict:
    return {k: v for k, v in c._asdict().items() if v is not None}


def to_json(fc: Flowchart, out: Outcome, created_at: datetime) -> str:
    return json.dumps(to_dict(fc, out, created_at), indent=2, ensure_ascii=False) + "\n"


def to_markdown(fc: Flowchart, out: Outcome, created_at: datetime) -> str:
    lines = [
        "# E-safety incident (staff as victims): guide transcript",
        "",
        f"- Created: {created_at.isoformat(timespec='seconds')}",
        f"- {words.origin_line(fc)}",
        f"- Tool: esafety-wizard {__version__}",
        "",
        "## Questions and answers",
        "",
    ]
    for i, a in enumerate(out.answered, 1):
        lines.append(f"{i}. {a.question.text} **{a.choice.label}** (`{a.id}: {a.value}`)")
    if out.not_asked:
        lines += [
            "",
            "Answers given but not asked on this path (ignored): " + ", ".join(f"`{k}: {v}`" for k, v in out.not_asked),
        ]
    lines += ["", "## Steps", "", words.LEGEND]
    for section_id, group in groupby(out.steps, key=lambda r: r.step.section):
        section = fc.sections[section_id]
        lines += ["", f"### {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        for r in group:
            mark = f"*{words.DEPENDS}:* " if r.status == "conditional" else ""
            lines.append(f"- [ ] {mark}{words.step_sentence(r)}")
            lines += [f"    - {d}" for d in r.step.details]
            if r.step.added:
                lines.append(f"    - _{words.NOT_IN_SOURCE}: {r.step.added}_")
    lines += ["", "## Contacts", ""]
    for c in out.contacts:
        lines.append(f"- **{c.name}**")
        lines += [f"    - {d}" for d in words.contact_details(c)]
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
        fc.credit or "",
        "",
    ]
    return "\n".join(lines)


def render(fmt: str, fc: Flowchart, out: Outcome, created_at: datetime | None = None) -> str:
    created_at = created_at or now()
    return to_json(fc, out, created_at) if fmt == "json" else to_markdown(fc, out, created_at)
