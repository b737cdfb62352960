"""Read an answers file (YAML or JSON: question id -> answer) for a scripted run of the guide.

It is read by the loader's own reader, so it gets the same protection as a flowchart: a key given twice, an
alias (*name, which can expand without bound) and a merge key are refused with their line, and every value
stays the text that was written. An answer must be one word; every message shows a value cut to a readable
length, as it was written.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import WizardError
from . import engine
from .engine import shown_value
from .loader.reader import YList, YMap, load
from .model import Flowchart

REASONS = "reasons"
_YAML_WORDS = {"true": "yes", "on": "yes", "false": "no", "off": "no"}  # YAML 1.1 and JSON spellings of yes/no


def read(path: Path, fc: Flowchart) -> tuple[dict[str, str], dict[str, str]]:
    """The answers (question id -> value) and the reasons for decisions (question id -> text) in a file.

    Raises:
        WizardError: naming the file, the line and what to fix.
    """
    from ..files import read_bounded

    try:
        text = read_bounded(path, "answers", f"The answers file {path}").decode("utf-8")
    except FileNotFoundError:
        raise WizardError(f"{path}: answers file not found.") from None
    except UnicodeDecodeError as e:
        raise WizardError(f"{path}: the answers file is not UTF-8 text (byte {e.start}). Save it as UTF-8.") from None
    doc, problems = load(text, str(path))
    if problems:
        raise WizardError("\n".join(f"{p} (in the answers file)" for p in problems))
    if doc is None:
        doc = YMap()
        doc.line, doc.key_lines = 1, {}
    valid = fc.question_values()
    if not isinstance(doc, YMap):
        first = next(iter(valid.items()), ("question", ("answer",)))
        raise WizardError(
            f"{path}: the answers file must be lines of 'question id: answer', like '{first[0]}: {first[1][0]}'."
        )
    answers: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for key, value in doc.items():
        where = f"{path}:{doc.line_of(key)}"
        if key == REASONS and REASONS not in valid:
            reasons = _reasons(value, valid, where)
            continue
        if key not in valid:
            raise WizardError(
                f"{where}: '{shown_value(key)}' is not a question in this flowchart. Questions: {', '.join(valid)}."
            )
        if not isinstance(value, str):
            raise WizardError(
                f"{where}: the answer to '{key}' is {_kind(value)}: write one answer, one of: {', '.join(valid[key])}."
            )
        word = value.strip().lower()
        replaced = fc.replaced().get(key, {})
        if word in _YAML_WORDS and word not in valid[key] and word not in replaced:
            value = _YAML_WORDS[word]
        try:
            answers[key] = engine.normalise_value(key, value, valid[key], replaced)
        except WizardError as e:
            raise WizardError(f"{where}: {e}") from None
    return answers, reasons


def _reasons(raw: object, valid: dict, where: str) -> dict[str, str]:
    """`reasons:` in an answers file: question id -> why that answer was decided."""
    if not isinstance(raw, YMap):
        raise WizardError(f"{where}: 'reasons' must be a mapping of question id to a reason, like 'serious: Why'.")
    out = {}
    for key, value in raw.items():
        line = f"{where.rsplit(':', 1)[0]}:{raw.line_of(key)}"
        if key not in valid:
            raise WizardError(
                f"{line}: 'reasons' names '{shown_value(key)}', which is not a question. Questions: {', '.join(valid)}."
            )
        if not isinstance(value, str) or not value.strip():
            raise WizardError(f"{line}: the reason for '{key}' must be text.")
        out[key] = " ".join(value.split())
    return out


def _kind(value: object) -> str:
    if isinstance(value, YList):
        return "a list"
    if isinstance(value, YMap):
        return "a mapping"
    return "empty"
