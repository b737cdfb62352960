"""Plain mode: numbered choices read from ordinary lines of input, for screen readers, TERM=dumb and pipes.

No arrow keys, no cursor movement, no colour. With piped input every question and answer is echoed, and a
missing line is an error naming the question and its valid answers, never a default.
"""

from __future__ import annotations

from typing import TextIO

from .errors import WizardError
from .session import BACK, Prompt


def make_asker(out: TextIO, inp: TextIO, *, echo: bool):
    def say(line: str = "") -> None:
        out.write(line + "\n")
        out.flush()

    def ask(p: Prompt) -> object:
        q = p.question
        say()
        say(f"Question {p.number}: {q.text}")
        if q.help:
            say(q.help)
        for i, c in enumerate(q.choices, 1):
            current = " (your earlier answer)" if c.value == p.current else ""
            say(f"  {i}. {c.label}{current}")
        if p.can_go_back:
            say("  b. Go back to the previous question")
        n = len(q.choices)
        keys = ("1 or 2" if n == 2 else f"1 to {n}") + (", b to go back" if p.can_go_back else "") + ", ? for help"
        while True:
            out.write(f"Type {keys}, then press Enter: ")
            out.flush()
            line = inp.readline()
            if not line:
                say()
                raise WizardError(
                    f"No answer for question '{q.asks}' ({q.text}): the input ended. "
                    f"Answer with a number from 1 to {len(q.choices)} "
                    f"({', '.join(f'{i} = {c.value}' for i, c in enumerate(q.choices, 1))})."
                )
            reply = line.strip().lower()
            if echo:
                say(reply)
            if reply == "?":
                say(q.help or "There is no more help for this question.")
                if q.source:
                    say(f"The flowchart says: {q.source}")
                continue
            if reply == "b" and p.can_go_back:
                return BACK
            if reply.isdigit() and 1 <= int(reply) <= len(q.choices):
                choice = q.choices[int(reply) - 1]
                say(f"Answer: {choice.label}")
                return choice.value
            say(f"'{reply}' is not one of the choices. Type {keys}.")

    return ask
