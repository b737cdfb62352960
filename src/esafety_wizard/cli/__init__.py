"""The `esafety` command: typer, a thin boundary over the library. Parse options, call one operation, print
what it returned, map errors to exit codes.

    common.py      shared options, the consoles, and the one error boundary
    guide.py       esafety guide
    procedure.py   esafety contacts, school, letters, validate, diagram, paths, schema
    log.py         esafety log ... (the incident log)

Exit codes: 0 done, 1 a problem you can fix (the message says what), 2 a mistake in the command line,
130 cancelled with Ctrl-C. Results go to standard output, messages to standard error.
Heavy modules (questionary, prompt_toolkit) are imported only by the commands that prompt.
"""

import sys
from typing import Annotated

import typer

from .. import __version__
from . import procedure
from .common import EXIT_CANCELLED
from .guide import guide
from .log import log_app

app = typer.Typer(
    help="Guidance for an e-safety incident at school.\n\n"
    "Walks you through your procedure (a flowchart kept as data: the built-in one, or --flowchart FILE) "
    "one question at a time, then shows what to do and who to contact.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


app.command()(guide)
app.add_typer(procedure.contacts_app, name="contacts")
app.add_typer(procedure.school_app, name="school")
for command in (
    procedure.procedures,
    procedure.letters,
    procedure.validate,
    procedure.diagram,
    procedure.paths,
    procedure.schema,
):
    app.command()(command)
app.add_typer(log_app, name="log")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # between prompts, e.g. while typer itself is starting
        print("\nCancelled.", file=sys.stderr)
        sys.exit(EXIT_CANCELLED)
