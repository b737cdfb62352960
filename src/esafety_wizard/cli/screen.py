"""What the user reads on screen, with rich: an outcome's steps and contacts, the contacts table, incidents."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from itertools import groupby
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderHook
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from .. import escape
from ..documents.outcome import to_act_on
from ..flowchart.model import Flowchart, Step
from ..record import wording

if TYPE_CHECKING:
    from ..flowchart.engine import Outcome
    from ..record.incident import Decided, Done, Incident


def console(*, stderr: bool = False, no_color: bool = False, plain: bool = False) -> Console:
    """A console that honours NO_COLOR and pipes (rich does both), plus --no-color and --plain.

    Nothing printed on it is read as markup (a note saying "[link=...]" stays those characters), and no control
    or format character from data reaches the terminal raw: see _Safe."""
    stream = sys.stderr if stderr else sys.stdout
    con = Console(
        # To a pipe or a file, lines end at their last character: rich pads tables and rules with spaces.
        file=None if _isatty(stream) else _NoTrailingSpaces(stream),
        stderr=stderr,
        no_color=no_color or plain or None,
        highlight=False,
        markup=False,
        emoji=False,
        color_system=None if plain else "auto",
        safe_box=True,
        # Messages to a log or pipe keep file paths on one line, so they can be copied; a terminal wraps.
        soft_wrap=stderr and not _isatty(sys.stderr),
    )
    con.push_render_hook(_SafeHook())
    return con


class _Safe:
    """A renderable whose text segments are made terminal-safe after layout (rich's own control segments, such
    as cursor moves, are left alone: they come from rich, not from data)."""

    def __init__(self, renderable):
        self.renderable = renderable

    def __rich_console__(self, con: Console, options):
        for seg in con.render(self.renderable, options):
            if seg.control or not escape.UNSAFE.search(seg.text):
                yield seg
            else:
                yield Segment(escape.terminal(seg.text), seg.style)


class _SafeHook(RenderHook):
    def process_renderables(self, renderables):
        return [_Safe(r) for r in renderables]


class _NoTrailingSpaces:
    """A text stream that drops the spaces at the end of each line, and passes everything else through.

    Spaces at the end of what is written so far are held back until more text shows they are not at the end of
    a line; a newline drops them."""

    def __init__(self, stream):
        self.stream, self.held = stream, ""

    def write(self, text: str) -> int:
        lines = (self.held + text).split("\n")
        last = lines.pop()
        body = "".join(line.rstrip(" ") + "\n" for line in lines)
        kept = last.rstrip(" ")
        self.held = last[len(kept) :]
        self.stream.write(body + kept)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self):
        return getattr(self.stream, "encoding", "utf-8")


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


def outcome(con: Console, fc: Flowchart, out: Outcome, sources: bool = False) -> None:
    """The guide's outcome: what to do now, on one screen; with `sources`, everything, each step beside the
    flowchart's words and where each addition is stated (as transcripts and records always keep it)."""
    if sources:
        _outcome_in_full(con, fc, out)
    else:
        _outcome_to_act_on(con, fc, out)


def _outcome_to_act_on(con: Console, fc: Flowchart, out: Outcome) -> None:
    """What to do now, in order, one line a step where the procedure gives a short form; then the steps that
    only may apply, what is information, the contacts this path needs with a way to reach them, and the
    decisions. Where each step comes from is marked, not shown: --sources shows it."""
    view = to_act_on(fc, out)
    con.rule(Text(wording.TO_DO_NOW, style="bold"), align="left", characters="-")
    if view.urgent:
        urgent = Text(view.urgent, style="bold red")
        if view.urgent_added:
            urgent.append(f" {wording.SOURCE_MARK}", style="dim")
        con.print(urgent)
    if view.not_asked:
        con.print(Text(view.not_asked, style="dim"))
    _actions(con, view.actions)
    for line in view.information:
        con.print(Padding(Text(line, style="italic"), (0, 0, 0, 4)))
    con.rule(Text(wording.CONTACTS_HEADING, style="bold"), align="left", characters="-")
    for c, how in view.reach:
        con.print(Text(wording.contact_line(c, how, con.width)))
    if view.show_missing:
        for line in wording.missing_contacts(view.missing, con.width):
            con.print(Text(line, style="dim"))
    for line in view.decisions:
        con.print(Text(line))
    legend = wording.legend(view.conditional, view.marked)
    if legend:
        con.print(Text(legend, style="dim"))
    con.print(Text(wording.NEXT_THEIRS if view.theirs else wording.next_short(fc, con.width), style="bold"))


def _actions(con: Console, actions) -> None:
    """The numbered actions, one line each as the outcome shows them."""
    room = con.width - len(f"{len(actions)}. ")  # the grid's text column
    g = _grid()
    for a in actions:
        text = Text(a.text)
        if a.conditional:
            text = Text.assemble((wording.IF_MARK, "bold yellow"), " ", text)
        if a.added:
            _mark(con, text, room)
        g.add_row(f"{a.number}.", text)
    con.print(g)


def _mark(con: Console, text: Text, room: int) -> None:
    """The mark of a step not in the flowchart as written, after its last word: never alone on a line of its
    own (where ' *' would not fit on the last line, the mark goes with the last word)."""
    last = text.wrap(con, room)[-1] if room > 0 else text
    sep = " " if last.cell_len + 1 + len(wording.SOURCE_MARK) <= room else ""
    text.append(f"{sep}{wording.SOURCE_MARK}", style="dim")


def first_steps(con: Console, fc: Flowchart, out: Outcome, count: int = 5) -> None:
    """The last thing on screen after an asked guide, whose prompts pushed the outcome up: its first actions,
    numbered as above, so what to do first is still in view on a small screen."""
    con.print(Text(wording.pointer_up(out, count), style="bold"))
    _actions(con, to_act_on(fc, out).actions[:count])


def _outcome_in_full(con: Console, fc: Flowchart, out: Outcome) -> None:
    con.print()
    con.rule(Text("Your answers", style="bold"), align="left", characters="-")
    _answers(con, out.answered)
    if out.not_asked:
        con.print(
            Text(
                "Given but not asked on this path (ignored): " + ", ".join(f"{k}: {v}" for k, v in out.not_asked),
                style="dim",
            )
        )

    _decisions(con, out.decisions)
    con.print()
    con.rule(Text("What to do", style="bold"), align="left", characters="-")
    if fc.urgent:
        con.print(Text(fc.urgent.text, style="bold red"))
        for line in wording.provenance(fc.urgent.source, fc.urgent.added):
            con.print(Text(line, style="dim"))
    if any(r.status == "conditional" for r in out.steps):
        con.print(Text(wording.LEGEND, style="italic"))
    n = 0
    for section_id, group in groupby(out.steps, key=lambda r: r.step.section):
        section = fc.sections[section_id]
        con.print()
        con.print(Text(section.title, style="bold underline"))
        if section.intro:
            con.print(Text(section.intro))
        if section.added:  # how the tool changed the flowchart's boxes; their words are in the steps
            con.print(Text(wording.provenance(section.source, section.added)[0], style="dim"))
        g = _grid()
        for r in group:
            n += 1
            g.add_row(f"{n}.", _step(r.step, r.status))
        con.print(g)

    con.print()
    con.rule(Text("Who to contact", style="bold"), align="left", characters="-")
    _contact_list(con, out.contacts)
    con.print()
    con.print(Text(wording.next_steps(fc), style="bold"))
    if fc.credit:
        con.print(Text(fc.credit, style="dim"))


def _answers(con: Console, answers) -> None:
    """Numbered answers, the question then the answer in bold: a guide's (engine) or an incident's (recorded)."""
    g = _grid()
    for i, a in enumerate(answers, 1):
        text = Text.assemble(a.text, " ", (a.label, "bold"), (f" ({wording.BY_ROLE})" if a.by_role else "", "dim"))
        for line in wording.added_to_answer(a):
            text.append("\n" + line, style="dim")
        if getattr(a, "reason", None):  # a recorded answer given with its reason
            text.append(f"\nReason: {a.reason}")
        g.add_row(f"{i}.", text)
    con.print(g)


def _decisions(con: Console, decisions) -> None:
    """Answers that mean something is not done, each with its reason (or a reminder to record one)."""
    if not decisions:
        return
    con.print()
    con.print(Text(wording.DECISIONS, style="bold"))
    con.print(Text(wording.DECISIONS_WHY, style="italic"))
    for d in decisions:
        con.print(Padding(Text.assemble(d.text, "\n", (wording.decision_reason(d.reason), "bold")), (0, 0, 0, 2)))


def _step(step: Step, status: str, done: Done | None = None, decided: Decided | None = None, dropped=None) -> Group:
    """A checklist step as the screen shows it, in the guide's outcome and in an incident alike: the step, whether
    it is done (or decided against), then its details and what the tool changed."""
    parts: list = []
    if status == "conditional":
        parts.append(Text(f"[{wording.DEPENDS}]", style="bold yellow"))
    parts.append(Text(wording.step_sentence(step)))
    if done:
        note = f": {done.note}" if done.note else ""
        parts.append(Text(f"Done {wording.when(done.at)} by {done.actor}{note}", style="green"))
    if decided:
        when = wording.when(decided.at)
        parts.append(Text(f"{wording.DECIDED_AGAINST} {when} by {decided.actor}: {decided.reason}", style="yellow"))
    if status == "no_longer_needed":
        parts.append(Text(wording.dropped_sentence(dropped), style="bold"))
    parts += [Text(f"- {d}") for d in step.details]
    parts += [Text(line, style="dim") for line in wording.provenance(step.source, step.added)]
    return Group(*parts)


def _contact_list(con: Console, contacts) -> None:
    for c in contacts:
        con.print()
        con.print(Text(c.name, style="bold"))
        con.print(Padding(Text("\n".join(wording.contact_details(c))), (0, 0, 0, 2)))


NARROW = 100  # below this a three-column table would split e-mail addresses: use a list


def letters_list(con: Console, fc: Flowchart, prog: str) -> None:
    """The procedure's letters: each one's title, who it is to, when it applies, and its name for drafting."""
    if not fc.letters:
        con.print("This procedure has no letters to draft.")
        return
    for x in fc.letters.values():
        con.print()
        con.print(Text(x.title, style="bold"))
        lines = [f"To: {x.to}", *([f"When: {x.when}"] if x.when else [])]
        if x.general:
            lines.append("Names no one and describes nothing: it takes nothing from the incident's record.")
        lines.append(f"Draft it from an incident: {prog} log letter ID {x.id}")
        con.print(Padding(Text("\n".join(lines)), (0, 0, 0, 2)))


def letters_for(fc: Flowchart | None, inc: Incident) -> list[tuple[str, str, list[int], list[int]]]:
    """The procedure's letters that serve a step on the incident's checklist: (name, title, step numbers, the
    numbers of the steps it still waits for, such as the LADO's agreement)."""
    from ..documents.letters import waiting_for

    if fc is None:
        return []
    numbers = {it.id: it.number for it in inc.checklist if it.status != "no_longer_needed"}
    return [
        (x.id, x.title, sorted(numbers[s] for s in x.steps if s in numbers), [it.number for it in waiting_for(x, inc)])
        for x in letters_serving(fc, numbers)
    ]


def letter_line(title: str, numbers: list[int], waits: list[int], command: str) -> str:
    """One letter offered for an incident: what it is for, and how to draft it, or what it waits for first."""
    steps = ", ".join(map(str, numbers))
    if waits:
        return f"{title} (step {steps}): not yet, it waits for step {', '.join(map(str, waits))}"
    return f"{title} (step {steps}): {command}"


def letters_serving(fc: Flowchart, step_ids) -> list:
    """The procedure's letters (model.Letter) that serve any of these steps, in the procedure's order."""
    return [x for x in fc.letters.values() if not set(x.steps).isdisjoint(step_ids)]


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
        about = [d for d in wording.contact_details(c) if not d.startswith(("Telephone:", "E-mail:", "Web:"))]
        table.add_row(Text(c.name, style="bold"), Text(wording.contact_how(c) or "-"), Text("\n".join(about)))
    con.print(table)
    if fc.credit:
        con.print(Text(fc.credit, style="dim"))


# --- incidents ------------------------------------------------------------------------------------------


TABLE_ROWS = 50  # more incidents than this are listed as they are read, not drawn as one table


def _incident_lines(r: dict) -> tuple[str, list[str]]:
    about = f": {r['description']}" if r.get("description") else ""
    return f"Incident {r['id']} ({r['status']}){about}", [
        *([f"Member of staff affected: {r['staff']}"] if r.get("staff") else []),
        f"Opened {wording.when(r['created_at'])} by {r['created_by']}",
        f"Who: {r['who'] or '-'}",
        f"Steps done: {r['steps_done']} of {r['steps']}",
        f"Waiting for: {'; '.join(r['waiting_for_questions']) or wording.NOTHING_WAITING}",
    ]


def incident_list(con: Console, rows: Iterable[dict], count: int) -> None:
    """The incidents chosen: a table on a wide screen, a list on a narrow one; more than TABLE_ROWS are written
    one incident at a time as they are read (a table of thousands would be held and drawn at once)."""
    if not count:
        con.print("No incidents match.")
        return
    if count > TABLE_ROWS:
        write = con.file.write
        for r in rows:
            title, lines = _incident_lines(r)
            write("\n" + escape.terminal(title) + "\n" + "".join(f"  {escape.terminal(x)}\n" for x in lines))
        return
    if con.width < NARROW:
        for r in rows:
            title, lines = _incident_lines(r)
            con.print()
            con.print(Text(title, style="bold"))
            con.print(Padding(Text("\n".join(lines)), (0, 0, 0, 2)))
        return
    table = Table(title="Incidents", title_justify="left", expand=False)
    for name in ("No.", "About", "Status", "Opened", "Who", "Steps done", "Waiting for"):
        table.add_column(name, overflow="fold")
    for r in rows:
        about = "\n".join(x for x in (r.get("description"), r.get("staff")) if x) or "-"
        cells = (
            str(r["id"]),
            about,
            r["status"],
            f"{wording.when(r['created_at'])}\n{r['created_by']}",
            r["who"] or "-",
            f"{r['steps_done']} of {r['steps']}",
            "; ".join(r["waiting_for_questions"]) or wording.NOTHING_WAITING,
        )
        table.add_row(*(Text(c) for c in cells))
    con.print(table)


def what_changed(con: Console, inc: Incident, changes: dict | None) -> None:
    """What new answers did to an incident's checklist: steps new, no longer needed, or changed."""
    if not changes or not any(changes.values()):
        return
    numbers = {it.id: it.number for it in inc.checklist}
    con.print()
    con.print(Text("What changed:", style="bold"))
    for sid in changes.get("added", []):
        con.print(Text(f"  New step {numbers.get(sid, '')}: {inc.step_text(sid)}"))
    for sid in changes.get("dropped", []):
        con.print(Text(f"  No longer needed: {inc.step_text(sid)} (anything done on it stays on the checklist)"))
    for sid, _old, new in changes.get("changed", []):
        now = "due" if new == "due" else wording.DEPENDS.lower()
        con.print(Text(f"  Step {numbers.get(sid, '')} is now {now}: {inc.step_text(sid)}"))


def incident(
    con: Console,
    inc: Incident,
    chain_problems: list[str],
    changes: dict | None = None,
    letters: list[tuple[str, str, list[int], list[int]]] = (),
    prog: str = "esafety",
) -> None:
    con.print()
    con.rule(Text(f"Incident {inc.id} ({inc.status})", style="bold"), align="left", characters="-")
    if inc.description:  # on a line of its own: a rule would cut a long description short
        con.print(Text(inc.description, style="bold"))
    con.print(Text(f"Opened {wording.when(inc.created_at)} by {inc.created_by}."))
    if inc.staff:
        con.print(Text(f"Member of staff affected: {inc.staff}"))
    if chain_problems:
        con.print(Text("WARNING: this record has been altered: " + "; ".join(chain_problems), style="bold red"))
    _answers(con, inc.answers)
    _decisions(con, inc.decisions)
    what_changed(con, inc, changes)
    con.print()
    con.print(Text("Checklist", style="bold underline"))
    g = Table.grid(padding=(0, 1))
    g.add_column(no_wrap=True, justify="right")
    g.add_column(no_wrap=True)
    g.add_column(overflow="fold")
    for it in inc.checklist:
        mark = "[x]" if it.done else "[-]" if it.decided else "[ ]"
        g.add_row(f"{it.number}.", Text(mark), _step(it.step, it.status, it.done, it.decided, it.dropped))
    con.print(g)
    if letters:
        con.print()
        con.print(Text("Letters for these steps (drafts to edit)", style="bold underline"))
        for name, title, numbers, waits in letters:
            con.print(Text(letter_line(title, numbers, waits, f"{prog} log letter {inc.id} {name}")))
    if inc.notes:
        con.print()
        con.print(Text("Notes", style="bold underline"))
        for n in inc.notes:
            con.print(Text.assemble((f"{wording.when(n.at)}, {n.actor}: ", "dim"), n.text))
    if inc.evidence:
        con.print()
        con.print(Text("Evidence (registered, not copied)", style="bold underline"))
        for e in inc.evidence:
            con.print(Text(f"{e.path} ({e.size} bytes, SHA-256 {e.sha256[:16]}…)"))
    changed = [n for n in inc.school_now if n.changed]
    if changed:  # the record keeps contacts as they were: say where the school's details are different today
        con.print()
        con.print(Text(f"{wording.SCHOOL_NOW}, where they differ from this record", style="bold underline"))
        for n in changed:
            for i, line in enumerate(wording.school_now(n)):
                con.print(Padding(Text(line), (0, 0, 0, 2 * i)))
    con.print()
    con.print(Text("History", style="bold underline"))
    if con.width < NARROW:  # the time above each line, so the sentence keeps the width
        for e in inc.events:
            con.print(Text(wording.when(e.at), style="dim"))
            con.print(Padding(Text(wording.describe(e, inc)), (0, 0, 0, 2)))
    else:
        g = _grid()
        for e in inc.events:
            g.add_row(Text(wording.when(e.at), style="dim"), Text(wording.describe(e, inc)))
        con.print(g)
    con.print()
    if not inc.complete or inc.waiting_for:
        con.print(Text(f"Next: when you know more, run: esafety log resume {inc.id}", style="bold"))
    else:
        con.print(Text(f"Next: tick off each step as you do it: esafety log done {inc.id} STEP", style="bold"))


def verified(con: Console, results, one: bool) -> None:
    """What `log verify` found: for one incident, its chain and every evidence file; for all, each incident
    with a problem, then one line for the rest (ten thousand lines saying "intact" would hide the one that is not)."""
    for v in results:
        if v.problems:
            con.print(Text(f"Incident {v.incident_id}: ALTERED: " + "; ".join(v.problems)))
        elif one:
            con.print(Text(f"Incident {v.incident_id}: record intact ({v.events} events)."))
        for e, state in v.evidence:
            if one or state not in ("unchanged", "not here"):
                said = f"{state}: {e.path}" if e.path else f"{e.name}: {wording.EVIDENCE_STATE[state]}"
                con.print(Text(f"{'  ' if one or v.problems else f'Incident {v.incident_id}: '}evidence {said}"))
    if not one:
        bad = sum(not v.ok for v in results)
        events = sum(v.events for v in results)
        n = len(results)
        con.print(
            Text(
                f"{n:,} incident{'s' if n != 1 else ''} checked: every record intact ({events:,} events), every "
                "evidence file unchanged."
                if not bad
                else f"{bad:,} of {n:,} incident{'s' if n != 1 else ''} need{'s' if bad == 1 else ''} attention "
                "(above); the others are intact.",
                style="bold" if bad else "",
            )
        )
