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

from ..escape import terminal
from ..flowchart.conversation import BACK, Prompt
from ..record import wording

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
    text = "\n".join(textwrap.fill(line, width) if line else "" for line in terminal(text).split("\n"))
    print_formatted_text(FormattedText([(style, text)]), **{k: v for k, v in pt.items() if k == "output"})


class ArrowAsker:
    """Arrow-key menus. `pt` is prompt_toolkit's `input`/`output`, for tests driven through a pipe."""

    plain = False

    def __init__(self, **pt: Any):
        self.pt = pt

    def say(self, text: str = "", style: str = "") -> None:
        say(text, style, **self.pt)

    def ask(self, p: Prompt) -> object:
        """The question first, then its help and the hint, each on lines of their own, then the menu.

        Once answered, only "? question answer" stays on screen."""
        q = p.question
        width = shutil.get_terminal_size().columns
        self.say()
        self.say(wording.question_heading(p.number), "italic")
        below = [*([q.help] if q.help else []), *wording.added_to_question(q), wording.ARROWS_HINT]
        below = [terminal(line) for line in below]
        choices = [questionary.Choice(title=terminal(c.label), value=c.value) for c in q.choices]
        if p.can_go_back:
            choices.append(questionary.Separator(" "))
            choices.append(questionary.Choice(title=wording.BACK, value=_BACK))
        message = _fit(terminal(q.text), width)
        # Once answered, the answer follows the question; if it would not fit on the question's last line,
        # it goes on a line of its own, so the terminal never breaks it mid-word.
        on_its_own = len(message.split("\n")[-1]) + max(len(c.label) for c in q.choices) + 4 > width
        if on_its_own:
            message += "\n"  # questionary follows the message with a space: each line below starts with one
        menu = questionary.select(
            message,
            choices=choices,
            default=p.current if p.current in q.values else None,
            instruction=("" if on_its_own else "\n ") + "\n ".join(_lines(below, width - 2)),
            qmark="?",
            style=STYLE,
            **self.pt,
        )
        reply = _ask(menu)
        return BACK if reply == _BACK else reply

    def reason(self, question, choice) -> str:
        self.say(choice.decision or "")
        self.say(wording.REASON_QUESTION)
        return self.text(wording.REASON_PROMPT)

    def confirm(self, message: str, default: bool = False) -> bool:  # Enter alone: No, as in plain mode
        return bool(_ask(questionary.confirm(message, default=default, style=STYLE, **self.pt)))

    def text(self, message: str, default: str = "") -> str:
        return str(
            _ask(
                questionary.text(
                    _fit(message, shutil.get_terminal_size().columns), default=default, style=STYLE, **self.pt
                )
            )
        ).strip()


def _ask(question: questionary.Question):
    """Ask, with Ctrl-D doing what Ctrl-C does (questionary only binds Ctrl-C): the answers so far are kept."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    keys = KeyBindings()

    @keys.add("c-d", eager=True)
    def _(event):
        event.app.exit(exception=EOFError, style="class:aborting")

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, keys]) if app.key_bindings else keys
    return question.unsafe_ask()


def _lines(paragraphs: list[str], width: int) -> list[str]:
    """Paragraphs of help wrapped at words, so the terminal never breaks a word or the hint in two."""
    import textwrap

    return [
        line
        for text in paragraphs
        for line in textwrap.wrap(text, max(20, width), break_long_words=False, break_on_hyphens=False)
    ]


def _fit(text: str, width: int) -> str:
    """Wrap a question at word boundaries: the terminal would otherwise break it mid-word."""
    import textwrap

    return textwrap.fill(text, max(20, width - 6)) if len(text) > width - 6 else text
