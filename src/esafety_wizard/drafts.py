"""An unfinished guide, kept privately so Ctrl-C loses nothing already answered.

The draft lives in the user's data folder (platformdirs; ESAFETY_HOME overrides it), folder 0700 and file 0600.
Its name says nothing about the incident.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import WizardError
from .files import data_home, private_dir, write_private


def path() -> Path:
    return data_home() / "unfinished-guide.json"


def save(answers: dict[str, str], flowchart_sha256: str, saved_at: str, reasons: dict[str, str] | None = None) -> Path:
    private_dir(data_home())
    data = {"saved_at": saved_at, "flowchart_sha256": flowchart_sha256, "answers": answers, "reasons": reasons or {}}
    return write_private(path(), json.dumps(data, indent=2) + "\n", overwrite=True)


def load() -> tuple[dict[str, str], str, dict[str, str]]:
    """The answers of the unfinished guide, the SHA-256 of the flowchart they were given for, and the reasons
    given for decisions."""
    p = path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        reasons = {str(k): str(v) for k, v in dict(data.get("reasons") or {}).items()}
        return dict(data["answers"]), str(data.get("flowchart_sha256", "")), reasons
    except FileNotFoundError:
        raise WizardError("There is no unfinished guide to resume. Start one with: esafety guide") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise WizardError(f"The unfinished guide in {p} cannot be read. Delete it and start again.") from None


def exists() -> bool:
    return path().is_file()


def discard() -> None:
    try:
        path().unlink()
    except FileNotFoundError:
        pass
