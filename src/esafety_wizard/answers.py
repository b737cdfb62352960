"""Read an answers file (YAML or JSON: question id -> answer) for a scripted run of the guide."""

from __future__ import annotations

from pathlib import Path

import yaml

from . import engine
from .errors import WizardError
from .loader.reader import bad_character, safe_load_any
from .model import Flowchart


def read(path: Path, fc: Flowchart) -> tuple[dict[str, str], dict[str, str]]:
    """The answers (question id -> value) and the reasons for decisions (question id -> text) in a file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WizardError(f"{path}: answers file not found.") from None
    except (OSError, UnicodeDecodeError) as e:
        raise WizardError(f"{path}: the answers file cannot be read ({e}).") from None
    try:
        raw = safe_load_any(text)
    except yaml.reader.ReaderError:
        raise WizardError(f"{bad_character(text, str(path))} (in the answers file)") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        raise WizardError(f"{path}{line}: the answers file is not valid YAML or JSON: {e.problem}.") from None
    except yaml.YAMLError as e:
        raise WizardError(f"{path}: the answers file is not valid YAML or JSON: {e}.") from None
    if raw is None:
        raw = {}
    reasons: dict[str, str] = {}
    if isinstance(raw, dict) and REASONS in raw and REASONS not in fc.question_values():
        raw = dict(raw)
        reasons = _reasons(fc, raw.pop(REASONS), str(path))
    return engine.normalise_answers(fc, raw, where=str(path)), reasons


REASONS = "reasons"


def _reasons(fc: Flowchart, raw: object, where: str) -> dict[str, str]:
    """`reasons:` in an answers file: question id -> why that answer was decided."""
    if not isinstance(raw, dict):
        raise WizardError(f"{where}: 'reasons' must be a mapping of question id to a reason, like 'serious: Why'.")
    valid = fc.question_values()
    out = {}
    for key, value in raw.items():
        if str(key) not in valid:
            raise WizardError(
                f"{where}: 'reasons' names '{key}', which is not a question. Questions: {', '.join(valid)}."
            )
        if not isinstance(value, str) or not value.strip():
            raise WizardError(f"{where}: the reason for '{key}' must be text.")
        out[str(key)] = " ".join(value.split())
    return out
