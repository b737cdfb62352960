"""Asking the user: one asker for the guide's questions, with arrow keys (questionary) or as plain numbered lines.

    arrows.py   arrow-key menus: the only module that imports questionary and prompt_toolkit
    plain.py    numbered choices typed as lines, for screen readers, TERM=dumb and pipes

`asker(plain)` chooses. Both kinds have the same methods: `ask(prompt)` for Session.run (a choice value or
BACK), `confirm(message)`, `text(message, default)` and `say(text)`. Ctrl-C and Ctrl-D raise out of them;
the session turns that into one Interrupted carrying the answers.
"""

from __future__ import annotations

import sys

from ..errors import WizardError

NO_TERMINAL = (
    "esafety guide asks its questions in a terminal, and there is none here (input or output is not a "
    "terminal). To run it from a script, give the answers in a file: esafety guide --answers answers.yaml "
    "(see README). To answer by typing numbered lines, use: esafety guide --plain"
)


def asker(plain: bool):
    """The asker for this terminal: plain lines, or arrow keys on a terminal; never a silent default.

    Raises:
        WizardError: arrow keys were wanted but input or output is not a terminal.
    """
    if plain:
        from .plain import PlainAsker

        return PlainAsker(sys.stdout, sys.stdin, echo=not sys.stdin.isatty())
    if sys.stdin.isatty() and sys.stdout.isatty():
        from .arrows import ArrowAsker

        return ArrowAsker()
    raise WizardError(NO_TERMINAL)
