"""Operations on the incident case file: each takes one open Store, returns what it did, raises WizardError.

Nothing here prints or prompts: the CLI opens the store once per command, calls one operation and prints its
result (as sqlite-utils' `db.py` serves its CLI). Every change is one appended event.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import WizardError
from ..escape import one_line
from ..flowchart import engine
from ..flowchart.model import Flowchart, Letter
from ..record import event as kinds
from ..record import serialize, wording
from ..record.event import Event
from ..record.incident import Evidence, Incident, Item
from . import evidence
from .incidents import get, get_open
from .store import Store


def answered_data(
    fc: Flowchart,
    answers: dict[str, str],
    old: tuple[Item, ...] | None = None,
    reasons: dict[str, str] | None = None,
    before: tuple | None = None,
) -> dict:
    """The 'answered' event: the answers so far, and the checklist and contacts they lead to. With `old` (the
    checklist before) and `before` (the answers before), it also records what changed, so the history can say
    which answer changed rather than how many there are."""
    from ..record.incident import changes

    w = engine.walk(fc, answers)
    out = engine.outcome_of(fc, w, answers, reasons)
    steps = serialize.outcome_steps(fc, out)
    data = {
        "flowchart": serialize.flowchart_ref(fc),
        # Every reason given is kept with its answer, a decision's or not: nothing said is dropped.
        "answers": [
            {**serialize.answer(a), **({"reason": reasons[a.id]} if reasons and reasons.get(a.id) else {})}
            for a in out.answered
        ],
        "decisions": [serialize.decision(d) for d in out.decisions],
        "complete": w.finished,
        "who_question": fc.who_question,
        "not_known_yet": list(fc.not_known_yet),
        "steps": steps,
        "contacts": [serialize.contact(c) for c in out.contacts],
    }
    if old is not None:
        data["changes"] = changes(old, steps)
    if before is not None:
        was = {a.id: a for a in before}
        data.setdefault("changes", {})["answers"] = [
            {"id": a.id, "question": a.text, "from": was[a.id].label if a.id in was else None, "to": a.label}
            for a in out.answered
            if a.id not in was or was[a.id].value != a.value
        ]
    return data


def create(st: Store, fc: Flowchart, answers: dict[str, str], who: str, reasons: dict[str, str] | None = None) -> int:
    """A new incident from a guide's answers (finished or not) and the reasons for its decisions; returns its id."""
    return st.new_incident(
        None,
        who,
        [
            (kinds.OPENED, {"flowchart": serialize.flowchart_ref(fc)}),
            ("answered", answered_data(fc, answers, reasons=reasons)),
        ],
    )


def record_answers(
    st: Store, incident_id: int, fc: Flowchart, answers: dict[str, str], who: str, reasons: dict[str, str] | None = None
) -> Incident:
    """New answers for an incident: the checklist is recomputed and the change recorded; returns the incident.

    Reasons given before for answers that still hold are kept."""
    inc = get_open(st, incident_id)
    kept = {a.id: a.reason for a in inc.answers if a.reason and answers.get(a.id) == a.value}
    kept |= {d.id: d.reason for d in inc.decisions if d.reason and answers.get(d.id) == d.value}
    data = answered_data(fc, answers, inc.checklist, {**kept, **(reasons or {})}, inc.answers)
    st.append(incident_id, None, who, kinds.ANSWERED, data)
    return get(st, incident_id)


def _step(inc: Incident, ref: str) -> Item:
    """A step of the checklist by number, id or the start of its words; else an error with 'did you mean'."""
    it = inc.item(ref)
    if it is not None:
        return it
    near = inc.near(ref)
    hint = " Did you mean " + " or ".join(f"{i.number} ('{i.step.text}')" for i in near) + "?" if near else ""
    raise WizardError(
        f"Incident {inc.id} has no step '{one_line(ref)[:60]}'.{hint} Give a step's number, as in: "
        f"esafety log show {inc.id}"
    )


def done(st: Store, incident_id: int, steps: str | list[str], note: str | None, who: str) -> list[Item]:
    """Mark one step or several done. Every step is checked before any is marked, so a mistake in one marks none.

    Raises:
        WizardError: a step that is not on the checklist, one already done (a second tick would hide the first's
        note: add a note instead), or one decided against, unless a note says why it was done after all.
    """
    inc = get_open(st, incident_id)
    items = [_step(inc, ref) for ref in ([steps] if isinstance(steps, str) else steps)]
    for it in items:
        if it.done is not None:
            raise WizardError(
                f"Step {it.number} of incident {incident_id} ({wording.step_words(it.step)}) is already marked done "
                f'{wording.when(it.done.at)} by {it.done.actor}. To add to it: esafety log note {incident_id} "..."'
            )
        if it.decided is not None and not (note and note.strip()):
            raise WizardError(
                f"Step {it.number} of incident {incident_id} ({wording.step_words(it.step)}) was decided against: "
                f"'{it.decided.reason}'. To mark it done after all, say why with --note \"...\"."
            )
    for it in dict.fromkeys(items):
        st.append(incident_id, None, who, kinds.STEP_DONE, {"step": it.id, **({"note": note} if note else {})})
    return list(dict.fromkeys(items))


def undone(st: Store, incident_id: int, step: str, note: str | None, who: str) -> Item:
    """A correction: the step was marked done by mistake. The earlier mark stays in the history."""
    inc = get_open(st, incident_id)
    it = _step(inc, step)
    if it.done is None and it.decided is None:
        raise WizardError(
            f"Step {it.number} of incident {incident_id} is neither done nor decided against: there is nothing to "
            f"correct. See: esafety log show {incident_id}"
        )
    st.append(incident_id, None, who, kinds.STEP_UNDONE, {"step": it.id, **({"note": note} if note else {})})
    return it


def evidence_states(inc: Incident) -> list[str]:
    """Each evidence file now: 'unchanged', 'changed' or 'missing' (read in chunks: memory stays small)."""
    return [evidence.recheck(e.path, e.sha256) for e in inc.evidence]


def decide(st: Store, incident_id: int, steps: str | list[str], reason: str, who: str) -> list[Item]:
    """Record a decision not to take one step or several (not needed, or decided against), with its reason.
    Every step is checked before any is recorded, so a mistake in one records none."""
    if not reason or not reason.strip():
        raise WizardError(
            "A decision needs its reason, for the record (KCSIE asks schools to record the reasons for decisions, "
            'including a decision not to refer): add --reason "..."'
        )
    inc = get_open(st, incident_id)
    items = list(dict.fromkeys(_step(inc, ref) for ref in ([steps] if isinstance(steps, str) else steps)))
    for it in items:
        if it.done is not None:
            raise WizardError(
                f"Step {it.number} of incident {incident_id} ({wording.step_words(it.step)}) is marked done. If that "
                f"was a mistake, correct it first: esafety log undone {incident_id} {it.number}"
            )
    for it in items:
        st.append(incident_id, None, who, kinds.STEP_DECIDED, {"step": it.id, "reason": reason.strip()})
    return items


def describe(st: Store, incident_id: int, description: str | None, staff: str | None, who: str) -> Event:
    """Set what the incident is about and who it happened to (each change is an event; '' clears one)."""
    data = {k: " ".join(v.split()) for k, v in (("description", description), ("staff", staff)) if v is not None}
    if not data:
        raise WizardError('Give --description "..." or --staff "...", or both.')
    get(st, incident_id)
    return st.append(incident_id, None, who, kinds.DESCRIBED, data)


def answer(
    st: Store, incident_id: int, fc: Flowchart, changed: dict[str, str], who: str, reasons: dict[str, str] | None = None
) -> Incident:
    """Change or add answers of a saved incident: the checklist is recomputed; steps done on a step that drops
    away stay in the record."""
    inc = get_open(st, incident_id)
    answers = {a.id: a.value for a in inc.answers}
    answers.update(changed)
    return record_answers(
        st, incident_id, fc, engine.normalise_answers(fc, answers, f"incident {incident_id}"), who, reasons
    )


def note(st: Store, incident_id: int, text: str, who: str) -> Event:
    if not text.strip():
        raise WizardError("The note is empty. Nothing was recorded.")
    get_open(st, incident_id)
    return st.append(incident_id, None, who, kinds.NOTE, {"text": text})


def add_evidence(
    st: Store, incident_id: int, files: list[Path], note: str | None, who: str, progress=None
) -> list[Event]:
    """Register files by fingerprint; every file is checked before anything is written.

    `progress(path, done, total)` is called as each file is read (for a bar on a terminal)."""
    fingerprints = [
        evidence.fingerprint(f, None if progress is None else (lambda d, t, f=f: progress(f, d, t))) for f in files
    ]
    inc = get_open(st, incident_id)
    known = {e.sha256: e for e in inc.evidence}
    for p in fingerprints:
        if p["sha256"] in known:
            e = known[p["sha256"]]
            raise WizardError(
                f"{one_line(p['path'])} is already registered with incident {incident_id} (the same contents as "
                f"{one_line(e.path)}, registered {e.at[:10]} by {one_line(e.actor)}). Nothing was registered."
            )
        known[p["sha256"]] = Evidence(p["path"], p["name"], p["size"], p["mtime"], p["sha256"], "now", "you")
    return [
        st.append(incident_id, None, who, kinds.EVIDENCE, {**p, **({"note": note} if note else {})})
        for p in fingerprints
    ]


def add_fingerprint(st: Store, incident_id: int, file: dict, note: str | None, who: str) -> Event:
    """Register a file the browser fingerprinted: `file` holds its name, size and SHA-256 (the page never sends
    the file, nor says where it is). Refused unless each is well formed, or if the same contents are registered."""
    name, size, sha256 = file.get("name"), file.get("size"), file.get("sha256")
    if not (isinstance(name, str) and 0 < len(name) <= 255 and name.strip()):
        raise WizardError("The file's name is missing or too long. Nothing was registered.")
    if not (isinstance(size, int) and 0 <= size < 1 << 50):
        raise WizardError("The file's size is not a number of bytes. Nothing was registered.")
    if not (isinstance(sha256, str) and re.fullmatch(r"[0-9a-f]{64}", sha256)):
        raise WizardError("The file's fingerprint is not a SHA-256. Nothing was registered.")
    inc = get_open(st, incident_id)
    for e in inc.evidence:
        if e.sha256 == sha256:
            raise WizardError(
                f"{one_line(name)} is already registered with incident {incident_id} (the same contents as "
                f"{one_line(e.name)}, registered {e.at[:10]} by {one_line(e.actor)}). Nothing was registered."
            )
    data = {"path": "", "name": name, "size": size, "mtime": "", "sha256": sha256, **({"note": note} if note else {})}
    return st.append(incident_id, None, who, kinds.EVIDENCE, data)


def withdraw_evidence(st: Store, incident_id: int, ref: str, reason: str, who: str) -> Evidence:
    """Withdraw a registered evidence file (registered to the wrong incident, say): an event with the reason. The
    registration and its SHA-256 stay in the history; the file is no longer rechecked by `log verify`.

    `ref`: the file's path or name as registered, or the start of its SHA-256 (8 characters or more)."""
    if not reason or not reason.strip():
        raise WizardError('Say why the evidence is withdrawn, for the record: add --reason "..."')
    inc = get_open(st, incident_id)
    text = ref.strip()
    resolved = str(Path(text).expanduser().resolve()) if text else ""
    found = [
        e
        for e in inc.evidence
        if text
        and (e.path in (text, resolved) or e.name == text or (len(text) >= 8 and e.sha256.startswith(text.lower())))
    ]
    if len(found) != 1:
        listed = "".join(f"\n  {one_line(e.name)} (SHA-256 {e.sha256[:12]})" for e in inc.evidence) or " none."
        what = "matches more than one file" if found else "is not registered with it"
        raise WizardError(
            f"'{one_line(ref)[:80]}' {what}. The evidence of incident {incident_id}:{listed}\n"
            "Give the file's path or name, or the start of its SHA-256."
        )
    e = found[0]
    st.append(
        incident_id, None, who, kinds.EVIDENCE_WITHDRAWN, {"sha256": e.sha256, "name": e.name, "reason": reason.strip()}
    )
    return e


def letter_template(fc: Flowchart, name: str):
    """One of the procedure's letters by name.

    Raises:
        WizardError: the procedure has no letters, or none of that name (with did-you-mean).
    """
    from difflib import get_close_matches

    if name in fc.letters:
        return fc.letters[name]
    if not fc.letters:
        raise WizardError("This procedure has no letters to draft.")
    near = get_close_matches(name, list(fc.letters), n=1)
    hint = f" Did you mean '{near[0]}'?" if near else ""
    raise WizardError(
        f"The procedure has no letter '{one_line(name)[:40]}'.{hint} Its letters: {', '.join(fc.letters)} "
        "(see esafety letters)."
    )


def letter_drafted(
    st: Store, incident_id: int, letter: Letter, file: Path, fmt: str, sha256: str, to_fill, who: str
) -> Event:
    """Record that a letter was drafted: which, by whom, when, the file's name and SHA-256, and what was left to
    fill in; never the letter's text."""
    data = {
        "letter": letter.id,
        "title": letter.title,
        "file": file.name,
        "format": fmt,
        "sha256": sha256,
        "to_fill": list(to_fill),
    }
    return st.append(incident_id, None, who, kinds.LETTER_DRAFTED, data)


def close(st: Store, incident_id: int, reason: str | None, who: str, force: bool = False) -> Event:
    """Close an incident whose steps are each done or decided against (with a reason); --force closes one with
    steps still open, and then a reason is required and the open steps are recorded."""
    inc = get_open(st, incident_id)
    still = [it for it in inc.checklist if it.open]
    if still and not force:
        listed = "".join(f"\n  {it.number}. {wording.step_words(it.step)}" for it in still)  # one a line
        raise WizardError(
            f"Incident {incident_id} has {len(still)} step{'s' if len(still) != 1 else ''} neither done nor decided "
            f"against:{listed}\nMark each done (esafety log done {incident_id} N ...), or decide against it with a "
            f'reason (esafety log decide {incident_id} N --reason "..."), or close anyway with --force --reason "...".'
        )
    if still and not (reason and reason.strip()):
        raise WizardError('Closing with steps still open needs a reason, for the record: add --reason "..."')
    data: dict = {"reason": reason} if reason else {}
    if still:
        data["open_steps"] = [it.id for it in still]
    return st.append(incident_id, None, who, kinds.CLOSED, data)


def reopen(st: Store, incident_id: int, reason: str | None, who: str) -> Event:
    if not get(st, incident_id).closed:
        raise WizardError(f"Incident {incident_id} is already open.")
    return st.append(incident_id, None, who, kinds.REOPENED, {"reason": reason} if reason else {})
