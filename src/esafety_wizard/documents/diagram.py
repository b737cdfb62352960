"""The procedure as a diagram: Mermaid (renders on GitHub) or Graphviz DOT (for print).

Questions are decision shapes labelled with their text, choices label the edges, and the steps an answer adds
sit in a box on its edge, so each path's steps can be read along it. Steps for every incident are one box.
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple

from ..flowchart.model import END, Choice, Flowchart
from ..record import wording

FORMATS = ("mermaid", "dot")
OUTCOME_TEXT = "Outcome: the steps on the path, and the steps for every incident"


def _step_lines(fc: Flowchart, ch: Choice) -> list[str]:
    lines = [wording.step_sentence(fc.steps[s]) for s in ch.due]
    return lines + [f"{wording.DEPENDS}: " + wording.step_sentence(fc.steps[s]) for s in ch.conditional]


def _question(q) -> str:
    return q.text + (f" ({wording.NOT_IN_SOURCE.lower()})" if q.added else "")


def _always(fc: Flowchart) -> list[str]:
    return [s.text for s in fc.steps.values() if s.always]


# --- Mermaid ---------------------------------------------------------------------------------------------


def _mq(*lines: str) -> str:
    """A Mermaid quoted label: entity codes for the characters its grammar reserves, lines joined by <br/>."""
    out = []
    for text in lines:
        for ch, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
            text = text.replace(ch, code)
        out.append(text)
    return '"' + "<br/>".join(out) + '"'


def _comment(text: str) -> str:
    """Text for a Mermaid comment line: without braces and percent signs, it can never become a directive."""
    return text.replace("{", "(").replace("}", ")").replace("%", " percent")


OUTCOME = "outcome"  # Mermaid reserves the word `end`


def _mid(node: str) -> str:
    return OUTCOME if node == END else f"q_{node}"


class Edge(NamedTuple):
    """A choice drawn as an edge; when it adds steps, they sit in `box` between the question and `target`."""

    source: str
    label: str
    target: str
    box: str | None
    lines: list[str]


def _edges(fc: Flowchart) -> list[Edge]:
    out = []
    for q in fc.questions.values():
        for ch in q.choices:
            lines = _step_lines(fc, ch)
            box = f"s_{q.id}__{ch.value}" if lines else None
            label = ch.label + (f" ({wording.NOT_IN_SOURCE.lower()})" if ch.added else "")
            out.append(Edge(_mid(q.id), label, _mid(ch.next), box, lines))
    return out


def mermaid(fc: Flowchart) -> str:
    out = ["flowchart TD", f"  %% {_comment(fc.title)}"]
    for q in fc.questions.values():
        out.append(f"  {_mid(q.id)}{{{_mq(_question(q))}}}")
    out.append(f"  {OUTCOME}([{_mq(OUTCOME_TEXT)}])")
    out.append(f"  always[{_mq('For every incident:', *_always(fc))}]")
    for e in _edges(fc):
        if e.box:
            out.append(f"  {e.box}[{_mq(*e.lines)}]")
            out.append(f"  {e.source} -->|{_mq(e.label)}| {e.box}")
            out.append(f"  {e.box} --> {e.target}")
        else:
            out.append(f"  {e.source} -->|{_mq(e.label)}| {e.target}")
    out.append(f"  {OUTCOME} --- always")
    return "\n".join(out) + "\n"


# --- Graphviz DOT ---------------------------------------------------------------------------------------


def _dq(text: str, wrap: bool = True) -> str:
    """A DOT quoted string; long label lines are wrapped so the diagram prints on a page."""
    if wrap:
        text = "\n".join(textwrap.fill(line, 40, break_long_words=False) for line in text.split("\n"))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _did(node_id: str) -> str:
    return _dq(node_id, wrap=False)


def dot(fc: Flowchart) -> str:
    out = [
        "digraph flowchart {",
        f"  label={_dq(fc.title)};",
        "  labelloc=t;",
        "  rankdir=TB;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for q in fc.questions.values():
        out.append(f"  {_did(_mid(q.id))} [shape=diamond, label={_dq(_question(q))}];")
    out.append(f"  {_did(OUTCOME)} [shape=oval, label={_dq(OUTCOME_TEXT)}];")
    out.append(f"  always [shape=note, label={_dq(chr(10).join(['For every incident:', *_always(fc)]))}];")
    for e in _edges(fc):
        if e.box:
            out.append(f"  {_did(e.box)} [shape=box, label={_dq(chr(10).join(e.lines))}];")
            out.append(f"  {_did(e.source)} -> {_did(e.box)} [label={_dq(e.label)}];")
            out.append(f"  {_did(e.box)} -> {_did(e.target)};")
        else:
            out.append(f"  {_did(e.source)} -> {_did(e.target)} [label={_dq(e.label)}];")
    out.append(f"  {_did(OUTCOME)} -> always [style=dashed, arrowhead=none];")
    out.append("}")
    return "\n".join(out) + "\n"


def render(fc: Flowchart, fmt: str) -> str:
    return dot(fc) if fmt == "dot" else mermaid(fc)
