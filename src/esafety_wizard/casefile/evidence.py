"""Register evidence files by their fingerprint, never copying or moving them (the source: do not resend)."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone
from pathlib import Path

from ..errors import WizardError

BLOCK = 1 << 20  # read in 1 MiB blocks: memory stays the same whatever the file's size
LARGE = 50 * 1024 * 1024  # above this, a terminal shows a progress bar while the file is read


IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".heif", ".bmp", ".tif", ".tiff", ".avif"}
)
# The first bytes of the image formats a phone or a screenshot tool writes.
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")


NOT_HERE = "not here"


def named_like_an_image(name: str) -> bool:
    """Whether a file's name says it is a picture (all the page knows of a file it hashed)."""
    return Path(name).suffix.lower() in IMAGE_SUFFIXES


def looks_like_image(path: Path) -> bool:
    """Whether a file is a picture, by its name or its first bytes (a file that cannot be read is not)."""
    p = Path(path).expanduser()
    try:
        if not p.is_file():  # a file that is not there is refused as such, later
            return False
    except OSError:
        return False
    if p.suffix.lower() in IMAGE_SUFFIXES:
        return True
    try:
        with open(p, "rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or head[4:8] == b"ftyp"


IMAGE_WARNING = (
    "looks like an image. If it may show anyone under 18 nude or semi-nude, do not register or keep it: write down "
    "what it shows, where it is (the address and the account), the date and time and who saw it, and tell the DSL "
    "now. An intimate image of an adult is for the police, not for school systems."
)


def fingerprint(path: Path, progress=None) -> dict:
    """Path, name, size, modification time and SHA-256 of a file, read in blocks.

    `progress(done, total)`, if given, is called after each block (the CLI draws a bar for a large file).

    Raises:
        WizardError: the file is missing, a folder, or unreadable (the message names the path only).
    """
    p = Path(path).expanduser()
    try:
        p = p.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        raise WizardError(f"{path}: evidence file not found. Nothing was registered.") from None
    if not p.is_file():
        raise WizardError(f"{path}: not a file. Register files one by one. Nothing was registered.")
    h = hashlib.sha256()
    try:
        total = os.stat(p).st_size
        done = 0
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(BLOCK), b""):
                h.update(block)
                done += len(block)
                if progress is not None:
                    progress(done, total)
        st = os.stat(p)
    except OSError as e:
        raise WizardError(f"{path}: cannot be read ({e.strerror}). Nothing was registered.") from None
    mtime = datetime.fromtimestamp(st.st_mtime, timezone.utc).astimezone().isoformat(timespec="seconds")
    return {"path": str(p), "name": p.name, "size": st.st_size, "mtime": mtime, "sha256": h.hexdigest()}


def recheck(path: str, sha256: str) -> str:
    """'unchanged', 'changed' or 'missing' for a file registered with this SHA-256; 'not here' for one registered
    from the browser, whose place on this computer the browser never tells (it cannot be read again here)."""
    if not path:
        return NOT_HERE
    try:
        now = fingerprint(Path(path))
    except WizardError:
        return "missing"
    return "unchanged" if now["sha256"] == sha256 else "changed"
