"""The commands about the procedure itself: contacts, and the tools for the people who maintain it
(validate, diagram, paths, schema)."""

import shutil
import sys
import textwrap
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    FlowchartOpt,
    ForceOpt,
    HomeOpt,
    NoColorOpt,
    ProcedureOpt,
    boundary,
    err,
    home_of,
    invoked,
    out,
    procedure,
    write_output,
)

contacts_app = typer.Typer(
    help="Everyone the procedure says you can contact, with their details; and your school's own.\n\n"
    "Example: esafety contacts",
    invoke_without_command=True,
    rich_markup_mode=None,
)


@contacts_app.callback()
def contacts(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print the contacts as JSON, for scripts.")] = False,
    flowchart: FlowchartOpt = None,
    procedure_: ProcedureOpt = None,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List everyone the procedure says you can contact for support, with their details, your school's own first.

    Example: esafety contacts --json
    """
    if ctx.invoked_subcommand is not None:
        return
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        fc = procedure(flowchart, home, procedure_)
        if json_:
            from ..escape import json_text
            from ..record.serialize import contact

            print(json_text([contact(c) for c in fc.contacts.values()]))
            return
        from . import screen

        screen.contacts_table(out(no_color), fc)


@contacts_app.command("set")
def contacts_set(
    contact_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The contact's id (see esafety contacts --json), or a name only it answers to: dsl, lado, chair...",
        ),
    ],
    name: Annotated[str | None, typer.Option("--name", help="Your school's person or service.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Their telephone number.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Their e-mail address.")] = None,
    flowchart: FlowchartOpt = None,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Set your school's own details for one of the procedure's contacts (your DSL, your Chair of Governors and
    the others), once, without editing the procedure. They are shown beside the procedure's, with the date you set them;
    give '' to clear one.

    Example: esafety contacts set dsl --name "Mrs Patel" --phone "01234 567890"
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        from ..casefile import school
        from ..flowchart import loader

        folder = loader.pack_folder(flowchart)
        if folder is None:
            fc = loader.load(flowchart, home)
        else:  # a pack: any contact of any of its procedures
            procedures = list(loader.load_pack(folder, home).procedures.values())
            fc = procedures[0]._replace(contacts={k: c for p in procedures for k, c in p.contacts.items()})
        where = school.set_contact(fc, contact_id, {"name": name, "phone": phone, "email": email}, home)
        err(no_color).print(f"Saved in {where} (readable only by you). See them with: esafety contacts")


school_app = typer.Typer(
    help="Your school's name, address and head teacher, set once for the letters the tool drafts.\n\n"
    "Example: esafety school",
    invoke_without_command=True,
    rich_markup_mode=None,
)


@school_app.callback()
def school_show(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print them as JSON, for scripts.")] = False,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Show your school's details, as letters use them (kept in a file readable only by you).

    Example: esafety school set --name "Hillside Primary School" --head "Mrs A Jones"
    """
    if ctx.invoked_subcommand is not None:
        return
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        from ..casefile import school

        d = school.details(home)
        if json_:
            from ..escape import json_text

            print(json_text(d._asdict()))
            return
        from rich.text import Text

        o = out(no_color)
        if not any((d.name, d.address, d.head, d.chair)):
            o.print('Not set yet. Set them once with: esafety school set --name "..." --address "..." --head "..."')
            return
        shown = (("School", d.name), ("Address", d.address), ("Head teacher", d.head), ("Chair of Governors", d.chair))
        for label, value in shown:
            o.print(Text(f"{label}: {value or '(not set)'}"))
        o.print(Text(f"Set on {d.set_on or 'an unknown date'}. Change them with: esafety school set"))


@school_app.command("set")
def school_set(
    name: Annotated[str | None, typer.Option("--name", help="The school's name, as on its letterhead.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="The school's address, on one line.")] = None,
    head: Annotated[str | None, typer.Option("--head", help="The head teacher's name, who signs letters.")] = None,
    chair: Annotated[
        str | None,
        typer.Option("--chair", help="The Chair of Governors' name, who signs when the head teacher is involved."),
    ] = None,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Set your school's name, address, head teacher and Chair of Governors once, for the letterhead and
    signature of every letter the tool drafts (the Chair signs when the head teacher is involved). Give '' to
    clear one.

    Example: esafety school set --name "Hillside Primary School" --address "1 High Street, Matlock" --head "Mrs A Jones"
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        from ..casefile import school

        _, where = school.set_details({"name": name, "address": address, "head": head, "chair": chair}, home)
        err(no_color).print(f"Saved in {where} (readable only by you). See them with: esafety school")


def letters(
    json_: Annotated[bool, typer.Option("--json", help="Print as JSON: each letter's name, title, to, steps.")] = False,
    flowchart: FlowchartOpt = None,
    procedure_: ProcedureOpt = None,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List the letters the procedure asks the school to write, who each is to and when it applies. Draft one
    from an incident with: esafety log letter ID NAME

    Example: esafety letters
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        fc = procedure(flowchart, home, procedure_)
        if json_:
            from ..escape import json_text

            print(
                json_text(
                    [
                        {"name": x.id, "title": x.title, "to": x.to, "steps": list(x.steps), "when": x.when}
                        for x in fc.letters.values()
                    ]
                )
            )
            return
        from . import screen

        screen.letters_list(out(no_color), fc, invoked())


def validate(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="[FILE]", show_default=False, help="The flowchart file to check (default: the one in use)."
        ),
    ] = None,
    flowchart: FlowchartOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Check a flowchart file and list every problem as FILE:LINE: what is wrong.

    Exit 0 if it can be used (warnings are listed), 1 if not.

    Example: esafety validate my-flowchart.yaml
    """
    with boundary(no_color):
        from ..escape import one_line
        from ..flowchart.loader import check_file, check_pack, pack_folder
        from ..flowchart.model import count_paths

        folder = pack_folder(file or flowchart)
        if folder is not None:  # a pack: every procedure, the shared contacts and the pack's own file
            pack, problems = check_pack(folder)
            _list_problems(problems, "the pack", usable=pack is not None)
            for name, fc in pack.procedures.items():
                size = f"{len(fc.questions)} questions, {len(fc.steps)} steps, {count_paths(fc)} paths"
                print(f"{one_line(name)}: OK: {size}")
            print(f"{one_line(str(folder))}: OK: a pack of {len(pack.procedures)} procedures")
            return
        fc, problems = check_file(file or flowchart)
        _list_problems(problems, "the flowchart", usable=fc is not None)
        n_paths = count_paths(fc)
        if n_paths > PATHS_LIMIT:
            print(
                _fit(
                    f"{one_line(str(fc.origin))}: warning: {n_paths:,} paths, more than anyone can review one by one "
                    f"(esafety paths lists up to {PATHS_LIMIT:,}).",
                    sys.stdout,
                )
            )
        warnings = len(problems) + (n_paths > PATHS_LIMIT)
        where = "built-in flowchart.yaml" if fc.origin == "built-in" else one_line(fc.origin)
        print(
            f"{where}: OK: {len(fc.questions)} questions, {len(fc.steps)} steps, {len(fc.contacts)} contacts, "
            f"{n_paths} paths" + (f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "")
        )


PATHS_LIMIT = 2000


def procedures(
    json_: Annotated[bool, typer.Option("--json", help="Print as JSON, for scripts.")] = False,
    flowchart: FlowchartOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List the procedures you can follow: with a pack, each one's name, title, scope, version and review date.

    Example: esafety procedures
    """
    with boundary(no_color):
        from ..escape import json_text
        from ..flowchart import loader

        folder = loader.pack_folder(flowchart)
        found = loader.load_pack(folder).procedures if folder else {"": loader.load(flowchart)}
        rows = [{"name": name, "title": fc.title, **dict(fc.about)} for name, fc in found.items()]
        if json_:
            print(json_text(rows))
            return
        from rich.padding import Padding
        from rich.text import Text

        from ..record import wording

        labels = {"added": wording.NOT_IN_SOURCE, "source": wording.SOURCE_SAYS, "review_date": "Review date"}
        con = out(no_color)
        for r in rows:
            con.print(Text(r["title"], style="bold"))
            lines = [f"--procedure {r['name']}"] if r["name"] else []
            lines += [f"{labels.get(k, k.capitalize())}: {v}" for k, v in r.items() if k not in ("name", "title")]
            con.print(Padding(Text("\n".join(lines)), (0, 0, 1, 2)))


def _list_problems(problems, what: str, usable: bool) -> None:
    """Every problem, one per line on stdout; if any is an error, a count on stderr and exit 1."""
    from ..escape import one_line

    for p in problems:
        print(_fit(one_line(str(p)), sys.stdout))
    if not usable:
        n = sum(not p.warning for p in problems)
        message = f"{n} problem{'s' if n != 1 else ''}: {what} cannot be used until they are fixed."
        print(_fit(message, sys.stderr), file=sys.stderr)
        raise typer.Exit(1)


def _fit(line: str, stream) -> str:
    """One problem per line for editors and scripts; on a terminal, wrapped at words with a hanging indent."""
    if not stream.isatty():
        return line
    width = max(20, shutil.get_terminal_size().columns - 1)
    return textwrap.fill(line, width, subsequent_indent="    ", break_on_hyphens=False, break_long_words=False)


class DiagramFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"


def diagram(
    fmt: Annotated[
        DiagramFormat, typer.Option("--format", help="mermaid (GitHub, editors) or dot (Graphviz).")
    ] = DiagramFormat.mermaid,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the diagram to a file instead of printing it."),
    ] = None,
    force: ForceOpt = False,
    flowchart: FlowchartOpt = None,
    procedure_: ProcedureOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Draw the procedure: questions, the choices between them, and the steps each answer adds.

    Example: esafety diagram --format dot -o flowchart.dot && dot -Tpdf flowchart.dot -o flowchart.pdf
    """
    with boundary(no_color):
        from ..documents import diagram as diagrams

        write_output(diagrams.render(procedure(flowchart, home_of(None), procedure_), fmt.value), output, force)


def paths(
    json_: Annotated[bool, typer.Option("--json", help="Print the paths as JSON, for scripts and tests.")] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", metavar="N", min=1, help="List at most this many paths; more is refused."),
    ] = 2000,
    flowchart: FlowchartOpt = None,
    procedure_: ProcedureOpt = None,
    no_color: NoColorOpt = False,
    sources: Annotated[
        bool, typer.Option("--sources", help="Under each step, the flowchart's words and what the tool changed.")
    ] = False,
) -> None:
    """List every path through the procedure: the answers, then the steps and contacts they lead to.

    The paths are counted first: a procedure with more than --limit paths (2000 unless you say) is refused
    rather than listed, since no reviewer can read them all.

    Example: esafety paths > paths.txt
    """
    with boundary(no_color):
        from ..documents import path_list as listing
        from ..errors import WizardError
        from ..flowchart.model import count_paths

        fc = procedure(flowchart, home_of(None), procedure_)
        n = count_paths(fc)
        if n > limit:
            raise WizardError(
                f"This procedure has {n:,} paths, more than the limit of {limit:,}: too many to review one by one. "
                "Look at its diagram (esafety diagram), or list them anyway with --limit " + str(n) + "."
            )
        sys.stdout.write(listing.to_json(fc) if json_ else listing.to_text(fc, sources))


def schema() -> None:
    """Print the JSON Schema of the flowchart format, for editors that complete and check YAML keys.

    Example: esafety schema > flowchart.schema.json
    """
    from ..flowchart.loader import schema_text

    sys.stdout.write(schema_text())
