"""The `esafety` command: parse options, call the layers, map errors to exit codes. No logic of its own.

Exit codes: 0 done, 1 a problem you can fix (the message says what), 2 a mistake in the command line,
130 cancelled with Ctrl-C. Results go to standard output, messages to standard error.
Heavy modules (questionary, prompt_toolkit) are imported only by the commands that prompt.

No `from __future__ import annotations` here: typer would then evaluate every option's annotation from its
string each time it runs, about 20 ms of a 140 ms start.
"""

import contextlib
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__

app = typer.Typer(
    help="Guidance for an e-safety incident where a member of school staff is the victim.\n\n"
    "Walks you through the flowchart 'Flowchart relating to an e-safety incident – staff as victims' "
    "one question at a time, then shows what to do and who to contact.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_USER_ERROR = 1
EXIT_CANCELLED = 130

FlowchartOpt = Annotated[
    Path | None,
    typer.Option(
        "--flowchart",
        envvar="ESAFETY_FLOWCHART",
        show_envvar=True,
        metavar="FILE",
        help="Use this procedure file instead of the built-in flowchart.yaml.",
    ),
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")]


HomeOpt = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="ESAFETY_HOME",
        show_envvar=True,
        metavar="DIR",
        help="Folder of your private incident log (default: your user data folder).",
    ),
]
AsOpt = Annotated[str | None, typer.Option("--as", metavar="NAME", help="Who is acting, recorded with each change.")]
PlainOpt = Annotated[
    bool,
    typer.Option(
        "--plain", help="Numbered choices typed as lines: no arrow keys, no colour. Chosen by itself when TERM=dumb."
    ),
]


def _plain(plain: bool) -> bool:
    return plain or os.environ.get("TERM") == "dumb"


class Format(str, Enum):
    md = "md"
    json = "json"


def _version(value: bool) -> None:
    if value:
        print(f"esafety-wizard {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
) -> None:
    pass


@contextlib.contextmanager
def _boundary(no_color: bool = False):
    """The one place errors meet the user: a message on stderr and an exit code, never a traceback."""
    from .errors import WizardError

    try:
        yield
    except WizardError as e:
        _err(no_color).print(f"[bold red]Error:[/] {_escape(str(e))}")
        raise typer.Exit(EXIT_USER_ERROR) from None
    except (KeyboardInterrupt, EOFError):
        _err(no_color).print("\nCancelled. Nothing was written.")
        raise typer.Exit(EXIT_CANCELLED) from None


def _err(no_color: bool):
    from .render import console

    return console(stderr=True, no_color=no_color)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@app.command()
def guide(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            "-a",
            metavar="FILE",
            help="Take the answers from a YAML or JSON file (question id: answer) instead of asking.",
        ),
    ] = None,
    transcript: Annotated[
        Path | None,
        typer.Option(
            "--transcript",
            "-t",
            metavar="PATH",
            help="Save a transcript here without asking (.md or .json, by the extension).",
        ),
    ] = None,
    fmt: Annotated[Format | None, typer.Option("--format", help="Transcript format, if not by extension.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the transcript file if it exists.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Carry on with the guide you cancelled.")] = False,
    plain: PlainOpt = False,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Keep the incident in your private incident log, with its "
            "checklist, to follow it over the coming days (see esafety log).",
        ),
    ] = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
    flowchart: FlowchartOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Answer a few questions about the incident, then see what to do and who to contact.

    Example: esafety guide

    Example (no questions asked): esafety guide --answers answers.yaml --transcript incident.md
    """
    from . import guiding

    with _boundary(no_color):
        code = guiding.run(
            answers_path=answers,
            transcript=transcript,
            fmt=fmt.value if fmt else None,
            force=force,
            resume=resume,
            plain=_plain(plain),
            flowchart=flowchart,
            no_color=no_color,
            save=save,
            home=home,
            as_=as_,
        )
    raise typer.Exit(code)


@app.command()
def contacts(
    json_: Annotated[bool, typer.Option("--json", help="Print the contacts as JSON, for scripts.")] = False,
    flowchart: FlowchartOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List everyone the flowchart says you can contact for support, with their details.

    Example: esafety contacts --json
    """
    with _boundary(no_color):
        from . import flowchart as model

        fc = model.load(flowchart)
        if json_:
            import json

            from .transcript import contact_dict

            print(json.dumps([contact_dict(c) for c in fc.contacts.values()], indent=2, ensure_ascii=False))
            return
        from . import render

        render.contacts_table(render.console(no_color=no_color), fc)


class DiagramFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"


@app.command()
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
    with _boundary(no_color):
        from . import checking

        raise typer.Exit(checking.run(file or flowchart))


@app.command()
def diagram(
    fmt: Annotated[
        DiagramFormat, typer.Option("--format", help="mermaid (GitHub, editors) or dot (Graphviz).")
    ] = DiagramFormat.mermaid,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the diagram to a file instead of printing it."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")] = False,
    flowchart: FlowchartOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Draw the procedure: questions, the choices between them, and the steps each answer adds.

    Example: esafety diagram --format dot -o flowchart.dot && dot -Tpdf flowchart.dot -o flowchart.pdf
    """
    with _boundary(no_color):
        from . import diagram as diagrams
        from . import flowchart as model

        _emit(diagrams.render(model.load(flowchart), fmt.value), output, force)


@app.command()
def paths(
    json_: Annotated[bool, typer.Option("--json", help="Print the paths as JSON, for scripts and tests.")] = False,
    flowchart: FlowchartOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List every path through the procedure: the answers, then the steps and contacts they lead to.

    Example: esafety paths > paths.txt
    """
    with _boundary(no_color):
        from . import flowchart as model
        from . import pathlist

        fc = model.load(flowchart)
        sys.stdout.write(pathlist.to_json(fc) if json_ else pathlist.to_text(fc))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the flowchart format, for editors that complete and check YAML keys.

    Example: esafety schema > flowchart.schema.json
    """
    from .flowchart import schema_text

    sys.stdout.write(schema_text())


def _emit(text: str, output: Path | None, force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from .files import write_private

    write_private(output, text, overwrite=force)


# --- the incident log ----------------------------------------------------------------------------------

log_app = typer.Typer(
    help="Your private incident log: follow an incident from first report to closure, over days.\n\n"
    "Each incident is a history of events (answers, steps done, notes, evidence, closing) that is only ever "
    "added to, and is chained by SHA-256 so that `esafety log verify` can tell if anything was altered. "
    "Nothing is sent anywhere.\n\n"
    "Example: esafety guide --save, then later: esafety log list",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(log_app, name="log")


class ExportFormat(str, Enum):
    html = "html"
    md = "md"
    json = "json"


IdArg = Annotated[int, typer.Argument(metavar="ID", help="The incident's number (see esafety log list).")]


def _out(no_color: bool):
    from .render import console

    return console(no_color=no_color)


def _who(home, as_):
    from . import caselog

    return caselog.actor(home, as_)


@log_app.command("name")
def log_name(
    name: Annotated[str, typer.Argument(help="Your name as it should appear in the records.")],
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Set, once, the name recorded with everything you do (instead of --as each time).

    Example: esafety log name "Jo Bloggs"
    """
    with _boundary(no_color):
        from . import caselog

        caselog.set_name(home, name)
        _err(no_color).print("Your name is set for this incident log.")


@log_app.command("list")
def log_list(
    open_: Annotated[bool, typer.Option("--open", help="Only incidents still open.")] = False,
    closed: Annotated[bool, typer.Option("--closed", help="Only closed incidents.")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print as JSON, for scripts.")] = False,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List the incidents in your log, with how many steps are done and what each is waiting for.

    Example: esafety log list --open
    """
    with _boundary(no_color):
        from . import caselog

        if open_ and closed:
            raise typer.BadParameter("use --open or --closed, not both")  # a usage mistake: exit 2
        caselog.list_incidents(home, "open" if open_ else "closed" if closed else None, json_, _out(no_color))


@log_app.command("show")
def log_show(
    incident_id: IdArg,
    json_: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Show an incident: the answers, the checklist with who did what and when, notes and evidence.

    Example: esafety log show 3
    """
    with _boundary(no_color):
        from . import caselog

        caselog.show(home, incident_id, json_, _out(no_color))


@log_app.command("resume")
def log_resume(
    incident_id: IdArg,
    plain: PlainOpt = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
    flowchart: FlowchartOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Answer what an incident was waiting for (not yet, not sure), and see how its checklist changes.

    Example: esafety log resume 3
    """
    from . import guiding

    with _boundary(no_color):
        code = guiding.resume_incident(
            home=home, incident_id=incident_id, plain=_plain(plain), flowchart=flowchart, no_color=no_color, as_=as_
        )
    raise typer.Exit(code)


@log_app.command("done")
def log_done(
    incident_id: IdArg,
    step: Annotated[str, typer.Argument(metavar="STEP", help="The step's number or id (see log show).")],
    note: Annotated[str | None, typer.Option("--note", help="What was done.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Tick off a step of an incident's checklist, with who and when.

    Example: esafety log done 3 2 --note "Met the parent; post removed"
    """
    with _boundary(no_color):
        from . import caselog

        caselog.done(home, incident_id, step, note, _who(home, as_), _err(no_color))


@log_app.command("undone")
def log_undone(
    incident_id: IdArg,
    step: Annotated[str, typer.Argument(metavar="STEP", help="The step's number or id (see log show).")],
    note: Annotated[str | None, typer.Option("--note", help="Why the mark was wrong.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Correct a step marked done by mistake: it is shown as not done again, and the history keeps both.

    Example: esafety log undone 3 2 --note "Marked on the wrong incident"
    """
    with _boundary(no_color):
        from . import caselog

        caselog.undone(home, incident_id, step, note, _who(home, as_), _err(no_color))


@log_app.command("note")
def log_note(
    incident_id: IdArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Add a note to an incident's record.

    Example: esafety log note 3 "Parent phoned back; meeting on Thursday"
    """
    with _boundary(no_color):
        from . import caselog

        caselog.note(home, incident_id, text, _who(home, as_), _err(no_color))


@log_app.command("evidence")
def log_evidence(
    incident_id: IdArg,
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Files to register.")],
    note: Annotated[str | None, typer.Option("--note", help="What the files show.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Register evidence files by path, size, time and SHA-256. They are never copied or moved.

    Example: esafety log evidence 3 ~/Evidence/screenshot-1.png --note "Post seen on Monday"
    """
    with _boundary(no_color):
        from . import caselog

        caselog.add_evidence(home, incident_id, files, note, _who(home, as_), _err(no_color))


@log_app.command("verify")
def log_verify(
    incident_id: Annotated[int | None, typer.Argument(metavar="[ID]", help="One incident (default: all).")] = None,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Check that no record was altered, and that registered evidence files are unchanged and still there.

    Exit 1 if anything was altered, changed or is missing.

    Example: esafety log verify 3
    """
    with _boundary(no_color):
        from . import caselog

        code = caselog.verify(home, incident_id, _out(no_color))
    raise typer.Exit(code)


@log_app.command("close")
def log_close(
    incident_id: IdArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is closed.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Close an incident. Its record stays, and it can be reopened.

    Example: esafety log close 3 --reason "Resolved; governors informed"
    """
    with _boundary(no_color):
        from . import caselog

        caselog.close(home, incident_id, reason, _who(home, as_), _err(no_color))


@log_app.command("reopen")
def log_reopen(
    incident_id: IdArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is reopened.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Reopen a closed incident.

    Example: esafety log reopen 3 --reason "New posts appeared"
    """
    with _boundary(no_color):
        from . import caselog

        caselog.reopen(home, incident_id, reason, _who(home, as_), _err(no_color))


@log_app.command("export")
def log_export(
    incident_id: IdArg,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="html (printable), md or json.")] = ExportFormat.html,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to this file (readable only by you) instead of printing."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Export an incident's full record for a governor or the LADO: answers, checklist, notes, evidence,
    contacts and history.

    Example: esafety log export 3 --format html -o incident-3.html
    """
    with _boundary(no_color):
        from . import caselog

        caselog.export(home, incident_id, fmt.value, output, force, _err(no_color))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # between prompts, e.g. while typer itself is starting
        print("\nCancelled.", file=sys.stderr)
        sys.exit(EXIT_CANCELLED)
