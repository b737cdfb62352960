"""Who is acting: the name given with --as, else the one set once with `esafety log name`, kept in the settings
file of the data folder and recorded with each change."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import WizardError
from ..files import private_dir, write_private
from ..home import Home


def saved_name(home: Home) -> str | None:
    """The name set once with `esafety log name`, or None."""
    from ..files import read_json

    try:
        data = read_json(home.settings, "settings")
    except FileNotFoundError:
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return str(name) if name else None


def set_name(home: Home, name: str) -> Path:
    name = name.strip()
    if not name:
        raise WizardError('Give a name, for example: esafety log name "Jo Bloggs"')
    private_dir(home.folder)
    return write_private(home.settings, json.dumps({"name": name}) + "\n", overwrite=True)


def actor(home: Home, as_: str | None) -> str:
    """Who is acting: --as, else the name set once with `esafety log name`.

    Raises:
        WizardError: neither is given.
    """
    if as_ and as_.strip():
        return as_.strip()
    name = saved_name(home)
    if name:
        return name
    raise WizardError(
        'Say who is recording this: add --as "Your Name", or set it once with: esafety log name "Your Name"'
    )
