"""The conversation of a guide, with no terminal: ask, answer, go back. Prompts plug in as a function.

Going back drops the last answer on the path, and answering keeps only the answers on the path before it, so
the answers of an abandoned branch are gone by construction, never carried into a transcript.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from ..errors import Interrupted
from . import engine
from .model import READER, Choice, Flowchart, Question

BACK = object()  # what an ask function returns when the user wants the previous question again


class Prompt(NamedTuple):
    """What the terminal layer needs to ask one question."""

    question: Question
    number: int  # 1-based position on the path so far
    can_go_back: bool
    current: str | None = None  # the earlier answer, when the user came back to change it


class Session:
    """The answers of one guide, in the order asked. Safe to read after Ctrl-C: it is always consistent."""

    def __init__(
        self,
        fc: Flowchart,
        answers: Mapping[str, str] | None = None,
        previous: Mapping[str, str] | None = None,
        reasons: Mapping[str, str] | None = None,
        ask_reader: bool = False,
    ):
        """`previous`: earlier answers to offer as the current choice (when an incident is resumed).
        `reasons`: reasons already given for decisions (question id -> text).
        `ask_reader`: ask first who is reading, where the procedure asks it (a new guide does; a resumed
        incident keeps the part it was opened with)."""
        self.fc = fc
        self.ask_reader = ask_reader and fc.reader is not None
        self.answers: dict[str, str] = dict(answers or {})
        self.reasons: dict[str, str] = dict(reasons or {})
        # Answers brought in (a resumed guide or incident) still hold wherever the path goes, until the user
        # goes back over them.
        self._given = dict(answers or {})
        self._previous = dict(previous or {})
        self._revisit: dict[str, str] = {}

    def walk(self) -> engine.Walk:
        return engine.walk(self.fc, self.answers)

    def next_prompt(self) -> Prompt | None:
        w = self.walk()
        if self.ask_reader and READER not in self.answers:
            q = self.fc.reader
            return Prompt(q, 1, False, self._revisit.get(READER, self._previous.get(READER)))
        if w.pending is None:
            return None
        q = w.pending
        current = self._revisit.get(q.asks, self._previous.get(q.asks))
        asked = self._asked(w)
        return Prompt(q, len(asked) + 1, bool(asked), current)

    def _asked(self, w: engine.Walk) -> list[engine.Answered]:
        """The answers on the path that were asked: not those the reader gives by being who they are."""
        return [a for a in w.answered if not a.by_role]

    def answer(self, question_id: str, value: str) -> None:
        w = self.walk()
        self.answers = {a.id: a.value for a in w.answered}
        self.answers[question_id] = value
        for k, v in self._given.items():
            self.answers.setdefault(k, v)
        self._revisit.pop(question_id, None)
        self.reasons.pop(question_id, None)  # a reason belongs to the answer it was given for

    def back(self) -> None:
        w = self.walk()
        asked = self._asked(w)
        if not asked:
            return
        last = asked[-1]
        self._given.pop(last.id, None)
        self.answers = {a.id: a.value for a in w.answered[: w.answered.index(last)]}
        for k, v in self._given.items():
            self.answers.setdefault(k, v)
        self._revisit = {last.id: last.value}

    def give_reason(self, question_id: str, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.reasons[question_id] = text

    def run(
        self, ask: Callable[[Prompt], object], reason: Callable[[Question, Choice], str] | None = None
    ) -> engine.Outcome:
        """Ask until the path ends. `ask` returns a choice value or BACK; after an answer that is a decision
        (something not done), `reason` is asked why.

        Raises:
            Interrupted: Ctrl-C or Ctrl-D at a prompt, carrying every answer and reason given so far.
        """
        try:
            while (prompt := self.next_prompt()) is not None:
                reply = ask(prompt)
                if reply is BACK:
                    self.back()
                    continue
                q = prompt.question
                self.answer(q.asks, str(reply))
                choice = q.choice(str(reply))
                if choice.decision and reason is not None:
                    self.give_reason(q.asks, reason(q, choice))
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(dict(self.answers), dict(self.reasons)) from None
        return engine.outcome(self.fc, self.answers, self.reasons)
