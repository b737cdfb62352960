"""Every path through the procedure, for reviewers: a numbered listing to read beside the source, or JSON."""

from __future__ import annotations

from itertools import groupby

from .. import escape
from ..flowchart import engine
from ..flowchart.model import Flowchart, paused_gc
from ..record import serialize, wording


def outcomes(fc: Flowchart) -> list[engine.Outcome]:
    return [engine.outcome(fc, answers) for answers in engine.every_path(fc)]


def to_json(fc: Flowchart) -> str:
    with paused_gc():
        data = [serialize.path(fc, out) for out in outcomes(fc)]
        return escape.json_text(data, indent=1) + "\n"


def to_text(fc: Flowchart, sources: bool = False) -> str:
    """The listing; with `sources`, each step followed by the flowchart's words and what the tool changed."""
    with paused_gc():
        return _to_text(fc, sources)


def _provenance(step, indent: str) -> list[str]:
    return [f"{indent}{line}" for line in wording.provenance(step.source, step.added)]


def _added(a) -> str:
    return " (not in the flowchart)" if a.choice.added or a.question.added else ""


def _to_text(fc: Flowchart, sources: bool = False) -> str:
    always = [s for s in fc.steps.values() if s.always]
    lines = [
        f"Every path through: {fc.title}",
        "",
        f"Steps for every incident ({len(always)}), listed once here; each path shows where they fall in its",
        "order (a step is left out of a path where another step on it covers it):",
    ]
    for section, group in groupby(always, key=lambda s: s.section):
        lines.append(f"  {fc.sections[section].title}:")
        for s in group:
            lines.append(f"    - {s.text}")
            lines += _provenance(s, "      ") if sources else []
    all_outcomes = outcomes(fc)
    for n, out in enumerate(all_outcomes, 1):
        lines += ["", f"Path {n}: " + ", ".join(f"{a.id}={a.value}" + _added(a) for a in out.answered)]
        for always_run, group in groupby(out.steps, key=lambda r: (r.step.always, r.step.section)):
            results = list(group)
            if always_run[0]:
                k = len(results)
                lines.append(f"  every path   {fc.sections[always_run[1]].title}: {k} step{'s' if k != 1 else ''}")
                continue
            for r in results:
                mark = "due        " if r.status == "due" else "conditional"
                lines.append(f"  {mark}  {wording.step_sentence(r.step)}")
                lines += _provenance(r.step, " " * 15) if sources else []
        lines += [f"  decision     {d.text}" for d in out.decisions]
        names = [c.name for c in out.contacts]
        lines.append(f"  contacts     {', '.join(names)}")
    lines += ["", f"{len(all_outcomes)} paths."]
    return escape.terminal("\n".join(lines) + "\n")
