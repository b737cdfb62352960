"""The procedure in use: the file given (or the built-in one), or the one of a pack of procedures, checked in full,
with the school's own contacts laid over its own. Every face loads it here."""

from __future__ import annotations

from pathlib import Path

from ..errors import WizardError
from ..home import Home


def procedure(
    flowchart: Path | None, home: Home, name: str | None = None, choose=None, *, school_contacts: bool = True
):
    """The procedure in use (checked in full), with the school's own contacts laid over its own (not with
    `school_contacts=False`: for a command that reads only its letters, and has read the school's contacts).

    With a pack (a folder of procedures): the one named, the only one, or the one `choose(pack)` picks (the
    guide asks); else an error listing them."""
    from ..flowchart import loader
    from . import school

    folder = loader.pack_folder(flowchart)
    if folder is None:
        if name is not None:
            raise WizardError("--procedure is for a pack of procedures: the procedure in use is a single file.")
        fc = loader.load(flowchart, home)
        return school.apply(fc, home) if school_contacts else fc
    pack = loader.load_pack(folder, home)
    if name is None and len(pack.procedures) == 1:
        name = next(iter(pack.procedures))
    if name is None and choose is not None:
        name = choose(pack)
    if name not in pack.procedures:
        names = ", ".join(pack.procedures)
        from ..escape import one_line

        shown = one_line(name)[:40] + ("…" if name and len(name) > 40 else "") if name else ""
        said = f"'{shown}' is not one of them" if name else "say which applies"
        count = len(pack.procedures)
        raise WizardError(f"{pack.title} has {count} procedures ({names}): {said}, with --procedure NAME.")
    return school.apply(pack.procedures[name], home) if school_contacts else pack.procedures[name]
