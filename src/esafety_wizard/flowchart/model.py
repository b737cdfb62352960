"""The procedure as immutable objects: questions that branch, steps, sections and contacts.

Model classes are NamedTuples: immutable like frozen dataclasses and several times cheaper to define, which
matters for a command that must start instantly. Nothing here reads files or knows about YAML.
"""

from __future__ import annotations

import contextlib
import gc
import re
from typing import NamedTuple

from ..errors import Problem

END = "end"
STATUSES = ("due", "conditional")
READER = "reader"  # the answers id of the question 'who is reading this?', asked before the procedure's own


class Hold(NamedTuple):
    """What a held step waits for (the LADO's agreement, the DSL's decision): a held step becomes conditional,
    its condition this one, before any of its own."""

    when: str  # in a few words, shown with the step's short line: "If <when>: ..."
    condition: str  # in a sentence, shown with the step's whole text
    added: str | None = None  # why it waits, and where that is stated (the wait is not in the flowchart)


class Choice(NamedTuple):
    value: str
    label: str
    next: str
    due: tuple[str, ...] = ()
    conditional: tuple[str, ...] = ()
    added: str | None = None
    decision: str | None = None  # what this answer means is not done: the guide asks for the reason
    holds: tuple[str, ...] = ()  # steps that wait, on this answer's path, until `hold` has happened
    hold: Hold | None = None  # what they wait for, in words
    replaces: tuple[str, ...] = ()  # older answers this choice stands for (an answers file or record from before)


class Question(NamedTuple):
    """A node of the graph. `asks` is the public question id (answers files use it); `id` is the node's."""

    id: str
    asks: str
    text: str
    choices: tuple[Choice, ...]
    help: str | None = None
    source: str | None = None
    added: str | None = None
    line: int = 0
    by_value: dict[str, Choice] | None = None  # filled by the loader: constant-time lookup on wide questions

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def lookup(self) -> dict[str, Choice]:
        """Each answer value, and each older value a choice replaces, to its choice (the loader's `by_value`)."""
        out = {old: c for c in self.choices for old in c.replaces}
        out.update((c.value, c) for c in self.choices)
        return out

    def choice(self, value: str) -> Choice:
        """The choice for an answer value. Raises KeyError if there is none."""
        return (self.by_value if self.by_value is not None else self.lookup())[value]


class Section(NamedTuple):
    id: str
    title: str
    intro: str | None = None
    source: str | None = None
    added: str | None = None


def with_condition(text: str, condition: str | None) -> str:
    """A step's words after its condition: "If it threatens ...: report it ..." (the text's first letter lowered,
    unless it starts an acronym such as LADO)."""
    if not condition:
        return text
    if len(text) > 1 and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    return f"{condition}: {text}"


class Step(NamedTuple):
    id: str
    text: str
    section: str
    always: bool = False
    condition: str | None = None
    details: tuple[str, ...] = ()
    source: str | None = None
    added: str | None = None
    contacts: tuple[str, ...] = ()
    covered_by: tuple[str, ...] = ()  # not shown when any of these steps is on the path: it already covers this
    short: str | None = None  # the action in one line, for the screen; `text` stays the whole instruction
    when: str | None = None  # the condition in a few words, shown with `short` where the step only may apply
    info: bool = False  # information, not an action: not numbered, never keeps an incident open
    route: str | None = None  # the contact this step is the route to: counted for governors when it is done

    @property
    def when_words(self) -> str | None:
        """Its condition in a few words, without a leading 'If' (the screen puts its own 'If' mark before it)."""
        when = self.when or self.condition
        if not when:
            return None
        return when[3:] if when[:3].lower() == "if " else when

    @property
    def sentence(self) -> str:
        """The whole instruction with its condition, as a decision about it must say it ("If no threats ...")."""
        return with_condition(self.text, self.condition)


class Notice(NamedTuple):
    """A line shown above the steps on every path (for example: anyone in immediate danger, call 999)."""

    text: str
    source: str | None = None
    added: str | None = None


class Local(NamedTuple):
    """A school's own details for one of the procedure's contacts (see school.py), and when they were set."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    checked: str = ""


class Contact(NamedTuple):
    id: str
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    web: str | None = None  # a web address, for a service reached online (a report form, StopNCII)
    hours: str | None = None
    notes: str | None = None
    source: str | None = None
    added: str | None = None
    corrects: str | None = None
    checked: str | None = None
    route: str | None = None  # the kind of route, no name (LADO, HR, police): how the governors' summary counts it
    local: Local | None = None  # the school's own details, laid over these (not in the procedure file)


class ReaderPart(NamedTuple):
    """What one reader's part of the outcome is (the choice of the reader question says what they see)."""

    value: str
    asks: tuple[str, ...] | None = None  # the questions that matter to this reader, in path order (None: all)
    only: tuple[str, ...] = ()  # the steps of this reader's part (empty: every step on the path)
    leave_out: tuple[str, ...] = ()  # steps never for this reader ("report to the head teacher", for the head)
    answers: tuple[tuple[str, str], ...] = ()  # answers this reader gives by being who they are
    is_contact: str | None = None  # the procedure's contact this reader is: never listed for them to reach
    offers: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the only answers this reader may give to a question
    becomes: tuple[tuple[str, str, str], ...] = ()  # (question, answer, part): an answer that makes them another
    due: tuple[str, ...] = ()  # the steps this part makes due (a reader's choice's, or a part's of its own)
    conditional: tuple[str, ...] = ()
    label: str | None = None  # who this part is for, in words (a part no reader chooses: reached by `becomes`)


# --- letters: what the procedure asks the school to write, drafted from an incident (see letters.py) ----------

# Each placeholder a letter's text may hold, in braces, and what a person fills in when the record has no value.
PLACEHOLDERS: dict[str, str] = {
    "school_name": "your school's name (esafety school set --name)",
    "school_address": "your school's address (esafety school set --address)",
    "head_name": "the head teacher's name (esafety school set --head)",
    "signer_name": "the name of who signs: the head teacher, or the Chair of Governors when the head is involved",
    "date": "today's date",
    "parent_name": "the parent or carer's name",
    "pupil_name": "the pupil's name",
    "staff_name": "the name of the member of staff affected (esafety log describe ID --staff)",
    "description": "what happened (esafety log describe ID --description)",
    "incident_date": "the date the incident was recorded",
    "incident_number": "the incident's number",
    "who_posted": "who posted or sent it",
    "platform": "the site or app where it was posted",
    "adult_name": "the name and role of the adult the allegation is about",
    "meeting_time": "a day and time for the meeting",
}
# How a placeholder is written in a letter's text: a name in braces (what validate checks, what a draft fills).
PLACEHOLDER = re.compile(r"\{([^{}\s]{1,60})\}")
# A letter to other parents names no one and describes nothing: only these may be filled in, whatever it asks.
GENERAL_PLACEHOLDERS = frozenset({"school_name", "school_address", "head_name", "signer_name", "date"})
# Lists a letter may take from the incident's record, as bullet points.
RECORD_LISTS: dict[str, str] = {
    "steps_done": "the steps done, with when, by whom and every note",
    "decisions": "the decisions recorded, each with its reason",
    "notes": "the notes added to the record",
}


class LetterPart(NamedTuple):
    """One paragraph of a letter: text with {placeholders}, bullet points, or a list from the record."""

    text: str | None = None
    points: tuple[str, ...] = ()
    record: str | None = None  # one of RECORD_LISTS
    source: str | None = None  # the flowchart's own words
    added: str | None = None  # why the tool adds it


class Letter(NamedTuple):
    id: str
    title: str
    to: str  # who it is written to, in words ("The parent or carer")
    steps: tuple[str, ...]  # the steps it serves
    parts: tuple[LetterPart, ...]
    general: bool = False  # to other parents: names no one, describes nothing (see GENERAL_PLACEHOLDERS)
    when: str | None = None  # when to send it, in words
    added: str | None = None
    source: str | None = None
    waits_for: tuple[str, ...] = ()  # steps that must be done or decided first, where the incident has them


class Flowchart(NamedTuple):
    title: str
    start: str
    questions: dict[str, Question]
    sections: dict[str, Section]
    steps: dict[str, Step]
    contacts: dict[str, Contact]
    credit: str | None = None
    urgent: Notice | None = None
    who_question: str | None = None  # the question whose answer says who did it: listings and summaries use it
    not_known_yet: tuple[str, ...] = ()  # answers meaning "not known yet": `log resume` asks them again
    incident_log: str = "the school's incident log"  # what the procedure calls the log where steps are recorded
    about: tuple[tuple[str, str], ...] = ()  # audience, scope, publisher, version, review date, document
    origin: str = "built-in"
    sha256: str = ""
    warnings: tuple[Problem, ...] = ()
    reader: Question | None = None  # "who is reading this?": asked first by the guide, optional in answers files
    readers: tuple[ReaderPart, ...] = ()  # each reader's part, in the order of the reader question's choices
    letters: dict[str, Letter] = {}  # noqa: RUF012 (a NamedTuple default: never mutated)
    contacts_sha256: str = ""  # in a pack: the SHA-256 of the shared contacts file (`sha256` is the procedure's own)
    chair_signs: tuple[str, ...] = ()  # steps that, on an incident, mean the Chair of Governors signs its letters

    def reader_part(self, value: str | None) -> ReaderPart | None:
        return next((p for p in self.readers if p.value == value), None) if value else None

    def part_of(self, answered) -> ReaderPart | None:
        """The reader's part, when the answers (engine.Answered, in path order) start with who is reading: the
        part they chose, or the one an answer on the path made them (`becomes`: a head teacher who posted it)."""
        first = answered[0] if answered else None
        if first is None or first.question.id != READER:
            return None
        part = self.reader_part(first.value)
        for a in answered[1:]:
            part = self.next_part(part, a.id, a.value)
        return part

    def next_part(self, part: ReaderPart | None, question: str, value: str) -> ReaderPart | None:
        """The part a reader has after answering `question` with `value`: another, where their part says so."""
        if part is None:
            return None
        for q, v, other in part.becomes:
            if q == question and v == value:
                return self.reader_part(other) or part
        return part

    def replaced(self) -> dict[str, dict[str, str]]:
        """Question id -> {older answer: the answer that replaces it} (`replaces:` on a choice)."""
        out: dict[str, dict[str, str]] = {}
        for q in self.questions.values():
            for c in q.choices:
                for old in c.replaces:
                    out.setdefault(q.asks, {})[old] = c.value
        return out

    def question_values(self) -> dict[str, tuple[str, ...]]:
        """Public question id -> its valid values, in the order first met (the reader question first)."""
        out: dict[str, tuple[str, ...]] = {READER: self.reader.values} if self.reader else {}
        for q in self.questions.values():
            out.setdefault(q.asks, q.values)
        return out


def count_paths(fc: Flowchart) -> int:
    """How many distinct routes lead from `start` to the end, counted in time linear in the graph."""
    memo: dict[str, int] = {END: 1}
    stack = [fc.start]
    seen = set()
    while stack:  # iterative post-order, so long chains do not hit the recursion limit
        node = stack[-1]
        if node in seen or node == END:
            stack.pop()
            if node != END and node not in memo:
                memo[node] = sum(memo[c.next] for c in fc.questions[node].choices)
            continue
        seen.add(node)
        stack.extend(c.next for c in fc.questions[node].choices if c.next not in memo)
    return memo[fc.start]


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while building many small objects that all stay alive.

    Loading a flowchart or listing its paths frees none of what it makes; the collector would rescan it again
    and again, so the work would grow faster than the file. Reference counting still frees as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
