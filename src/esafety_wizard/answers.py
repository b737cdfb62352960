"""Read an answers file (YAML or JSON: question id -> answer) for a scripted run of the guide."""

from __future__ import annotations

from pathlib import Path

import yaml

from . import engine
from .errors import WizardError
from .loader.reader import bad_character, safe_load_any
from .model import Flowchart


def read(path: Path, fc: Flowchart) -> dict[str, str]:
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
    return engine.normalise_answers(fc, raw, where=str(path))
