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
        con.print(Text("Given but not asked on this path (ignored): "
                       + ", ".join(f"{k}: {v}" for k, v in out.not_asked), style="dim"))

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
        about = [d for d in words.contact_details(c)
                 if not d.startswith(("Telephone:", "E-mail:"))]
        table.add_row(Text(c.name, style="bold"), words.contact_how(c) or "-", "\n".join(about))
    con.print(table)
    if fc.credit:
        con.print(Text(fc.credit, style="dim"))
