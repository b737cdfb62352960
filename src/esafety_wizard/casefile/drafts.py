"""Unfinished guides, kept privately so Ctrl-C loses nothing already answered.

Drafts live in the user's data folder (--home, else ESAFETY_HOME, else platformdirs), folder 0700 and files 0600:
every function takes the folder the command line was given, so a draft is kept where the user said.
Their names say nothing about the incident. A second unfinished guide never replaces the first: each is kept,
`esafety guide --resume` carries on with the newest and says how many others are waiting.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import WizardError
from ..files import private_dir, write_private
from ..home import DRAFT, Home


def all_drafts(home: Home) -> list[Path]:
    """Every kept draft, newest last."""
    try:
        found = [p for p in home.folder.glob("unfinished-guide*.json") if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def save(
    home: Home,
    answers: dict[str, str],
    flowchart_sha256: str,
    saved_at: str,
    reasons: dict[str, str] | None = None,
    target: Path | None = None,
) -> Path:
    """Keep a draft: in `target` (the draft being resumed), else in a new file in `home`, never over another."""
    folder = home.folder
    private_dir(folder)
    if target is None:
        target = folder / DRAFT
        if target.exists():
            stamp = re.sub(r"[^0-9]", "", saved_at)[:14]
            target = folder / f"unfinished-guide-{stamp}.json"
            n = 2
            while target.exists():
                target = folder / f"unfinished-guide-{stamp}-{n}.json"
                n += 1
    data = {"saved_at": saved_at, "flowchart_sha256": flowchart_sha256, "answers": answers, "reasons": reasons or {}}
    return write_private(target, json.dumps(data, indent=2) + "\n", overwrite=True)


def load(home: Home) -> tuple[dict[str, str], str, dict[str, str], Path]:
    """The newest unfinished guide: its answers, the SHA-256 of the flowchart they were given for, the reasons
    given for decisions, and where it is kept."""
    drafts = all_drafts(home)
    if not drafts:
        raise WizardError("There is no unfinished guide to resume. Start one with: esafety guide")
    p = drafts[-1]
    from ..files import read_json

    try:
        data = read_json(p, "settings")
        reasons = {str(k): str(v) for k, v in dict(data.get("reasons") or {}).items()}
        return dict(data["answers"]), str(data.get("flowchart_sha256", "")), reasons, p
    except (OSError, ValueError, KeyError, TypeError):
        raise WizardError(f"The unfinished guide in {p} cannot be read. Delete it and start again.") from None


def exists(home: Home) -> bool:
    return bool(all_drafts(home))


def discard(home: Home, p: Path | None = None) -> None:
    try:
        (p or home.draft).unlink()
    except FileNotFoundError:
        pass
