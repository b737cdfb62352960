"""How things are said that are not in flowchart.yaml: one wording, one place, for the screen, plain mode,
transcripts and reports. To change a sentence the user reads, change it here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..flowchart.model import Contact, Flowchart, Step, with_condition
from . import event as kinds

if TYPE_CHECKING:
    from .event import Event
    from .incident import Incident

DEPENDS = "Only if it applies"
DEPENDS_IN_LINE = "(only if it applies)"
LEGEND = (
    f"Steps marked '{DEPENDS}' depend on something you do not know yet. "
    "Check them again when you know, and record what you decided."
)
NOT_IN_SOURCE = "Not in the flowchart"
CHANGED = "Changed from the flowchart"
SOURCE_SAYS = "The flowchart says"


def provenance(source: str | None, added: str | None) -> list[str]:
    """What the tool added or changed, and (when it changed the flowchart's words) what the flowchart says.

    An addition with no source is "not in the flowchart"; an addition to something the flowchart says is a
    change, shown beside the flowchart's own words."""
    if not added:
        return []
    if not source:
        return [f"{NOT_IN_SOURCE}: {added}"]
    return [f"{CHANGED}: {added}", f"{SOURCE_SAYS}: {source}"]


def next_steps(fc: Flowchart) -> str:
    return f"What to do next: take the steps in order, and record each one, with the date, in {fc.incident_log}."


TO_DO_NOW = "What to do now"
CONTACTS_HEADING = "Contacts for these steps"
IF_MARK = "If"
SOURCE_MARK = "*"


def letters_to_save(titles: list[str]) -> str:
    """Said after a guide that was not saved, when some of its steps have a letter the tool can draft."""
    return (
        f"Letters for these steps ({'; '.join(titles)}) can be drafted from a saved incident: run the guide "
        "again with --save, then see esafety letters."
    )


def pointer_up(out, count: int) -> str:
    """Above the first `count` actions repeated at the end of an asked guide: where all of them are."""
    n = len([r for r in out.steps if not r.step.info])
    first = f" The first {count}:" if n > count else ""
    return (
        f"All {n} steps are above, under '{TO_DO_NOW}'.{first}" if n else f"Your steps are above, under '{TO_DO_NOW}'."
    )


NEXT_THEIRS = "Next: take these steps in order."
NOTHING_WAITING = "nothing: every answer is known"


def next_short(fc: Flowchart, width: int) -> str:
    """What to do next, in one line: in the procedure's own name for its log where that fits."""
    line = f"Next: take the steps in order; record each, with the date, in {fc.incident_log}."
    return line if len(line) <= width else "Next: take the steps in order; record each, with the date, in your log."


def legend(conditional: bool, marked: bool, sources: str = "see --sources") -> str:
    """One line saying what the marks on the steps mean ('' when no step has one); `sources` says where the
    sources are (a printed page says the full record keeps them)."""
    parts = [f"{IF_MARK}: only when that applies."] if conditional else []
    if marked:
        parts.append(f"{SOURCE_MARK}: not in the flowchart as written ({sources}).")
    return " ".join(parts)


def short_sentence(step: Step, status: str) -> str:
    """A step in one line for the screen: its short form, or its whole text where it has none. A condition
    already answered (the step is due) is not repeated; one still open is said in a few words."""
    if step.short is None:
        return step_sentence(step) if status == "conditional" else step.text
    if status != "conditional":
        return step.short
    when = step.when_words
    if not when:
        return step.short
    # After the 'If' mark: 'it threatens or keeps on' + 'Report it…' -> 'it threatens or keeps on: report it…'
    return sentence(step.short, when)


def not_asked(pairs) -> str:
    return "Given but not asked on this path (ignored): " + ", ".join(f"{k}: {v}" for k, v in pairs)


def contact_short_name(c: Contact, room: int = 40) -> str:
    """A contact's name in a line of the outcome: its name where it fits in `room`, else the kind of route (the
    full name is in the contacts list and --sources), with the school's own name for it when set."""
    base = c.name if len(c.name) <= room or not c.route else c.route
    if c.local and c.local.name:
        return f"{base} ({c.local.name})"
    return base


def contact_line(c: Contact, how: str, width: int, today: str | None = None) -> str:
    """'Name: telephone; e-mail' in one line of `width` where it can be: a long name gives way to the kind of
    route, then only the first way to reach them is kept (all of them are in --sources). A school's detail not
    checked for over a year says so."""
    name = contact_short_name(c, room=width - 2 - len(how))
    if len(name) + 2 + len(how) > width:
        how = how.split("; ")[0]
    stale = _over_a_year(c.local.checked if c.local else c.checked, today)
    return f"{name}: {how}" + (f" (NOT CHECKED SINCE {stale})" if stale else "")


def due_contacts(results, contacts, reader=None) -> list[Contact]:
    """The contacts of the steps to take now ((step, status) pairs), never the reader themselves (model.ReaderPart's
    `is_contact`: the Chair of Governors is not asked to reach the Chair); those of the 'If' steps are in the full
    record."""
    due = {cid for step, status in results if status == "due" for cid in step.contacts}
    me = reader.is_contact if reader is not None else None
    return [c for c in contacts if c.id in due and c.id != me]


def contacts_to_reach(contacts) -> tuple[list[tuple[Contact, str]], list[Contact]]:
    """The contacts with a way to reach them, the school's own first, and those with none yet."""
    hows = [(c, contact_how(c)) for c in contacts]
    reach = sorted(((c, how) for c, how in hows if how), key=lambda ch: 0 if ch[0].local else 1)
    return reach, [c for c, how in hows if not how]


def contact_kinds(contacts) -> list[str]:
    """Each contact's kind of route (or its name), once each, in order: how a list of them is named."""
    return list(dict.fromkeys(c.route or c.name for c in contacts))


ADD_CONTACTS = "esafety contacts set"


def missing_contacts(missing, width: int = 80) -> list[str]:
    """The contacts with no number or address yet, and how to add the school's own: one line where as many
    names as fit leave room for the command; else the names (the first always named) and, on a line of its own,
    the command, which is never split."""
    names = contact_kinds(missing)
    tail = f": {ADD_CONTACTS}"
    for shown in range(len(names), 0, -1):
        more = f" and {len(names) - shown} more" if shown < len(names) else ""
        line = f"No number yet for {', '.join(names[:shown])}{more}{tail}"
        if len(line) <= width:
            return [line]
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return [f"No number yet for {names[0]}{more}. Add them with:", ADD_CONTACTS]


def decision_line(d) -> str:
    """A decision in a line: what was decided (the first clause of the procedure's words, which --sources and
    every record keep whole), and the reason given, or that none is recorded yet."""
    reason = f"Reason: {d.reason}" if d.reason else "No reason recorded yet."
    return f"Decided: {_decided(d)}. {reason}"


def _decided(d) -> str:
    said = d.text or f"{d.answered.text} {d.answered.label}"
    cut = min((i for i in (said.find(", so "), said.find(": ")) if i > 0), default=len(said))
    said = said[:cut].rstrip(".")
    return said[len("You decided ") :] if said.startswith("You decided ") else said[0].lower() + said[1:]


def decision_lines(decisions) -> list[str]:
    """The decisions for the screen: each with its reason on a line, and those with no reason yet together, so
    a screen holds them with the steps."""
    out = [decision_line(d) for d in decisions if d.reason]
    open_ = [_decided(d) for d in decisions if not d.reason]
    if len(open_) == 1:
        out.append(f"Decided: {open_[0]}. No reason recorded yet.")
    elif open_:
        out.append(f"Decided, with no reason recorded yet: {'; '.join(open_)}.")
    return out


NO_LONGER_NEEDED = "No longer needed"


def dropped_sentence(dropped) -> str:
    """Why a step done or decided on is no longer on the path (incident.Dropped; None for an old record)."""
    if dropped is None:
        return f"{NO_LONGER_NEEDED}: a later change of answers took it off the path (see the history)."
    said = "; ".join(f"'{q}' {old} → {new}" for q, old, new in dropped.changed) or "the answers changed"
    return f"{NO_LONGER_NEEDED} after {said}, {when(dropped.at)} by {dropped.actor}."


def step_words(step: Step, limit: int = 74) -> str:
    """A step named in a reply, so a tick on the wrong step is seen at once: its short form, or its first words
    (cut at a space)."""
    words = step.short or step.text
    if len(words) <= limit:
        return words
    cut = words.rfind(" ", 0, limit)
    return words[: cut if cut > 0 else limit].rstrip(" ,;:") + "…"


def letter_waits(title: str, incident_id: int, waiting) -> str:
    """Why a letter is not drafted yet: the steps it waits for (the LADO's agreement), with how to record them."""
    steps = "; ".join(f"step {it.number} ({step_words(it.step).rstrip('.')})" for it in waiting)
    first = waiting[0].number
    return (
        f"The letter '{title}' waits for {steps}. Do not send it until then. When it has happened, record it "
        f'(esafety log done {incident_id} {first} --note "what was agreed") and draft the letter again.'
    )


def step_sentence(step: Step) -> str:
    """The step as one sentence: the action, after its condition in the flowchart's words when it has one."""
    return step.sentence


def decision_reason(reason: str | None) -> str:
    return f"Reason: {reason}" if reason else NO_REASON


def head_marker_md(incident_id: int, head: str) -> str:
    """The record head where `log verify --against` reads it in Markdown: a comment on the file's last line.
    No user text can write it: Markdown exports escape every '<' of what anyone typed."""
    return f"<!-- esafety-record-head: incident {incident_id}, {head} -->"


def head_marker_html(incident_id: int, head: str) -> str:
    """The record head where `log verify --against` reads it in HTML: a meta tag in the page's head, a place
    no user text can reach (every '<' of it is escaped)."""
    return f"<meta name='esafety-record-head' content='incident {incident_id}, {head}'>"


def head_line(incident_id: int, head: str) -> str:
    return (
        f"Record head: incident {incident_id}, {head}. Keep this copy, or write the head down: "
        f"'esafety log verify {incident_id} --against {head}' shows whether the record was changed since."
    )


def added_to_question(question, choices=None) -> list[str]:
    """What the tool adds to a question or to its choices, each as a line marked as not in the flowchart."""
    lines = [f"{NOT_IN_SOURCE}: {question.added}"] if question.added else []
    return lines + [f"{NOT_IN_SOURCE}: '{c.label}': {c.added}" for c in (choices or question.choices) if c.added]


BY_ROLE = "not asked: it follows from who is reading"


def answer_label(a) -> str:
    """An answer as shown in a list of answers: its words, marked when the reader's role gave it (not asked)."""
    return f"{a.label} ({BY_ROLE})" if a.by_role else a.label


def added_to_answer(a) -> list[str]:
    """For an answer given in the guide: what the tool added to its question or to the choice taken."""
    return added_to_question(a.question, [a.choice]) if hasattr(a, "question") else []


def question_heading(number: int) -> str:
    """'Question 2'; number 0 is the question that chooses which procedure applies, before its own questions."""
    return f"Question {number}" if number else "First, which procedure applies"


BACK = "Go back to the previous question"
REASON_QUESTION = (
    "Why did you decide this? Type your reason (it is recorded with your answers), or press Enter to skip:"
)
REASON_PROMPT = "Reason:"
DECIDED_AGAINST = "Decided against"
OPEN_WHEN_CLOSED = "Not done when the incident was closed"
INFORMATION = "Information, not a step"
EVIDENCE_STATE = {
    "unchanged": "present and unchanged",
    "changed": "CHANGED since it was registered",
    "missing": "MISSING: not found where it was registered",
    "unchecked": "not checked",
    "not here": "registered from the browser: its fingerprint is kept, but not its place, so it is not rechecked",
}
DECISIONS = "Decisions and their reasons"
DECISIONS_WHY = (
    "Keeping Children Safe in Education asks schools to record decisions and the reasons for them, "
    "including a decision not to refer."
)
NO_REASON = "No reason recorded yet: write it in the incident log."
ARROWS_HINT = "(use the arrow keys, then press Enter)"


sentence = with_condition  # "Contact ..." -> "If ...: contact ...", but "LADO ..." stays


SCHOOL_NOW = "Your school's contacts now"
SCHOOL_NOW_WHY = (
    "The record keeps each contact as it was when the incident was recorded; these are your school's details as set "
    "today (esafety contacts set)."
)


def _set_on(checked: str) -> str:
    """When the school set its details, as people read a date: 'set 7 Sep 2026'."""
    from datetime import date

    try:
        d = date.fromisoformat(checked)
    except (TypeError, ValueError):
        return f"set {checked}" if checked else "set at an unknown date"
    return f"set {d.day} {d:%b %Y}"


def _local_words(local) -> str:
    """A school's own details for a contact (model.Local) and when it set them: 'Mr Old; 0300 ... (set 7 Sep 2026)'."""
    return f"{'; '.join(x for x in local[:3] if x) or 'nothing'} ({_set_on(local.checked)})"


def school_now(n) -> list[str]:
    """One of the school's contacts today (school.Now): its details and when they were set, then, if they differ
    from what the incident recorded, what it recorded."""
    lines = [f"{n.name}: " + (_local_words(n.now) if n.now else "not set by your school now")]
    if n.changed and n.was is None:
        lines.append("Set since this incident was recorded: the record has none of your school's details for it.")
    elif n.changed:
        lines.append(
            f"{'Changed' if n.now else 'Cleared'} since this incident was recorded, which has: {_local_words(n.was)}."
        )
    return lines


def contact_details(c: Contact, today: str | None = None) -> list[str]:
    """Lines describing how to reach a contact and how far to trust the details: the school's own first, when
    it set them, then the procedure's."""
    lines = []
    if c.local and any(c.local[:3]):  # an entry with every detail cleared says nothing
        lines.append(f"Your school: {_local_words(c.local)}")
    if c.role:
        lines.append(c.role)
    if c.phone:
        lines.append(f"Telephone: {c.phone}")
    if c.email:
        lines.append(f"E-mail: {c.email}")
    if c.web:
        lines.append(f"Web: {c.web}")
    if c.hours:
        lines.append(f"Open: {c.hours}")
    if c.notes:
        lines.append(c.notes)
    if c.corrects:
        lines.append(f"Corrected: {c.corrects}")
    lines += provenance(c.source, c.added)
    if c.checked == "never":
        lines.append(
            "Not checked since it was written down: confirm these details (with your local "
            "authority) before you rely on them."
        )
    elif c.checked:
        lines.append(f"Details last checked: {c.checked}.")
    stale = _over_a_year(c.local.checked if c.local else c.checked, today)
    if stale:
        lines.append(f"NOT CHECKED FOR OVER A YEAR (last {stale}): check these details before you rely on them.")
    return lines


def _over_a_year(checked: str | None, today: str | None) -> str | None:
    """The date a contact was last checked, if it is more than a year ago (None if recent or not a date)."""
    from datetime import date

    try:
        then = date.fromisoformat((checked or "")[:10])
    except ValueError:
        return None
    now = date.fromisoformat(today) if today else date.today()
    return then.isoformat() if (now - then).days > 365 else None


def contact_how(c: Contact) -> str:
    """The ways to reach a contact, in one short line: the school's own first ('' if none is known)."""
    local = (c.local.phone, c.local.email) if c.local else ()
    return "; ".join(dict.fromkeys(x for x in (*local, c.phone, c.email, c.web) if x))


def origin_line(fc: Flowchart) -> str:
    where = "the built-in flowchart" if fc.origin == "built-in" else fc.origin
    return f"Procedure: {fc.title} ({where}, SHA-256 {fc.sha256[:12]})"


def when(iso: str) -> str:
    """An ISO 8601 time as people read it: '26 Nov 2026, 04:02'. The exact time stays in JSON exports."""
    from datetime import datetime

    try:
        t = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return f"{t.day} {t:%b %Y, %H:%M}"


def _answers_said(who: str, d: dict, c: dict) -> str:
    """What an 'answered' event did to the answers: each one changed or added, with its reason when one was given
    (records made before changes were kept say how many answers there were)."""
    unfinished = "" if d.get("complete") else " (guide not finished)"
    changed = [a for a in c.get("answers", []) if isinstance(a, dict)] if isinstance(c.get("answers"), list) else None
    if changed is None:
        n = len(d.get("answers", [])) if isinstance(d.get("answers"), list) else 0
        return f"{who} recorded {n} answer{'s' if n != 1 else ''}" + unfinished
    if not changed:
        return f"{who} recorded the answers again, unchanged" + unfinished
    reasons = {a.get("id"): a.get("reason") for a in d.get("answers", []) if isinstance(a, dict)}
    said = []
    for a in changed:
        was = f"from '{a['from']}' " if a.get("from") is not None else "(new) "
        why = reasons.get(a.get("id"))
        said.append(
            f"'{a.get('question', '')}' {was}to '{a.get('to', '')}'"
            + (f" (reason: {why})" if isinstance(why, str) and why else "")
        )
    n = len(said)
    return f"{who} changed {'an answer' if n == 1 else f'{n} answers'}: " + "; ".join(said) + unfinished


class _Said:
    """One event as the history says it: who did it, and the words of what it holds."""

    def __init__(self, event: Event, inc: Incident | None) -> None:
        self.d, self.who, self.inc = event.data, event.actor, inc

    def step(self, key: str = "step", whole: bool = False) -> str:
        sid, inc = self.d.get(key), self.inc
        found = inc.step_of(sid) if inc and isinstance(sid, str) else None
        if found is None:
            return f"'{inc.step_text(sid) if inc else sid}'"
        return f"'{found.sentence if whole else found.text}'"  # a decision keeps the step's "if"

    def said(self, key: str) -> str:
        text = self.d.get(key)
        return f": {text}" if isinstance(text, str) and text else ""

    def sha(self) -> str:
        return str(self.d.get("sha256", ""))[:12]

    def opened(self) -> str:
        return f"{self.who} opened the incident"

    def answered(self) -> str:
        d, inc = self.d, self.inc
        c = d.get("changes") if isinstance(d.get("changes"), dict) else {}
        parts = [_answers_said(self.who, d, c)]
        texts = lambda ids: ", ".join(f"'{inc.step_text(i) if inc else i}'" for i in ids if isinstance(i, str))
        if c.get("added"):
            parts.append("new steps: " + texts(c["added"]))
        if c.get("dropped"):
            parts.append("no longer needed: " + texts(c["dropped"]))
        for change in c.get("changed", []):
            if isinstance(change, list) and len(change) == 3:
                now = "due" if change[2] == "due" else DEPENDS.lower()
                parts.append(f"{texts([change[0]])} is now {now}")
        return "; ".join(parts)

    def step_done(self) -> str:
        return f"{self.who} marked {self.step()} done" + self.said("note")

    def step_undone(self) -> str:
        return f"{self.who} marked {self.step()} not done again (a correction)" + self.said("note")

    def step_decided(self) -> str:
        return f"{self.who} decided against {self.step(whole=True)}" + self.said("reason")

    def note(self) -> str:
        return f"{self.who} added a note" + self.said("text")

    def evidence(self) -> str:
        return f"{self.who} registered evidence {self.d.get('name', '')} (SHA-256 {self.sha()})" + self.said("note")

    def letter_drafted(self) -> str:
        d = self.d
        return (
            f"{self.who} drafted the letter '{d.get('title') or d.get('letter')}' as {d.get('file', '')} "
            f"(SHA-256 {self.sha()}; the letter's text is not kept in the record)"
        )

    def evidence_withdrawn(self) -> str:
        return (
            f"{self.who} withdrew evidence {self.d.get('name', '')} (SHA-256 {self.sha()}) from this incident"
            + self.said("reason")
        )

    def described(self) -> str:
        d, parts = self.d, []
        if "description" in d:
            parts.append(f"the description to '{d.get('description') or ''}'")
        if "staff" in d:
            parts.append(f"the member of staff affected to '{d.get('staff') or ''}'")
        return f"{self.who} set " + " and ".join(parts or ["nothing"])

    def closed(self) -> str:
        forced = " with steps still open" if self.d.get("open_steps") else ""
        return f"{self.who} closed the incident{forced}" + self.said("reason")

    def reopened(self) -> str:
        return f"{self.who} reopened the incident" + self.said("reason")


_SENTENCES = {
    kinds.OPENED: _Said.opened,
    kinds.ANSWERED: _Said.answered,
    kinds.STEP_DONE: _Said.step_done,
    kinds.STEP_UNDONE: _Said.step_undone,
    kinds.STEP_DECIDED: _Said.step_decided,
    kinds.NOTE: _Said.note,
    kinds.EVIDENCE: _Said.evidence,
    kinds.LETTER_DRAFTED: _Said.letter_drafted,
    kinds.EVIDENCE_WITHDRAWN: _Said.evidence_withdrawn,
    kinds.DESCRIBED: _Said.described,
    kinds.CLOSED: _Said.closed,
    kinds.REOPENED: _Said.reopened,
}


def describe(event: Event, inc: Incident | None = None) -> str:
    """One line of an incident's history, as a sentence in the procedure's words, with everything anyone wrote
    (a note, a reason): who did what; the time is shown beside it. A kind this version does not know is named."""
    sentence = _SENTENCES.get(event.kind)
    return sentence(_Said(event, inc)) if sentence else f"{event.actor}: {event.kind}"
