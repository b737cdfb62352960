"""Where the user's files live (data and cache folders), and private, atomic writes: mode 0600, a temp file
beside the target, os.replace."""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

from .errors import WizardError

HOME_VAR = "ESAFETY_HOME"


def now() -> datetime:
    """The time stamped on events, files and transcripts: local time, with its offset."""
    return datetime.now().astimezone()


def stamp() -> str:
    """Now, as written in records and exports: ISO 8601 to the second, with the offset."""
    return now().isoformat(timespec="seconds")


def data_home(given: Path | None = None) -> Path:
    """The folder of the user's private files: `given` (--home), else $ESAFETY_HOME, else the data folder."""
    if given:
        return Path(given)
    if os.environ.get(HOME_VAR):
        return Path(os.environ[HOME_VAR])
    import platformdirs

    return Path(platformdirs.user_data_dir("esafety-wizard", appauthor=False))


def cache_home() -> Path:
    """The folder of rebuildable caches: under $ESAFETY_HOME when set, else the user's cache folder."""
    if os.environ.get(HOME_VAR):
        return Path(os.environ[HOME_VAR]) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("esafety-wizard", appauthor=False))


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
