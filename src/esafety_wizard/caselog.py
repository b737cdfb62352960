"""The `esafety log` commands and `guide --save`: the terminal layer over the store and the case file.

Every change is one appended event. Messages never repeat notes, answers or file names of the incident
except where the user asked to see them (show, export).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import casefile, engine, evidence, record, render, transcript
from .errors import WizardError
from .files import data_home, private_dir, write_private
from .model import Flowchart
from .store import Store

CONFIG = "config.json"


def actor(home: Path | None, as_: str | None, ask=None) -> str:
    """Who is acting: --as, else the name set once with `esafety log name`, else asked (when `ask` is given)."""
    if as_ and as_.strip():
        return as_.strip()
    cfg = data_home(home) / CONFIG
    try:
        name = json.loads(cfg.read_text(encoding="utf-8")).get("name")
        if name:
            return str(name)
    except (OSError, ValueError, AttributeError):
        pass
    if ask is not None:
        name = ask()
        if name:
            set_name(home, name)
            return name
    raise WizardError(
        'Say who is recording this: add --as "Your Name", or set it once with: esafety log name "Your Name"'
    )


def set_name(home: Path | None, name: str) -> Path:
    name = name.strip()
    if not name:
        raise WizardError('Give a name, for example: esafety log name "Jo Bloggs"')
    h = private_dir(data_home(home))
    return write_private(h / CONFIG, json.dumps({"name": name}) + "\n", overwrite=True)


def answered_data(fc: Flowchart, answers: dict[str, str], old_steps: list[dict] | None = None) -> dict:
    """The 'answered' event: the answers so far, and the checklist and contacts they lead to."""
    w = engine.walk(fc, answers)
    out = engine.outcome_of(fc, w, answers)
    steps = [transcript.step_dict(fc, r) for r in out.steps]
    data = {
        "flowchart": {"title": fc.title, "path": fc.origin, "sha256": fc.sha256},
        "answers": [
            {"id": a.id, "question": a.question.text, "answer": a.value, "label": a.choice.label} for a in out.answered
        ],
        "complete": w.finished,
        "steps": steps,
        "contacts": [transcript.contact_dict(c) for c in out.contacts],
    }
    if old_steps is not None:
        data["changes"] = casefile.changes(old_steps, steps)
    return data


def create(home: Path | None, fc: Flowchart, answers: dict[str, str], who: str) -> int:
    at = _now()
    with Store(home) as st:
        return st.new_incident(
            at,
            who,
            [
                ("opened", {"flowchart": {"title": fc.title, "path": fc.origin, "sha256": fc.sha256}}),
                ("answered", answered_data(fc, answers)),
            ],
        )


def record_answers(
    home: Path | None, incident_id: int, fc: Flowchart, answers: dict[str, str], old_steps: list[dict], who: str
) -> None:
    _append(home, incident_id, who, "answered", answered_data(fc, answers, old_steps))


def load(home: Path | None, incident_id: int) -> tuple[casefile.Incident, list[str]]:
    with Store(home, create=False) as st:
        events = st.events(incident_id)
        problems = st.verify(incident_id)
    return casefile.replay(events), problems


def _now() -> str:
    return transcript.now().isoformat(timespec="seconds")


def require_open(inc: casefile.Incident) -> casefile.Incident:
    """The incident, which must be open to take a change."""
    if inc.closed:
        raise WizardError(f"Incident {inc.id} is closed. Reopen it first: esafety log reopen {inc.id}")
    return inc


def _open_incident(st: Store, incident_id: int) -> casefile.Incident:
    return require_open(casefile.replay(st.events(incident_id)))


def _append(home: Path | None, incident_id: int, who: str, kind: str, data: dict) -> None:
    with Store(home, create=False) as st:
        _open_incident(st, incident_id)
        st.append(incident_id, _now(), who, kind, data)


# --- commands -------------------------------------------------------------------------------------------


def list_incidents(home: Path | None, which: str | None, as_json: bool, out) -> None:
    from .store import DB_NAME

    if not (data_home(home) / DB_NAME).exists():
        if as_json:
            print("[]")
        else:
            out.print("No incidents recorded yet. Start one with: esafety guide --save")
        return
    with Store(home, create=False) as st:
        incidents = [casefile.replay(st.events(i)) for i in st.incident_ids()]
    if which:
        incidents = [i for i in incidents if i.status == which]
    if as_json:
        print(json.dumps([_summary(i) for i in incidents], indent=2, ensure_ascii=False))
        return
    render.incident_list(out, [_summary(i) for i in incidents])


def _summary(inc: casefile.Incident) -> dict:
    return {
        "id": inc.id,
        "status": inc.status,
        "created_at": inc.created_at,
        "created_by": inc.created_by,
        "instigator": next((a["label"] for a in inc.answers if a["id"] == "instigator"), None),
        "steps_done": sum(1 for it in inc.checklist if it.done),
        "steps": len(inc.checklist),
        "waiting_for": [a["id"] for a in inc.waiting_for] + ([] if inc.complete else ["(guide not finished)"]),
        "last_change": inc.events[-1].at,
    }


def show(home: Path | None, incident_id: int, as_json: bool, out) -> None:
    inc, problems = load(home, incident_id)
    if as_json:
        sys.stdout.write(record.to_json(inc, problems, _now()))
        return
    render.incident(out, inc, problems)


def done(home, incident_id: int, step: str, note: str | None, who: str, err) -> None:
    with Store(home, create=False) as st:
        inc = _open_incident(st, incident_id)
        it = inc.item(step)
        if it is None:
            raise WizardError(
                f"Incident {incident_id} has no step '{step}'. Steps are numbered 1 to "
                f"{len(inc.checklist)}; see them with: esafety log show {incident_id}"
            )
        data = {"step": it.id}
        if note:
            data["note"] = note
        st.append(incident_id, _now(), who, "step_done", data)
    err.print(f"Step {it.number} of incident {incident_id} marked done.")


def undone(home, incident_id: int, step: str, note: str | None, who: str, err) -> None:
    """A correction: the step was marked done by mistake. The earlier mark stays in the history."""
    with Store(home, create=False) as st:
        inc = _open_incident(st, incident_id)
        it = inc.item(step)
        if it is None or it.done is None:
            raise WizardError(
                f"Incident {incident_id} has no step '{step}' marked done. See: esafety log show {incident_id}"
            )
        st.append(incident_id, _now(), who, "step_undone", {"step": it.id, **({"note": note} if note else {})})
    err.print(f"Step {it.number} of incident {incident_id} is marked not done again (the history keeps both).")


def note(home, incident_id: int, text: str, who: str, err) -> None:
    if not text.strip():
        raise WizardError("The note is empty. Nothing was recorded.")
    _append(home, incident_id, who, "note", {"text": text})
    err.print(f"Note added to incident {incident_id}.")


def add_evidence(home, incident_id: int, files: list[Path], note_text: str | None, who: str, err) -> None:
    prints = [evidence.fingerprint(f) for f in files]  # all files checked before anything is written
    with Store(home, create=False) as st:
        _open_incident(st, incident_id)
        for p in prints:
            st.append(incident_id, _now(), who, "evidence", {**p, **({"note": note_text} if note_text else {})})
    err.print(
        f"{len(prints)} evidence file{'s' if len(prints) != 1 else ''} registered with incident "
        f"{incident_id} (fingerprinted, not copied)."
    )


def verify(home, incident_id: int | None, out) -> int:
    with Store(home, create=False) as st:
        ids = [incident_id] if incident_id is not None else st.incident_ids()
        bad = 0
        for i in ids:
            problems = st.verify(i)
            inc = casefile.replay(st.events(i))
            changed = [(e, evidence.recheck(e)) for e in inc.evidence]
            files_bad = [(e, s) for e, s in changed if s != "unchanged"]
            if problems:
                bad += 1
                out.print(f"Incident {i}: ALTERED: " + "; ".join(problems))
            else:
                out.print(f"Incident {i}: record intact ({len(inc.events)} events).")
            if incident_id is not None or files_bad:
                for e, s in changed:
                    if s != "unchanged" or incident_id is not None:
                        out.print(f"  evidence {s}: {e['path']}")
            bad += bool(files_bad)
    return 1 if bad else 0


def close(home, incident_id: int, reason: str | None, who: str, err) -> None:
    _append(home, incident_id, who, "closed", {"reason": reason} if reason else {})
    err.print(f"Incident {incident_id} closed.")


def reopen(home, incident_id: int, reason: str | None, who: str, err) -> None:
    with Store(home, create=False) as st:
        inc = casefile.replay(st.events(incident_id))
        if not inc.closed:
            raise WizardError(f"Incident {incident_id} is already open.")
        st.append(incident_id, _now(), who, "reopened", {"reason": reason} if reason else {})
    err.print(f"Incident {incident_id} reopened.")


def export(home, incident_id: int, fmt: str, output: Path | None, force: bool, err) -> None:
    inc, problems = load(home, incident_id)
    text = record.render(fmt, inc, problems, _now())
    if output is None:
        sys.stdout.write(text)
        return
    write_private(output, text, overwrite=force)
    err.print(f"Incident {incident_id} exported to {output} (readable only by you).")
