"""Arrow-key prompts: the only module that imports questionary (and so prompt_toolkit).

The asker takes optional prompt_toolkit `input`/`output`, as questionary's own tests do, so its prompts can be
driven by a pipe in tests. Ctrl-C raises KeyboardInterrupt (`unsafe_ask`); the session carries the answers.
"""

from __future__ import annotations

import shutil
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText

from .. import wording
from ..session import BACK, Prompt

_BACK = "__back__"
STYLE = questionary.Style(
    [
        ("qmark", "bold"),
        ("question", "bold"),
        ("highlighted", "reverse"),
        ("pointer", "bold"),
        ("instruction", "italic"),
        ("answer", "bold"),
    ]
)


def say(text: str = "", style: str = "", **pt: Any) -> None:
    """Print a line with prompt_toolkit, already loaded for the prompts, so rich is not needed before the
    first question is on screen (it is imported later, to show the outcome). Long lines wrap at words."""
    import textwrap

    width = max(20, shutil.get_terminal_size().columns - 1)
    text = "\n".join(textwrap.fill(line, width) if line else "" for line in text.split("\n"))
    print_formatted_text(FormattedText([(style, text)]), **{k: v for k, v in pt.items() if k == "output"})


class ArrowAsker:
    """Arrow-key menus. `pt` is prompt_toolkit's `input`/`output`, for tests driven through a pipe."""

    plain = False

    def __init__(self, **pt: Any):
        self.pt = pt

    def say(self, text: str = "", style: str = "") -> None:
        say(text, style, **self.pt)

    def ask(self, p: Prompt) -> object:
        """The question, then its help, then the menu with its hint on a line of its own."""
        q = p.question
        width = shutil.get_terminal_size().columns
        self.say()
        self.say(wording.question_heading(p.number), "italic")
        if q.help:
            self.say(q.help)
        choices = [questionary.Choice(title=c.label, value=c.value) for c in q.choices]
        if p.can_go_back:
            choices.append(questionary.Separator(" "))
            choices.append(questionary.Choice(title=wording.BACK, value=_BACK))
        reply = questionary.select(
            _fit(q.text, width),
            choices=choices,
            default=p.current if p.current in q.values else None,
            instruction=wording.ARROWS_HINT,
            qmark="?",
            style=STYLE,
            **self.pt,
        ).unsafe_ask()
        return BACK if reply == _BACK else reply

    def confirm(self, message: str, default: bool = True) -> bool:
        return bool(questionary.confirm(message, default=default, style=STYLE, **self.pt).unsafe_ask())

    def text(self, message: str, default: str = "") -> str:
        return str(questionary.text(message, default=default, style=STYLE, **self.pt).unsafe_ask()).strip()


def _fit(text: str, width: int) -> str:
    """Wrap a question at word boundaries: the terminal would otherwise break it mid-word."""
    import textwrap

    return textwrap.fill(text, max(20, width - 6)) if len(text) > width - 6 else text
