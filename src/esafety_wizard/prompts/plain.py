"""Plain mode: numbered choices read from ordinary lines of input, for screen readers, TERM=dumb and pipes.

No arrow keys, no cursor movement, no colour. With piped input every question and answer is echoed, and a
missing line is an error naming the question and its valid answers, never a default.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import TextIO

from ..errors import WizardError
from ..escape import terminal
from ..flowchart.conversation import BACK, Prompt
from ..record import wording


class PlainAsker:
    plain = True

    def __init__(self, out: TextIO, inp: TextIO, *, echo: bool):
        self.out = out
        self.inp = inp
        self.echo = echo

    def say(self, line: str = "", style: str = "", indent: str = "") -> None:
        """A line, wrapped at the terminal's width between words (a word longer than the width stays whole)."""
        self.out.write(_wrap(terminal(line), indent) + "\n")
        self.out.flush()

    def _line(self, message: str) -> str:
        wrapped = _wrap(terminal(message).rstrip(" "))
        self.out.write(wrapped + (" " if message.endswith(" ") and wrapped else ""))
        self.out.flush()
        line = self.inp.readline()
        if not line and not self.echo:  # Ctrl-D at a terminal: stop as Ctrl-C does, keeping what was answered
            self.say()
            raise EOFError
        return line

    def text(self, message: str, default: str = "") -> str:
        """A line of text; Enter alone gives ''."""
        return self._line(f"{message} " if message else "").strip()

    def confirm(self, message: str, default: bool = False) -> bool:
        return self.text(f"{message} Type y for yes, or press Enter to skip:").lower() in ("y", "yes")

    def reason(self, question, choice) -> str:
        self.say(choice.decision or "")
        return self.text(wording.REASON_QUESTION)

    def ask(self, p: Prompt) -> object:
        q = p.question
        self.say()
        self.say(f"{wording.question_heading(p.number)}: {q.text}")
        if q.help:
            self.say(q.help)
        for line in wording.added_to_question(q):
            self.say(line)
        for i, c in enumerate(q.choices, 1):
            current = " (your earlier answer)" if c.value == p.current else ""
            added = f" ({wording.NOT_IN_SOURCE.lower()})" if c.added else ""
            self.say(f"  {i}. {c.label}{added}{current}", indent="     ")
        if p.can_go_back:
            self.say(f"  b. {wording.BACK}")
        n = len(q.choices)
        keys = (
            ("1 or 2" if n == 2 else f"1 to {n}")
            + " or its words"
            + (", b to go back" if p.can_go_back else "")
            + ", ? for help"
        )
        while True:
            line = self._line(f"Type {keys}, then press Enter: ")
            if not line:
                self.say()
                raise WizardError(
                    f"No answer for question '{q.asks}' ({q.text}): the input ended. "
                    f"Answer with a number from 1 to {len(q.choices)} "
                    f"({', '.join(f'{i} = {c.value}' for i, c in enumerate(q.choices, 1))})."
                )
            reply = line.strip().lower()
            if self.echo:
                self.say(reply)
            if reply == "?":
                self.say(q.help or "There is no more help for this question.")
                if q.source:
                    self.say(f"The flowchart says: {q.source}")
                continue
            if reply == "b" and p.can_go_back:
                return BACK
            found = _chosen(q.choices, reply)
            if len(found) == 1:
                self.say(f"Answer: {found[0].label}")
                return found[0].value
            if found:  # the words fit two answers: never pick one for the user
                fits = " or ".join(f"{q.choices.index(c) + 1} ({c.label})" for c in found)
                self.say(f"'{reply}' could be {fits}. Type the number of the one you mean.")
                continue
            self.say(f"'{reply}' is not one of the choices. Type {keys}.")


def _wrap(text: str, indent: str = "") -> str:
    """`text` wrapped at the terminal's width between words (a word longer than the width stays whole)."""
    width = max(shutil.get_terminal_size().columns, 20)
    return "\n".join(
        textwrap.fill(part, width=width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
        for part in text.split("\n")
    )


def _words(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def _chosen(choices, reply: str) -> list:
    """The choices a typed reply may name: its number, its value or its words exactly ('not sure', 'No', 'a
    pupil'); else every choice whose words start with the reply or hold it as whole words ('not' fits 'Not yet'
    and 'No, it is not solved'). One choice is an answer; two or more are asked again."""
    if reply.isdigit():
        return [choices[int(reply) - 1]] if 1 <= int(reply) <= len(choices) else []
    said = _words(reply)
    if not said:
        return []
    exact = [c for c in choices if said in (_words(c.value), _words(c.label))]
    if exact:
        return exact[:1]
    padded = f" {said} "
    return [
        c
        for c in choices
        if _words(c.label).startswith(said)
        or _words(c.value).startswith(said)
        or padded in f" {_words(c.label).replace(',', ' ').replace('(', ' ').replace(')', ' ')} "
    ]
