"""The errors: WizardError, the one kind a user can fix (the CLI prints str(e)), and the Ctrl-C interrupt."""

from __future__ import annotations

from typing import NamedTuple


class WizardError(Exception):
    """A problem the user can fix; str(e) is the whole message."""


class Problem(NamedTuple):
    """One thing wrong with a flowchart file, at a line (0 when the file as a whole is meant)."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


class FlowchartError(WizardError):
    """A flowchart file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if not p.warning]
        head = f"The flowchart has {len(errors)} problem{'s' if len(errors) != 1 else ''}:"
        super().__init__("\n".join([head, *(str(p) for p in errors)]))


class MissingAnswer(WizardError):
    """A scripted run reached a question its answers do not answer."""

    def __init__(self, question_id: str, text: str, values: tuple[str, ...]):
        self.question_id = question_id
        self.values = values
        super().__init__(
            f"No answer for question '{question_id}' ({text}). "
            f"Add it to the answers file with one of: {', '.join(values)}."
        )


class Interrupted(Exception):
    """Ctrl-C or Ctrl-D at a prompt, carrying the answers given so far (as copier's interrupt does).

    Raised by the session's question loop and caught once, by the command that started it, which keeps the
    answers (a draft, or the incident) before the CLI boundary exits with 130.
    """

    def __init__(self, answers: dict[str, str], reasons: dict[str, str] | None = None):
        super().__init__("cancelled")
        self.answers = answers
        self.reasons = reasons or {}
