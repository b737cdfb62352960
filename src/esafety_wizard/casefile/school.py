"""The school's own contacts, set once, laid over the procedure's: its DSL, its Chair of Governors, its HR
provider, its police team, without editing the authority's procedure file.

Kept in `school-contacts.json` in the user's data folder (0600). Each entry is keyed by the procedure's contact
id and says when it was set, so a contact not checked for more than a year can be flagged.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import NamedTuple

from ..errors import WizardError
from ..files import private_dir, read_json, write_private
from ..flowchart.model import Contact, Flowchart, Local
from ..home import Home

FIELDS = ("name", "phone", "email")


def read(home: Home) -> dict[str, dict]:
    """The school's contacts by id; {} if none were set. A file that cannot be read is an error, not ignored."""
    p = home.school_contacts
    try:
        data = read_json(p, "settings")
    except FileNotFoundError:
        return {}
    except WizardError as e:
        raise WizardError(f"{e} Fix or delete it, then set your contacts again.") from None
    contacts = data.get("contacts") if isinstance(data, dict) else None
    return {str(k): v for k, v in contacts.items() if isinstance(v, dict)} if isinstance(contacts, dict) else {}


def _local(d: dict) -> Local:
    return Local(
        *(d.get(k) if isinstance(d.get(k), str) and d.get(k) else None for k in FIELDS), str(d.get("checked", ""))
    )


def apply(fc: Flowchart, home: Home) -> Flowchart:
    """The procedure with each contact the school set carrying the school's details beside its own."""
    mine = read(home)
    if not mine:
        return fc
    contacts = dict(fc.contacts)
    for cid, d in mine.items():
        if cid in contacts:
            contacts[cid] = contacts[cid]._replace(local=_local(d))
    return fc._replace(contacts=contacts)


class Now(NamedTuple):
    """One of an incident's contacts as the school has it set today, beside what the incident recorded."""

    id: str
    name: str  # the procedure's name for the contact
    now: Local | None  # the school's details today, with the date they were set; None: none set now
    was: Local | None  # the school's details when the incident last recorded its contacts; None: none then

    @property
    def changed(self) -> bool:
        return (self.now[:3] if self.now else None) != (self.was[:3] if self.was else None)


def beside(contacts: tuple[Contact, ...], home: Home) -> tuple[Now, ...]:
    """The school's contacts today for the contacts an incident recorded: those the school has set now, and those
    it had set then (an incident saved before `contacts set` still shows the school's DSL and Chair today)."""
    mine = read(home)
    return tuple(
        Now(c.id, c.name, _local(mine[c.id]) if c.id in mine else None, c.local)
        for c in contacts
        if c.id in mine or c.local
    )


def contact_id(fc: Flowchart, ref: str) -> str:
    """The procedure's contact that `ref` names: its id, or, in any case, its route, its name, or a short name in
    capitals within its name (dsl, lado, slt), when only one contact answers to it.

    Raises:
        WizardError: none does (with a did-you-mean), or several do.
    """
    if ref in fc.contacts:
        return ref
    want = " ".join(ref.lower().replace("_", " ").split())
    found = [
        c.id
        for c in fc.contacts.values()
        if want
        and (
            want in (c.id.replace("_", " "), (c.route or "").lower(), c.name.lower())
            or want in {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", c.name)}
        )
    ]
    if len(found) == 1:
        return found[0]
    from difflib import get_close_matches

    from ..escape import one_line

    shown = one_line(ref)[:40]
    if found:
        raise WizardError(f"'{shown}' could be any of {', '.join(found)}: give one of these ids.")
    # A typo of an id, of a route or of an initialism in a name ('dls' for the DSL) is pointed at its id.
    names = {cid: cid for cid in fc.contacts}
    for c in fc.contacts.values():
        names.setdefault((c.route or "").lower(), c.id)
        for w in re.findall(r"\b[A-Z]{2,}\b", c.name):
            names.setdefault(w.lower(), c.id)
    near = get_close_matches(ref.lower(), [n for n in names if n], n=1, cutoff=0.6)
    hint = f" Did you mean '{names[near[0]]}'?" if near else ""
    raise WizardError(
        f"The procedure has no contact '{shown}'.{hint} Its contacts: {', '.join(fc.contacts)} (see esafety contacts)."
    )


def set_contact(fc: Flowchart, cid: str, fields: dict[str, str | None], home: Home) -> Path:
    """Set (or, with '', clear) the school's details for one of the procedure's contacts; stamped with today.
    `cid` may be the contact's id or a name that only it answers to (see contact_id)."""
    cid = contact_id(fc, cid)
    given = {k: v.strip() for k, v in fields.items() if v is not None}
    if not given:
        raise WizardError("Give at least one of --name, --phone, --email.")
    mine = read(home)
    entry = {**mine.get(cid, {}), **given, "checked": date.today().isoformat()}
    mine[cid] = {k: v for k, v in entry.items() if v}
    if not any(mine[cid].get(k) for k in FIELDS):  # every detail cleared: nothing of the school's is left
        del mine[cid]
    private_dir(home.folder)
    return write_private(
        home.school_contacts, json.dumps({"contacts": mine}, indent=2, ensure_ascii=False) + "\n", overwrite=True
    )


# --- the school's own details, for letters ----------------------------------------------------------------

DETAIL_FIELDS = ("name", "address", "head", "chair")


class Details(NamedTuple):
    """The school's name, address and head teacher, set once (`esafety school set`), for letterheads and
    signatures; and the date they were last set."""

    name: str | None = None
    address: str | None = None
    head: str | None = None
    chair: str | None = None  # the Chair of Governors, who signs when the head teacher is involved
    set_on: str = ""


def details(home: Home) -> Details:
    """The school's details; all None if never set. A file that cannot be read is an error, not ignored."""
    p = home.school_details
    try:
        data = read_json(p, "settings")
    except FileNotFoundError:
        return Details()
    except WizardError as e:
        raise WizardError(f"{e} Fix or delete it, then set your school's details again: esafety school set") from None
    data = data if isinstance(data, dict) else {}
    got = {k: data.get(k) if isinstance(data.get(k), str) and data.get(k) else None for k in DETAIL_FIELDS}
    return Details(**got, set_on=str(data.get("set_on", "")))


def set_details(fields: dict[str, str | None], home: Home) -> tuple[Details, Path]:
    """Set (or, with '', clear) the school's name, address and head teacher; stamped with today."""
    given = {k: " ".join(v.split()) for k, v in fields.items() if v is not None}
    if not given:
        raise WizardError(
            'Give at least one of --name, --address, --head, --chair, as in: esafety school set --name "..."'
        )
    now = details(home)._asdict()
    now.update(given)
    now["set_on"] = date.today().isoformat()
    kept = {k: v for k, v in now.items() if v}
    private_dir(home.folder)
    where = write_private(home.school_details, json.dumps(kept, indent=2, ensure_ascii=False) + "\n", overwrite=True)
    return details(home), where
