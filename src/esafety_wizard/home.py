"""Where the tool keeps each file it writes, worked out once at a face's boundary and handed down as one value.

A face (the command line, the browser) resolves `Home` from its `--home` option; everything below it takes that
value and never looks at the environment again, so `--home DIR` receives every file a command writes: the
incident database, the school's contacts and details, the settings, the unfinished guides, the cache, and the
letters when no other folder is given.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from .errors import WizardError

HOME_VAR = "ESAFETY_HOME"

DATABASE = "incidents.sqlite3"
SCHOOL_CONTACTS = "school-contacts.json"
SCHOOL_DETAILS = "school.json"
SETTINGS = "config.json"
DRAFT = "unfinished-guide.json"  # the first; later ones are unfinished-guide-<time>.json beside it


class Home(NamedTuple):
    folder: Path  # the private data folder (made 0700 when first written)
    cache: Path  # rebuildable files: a checked procedure, kept by its SHA-256
    letters: Path  # where a letter is saved when no --out is given
    chosen: bool = True  # named by --home or ESAFETY_HOME, rather than the platform's data folder

    @classmethod
    def resolve(cls, given: Path | None = None) -> Home:
        """The folders for `given` (--home), else $ESAFETY_HOME, else the platform's data and cache folders.
        A folder chosen by name also holds the cache and, under letters/, the letters; otherwise letters are
        saved in the folder the command is run in, where the person can find them."""
        if given:
            return cls.at(Path(given), "--home")
        if os.environ.get(HOME_VAR):
            return cls.at(Path(os.environ[HOME_VAR]), HOME_VAR)
        import platformdirs

        folder = _a_folder(Path(platformdirs.user_data_dir("esafety-wizard", appauthor=False)), "your data folder")
        return cls(folder, Path(platformdirs.user_cache_dir("esafety-wizard", appauthor=False)), Path("."), False)

    @classmethod
    def at(cls, folder: Path, named_by: str = "--home") -> Home:
        """Everything in one folder: a test's, or the one a person chose."""
        folder = _a_folder(Path(folder), named_by)
        return cls(folder, folder / "cache", folder / "letters")

    @property
    def database(self) -> Path:
        return self.folder / DATABASE

    @property
    def school_contacts(self) -> Path:
        return self.folder / SCHOOL_CONTACTS

    @property
    def school_details(self) -> Path:
        return self.folder / SCHOOL_DETAILS

    @property
    def settings(self) -> Path:
        return self.folder / SETTINGS

    @property
    def draft(self) -> Path:
        return self.folder / DRAFT


def _a_folder(path: Path, named_by: str) -> Path:
    """The data folder may not exist yet (it is made when first written), but it may not be anything else."""
    if path.exists() and not path.is_dir():
        raise WizardError(f"{named_by} names {path}, which is not a folder. Give a folder (it is made if missing).")
    return path
