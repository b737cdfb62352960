"""The incident store: one private SQLite file of append-only, hash-chained events.

Nothing is edited or deleted in place (triggers refuse it); a correction is a new event. Each event carries the
SHA-256 of the one before it in its incident, so `verify` can tell whether any record was altered. The database
lives in the user's data folder (0700), is created 0600, runs in WAL mode with a busy timeout so two terminals
can write at once, and carries a schema version so later releases can migrate it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import WizardError
from ..files import private_dir, stamp
from ..home import DATABASE as DB_NAME
from ..record.event import Event, _hash, canonical, event_hash

SCHEMA_VERSION = 2

# Migrations from version N-1 to N, applied in order inside one transaction. Never edit a released one.
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE incidents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE events (
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        n INTEGER NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (incident_id, n)
    );
    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER incidents_append_only_update BEFORE UPDATE ON incidents
        BEGIN SELECT RAISE(ABORT, 'incidents are append-only'); END;
    CREATE TRIGGER incidents_append_only_delete BEFORE DELETE ON incidents
        BEGIN SELECT RAISE(ABORT, 'incidents are append-only'); END;
    """,
    # Each incident's line in a listing and its facts for the governors' summary, written in the same transaction
    # as each of its events, so listing 10,000 incidents reads 10,000 short rows instead of replaying 200,000
    # events. Derived, never the record: a row is trusted only while it ends at the incident's last event and is
    # well formed; `log verify` checks every row, and `log verify ID` computes one again from the events. Filled
    # for existing incidents when migrated.
    2: """
    CREATE TABLE summaries (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
        n INTEGER NOT NULL,
        hash TEXT NOT NULL,
        status TEXT NOT NULL,
        last_at TEXT NOT NULL,
        data TEXT NOT NULL
    );
    """,
}

# What a summariser returns for an incident's events: (status, time of the last change, data). See cases.
Summarise = Callable[[list["Event"]], tuple[str, str, dict]]


class Store:
    """An open incident database. Use as a context manager, or call close()."""

    def __init__(
        self,
        folder: Path,
        *,
        create: bool = True,
        readonly: bool = False,
        summarise: Summarise | None = None,
    ):
        """`readonly`: for commands that only read (list, show, verify, export). The file is opened read-only,
        so a copy on a read-only disk, or one the user may only read, can still be listed and verified.

        `summarise`: how an incident's events become its summary row (cases.summary_of), written with each
        change. Without it a change removes the incident's row instead, and readers replay that incident."""
        self.home = Path(folder)
        self.path = self.home / DB_NAME
        self.readonly = readonly
        self.summarise = summarise
        if not self.path.exists():
            if not create or readonly:
                raise WizardError(f"There are no incidents yet (no database in {self.home}).")
            private_dir(self.home)
            _create_private(self.path)
        try:
            self.db = self._connect()
            self.db.execute("PRAGMA busy_timeout = 30000")
            self._check_tables()
            if readonly:
                self._check_version(self.db.execute("PRAGMA user_version").fetchone()[0])
                self.db.execute("SELECT count(*) FROM events").fetchone()  # an empty or foreign file fails here
            else:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = FULL")
                self.db.execute("PRAGMA foreign_keys = ON")
                self._migrate()
                self.db.execute("SELECT count(*) FROM events").fetchone()  # a version with no tables fails here
        except sqlite3.DatabaseError as e:
            raise WizardError(
                f"{self.path} cannot be read as an incident database ({_reason(e)}). "
                "Check the file, or use another folder with --home."
            ) from None

    def _check_tables(self) -> None:
        """A file that says it is a database of some version but has none of its tables was damaged, or made by
        something else: say so, rather than try to write into it (which would read as a full disk)."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version >= 1 and not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'events'").fetchone():
            raise WizardError(
                f"{self.path} cannot be read as an incident database: it says it is one (version {version}) but has "
                "none of its tables, so it is damaged or was made by another program. Nothing was changed. Check "
                "the file (an earlier copy of it?), or use another folder with --home."
            )

    def _connect(self) -> sqlite3.Connection:
        if not self.readonly:
            return sqlite3.connect(self.path, timeout=30, isolation_level=None)
        uri = self.path.resolve().as_uri()
        try:
            db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30, isolation_level=None)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            # A WAL database in a folder we cannot write cannot be opened 'ro' (SQLite needs its -shm file):
            # read it as an unchanging file instead. Nothing is written either way.
            return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=30, isolation_level=None)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so concurrent writers queue instead of failing half-way."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise WizardError(f"The incident database is busy or locked ({_reason(e)}). Try again.") from None
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException as e:
            with contextlib.suppress(sqlite3.Error):  # a full disk may have ended the transaction already
                self.db.execute("ROLLBACK")
            if isinstance(e, sqlite3.Error):
                raise WizardError(
                    f"Nothing was recorded: the incident database could not be written ({_reason(e)}). "
                    "If the disk is full, free some space and try again."
                ) from None
            raise

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise WizardError(
                f"{self.path} was written by a newer esafety-wizard (database version {version}; this one reads "
                f"up to {SCHEMA_VERSION}). Upgrade esafety-wizard; nothing was changed."
            )

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        self._check_version(version)
        if version == SCHEMA_VERSION:
            return
        with self._write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have migrated
            for v in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[v]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {v}")
            if version < 2 and self.summarise is not None:
                self._rebuild(db)

    # --- writing -------------------------------------------------------------------------------------

    def new_incident(self, at: str | None, actor: str, events: list[tuple[str, dict]]) -> int:
        """Create an incident with its first events, all or nothing; returns its id.

        `at` None: the time is taken once the database is locked, so events are never dated out of order."""
        with self._write() as db:
            at = at or stamp()
            cur = db.execute("INSERT INTO incidents (created_at) VALUES (?)", (at,))
            incident_id = cur.lastrowid
            for kind, data in events:
                self._append(db, incident_id, at, actor, kind, data)
            self._summary(db, incident_id)
        return incident_id

    def append(self, incident_id: int, at: str | None, actor: str, kind: str, data: dict) -> Event:
        """Add one event. `at` None: now, taken once the database is locked (see new_incident)."""
        with self._write() as db:
            at = at or stamp()
            self._require(incident_id)
            event = self._append(db, incident_id, at, actor, kind, data)
            self._summary(db, incident_id)
            return event

    def _append(self, db, incident_id: int, at: str, actor: str, kind: str, data: dict) -> Event:
        last = db.execute(
            "SELECT n, hash FROM events WHERE incident_id = ? ORDER BY n DESC LIMIT 1", (incident_id,)
        ).fetchone()
        n, prev = (last[0] + 1, last[1]) if last else (1, "")
        h = event_hash(incident_id, n, at, actor, kind, data, prev)
        db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (incident_id, n, at, actor, kind, canonical(data), prev, h),
        )
        return Event(incident_id, n, at, actor, kind, data, prev, h)

    def rebuild_summaries(self) -> None:
        """Write every incident's summary row again, in one transaction (as a migration does)."""
        with self._write() as db:
            self._rebuild(db)

    def _rebuild(self, db) -> None:
        for incident_id in self.incident_ids():
            self._summary(db, incident_id)

    def _summary(self, db, incident_id: int) -> None:
        """The incident's summary row, from its events as they now stand (inside the writing transaction)."""
        if self.summarise is None:
            db.execute("DELETE FROM summaries WHERE incident_id = ?", (incident_id,))
            return
        events = [_event(r) for r in self._rows(incident_id)]
        if not events:
            return
        try:
            status, last_at, data = self.summarise(events)
        except Exception:  # noqa: BLE001 - a listing's shortcut must never stop an event from being recorded
            db.execute("DELETE FROM summaries WHERE incident_id = ?", (incident_id,))
            return
        db.execute(
            "INSERT OR REPLACE INTO summaries VALUES (?, ?, ?, ?, ?, ?)",
            (incident_id, events[-1].n, events[-1].hash, status, last_at, canonical(data)),
        )

    # --- summaries: listings and the governors' summary ----------------------------------------------

    def has_summaries(self) -> bool:
        return bool(self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'summaries'").fetchone())

    def orphan_summaries(self) -> list[int]:
        """Summary rows of incidents that are not in the file at all, neither the incident nor any of its events:
        a row added by hand (the writer only ever writes one beside an event). Readers never show them; `log
        verify` reports them. (An incident whose events were cut is reported as cut.)"""
        if not self.has_summaries():
            return []
        return [
            r[0]
            for r in self.db.execute(
                "SELECT incident_id FROM summaries WHERE NOT EXISTS "
                "(SELECT 1 FROM events e WHERE e.incident_id = summaries.incident_id) AND NOT EXISTS "
                "(SELECT 1 FROM incidents i WHERE i.id = summaries.incident_id) ORDER BY incident_id"
            )
        ]

    def stale_summaries(self) -> set[int]:
        """Incidents whose summary row is missing or does not end at their last event (written by a writer without
        a summariser, which removes the row, or by hand): readers replay these instead. Read from the events'
        primary key alone, so it costs one pass over the index, not over the events."""
        if not self.has_summaries():
            return set(self.incident_ids())
        fresh = {
            r[0]
            for r in self.db.execute(
                "SELECT s.incident_id FROM summaries s JOIN "
                "(SELECT incident_id, max(n) AS last FROM events GROUP BY incident_id) e "
                "ON e.incident_id = s.incident_id WHERE e.last = s.n"
            )
        }
        return set(self.incident_ids()) - fresh

    def summary_keys(self) -> Iterator[tuple[int, str, str]]:
        """(incident, status, time of its last change) of every summary row, streamed: enough to choose rows."""
        if self.has_summaries():
            yield from self.db.execute("SELECT incident_id, status, last_at FROM summaries ORDER BY incident_id")

    def summary_data(self, ids: list[int] | None = None) -> Iterator[tuple[int, dict]]:
        """(incident, data) of the summary rows of these incidents (all, if None), streamed in incident order."""
        if not self.has_summaries():
            return
        if ids is None or len(ids) > 100:  # many: one pass over the table beats a lookup each
            wanted = None if ids is None else set(ids)
            cursor = (
                r
                for r in self.db.execute("SELECT incident_id, data FROM summaries ORDER BY incident_id")
                if wanted is None or r[0] in wanted
            )
        else:
            cursor = (
                r
                for i in sorted(ids)
                for r in self.db.execute("SELECT incident_id, data FROM summaries WHERE incident_id = ?", (i,))
            )
        for incident_id, text in cursor:
            try:
                data = json.loads(text)
            except (TypeError, ValueError):
                data = None
            yield incident_id, data if isinstance(data, dict) else {}

    def stored_summary(self, incident_id: int) -> tuple[int, str, str, str, str] | None:
        """An incident's summary row as stored: (n, hash, status, last_at, data text), for verify to compare."""
        if not self.has_summaries():
            return None
        return self.db.execute(
            "SELECT n, hash, status, last_at, data FROM summaries WHERE incident_id = ?", (incident_id,)
        ).fetchone()

    # --- reading -------------------------------------------------------------------------------------

    def _require(self, incident_id: int) -> None:
        if not self.db.execute("SELECT 1 FROM incidents WHERE id = ?", (incident_id,)).fetchone():
            raise WizardError(f"There is no incident {incident_id}. See the list with: esafety log list")

    def mark(self) -> tuple[int, int, int]:
        """What every write changes (the last event's and the last incident's row numbers, and the number of
        summary rows): a reader that kept what it read with this mark can use it again while the mark is the same.
        Reads two index ends and a count: no scan of the events."""
        events = self.db.execute("SELECT max(rowid) FROM events").fetchone()[0] or 0
        made = self.db.execute("SELECT max(id) FROM incidents").fetchone()[0] or 0
        rows = self.db.execute("SELECT count(*) FROM summaries").fetchone()[0] if self.has_summaries() else 0
        return events, made, rows

    def incident_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM incidents ORDER BY id")]

    def events(self, incident_id: int) -> list[Event]:
        self._require(incident_id)
        return [_event(r) for r in self._rows(incident_id)]

    def _rows(self, incident_id: int) -> list[tuple]:
        """One incident's stored events, in order (every incident's, one at a time: see each_checked)."""
        return self.db.execute(
            "SELECT incident_id, n, at, actor, kind, data, prev, hash FROM events WHERE incident_id = ? ORDER BY n",
            (incident_id,),
        ).fetchall()

    def each_checked(self) -> Iterator[tuple[int, list[Event], list[str]]]:
        """Each incident's events and what is wrong with its chain, one incident at a time from one pass over the
        file (for verify: memory holds one incident, whatever the size of the store). An incident with no events
        comes with none; events whose incident row is gone come under their own number."""
        cursor = self.db.execute(
            "SELECT incident_id, n, at, actor, kind, data, prev, hash FROM events ORDER BY incident_id, n"
        )
        groups = ((i, list(rows)) for i, rows in itertools.groupby(cursor, key=lambda r: r[0]))
        group = next(groups, None)
        for i in [*self.incident_ids(), None]:  # None: the events left after the last incident
            while group is not None and (i is None or group[0] < i):  # events of an incident whose row is gone
                yield group[0], [_event(r) for r in group[1]], _chain_problems(group[0], group[1])
                group = next(groups, None)
            if i is None:
                return
            rows = group[1] if group is not None and group[0] == i else []
            if rows:
                group = next(groups, None)
            yield i, [_event(r) for r in rows], _chain_problems(i, rows)

    def checked(self, incident_id: int) -> tuple[list[Event], list[str]]:
        """One incident's events and what is wrong with its chain, from one read of its rows."""
        self._require(incident_id)
        rows = self._rows(incident_id)
        return [_event(r) for r in rows], _chain_problems(incident_id, rows)

    def verify(self, incident_id: int) -> list[str]:
        """What is wrong with an incident's chain of events, as far as the file itself can tell; [] if nothing.

        It finds an event edited in place, a gap in the numbering, an event that does not follow the one before
        it, and an event dated before the one it follows. It cannot find events cut from the end, or a chain
        recomputed by whoever can write the file: for those, compare with an earlier copy (verify --against)."""
        return _chain_problems(incident_id, self._rows(incident_id))

    def missing_incidents(self) -> list[int]:
        """Incident numbers that were given out but are no longer in the file (deleted whole)."""
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'incidents'").fetchone()
        have = set(self.incident_ids())
        last = max([row[0] if row else 0, *have], default=0)
        return [i for i in range(1, last + 1) if i not in have]


_raw_decode = json.JSONDecoder().raw_decode


def _event(r: tuple) -> Event:
    text = r[5]
    try:
        # Stored text is canonical JSON with no surrounding space: decode it directly, and refuse anything after it.
        data, end = _raw_decode(text)
        if end != len(text):
            data = None
    except (TypeError, ValueError):
        data = None
    if not isinstance(data, dict):  # verify reports it; the record shows what can still be read
        data = {"unreadable": str(r[5])}
    return Event(r[0], r[1], str(r[2]), str(r[3]), str(r[4]), data, str(r[6]), str(r[7]))


def _chain_problems(incident_id: int, rows: list[tuple]) -> list[str]:
    if not rows:
        return [f"incident {incident_id} has no events: its record was cut"]
    problems = []
    prev, prev_at, expected = "", None, 1
    for r in rows:
        n = r[1]
        if n != expected:
            gap = f"event {expected} is" if n == expected + 1 else f"events {expected} to {n - 1} are"
            problems.append(f"{gap} missing")
        expected = n + 1
        if r[6] != prev:
            problems.append(f"event {n} does not follow the event before it")
        # The stored text is hashed as it is; only a record written before it was stored canonically (or one
        # that was altered) needs decoding and encoding again.
        if not isinstance(r[5], str) or _hash(r[0], n, r[2], r[3], r[4], r[5], r[6]) != r[7]:
            try:
                data = json.loads(r[5], object_pairs_hook=_no_duplicates)
            except _Duplicate:
                # Two values for one key: a reader shows one, the hash of the re-encoded data covers the other.
                problems.append(f"event {n} was altered after it was written (a key is stored twice)")
                prev = r[7]
                continue
            except (TypeError, ValueError, RecursionError):
                problems.append(f"event {n} cannot be read")
                prev = r[7]
                continue
            if event_hash(r[0], n, r[2], r[3], r[4], data, r[6]) != r[7]:
                problems.append(f"event {n} was altered after it was written")
        at = parse_time(r[2])
        if at is None:
            problems.append(f"event {n} has no readable date")
        elif prev_at is not None and at < prev_at:
            problems.append(f"event {n} is dated before the event it follows")
        prev, prev_at = r[7], at or prev_at
    return problems


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate
    return out


def parse_time(value: object):
    from datetime import datetime

    try:
        t = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return t if t.tzinfo else None  # every event is written with its offset


def _create_private(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as e:
        raise WizardError(f"Cannot create the incident database in {path.parent}: {e.strerror}.") from None


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers contain semicolons, so split on complete statements)."""
    out, buf = [], ""
    for line in script.strip().splitlines():
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return out


def _reason(e: Exception) -> str:
    return str(e).split("\n")[0]
