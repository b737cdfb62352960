"""Arrow-key prompts: the only module that imports questionary (and so prompt_toolkit).

Each function takes optional prompt_toolkit `input`/`output`, as questionary's own tests do, so the prompts
can be driven by a pipe in tests. Ctrl-C raises KeyboardInterrupt (`unsafe_ask`), handled by the CLI.
"""

from __future__ import annotations

import shutil
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText

from .session import BACK, Prompt

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


def make_asker(**pt: Any):
    """An ask function for Session.run: prints the question's help, then an arrow-key menu."""

    def ask(p: Prompt) -> object:
        q = p.question
        width = shutil.get_terminal_size().columns
        say(**pt)
        say(f"Question {p.number}", "italic", **pt)
        if q.help:
            say(q.help, **pt)
        choices = [questionary.Choice(title=c.label, value=c.value) for c in q.choices]
        if p.can_go_back:
            choices.append(questionary.Separator(" "))
            choices.append(questionary.Choice(title="Go back to the previous question", value=_BACK))
        reply = questionary.select(
            _fit(q.text, width),
            choices=choices,
            default=p.current if p.current in q.values else None,
            instruction="(use the arrow keys, then press Enter)",
            qmark="?",
            style=STYLE,
            **pt,
        ).unsafe_ask()
        return BACK if reply == _BACK else reply

    return ask


def _fit(text: str, width: int) -> str:
    """Wrap a question at word boundaries: the terminal would otherwise break it mid-word."""
    import textwrap

    return textwrap.fill(text, max(20, width - 6)) if len(text) > width - 6 else text


def confirm(message: str, default: bool = True, **pt: Any) -> bool:
    return bool(questionary.confirm(message, default=default, style=STYLE, **pt).unsafe_ask())


def file_name(message: str, default: str, **pt: Any) -> str:
    return str(questionary.text(message, default=default, style=STYLE, **pt).unsafe_ask()).strip()
