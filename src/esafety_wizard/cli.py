"""The `esafety` command: parse options, call the layers, map errors to exit codes. No logic of its own.

Exit codes: 0 done, 1 a problem you can fix (the message says what), 2 a mistake in the command line,
130 cancelled with Ctrl-C. Results go to standard output, messages to standard error.
Heavy modules (questionary, prompt_toolkit) are imported only by the commands that prompt.
"""

from __future__ import annotations

import contextlib
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

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
    Optional[Path],
    typer.Option("--flowchart", envvar="ESAFETY_FLOWCHART", show_envvar=True, metavar="FILE",
                 help="Use this procedure file instead of the built-in flowchart.yaml."),
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")]


class Format(str, Enum):
    md = "md"
    json = "json"


def _version(value: bool) -> None:
    if value:
        print(f"esafety-wizard {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
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
    answers: Annotated[Optional[Path], typer.Option("--answers", "-a", metavar="FILE",
                       help="Take the answers from a YAML or JSON file (question id: answer) instead of asking.")]
    = None,
    transcript: Annotated[Optional[Path], typer.Option("--transcript", "-t", metavar="PATH",
                          help="Save a transcript here without asking (.md or .json, by the extension).")] = None,
    fmt: Annotated[Optional[Format], typer.Option("--format", help="Transcript format, if not by extension.")]
    = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the transcript file if it exists.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Carry on with the guide you cancelled.")] = False,
    plain: Annotated[bool, typer.Option("--plain", help="Numbered choices typed as lines: no arrow keys, no "
                                        "colour. Chosen by itself when TERM=dumb.")] = False,
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
            answers_path=answers, transcript=transcript, fmt=fmt.value if fmt else None, force=force,
            resume=resume, plain=plain or os.environ.get("TERM") == "dumb", flowchart=flowchart,
            no_color=no_color,
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
    file: Annotated[Optional[Path], typer.Argument(metavar="[FILE]", show_default=False,
                    help="The flowchart file to check (default: the one in use).")] = None,
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
    fmt: Annotated[DiagramFormat, typer.Option("--format", help="mermaid (GitHub, editors) or dot (Graphviz).")]
    = DiagramFormat.mermaid,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE",
                      help="Write the diagram to a file instead of printing it.")] = None,
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


def _emit(text: str, output: Optional[Path], force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from .files import write_private

    write_private(output, text, overwrite=force)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # between prompts, e.g. while typer itself is starting
        print("\nCancelled.", file=sys.stderr)
        sys.exit(EXIT_CANCELLED)
