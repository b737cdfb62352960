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
from .serve import serve

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
app.command()(serve)
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


def _whole_summaries(t: typer.Typer) -> None:
    """Each command's summary in --help is its first sentence, whole: Click would otherwise cut it at a width
    and end it with '...'. Set where typer keeps it, before the command line is built."""
    import inspect

    def first_sentence(doc: str | None) -> str | None:
        text = " ".join(inspect.cleandoc(doc or "").split("\n\n")[0].split())
        end = text.find(". ")
        return (text[: end + 1] if end > 0 else text) or None

    for info in t.registered_commands:
        if info.short_help is None and info.callback is not None:
            info.short_help = first_sentence(info.callback.__doc__)
    for group in t.registered_groups:
        info, sub = group, group.typer_instance
        if not isinstance(info.short_help, str) and sub is not None:  # unset: None, or typer's default
            callback = sub.registered_callback.callback if sub.registered_callback else None
            help_ = sub.info.help if isinstance(sub.info.help, str) else None
            info.short_help = first_sentence(callback.__doc__ if callback else help_)
        if sub is not None:
            _whole_summaries(sub)


_whole_summaries(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # between prompts, e.g. while typer itself is starting
        print("\nCancelled.", file=sys.stderr)
        sys.exit(EXIT_CANCELLED)
    except OSError as e:  # the last guard, for work done before a command's own boundary
        from .common import os_error_message

        print(f"Error: {os_error_message(e)}", file=sys.stderr)
        sys.exit(1)
