"""The incidents of a case file read from its store: opened once per command, each incident replayed once, with
the summary row written beside each change (what listings read instead of replaying)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import WizardError
from ..home import Home
from ..record.event import Event, malformed
from .store import Store

if TYPE_CHECKING:  # a listing reads summary rows: the replay and its serialisation load only when one is made
    from ..record.incident import Incident, Replays


def has_incidents(home: Home) -> bool:
    return home.database.exists()


def load(st: Store, incident_id: int) -> tuple[Incident, list[str]]:
    """An incident and what is wrong with its record (nothing, if it was not altered), from one read."""
    events, chain = st.checked(incident_id)
    return _replay(st, incident_id, events), chain + malformed(events)


def with_school_now(inc: Incident, home: Home) -> Incident:
    """The incident with the school's contacts as they are set today beside its own (for show and export)."""
    from . import school

    return inc._replace(school_now=school.beside(inc.contacts, home))


def get(st: Store, incident_id: int) -> Incident:
    return _replay(st, incident_id, st.events(incident_id))


def _replay(st: Store, incident_id: int, events: list[Event]) -> Incident:
    if not events:
        raise WizardError(
            f"Incident {incident_id} has no events: its record was cut. Check the file with: esafety log verify"
        )
    return _replays(st).replay(events)


def _replays(st: Store) -> Replays:
    """The replays of this command's store: its summariser's, so that the incident a change was checked against
    is carried on by the change's own event for its summary row, not replayed again."""
    from ..record.incident import Replays

    return st.summarise.replays if isinstance(st.summarise, Summariser) else Replays()


def get_open(st: Store, incident_id: int) -> Incident:
    """The incident, which must be open to take a change."""
    inc = get(st, incident_id)
    if inc.closed:
        raise WizardError(f"Incident {inc.id} is closed. Reopen it first: esafety log reopen {inc.id}")
    return inc


def summary_of(events: list[Event]) -> tuple[str, str, dict]:
    """An incident's summary row (store.Summarise): its status, the time of its last change, and its listing
    line and facts for the governors' summary."""
    from ..record.incident import replay

    return _summary_row(replay(events))


def _summary_row(inc: Incident) -> tuple[str, str, dict]:
    from ..record import serialize
    from ..record.incident import facts

    return inc.status, inc.events[-1].at, {"v": SUMMARY_VERSION, "row": serialize.summary(inc), "facts": facts(inc)}


class Summariser:
    """The summariser of one command's store (store.Summarise), holding that command's replays (made on the first
    replay: a command that only reads summary rows never loads the replay)."""

    def __init__(self) -> None:
        self._replays: Replays | None = None

    @property
    def replays(self) -> Replays:
        if self._replays is None:
            from ..record.incident import Replays

            self._replays = Replays()
        return self._replays

    def __call__(self, events: list[Event]) -> tuple[str, str, dict]:
        return _summary_row(self.replays.replay(events))


SUMMARY_VERSION = 2  # raise when summary_of changes: rows of another version are replayed, not trusted


def open_store(home: Home, *, create: bool = True, readonly: bool = False) -> Store:
    """The one store of a command, writing each incident's summary row with each change."""
    return Store(home.folder, create=create, readonly=readonly, summarise=Summariser())
