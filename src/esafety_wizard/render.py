"""What the user reads on screen: the steps and contacts of an outcome, and the contacts table (rich)."""

from __future__ import annotations

import sys
from itertools import groupby

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from . import words
from .engine import Outcome
from .model import Flowchart


def console(*, stderr: bool = False, no_color: bool = False, plain: bool = False) -> Console:
    """A console that honours NO_COLOR and pipes (rich does both), plus --no-color and --plain."""
    return Console(
        stderr=stderr,
        no_color=no_color or plain or None,
        highlight=False,
        emoji=False,
        color_system=None if plain else "auto",
        safe_box=True,
        # Messages to a log or pipe keep file paths on one line, so they can be copied; a terminal wraps.
        soft_wrap=stderr and not _isatty(sys.stderr),
    )


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _grid() -> Table:
    g = Table.grid(padding=(0, 1))
    g.add_column(no_wrap=True, justify="right")
    g.add_column(overflow="fold")
    return g


def outcome(con: Console, fc: Flowchart, out: Outcome) -> None:
    con.print()
    con.rule("[bold]Your answers", align="left", characters="-")
    g = _grid()
    for i, a in enumerate(out.answered, 1):
        g.add_row(f"{i}.", Text.assemble(a.question.text, " ", (a.choice.label, "bold")))
    con.print(g)
    if out.not_asked:
        con.print(
            Text(
                "Given but not asked on this path (ignored): " + ", ".join(f"{k}: {v}" for k, v in out.not_asked),
                style="dim",
            )
        )

    con.print()
    con.rule("[bold]What to do", align="left", characters="-")
    if any(r.status == "conditional" for r in out.steps):
        con.print(Text(words.LEGEND, style="italic"))
    n = 0
    for section_id, group in groupby(out.steps, key=lambda r: r.step.section):
        section = fc.sections[section_id]
        con.print()
        con.print(Text(section.title, style="bold underline"))
        if section.intro:
            con.print(section.intro)
        if section.added:
            con.print(Text(f"{words.NOT_IN_SOURCE}: {section.added}", style="dim"))
        g = _grid()
        for r in group:
            n += 1
            parts: list = []
            if r.status == "conditional":
                parts.append(Text(f"[{words.DEPENDS}]", style="bold yellow"))
            parts.append(Text(words.step_sentence(r)))
            parts += [Text(f"- {d}") for d in r.step.details]
            if r.step.added:
                parts.append(Text(f"{words.NOT_IN_SOURCE}: {r.step.added}", style="dim"))
            g.add_row(f"{n}.", Group(*parts))
        con.print(g)

    con.print()
    con.rule("[bold]Who to contact", align="left", characters="-")
    _contact_list(con, out.contacts)
    con.print()
    con.print(Text(words.NEXT, style="bold"))
    if fc.credit:
        con.print(Text(fc.credit, style="dim"))


def _contact_list(con: Console, contacts) -> None:
    for c in contacts:
        con.print()
        con.print(Text(c.name, style="bold"))
        con.print(Padding(Text("\n".join(words.contact_details(c))), (0, 0, 0, 2)))


NARROW = 100  # below this a three-column table would split e-mail addresses: use a list


def contacts_table(con: Console, fc: Flowchart) -> None:
    if con.width < NARROW:
        con.print(Text(f"Contacts: {fc.title}", style="bold"))
        _contact_list(con, fc.contacts.values())
        if fc.credit:
            con.print()
            con.print(Text(fc.credit, style="dim"))
        return
    table = Table(title=f"Contacts: {fc.title}", title_justify="left", show_lines=True, expand=False)
    table.add_column("Who", ratio=2, overflow="fold")
    table.add_column("How to contact", ratio=2, min_width=30, overflow="fold")
    table.add_column("About", ratio=4, overflow="fold")
    for c in fc.contacts.values():
        about = [d for d in words.contact_details(c) if not d.startswith(("Telephone:", "E-mail:"))]
        table.add_row(Text(c.name, style="bold"), words.contact_how(c) or "-", "\n".join(about))
    con.print(table)
    if fc.credit:
        con.print(Text(fc.credit, style="dim"))


# --- incidents ------------------------------------------------------------------------------------------


def incident_list(con: Console, rows: list[dict]) -> None:
    if not rows:
        con.print("No incidents match.")
        return
    if con.width < NARROW:
        for r in rows:
            con.print()
            con.print(Text(f"Incident {r['id']} ({r['status']})", style="bold"))
            lines = [
                f"Opened {words.when(r['created_at'])} by {r['created_by']}",
                f"Posted by: {r['instigator'] or '-'}",
                f"Steps done: {r['steps_done']} of {r['steps']}",
                f"Waiting for: {', '.join(r['waiting_for']) or '-'}",
            ]
            con.print(Padding(Text("\n".join(lines)), (0, 0, 0, 2)))
        return
    table = Table(title="Incidents", title_justify="left", expand=False)
    for name in ("No.", "Status", "Opened", "Posted by", "Steps done", "Waiting for"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["status"],
            f"{words.when(r['created_at'])}\n{r['created_by']}",
            r["instigator"] or "-",
            f"{r['steps_done']} of {r['steps']}",
            ", ".join(r["waiting_for"]) or "-",
        )
    con.print(table)


def incident(con: Console, inc, chain_problems: list[str], changes: dict | None = None) -> None:
    con.print()
    con.rule(f"[bold]Incident {inc.id} ({inc.status})", align="left", characters="-")
    con.print(f"Opened {words.when(inc.created_at)} by {inc.created_by}.")
    if chain_problems:
        con.print(Text("WARNING: this record has been altered: " + "; ".join(chain_problems), style="bold red"))
    g = _grid()
    for i, a in enumerate(inc.answers, 1):
        g.add_row(f"{i}.", Text.assemble(a["question"], " ", (a["label"], "bold")))
    con.print(g)
    if changes and any(changes.values()):
        titles = {it.id: it.number for it in inc.checklist}
        con.print()
        con.print(Text("What changed:", style="bold"))
        for sid in changes.get("added", []):
            con.print(f"  New step {titles.get(sid, '')}: {sid}")
        for sid in changes.get("dropped", []):
            con.print(f"  No longer needed: {sid}")
        for sid, old, new in changes.get("changed", []):
            con.print(f"  Step {titles.get(sid, '')} ({sid}) is now {new} (was {old})")
    con.print()
    con.print(Text("Checklist", style="bold underline"))
    g = Table.grid(padding=(0, 1))
    g.add_column(no_wrap=True, justify="right")
    g.add_column(no_wrap=True)
    g.add_column(overflow="fold")
    for it in inc.checklist:
        mark = Text("[x]" if it.done else "[ ]")  # a Text, so rich does not read "[x]" as markup
        text = Text(words.sentence(it.text, it.condition))
        if it.status == "conditional":
            text = Text.assemble((f"[{words.DEPENDS}] ", "bold yellow"), text)
        if it.done:
            text.append(
                f"\nDone {words.when(it.done.at)} by {it.done.actor}" + (f": {it.done.note}" if it.done.note else ""),
                style="green",
            )
        g.add_row(f"{it.number}.", mark, text)
    con.print(g)
    if inc.notes:
        con.print()
        con.print(Text("Notes", style="bold underline"))
        for n in inc.notes:
            con.print(Text.assemble((f"{words.when(n['at'])}, {n['actor']}: ", "dim"), n["text"]))
    if inc.evidence:
        con.print()
        con.print(Text("Evidence (registered, not copied)", style="bold underline"))
        for e in inc.evidence:
            con.print(f"{e['path']} ({e['size']} bytes, SHA-256 {e['sha256'][:16]}…)")
    waiting = [a["question"] for a in inc.waiting_for]
    con.print()
    if not inc.complete or waiting:
        con.print(Text(f"Next: when you know more, run: esafety log resume {inc.id}", style="bold"))
    else:
        con.print(Text(f"Next: tick off each step as you do it: esafety log done {inc.id} STEP", style="bold"))
