"""Every path through the procedure, for reviewers: a numbered listing to read beside the source, or JSON."""

from __future__ import annotations

import json

from . import engine, serialize, wording
from .model import Flowchart, paused_gc


def outcomes(fc: Flowchart) -> list[engine.Outcome]:
    return [engine.outcome(fc, answers) for answers in engine.every_path(fc)]


def to_json(fc: Flowchart) -> str:
    with paused_gc():
        data = [serialize.path(fc, out) for out in outcomes(fc)]
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def to_text(fc: Flowchart) -> str:
    with paused_gc():
        return _to_text(fc)


def _to_text(fc: Flowchart) -> str:
    always = [s for s in fc.steps.values() if s.always]
    lines = [
        f"Every path through: {fc.title}",
        "",
        f"On every path, these {len(always)} steps are due (not repeated below):",
    ]
    lines += [f"  - {s.text}" for s in always]
    all_outcomes = outcomes(fc)
    for n, out in enumerate(all_outcomes, 1):
        lines += ["", f"Path {n}: " + ", ".join(f"{a.id}={a.value}" for a in out.answered)]
        for r in out.steps:
            if r.step.always:
                continue
            mark = "due        " if r.status == "due" else "conditional"
            lines.append(f"  {mark}  {wording.step_sentence(r.step)}")
        names = [c.name for c in out.contacts]
        lines.append(f"  contacts     {', '.join(names)}")
    lines += ["", f"{len(all_outcomes)} paths."]
    return "\n".join(lines) + "\n"
