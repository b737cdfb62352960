"""Reading a file within bounds, and private, atomic writes: mode 0600, a temp file beside the target,
os.replace. Where each file lives is `home.Home`."""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

from .errors import WizardError


def now() -> datetime:
    """The time stamped on events, files and transcripts: local time, with its offset."""
    return datetime.now().astimezone()


def stamp() -> str:
    """Now, as written in records and exports: ISO 8601 to the second, with the offset."""
    return now().isoformat(timespec="seconds")


# What each kind of file the tool reads may weigh at most: far above any real one, far below what would exhaust
# memory. A larger file is refused with a message, before it is read.
MB = 1 << 20
LIMITS = {
    "procedure": 5 * MB,  # the built-in flowchart is about 70 KB; 4.9 MB holds 27,000 questions, checked in 3.6 s
    "settings": 1 * MB,  # config.json, school-contacts.json, school.json, a paused guide's draft
    "answers": 1 * MB,  # an answers file (YAML or JSON)
    "copy": 50 * MB,  # an earlier export or transcript, for log verify --against
    "cache": 50 * MB,  # a checked procedure kept by the loader's cache
}
KINDS = {
    "procedure": "a procedure file",
    "settings": "a settings file",
    "answers": "an answers file",
    "copy": "a copy",
    "cache": "a cache entry",
}


def read_bounded(path: str | os.PathLike[str], kind: str, what: str | None = None) -> bytes:
    """The bytes of a regular file, at most LIMITS[kind]: the one way the tool reads a file the user names or
    keeps (evidence aside, which is hashed in chunks). A fifo is opened without waiting for a writer and refused,
    as is a device (/dev/zero), a folder, or anything larger than the limit.

    Raises:
        FileNotFoundError: there is no such file (the caller says what that means for its kind of file).
        WizardError: anything else, naming the file and what to do.
    """
    import stat

    shown = what or str(path)
    limit = LIMITS[kind]
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise WizardError(f"{shown} is a folder: give the path of the file itself.") from None
    except OSError as e:
        raise WizardError(f"{shown} cannot be read ({e.strerror}). Check the file and its permissions.") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise WizardError(f"{shown} is a folder: give the path of the file itself.")
        if not stat.S_ISREG(info.st_mode):
            raise WizardError(f"{shown} is not a regular file (it is a device, a pipe or a socket): give a file.")
        if info.st_size > limit:
            raise WizardError(
                f"{shown} is {info.st_size / MB:.1f} MB: {KINDS[kind]} may be at most {limit // MB} MB. Check that "
                "it is the right file."
            )
        chunks, total = [], 0
        while total <= limit:  # a file that grows while read is still cut off at the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise WizardError(f"{shown} is larger than {limit // MB} MB, the most {KINDS[kind]} may be.")
        return b"".join(chunks)
    except OSError as e:
        raise WizardError(f"{shown} cannot be read ({e.strerror}). Check the file and its permissions.") from None
    finally:
        os.close(fd)


def read_json(path: str | os.PathLike[str], kind: str, what: str | None = None) -> object:
    """A JSON file read with read_bounded and decoded, nesting and all, without a traceback.

    Raises:
        FileNotFoundError: there is no such file.
        WizardError: it cannot be read, is not UTF-8 JSON, or nests too deeply to be a file of ours.
    """
    import json

    shown = what or str(path)
    data = read_bounded(path, kind, shown)
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError:
        raise WizardError(f"{shown} nests too deeply to be a file esafety-wizard wrote. Check the file.") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise WizardError(f"{shown} is not readable JSON ({type(e).__name__}). Check the file.") from None


def private_dir(path: Path) -> Path:
    """Create a directory, and any missing parents, readable by the owner only (0700).

    Existing folders are left as they are: they may be shared on purpose.
    """
    missing = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    try:
        for p in reversed(missing):
            p.mkdir(mode=0o700, exist_ok=True)
            os.chmod(p, 0o700)  # mkdir's mode is masked by the umask
        if not path.is_dir():
            raise NotADirectoryError(20, "not a folder")
    except OSError as e:
        raise WizardError(f"Cannot create the folder {path}: {e.strerror}.") from None
    return path


def check_target(path: Path, overwrite: bool) -> None:
    """Refuse a target we must not write: a folder, anything that is not a regular file (a device such as
    /dev/null, a named pipe, a socket), with or without --force, and an existing file without --force.

    Raises:
        WizardError: naming the path and what to do instead.
    """
    import stat

    try:
        st = os.stat(path)  # follows a symbolic link: what it points at is what would be replaced
    except FileNotFoundError:
        return
    except OSError as e:
        raise WizardError(f"{path} cannot be checked ({e.strerror}). Choose another name.") from None
    if stat.S_ISDIR(st.st_mode):
        raise WizardError(f"{path} is a folder: give a file name inside it, like {path / 'incident.md'}.")
    if not stat.S_ISREG(st.st_mode):
        raise WizardError(
            f"{path} is not a regular file (it is a device, a pipe or a socket), so it is never replaced, even "
            "with --force. Choose a file name."
        )
    if not overwrite:
        raise WizardError(f"{path} already exists. Choose another name, or add --force to replace it.")


def write_private(path: Path, data: str | bytes, *, overwrite: bool = False) -> Path:
    """Write `data` to `path` readable by the owner only, so a reader never sees half a file.

    Raises:
        WizardError: the file exists and `overwrite` is false, or it cannot be written.
    """
    path = Path(path)
    check_target(path, overwrite)
    directory = path.parent if str(path.parent) else Path(".")
    fd = None
    tmp = None
    try:
        import tempfile  # only when writing: a command that only reads starts sooner

        fd, tmp = tempfile.mkstemp(prefix=".esafety-", suffix=".tmp", dir=directory)  # mkstemp uses 0600
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            fd = None
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        if not overwrite:
            # link() fails if the name was taken meanwhile, so a file created since our check is not replaced.
            try:
                os.link(tmp, path)
                os.unlink(tmp)
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: check again, then rename
                if path.exists():
                    raise FileExistsError(path) from None
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
        tmp = None
    except FileExistsError:
        raise WizardError(f"{path} already exists. Choose another name, or add --force to replace it.") from None
    except OSError as e:
        raise WizardError(f"Cannot write {path}: {e.strerror}.") from None
    finally:
        if fd is not None:
            os.close(fd)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return path
