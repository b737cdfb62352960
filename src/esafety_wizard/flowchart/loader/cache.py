"""A cache of checked flowcharts, keyed by the file's SHA-256, so everyday commands skip parsing YAML.

Only a file that passed every check is cached, as JSON (never pickle: nothing here is executed), in the user's
cache folder (platformdirs; under ESAFETY_HOME when that is set). Any problem reading or writing the cache is
ignored: the cache can only make a command faster, never change what it does.
"""

from __future__ import annotations

import json
from pathlib import Path

from ... import __version__
from ...errors import Problem
from ...home import Home
from ..model import Choice, Contact, Flowchart, Hold, Letter, LetterPart, Notice, Question, ReaderPart, Section, Step

# Part of every key: a new version of the tool, or a change to any model class, never reads an old entry.
_FORMAT = (
    "1:"
    + __version__
    + ":"
    + ";".join(
        ",".join(cls._fields)
        for cls in (
            Choice,
            Hold,
            Question,
            Section,
            Step,
            Contact,
            Notice,
            Flowchart,
            Problem,
            ReaderPart,
            Letter,
            LetterPart,
        )
    )
)


def _path(sha256: str, home: Home) -> Path:
    return home.cache / f"flowchart-{sha256}.json"


def get(sha256: str, home: Home) -> Flowchart | None:
    from ...errors import WizardError
    from ...files import read_json

    try:
        data = read_json(_path(sha256, home), "cache")  # a regular file, bounded: a fifo planted here never waits
        if data.get("format") != _FORMAT:
            return None
        return _decode(data["flowchart"])
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, WizardError):
        return None


def put(sha256: str, fc: Flowchart, home: Home) -> None:
    from ...errors import WizardError
    from ...files import private_dir, write_private

    try:
        private_dir(home.cache)
        text = json.dumps({"format": _FORMAT, "flowchart": _encode(fc)}, ensure_ascii=False)
        write_private(_path(sha256, home), text, overwrite=True)
    except (WizardError, OSError):
        pass


def _encode(fc: Flowchart) -> dict:
    return {
        "title": fc.title,
        "start": fc.start,
        "credit": fc.credit,
        "urgent": list(fc.urgent) if fc.urgent else None,
        "who_question": fc.who_question,
        "not_known_yet": list(fc.not_known_yet),
        "incident_log": fc.incident_log,
        "about": [list(kv) for kv in fc.about],
        "sha256": fc.sha256,
        "questions": [
            list(q._replace(choices=[list(c) for c in q.choices], by_value=None)) for q in fc.questions.values()
        ],
        "sections": [list(s) for s in fc.sections.values()],
        "steps": [list(s) for s in fc.steps.values()],
        "contacts": [list(c) for c in fc.contacts.values()],
        "warnings": [list(w) for w in fc.warnings],
        "reader": list(fc.reader._replace(choices=[list(c) for c in fc.reader.choices], by_value=None))
        if fc.reader
        else None,
        "readers": [
            [
                p.value,
                p.asks,
                list(p.only),
                list(p.leave_out),
                [list(a) for a in p.answers],
                p.is_contact,
                [[q, list(vs)] for q, vs in p.offers],
                [list(b) for b in p.becomes],
                list(p.due),
                list(p.conditional),
                p.label,
            ]
            for p in fc.readers
        ],
        "letters": [list(x._replace(parts=[list(p) for p in x.parts])) for x in fc.letters.values()],
        "chair_signs": list(fc.chair_signs),
    }


def _letter(row: list) -> Letter:
    x = Letter(*row)
    parts = tuple(LetterPart(*p)._replace(points=tuple(p[1])) for p in x.parts)
    return x._replace(steps=tuple(x.steps), parts=parts, waits_for=tuple(x.waits_for))


def _choice(row: list) -> Choice:
    value, label, nxt, due, conditional, added, decision, holds, hold, replaces = row
    return Choice(
        value,
        label,
        nxt,
        tuple(due),
        tuple(conditional),
        added,
        decision,
        tuple(holds),
        Hold(*hold) if hold else None,
        tuple(replaces),
    )


def _question(row: list) -> Question:
    q = Question(*row)
    choices = tuple(_choice(c) for c in q.choices)
    q = q._replace(choices=choices)
    return q._replace(by_value=q.lookup())


def _step(row: list) -> Step:
    s = Step(*row)
    return s._replace(details=tuple(s.details), contacts=tuple(s.contacts), covered_by=tuple(s.covered_by))


def _decode(d: dict) -> Flowchart:
    questions = [_question(row) for row in d["questions"]]
    return Flowchart(
        title=d["title"],
        start=d["start"],
        credit=d["credit"],
        urgent=Notice(*d["urgent"]) if d["urgent"] else None,
        who_question=d["who_question"],
        not_known_yet=tuple(d["not_known_yet"]),
        incident_log=d["incident_log"],
        about=tuple(tuple(kv) for kv in d["about"]),
        sha256=d["sha256"],
        questions={q.id: q for q in questions},
        sections={s[0]: Section(*s) for s in d["sections"]},
        steps={s[0]: _step(s) for s in d["steps"]},
        contacts={c[0]: Contact(*c) for c in d["contacts"]},
        warnings=tuple(Problem(*w) for w in d["warnings"]),
        reader=_question(d["reader"]) if d["reader"] else None,
        readers=tuple(
            ReaderPart(
                v,
                tuple(asks) if asks is not None else None,
                tuple(only),
                tuple(out),
                tuple(map(tuple, ans)),
                me,
                tuple((q, tuple(vs)) for q, vs in offers),
                tuple(map(tuple, becomes)),
                tuple(due),
                tuple(conditional),
                label,
            )
            for v, asks, only, out, ans, me, offers, becomes, due, conditional, label in d["readers"]
        ),
        letters={x.id: x for x in map(_letter, d["letters"])},
        chair_signs=tuple(d["chair_signs"]),
    )
