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
from typing import NamedTuple

from ...errors import FlowchartError, Problem, WizardError
from ...files import read_bounded
from ...home import Home
from ..model import END, Choice, Flowchart, Question, paused_gc

# --- where the file comes from --------------------------------------------------------------------------

ENV_VAR = "ESAFETY_FLOWCHART"


def builtin_path() -> Path:
    """The flowchart shipped in the wheel, or the repo root's when running from a checkout."""
    here = Path(__file__).resolve().parents[2]  # the package, esafety_wizard/
    packaged = here / "flowchart.yaml"
    if packaged.is_file():
        return packaged
    return here.parent.parent / "flowchart.yaml"


def schema_text() -> str:
    """The JSON Schema of this file format, shipped in the package."""
    return (Path(__file__).resolve().parents[1] / "schema.json").read_text(encoding="utf-8")


def load(path: str | os.PathLike[str] | None = None, home: Home | None = None) -> Flowchart:
    """Load and check a flowchart: `path`, else $ESAFETY_FLOWCHART, else the built-in one.

    A file already checked (same SHA-256, same version of this tool) comes from the cache without parsing (kept
    in `home`'s cache folder: a face passes the Home it resolved; a script may leave it to the default).

    Raises:
        FlowchartError: the file is missing, unreadable or has any problem; the message lists them all.
    """
    data, shown, origin, problems = _read(path)
    if data is None:
        raise FlowchartError(problems)
    fc, problems = _checked(data, shown, origin, hashlib.sha256(data).hexdigest(), home=home)
    if fc is None:
        raise FlowchartError(problems)
    return fc


def _checked(
    data: bytes, shown: str, origin: str, sha: str, shared=None, use_cache: bool = True, home: Home | None = None
) -> tuple[Flowchart | None, list[Problem]]:
    """A checked flowchart from the cache when `use_cache` and it was checked before, else parsed in full (and
    then cached); with the problems found ([] from the cache: only a usable file is ever cached)."""
    from . import cache

    if home is None:  # a caller that is not a face (a script, a test): the default folders, if they can be
        try:
            home = Home.resolve()
        except WizardError:
            pass
    if use_cache and home is not None:
        fc = cache.get(sha, home)
        if fc is not None:
            return fc._replace(origin=origin), []
    fc, problems = _parse_bytes(data, shown, origin, sha, shared)
    if fc is not None and home is not None:
        cache.put(sha, fc, home)
    return fc, problems


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
        return read_bounded(file_path, "procedure", shown), shown, origin, []
    except FileNotFoundError:
        problem = Problem(shown, 0, "file not found. Check the path (or unset ESAFETY_FLOWCHART).")
    except WizardError as e:
        problem = Problem(shown, 0, _said_of(str(e), shown))
    return None, shown, origin, [problem]


def _said_of(message: str, shown: str) -> str:
    """A reading error as a problem of the file it names (Problem puts the file's name first)."""
    return message.removeprefix(shown).lstrip() or message


def _parse_bytes(data: bytes, shown: str, origin: str, sha: str, shared=None) -> tuple[Flowchart | None, list[Problem]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem(shown, 0, f"is not UTF-8 text (byte {e.start}). Save it as UTF-8.")]
    return parse(text, shown, origin=origin, sha256=sha, shared=shared)


def parse(
    text: str, file: str = "flowchart.yaml", *, origin: str = "built-in", sha256: str = "", shared=None
) -> tuple[Flowchart | None, list[Problem]]:
    """Check flowchart YAML text and build the model. Returns (None, problems) if there is any error."""
    from . import checks, reader  # only when a file must really be parsed

    with paused_gc():
        doc, problems = reader.load(text, file)
        if problems:
            return None, problems
        b = checks.Builder(file)
        fc = b.build(doc, origin, sha256, shared)
    problems = sorted(b.problems, key=lambda p: (p.line, p.warning))
    if any(not p.warning for p in problems):
        return None, problems
    assert fc is not None
    return _with_warnings(fc, problems), problems


def _with_warnings(fc: Flowchart, problems: list[Problem]) -> Flowchart:
    return fc._replace(warnings=tuple(problems))


# --- a pack: an authority's set of procedures -------------------------------------------------------------

PACK_FILE = "pack.yaml"


class Pack(NamedTuple):
    """Several procedures side by side, as an authority publishes them, with one shared list of contacts."""

    title: str
    folder: str
    procedures: dict[str, Flowchart]  # by name, in the order the pack offers them
    chooser: Question | None  # the first question that helps choose, if the pack has one


def pack_folder(path: str | os.PathLike[str] | None) -> Path | None:
    """The pack folder `path` (or $ESAFETY_FLOWCHART) names, or None if it names a single procedure file."""
    if path is None and os.environ.get(ENV_VAR):
        path = os.environ[ENV_VAR]
    if path is None:
        return None
    p = Path(path)
    return p if p.is_dir() and (p / PACK_FILE).is_file() else None


def _in_pack(folder: Path, ref: object, what: str, b, line: int) -> Path | None:
    """The file a pack names, which must be inside the pack's folder: a relative path with no '..', that does
    not leave the folder through a symbolic link. Anything else is refused naming the reference, never reading
    it (a pack must not be a way to print /etc/shadow)."""
    from .checks import excerpt

    if not isinstance(ref, str) or not ref.strip():
        b.err(line, f"{what} must be the name of a file in the pack's folder")
        return None
    shown = excerpt(ref)
    rel = Path(ref)
    if rel.is_absolute() or ".." in rel.parts or "\0" in ref:
        b.err(line, f"{what} is '{shown}': a pack names only files inside its own folder (no '..', no absolute path)")
        return None
    path = folder / rel
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        b.err(line, f"{what} is '{shown}', which leads outside the pack's folder (a symbolic link): copy the file in")
        return None
    return path


def load_pack(folder: Path, home: Home | None = None) -> Pack:
    """Load and check every procedure of a pack. Raises FlowchartError listing every problem in every file."""
    pack, problems = check_pack(folder, use_cache=True, home=home)
    if pack is None:
        raise FlowchartError(problems)
    return pack


def check_pack(folder: Path, use_cache: bool = False, home: Home | None = None) -> tuple[Pack | None, list[Problem]]:
    """Check a pack: its own file, its shared contacts and every procedure (parsed in full unless `use_cache`,
    so `validate` lists every warning), with every problem found."""
    from . import checks, reader
    from .checks import excerpt

    shown = str(folder / PACK_FILE)
    try:
        text = read_bounded(folder / PACK_FILE, "procedure", shown).decode("utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as e:
        return None, [Problem(shown, 0, f"cannot be read: {type(e).__name__}")]
    except WizardError as e:
        return None, [Problem(shown, 0, _said_of(str(e), shown))]
    doc, problems = reader.load(text, shown)
    if problems:
        return None, problems
    b = checks.Builder(shown)
    top = b.mapping(doc, 1, "the pack")
    if top is None:
        return None, b.problems
    b.keys(top, checks._Keys(title=True, procedures=True, choose=False, contacts=False), "the pack")
    title = b.text(top, "title", "the pack") or str(folder)
    shared: dict = {}
    shared_bytes = b""
    cfile = (
        _in_pack(folder, top.get("contacts"), "'contacts'", b, top.line_of("contacts")) if "contacts" in top else None
    )
    if cfile is not None:
        try:
            shared_bytes = read_bounded(cfile, "procedure", str(cfile))
            cdoc, cproblems = reader.load(shared_bytes.decode("utf-8"), str(cfile))
        except (FileNotFoundError, UnicodeDecodeError) as e:
            cdoc, cproblems = None, [Problem(str(cfile), 0, f"cannot be read: {type(e).__name__}")]
        except WizardError as e:
            cdoc, cproblems = None, [Problem(str(cfile), 0, _said_of(str(e), str(cfile)))]
        b.problems += cproblems
        cb = checks.Builder(str(cfile))
        if cdoc is not None and cb.mapping(cdoc, 1, "the shared contacts") is not None:
            shared = cb.contacts(cdoc)
        b.problems += cb.problems
    files = b.mapping(top.get("procedures"), top.line_of("procedures"), "'procedures'") or {}
    procedures: dict[str, Flowchart] = {}
    for name, file in files.items():
        if not b.ident(name, files.line_of(name), "the procedure name") or not isinstance(file, str):
            continue
        path = _in_pack(folder, file, f"procedure '{name}'", b, files.line_of(name))
        if path is None:
            continue
        try:
            data = read_bounded(path, "procedure", str(path))
        except FileNotFoundError:
            b.err(files.line_of(name), f"procedure '{name}': {excerpt(file)} is not in the pack's folder")
            continue
        except WizardError as e:
            b.err(files.line_of(name), f"procedure '{name}': {_said_of(str(e), str(path))}")
            continue
        # Cached by the procedure and the shared contacts together (a change to either checks it again); recorded
        # by each file's own SHA-256, so each can be checked against the file itself.
        key = hashlib.sha256(data + b"\0" + shared_bytes).hexdigest()
        fc, found = _checked(data, str(path), str(path), key, shared, use_cache, home)
        b.problems += found
        if fc is not None:
            procedures[name] = fc._replace(
                sha256=hashlib.sha256(data).hexdigest(),
                contacts_sha256=hashlib.sha256(shared_bytes).hexdigest() if cfile is not None else "",
            )
    chooser = None
    if "choose" in top:
        m = b.mapping(top["choose"], top.line_of("choose"), "'choose'")
        if m is not None:
            options = b.mapping(m.get("choices"), m.line_of("choices"), "the choices of 'choose'") or {}
            for name in options:
                if name not in files:
                    b.err(options.line_of(name), f"'choose' offers '{name}', which is not one of the pack's procedures")
            chooser = Question(
                id="procedure",
                asks="procedure",
                text=b.text(m, "text", "'choose'") or "Which procedure applies?",
                choices=tuple(Choice(n, str(label), END) for n, label in options.items()),
                help=b.text(m, "help", "'choose'"),
            )
    errors = [p for p in b.problems if not p.warning]
    if errors or not procedures:
        return None, b.problems or [Problem(shown, 0, "lists no procedure")]
    return Pack(title, str(folder), procedures, chooser), b.problems
