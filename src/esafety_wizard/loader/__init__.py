"""The loader: a flowchart file (the built-in one, or a local authority's) -> a checked Flowchart, or every problem.

    reader.py   YAML text -> dicts, lists and strings that remember their lines (no booleans, no aliases)
    checks.py   that document -> the model, collecting every problem with its line
    cache.py    checked flowcharts by SHA-256, so everyday commands do not parse YAML at all

A changed file is checked again in full before it is used.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..errors import FlowchartError, Problem
from ..model import Flowchart, paused_gc

# --- where the file comes from --------------------------------------------------------------------------

ENV_VAR = "ESAFETY_FLOWCHART"


def builtin_path() -> Path:
    """The flowchart shipped in the wheel, or the repo root's when running from a checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "flowchart.yaml"
    if packaged.is_file():
        return packaged
    return here.parent.parent / "flowchart.yaml"


def schema_text() -> str:
    """The JSON Schema of this file format, shipped in the package."""
    return (Path(__file__).resolve().parent.parent / "schema.json").read_text(encoding="utf-8")


def load(path: str | os.PathLike[str] | None = None) -> Flowchart:
    """Load and check a flowchart: `path`, else $ESAFETY_FLOWCHART, else the built-in one.

    A file already checked (same SHA-256, same version of this tool) comes from the cache without parsing.

    Raises:
        FlowchartError: the file is missing, unreadable or has any problem; the message lists them all.
    """
    from . import cache

    data, shown, origin, problems = _read(path)
    if data is None:
        raise FlowchartError(problems)
    sha = hashlib.sha256(data).hexdigest()
    fc = cache.get(sha)
    if fc is not None:
        return fc._replace(origin=origin)
    fc, problems = _parse_bytes(data, shown, origin, sha)
    if fc is None:
        raise FlowchartError(problems)
    cache.put(sha, fc)
    return fc


def check_file(path: str | os.PathLike[str] | None = None) -> tuple[Flowchart | None, list[Problem]]:
    """Load a flowchart, always parsing it in full, and return it with every problem found (warnings too).

    Returns None for the flowchart if there is any error.
    """
    data, shown, origin, problems = _read(path)
    if data is None:
        return None, problems
    return _parse_bytes(data, shown, origin, hashlib.sha256(data).hexdigest())


def _read(path) -> tuple[bytes | None, str, str, list[Problem]]:
    if path is None and os.environ.get(ENV_VAR):
        path = os.environ[ENV_VAR]
    file_path = Path(path) if path is not None else builtin_path()
    shown = str(path) if path is not None else "flowchart.yaml (built-in)"
    origin = "built-in" if path is None else str(file_path)
    try:
        return file_path.read_bytes(), shown, origin, []
    except FileNotFoundError:
        problem = Problem(shown, 0, "file not found. Check the path (or unset ESAFETY_FLOWCHART).")
    except IsADirectoryError:
        problem = Problem(shown, 0, "is a folder: give the path of the flowchart file itself.")
    except OSError as e:
        problem = Problem(shown, 0, f"cannot be read: {e.strerror}")
    return None, shown, origin, [problem]


def _parse_bytes(data: bytes, shown: str, origin: str, sha: str) -> tuple[Flowchart | None, list[Problem]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem(shown, 0, f"is not UTF-8 text (byte {e.start}). Save it as UTF-8.")]
    return parse(text, shown, origin=origin, sha256=sha)


def parse(
    text: str, file: str = "flowchart.yaml", *, origin: str = "built-in", sha256: str = ""
) -> tuple[Flowchart | None, list[Problem]]:
    """Check flowchart YAML text and build the model. Returns (None, problems) if there is any error."""
    from . import checks, reader  # only when a file must really be parsed

    with paused_gc():
        doc, problems = reader.load(text, file)
        if problems:
            return None, problems
        b = checks.Builder(file)
        fc = b.build(doc, origin, sha256)
    problems = sorted(b.problems, key=lambda p: (p.line, p.warning))
    if any(not p.warning for p in problems):
        return None, problems
    assert fc is not None
    return _with_warnings(fc, problems), problems


def _with_warnings(fc: Flowchart, problems: list[Problem]) -> Flowchart:
    return fc._replace(warnings=tuple(problems))
