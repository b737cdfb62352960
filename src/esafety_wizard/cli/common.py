"""What every command shares: the options, the consoles, and the one boundary where errors meet the user.

No `from __future__ import annotations` in the CLI: typer would then evaluate every option's annotation from its
string each time it runs, about 20 ms of a 140 ms start.
"""

import contextlib
import os
from pathlib import Path
from typing import Annotated

import typer

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
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]


ProcedureOpt = Annotated[
    str | None,
    typer.Option("--procedure", metavar="NAME", help="With a pack of procedures: which one (see esafety procedures)."),
]


def home_of(home: Path | None):
    """The one place a command works out where its files go (--home, else ESAFETY_HOME, else the platform's
    folders): called once at the start of each command, inside its boundary, and the `Home` handed down."""
    from ..home import Home

    return Home.resolve(home)


def procedure(flowchart: Path | None, home, name: str | None = None, choose=None, *, school_contacts: bool = True):
    """The procedure in use (see casefile.in_use): for a command, the one place it is loaded."""
    from ..casefile.in_use import procedure as in_use

    return in_use(flowchart, home, name, choose, school_contacts=school_contacts)


def ask_which(plain: bool):
    """For the guide: a function that asks which of a pack's procedures applies (the pack's own first question,
    or one made of the procedures' titles)."""

    def choose(pack) -> str:
        from ..flowchart.conversation import Prompt
        from ..flowchart.model import END, Choice, Question
        from ..prompts import asker

        q = pack.chooser or Question(
            "procedure",
            "procedure",
            "Which procedure applies to this incident?",
            tuple(Choice(name, fc.title, END) for name, fc in pack.procedures.items()),
        )
        return str(asker(plain).ask(Prompt(q, 0, False)))

    return choose


def who_acts(home, as_: str | None, asker=None) -> str:
    """Who is acting: --as, else the name set once, else (with an asker) asked and kept for next time.

    Raises:
        WizardError: no name, and none could be asked or none was typed.
    """
    from ..casefile import acting
    from ..errors import WizardError

    try:
        return acting.actor(home, as_)
    except WizardError:
        if asker is None:
            raise
    name = asker.text("Your name, recorded with each action in the incident log:")
    if not name:
        return acting.actor(home, as_)  # the same clear error
    acting.set_name(home, name)
    return name


def invoked() -> str:
    """The command as the user ran it, for a line that tells them what to type next: `esafety` when that is the
    program on their PATH, else the path they typed (.venv/bin/esafety), or `python -m esafety_wizard`."""
    import shutil
    import sys

    first = sys.argv[0] if sys.argv else "esafety"
    if first.endswith("__main__.py") or first == "-m":
        return "python -m esafety_wizard"
    found = shutil.which("esafety")
    try:
        if found and os.path.samefile(found, first):
            return "esafety"
    except OSError:
        pass
    from ..escape import one_line

    return one_line(first) if Path(first).name == "esafety" else "esafety"


def plain_mode(plain: bool) -> bool:
    return plain or os.environ.get("TERM") == "dumb"


@contextlib.contextmanager
def boundary(no_color: bool = False):
    """The one place errors meet the user: a message on stderr and an exit code, never a traceback."""
    from ..errors import Interrupted, WizardError

    try:
        yield
    except WizardError as e:
        from rich.text import Text

        from .. import escape

        err(no_color).print(Text.assemble(("Error:", "bold red"), " ", escape.terminal(str(e))))
        raise typer.Exit(EXIT_USER_ERROR) from None
    except (KeyboardInterrupt, EOFError, Interrupted):
        err(no_color).print("\nCancelled. Nothing was written.")
        raise typer.Exit(EXIT_CANCELLED) from None
    except OSError as e:  # the system refused a name or a file (too long, not allowed): a message, never a traceback
        from rich.text import Text

        from .. import escape

        err(no_color).print(Text.assemble(("Error:", "bold red"), " ", escape.terminal(os_error_message(e))))
        raise typer.Exit(EXIT_USER_ERROR) from None


def os_error_message(e: OSError) -> str:
    """What the system refused, in words a person can act on: a name too long, a file they may not read or write,
    a disk that is full; naming the file (cut to a readable length)."""
    import errno

    from ..escape import one_line

    name = one_line(str(e.filename)) if e.filename is not None else "a file"
    name = name if len(name) <= 80 else name[:40] + "…" + name[-20:]
    if e.errno == errno.ENAMETOOLONG:
        return f"{name}: a file or folder name is too long (at most 255 bytes a name). Use a shorter one."
    if e.errno in (errno.EACCES, errno.EPERM):
        return f"{name} cannot be used: permission denied. Check who owns it, or use another file or folder."
    if e.errno == errno.ENOSPC:
        return f"{name}: the disk is full. Nothing more was written; free some space and try again."
    return f"{name}: {e.strerror or 'the system refused it'}. Check the file or folder and try again."


def out(no_color: bool = False, plain: bool = False):
    from .screen import console

    return console(no_color=no_color, plain=plain)


def err(no_color: bool = False, plain: bool = False):
    from .screen import console

    return console(stderr=True, no_color=no_color, plain=plain)


def write_output(text: str, output: Path | None, force: bool) -> None:
    """Print `text`, or write it privately to `output`."""
    from ..escape import terminal

    text = terminal(text)  # exports escape their data already; this is the last guard for any other text
    if output is None:
        import sys

        sys.stdout.write(text)
        return
    from ..files import write_private

    write_private(output, text, overwrite=force)
