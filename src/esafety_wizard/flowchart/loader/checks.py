"""Check a flowchart document (from the reader) and build the model, collecting every problem with its line.

`esafety validate` prints the same list that `load` raises, so a broken file never reaches a user half-way
through an incident.
"""

from __future__ import annotations

import difflib
import re

from ...errors import Problem
from ...escape import terminal
from ..model import (
    END,
    GENERAL_PLACEHOLDERS,
    PLACEHOLDER,
    PLACEHOLDERS,
    READER,
    RECORD_LISTS,
    Choice,
    Contact,
    Flowchart,
    Hold,
    Letter,
    LetterPart,
    Notice,
    Question,
    ReaderPart,
    Section,
    Step,
)
from .reader import YList, YMap


class _Keys(dict):
    """The keys a mapping may have, in the order messages list them: True if required."""

    def __init__(self, **keys: bool):
        super().__init__(keys)
        self.required = tuple(k for k, required in keys.items() if required)
        self._required = frozenset(self.required)

    def fits(self, m: YMap) -> bool:
        """True if `m` has no unknown key and every required one: the usual case, checked without a loop."""
        return m.keys() <= self.keys() and m.keys() >= self._required


_TOP = _Keys(
    title=True,
    credit=False,
    urgent=False,
    who_question=False,
    not_known_yet=False,
    incident_log=False,
    about=False,
    start=True,
    reader=False,
    questions=True,
    sections=True,
    steps=True,
    contacts=True,
    letters=False,
    chair_signs=False,
)
_LETTER = _Keys(
    title=True, to=True, steps=False, general=False, when=False, source=False, added=False, text=True, waits_for=False
)
_PART = _Keys(text=False, points=False, record=False, source=False, added=False)
_NOTICE = _Keys(text=True, source=False, added=False)
_ABOUT = _Keys(
    audience=False,
    scope=False,
    publisher=False,
    version=False,
    review_date=False,
    document=False,
    source=False,
    added=False,
)
_QUESTION = _Keys(text=False, asks=False, help=False, source=False, added=False, choices=True)
_CHOICE = _Keys(
    label=False,
    next=True,
    due=False,
    conditional=False,
    added=False,
    decision=False,
    holds=False,
    hold=False,
    replaces=False,
)
_HOLD = _Keys(when=True, condition=True, added=True)
_READER_CHOICE = _Keys(
    label=True,
    added=False,
    due=False,
    conditional=False,
    asks=False,
    only=False,
    leave_out=False,
    answers=False,
    is_contact=False,
    offers=False,
    becomes=False,
)
# A part no reader chooses, reached when an answer makes a reader someone else (`becomes`).
_READER_PART = _Keys(
    label=True, added=False, due=False, conditional=False, asks=False, only=False, leave_out=False, becomes=False
)
_SECTION = _Keys(title=True, intro=False, source=False, added=False)
_STEP = _Keys(
    text=True,
    section=True,
    always=False,
    condition=False,
    details=False,
    source=False,
    added=False,
    contacts=False,
    covered_by=False,
    short=False,
    when=False,
    info=False,
    route=False,
)
_CONTACT = _Keys(
    name=True,
    role=False,
    phone=False,
    email=False,
    web=False,
    hours=False,
    notes=False,
    source=False,
    added=False,
    corrects=False,
    checked=False,
    route=False,
)

_ID = re.compile(r"[A-Za-z0-9_]+", re.ASCII)
SHORT_MAX = 74  # a step in one line: "NN. " before it and " *" after it fit 80 columns
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


# "Did you mean" compares a word with every id: a file with thousands of broken references would make checking
# it quadratic. So suggestions stop after this many (each distinct word is looked up once), and the rest of the
# problems are still reported, without one: checking stays linear in the file's size.
SUGGESTIONS = 50


class Builder:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self._suggested: dict[str, str] = {}

    def suggest(self, word: str, options) -> str:
        if len(word) > 60:  # no id is that long: nothing to suggest, and no quadratic comparison of a huge word
            return ""
        if word not in self._suggested:
            if len(self._suggested) >= SUGGESTIONS:
                return ""
            close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
            self._suggested[word] = f" (did you mean '{close[0]}'?)" if close else ""
        return self._suggested[word]

    def err(self, line: int, msg: str) -> None:
        self.problems.append(Problem(self.file, line, _cut_long_words(msg)))

    def warn(self, line: int, msg: str) -> None:
        self.problems.append(Problem(self.file, line, _cut_long_words(msg), warning=True))

    # shapes -----------------------------------------------------------------------------------------

    def mapping(self, value: object, line: int, what: str) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.err(line, f"{what} must be a mapping of 'key: value' lines, found {_kind(value)}")
        return None

    def keys(self, m: YMap, allowed: _Keys, what: str) -> None:
        if allowed.fits(m):
            return
        for key in m:
            if key not in allowed:
                self.err(
                    m.line_of(key),
                    f"{what} has an unknown key '{excerpt(key)}'{self.suggest(key, allowed)}. "
                    f"Allowed: {', '.join(allowed)}",
                )
        for key in allowed.required:
            if key not in m:
                self.err(m.line, f"{what} has no '{key}': add it")

    def flag(self, m: YMap, key: str, what: str) -> bool:
        """A true/false key (false when absent); anything else is a problem at its line, and read as false."""
        v = m.get(key, "false")
        if not isinstance(v, str) or v.lower() not in _BOOLS:
            self.err(m.line_of(key), f"'{key}' of {what} must be true or false")
            return False
        return _BOOLS[v.lower()]

    def text(self, m: YMap, key: str, what: str) -> str | None:
        v = m.get(key)
        if v is None:
            return None
        if type(v) is str:
            return _words(v)
        self.err(m.line_of(key), f"'{key}' of {what} must be text, found {_kind(v)}")
        return None

    def id_list(self, m: YMap, key: str, what: str) -> tuple[list[str], list[int]]:
        v = m.get(key)
        if v is None:
            return [], []
        if isinstance(v, str):  # shorthand: a single id
            return [v], [m.line_of(key)]
        if isinstance(v, YList) and all(isinstance(x, str) for x in v):
            return list(v), list(v.item_lines)
        self.err(m.line_of(key), f"'{key}' of {what} must be a list of ids, like [step_a, step_b]")
        return [], []

    def provenance(self, m: YMap, what: str) -> None:
        if self.text(m, "source", what) is None and self.text(m, "added", what) is None:
            self.err(
                m.line,
                f"{what} says neither where it comes from nor why it was added: give 'source:' "
                "(the flowchart's words) or 'added:' (why the tool adds it)",
            )

    # the document -----------------------------------------------------------------------------------

    def build(
        self, doc: object, origin: str, sha256: str, shared: dict[str, Contact] | None = None
    ) -> Flowchart | None:
        """`shared`: the contacts of the pack this procedure belongs to, which its steps may name too."""
        top = self.mapping(doc, 1, "the file")
        if top is None:
            return None
        self.keys(top, _TOP, "the file")
        own = self.contacts(top)
        shared = shared or {}
        for cid in own.keys() & shared.keys():
            self.err(top["contacts"].line_of(cid), f"contact '{cid}' is also in the pack's shared contacts: keep one")
        contacts = {**shared, **own}
        sections = self.sections(top)
        steps = self.steps(top, sections, contacts)
        questions = self.questions(top, steps)
        reader, readers = self.reader(top, steps, questions, contacts) if "reader" in top else (None, ())
        title = self.sourced(top, "title") or ""
        start = top.get("start")
        if not isinstance(start, str):
            if "start" in top:
                self.err(top.line_of("start"), "'start' must be the id of the first question")
            start = ""
        elif start not in questions:
            hint = self.suggest(start, questions)
            self.err(top.line_of("start"), f"'start' is '{start}', which is not a question{hint}")
        elif not self.problems or all(p.warning for p in self.problems):
            self.graph(top, start, questions, steps, own, reader, readers)
        named = {c for s in steps.values() for c in s.contacts}
        contacts = {cid: c for cid, c in contacts.items() if cid in own or cid in named}
        if any(not p.warning for p in self.problems):
            return None
        who = self.text(top, "who_question", "the file")
        asked = {q.asks for q in questions.values()}
        if who is not None and who not in asked:
            self.err(
                top.line_of("who_question"),
                f"'who_question' is '{who}', which no question asks{self.suggest(who, asked)}",
            )
        unknown, _ = self.id_list(top, "not_known_yet", "the file")
        letters = self.letters(top, steps)
        signs, lines = self.id_list(top, "chair_signs", "'chair_signs'")
        for sid, line in zip(signs, lines, strict=True):
            if sid not in steps:
                self.err(line, f"'chair_signs' names step '{sid}', which is not in 'steps'{self.suggest(sid, steps)}")
        if any(not p.warning for p in self.problems):
            return None
        return Flowchart(
            title=title,
            credit=self.sourced(top, "credit"),
            urgent=self.notice(top),
            who_question=who,
            not_known_yet=tuple(unknown),
            incident_log=self.text(top, "incident_log", "the file") or Flowchart._field_defaults["incident_log"],
            about=self.about(top),
            start=start,
            questions=questions,
            sections=sections,
            steps=steps,
            contacts=contacts,
            origin=origin,
            sha256=sha256,
            reader=reader,
            readers=readers,
            letters=letters,
            chair_signs=tuple(signs),
        )

    def letters(self, top: YMap, steps: dict[str, Step]) -> dict[str, Letter]:
        """The letters the procedure asks the school to write: each paragraph says where it comes from, every
        placeholder is one the tool knows, and a letter to other parents asks for no name and no detail."""
        out: dict[str, Letter] = {}
        for lid, m in self.entries(top, "letters"):
            what = f"letter '{lid}'"
            self.keys(m, _LETTER, what)
            ids, lines = self.id_list(m, "steps", what)
            for sid, line in zip(ids, lines, strict=True):
                if sid not in steps:
                    self.err(line, f"{what} serves step '{sid}', which is not in 'steps'{self.suggest(sid, steps)}")
            waits, wlines = self.id_list(m, "waits_for", what)
            for sid, line in zip(waits, wlines, strict=True):
                if sid not in steps:
                    self.err(line, f"{what} waits for step '{sid}', which is not in 'steps'{self.suggest(sid, steps)}")
            is_general = self.flag(m, "general", what)
            body = m.get("text")
            if not isinstance(body, YList) or not body:
                if "text" in m:
                    self.err(m.line_of("text"), f"'text' of {what} must be a list of paragraphs")
                continue
            parts = []
            for n, (item, line) in enumerate(zip(body, body.item_lines, strict=True), 1):
                part = self.letter_part(item, line, f"paragraph {n} of {what}", is_general)
                if part is not None:
                    parts.append(part)
            out[lid] = Letter(
                id=lid,
                title=self.text(m, "title", what) or lid,
                to=self.text(m, "to", what) or "",
                steps=tuple(ids),
                parts=tuple(parts),
                general=is_general,
                when=self.text(m, "when", what),
                added=self.text(m, "added", what),
                source=self.text(m, "source", what),
                waits_for=tuple(waits),
            )
        return out

    def letter_part(self, item: object, line: int, what: str, general: bool) -> LetterPart | None:
        m = self.mapping(item, line, what)
        if m is None:
            return None
        self.keys(m, _PART, what)
        self.provenance(m, what)
        text = m.get("text")
        if text is not None and type(text) is not str:
            self.err(m.line_of("text"), f"'text' of {what} must be text")
            text = None
        points = m.get("points")
        if points is not None and not (isinstance(points, YList) and all(isinstance(p, str) for p in points)):
            self.err(m.line_of("points"), f"'points' of {what} must be a list of lines of text")
            points = None
        record = self.text(m, "record", what)
        if record is not None and record not in RECORD_LISTS:
            self.err(
                m.line_of("record"),
                f"'record' of {what} is '{record}': use one of {', '.join(RECORD_LISTS)}"
                + self.suggest(record, RECORD_LISTS),
            )
        if general and record is not None:
            self.err(
                m.line_of("record"), f"{what} is in a letter to other parents, which takes nothing from the record"
            )
        if sum(x is not None for x in (text, points, record)) != 1:
            self.err(m.line, f"{what} needs one of 'text', 'points' or 'record'")
            return None
        for key, words in (("text", [text] if text else []), ("points", list(points or ()))):
            for w in words:
                for name in PLACEHOLDER.findall(w):
                    at = m.line_of(key)
                    if name not in PLACEHOLDERS:
                        self.err(at, f"{what} has an unknown placeholder {{{name}}}{self.suggest(name, PLACEHOLDERS)}")
                    elif general and name not in GENERAL_PLACEHOLDERS:
                        self.err(
                            at,
                            f"{what} asks for {{{name}}}, but a letter to other parents names no one and describes "
                            f"nothing: it may use only {', '.join(sorted(GENERAL_PLACEHOLDERS))}",
                        )
        return LetterPart(
            text=" ".join(text.split()) if text else None,
            points=tuple(" ".join(p.split()) for p in points or ()),
            record=record,
            source=self.text(m, "source", what),
            added=self.text(m, "added", what),
        )

    def route(self, m: YMap, what: str, contacts: list[str]) -> str | None:
        """A step's `route:`, the one of its contacts that doing the step reaches (the governors count it)."""
        route = self.text(m, "route", what)
        if route is not None and route not in contacts:
            self.err(
                m.line_of("route"),
                f"'route' of {what} is '{route}', which is not one of its contacts ({', '.join(contacts) or 'none'})",
            )
        return route

    def reader(
        self, top: YMap, steps: dict[str, Step], questions: dict[str, Question], contacts: dict[str, Contact]
    ) -> tuple[Question | None, tuple[ReaderPart, ...]]:
        """`reader:`, the question 'who is reading this?': each choice says which questions matter to that reader
        (`asks`), which steps are their part (`only`, or `leave_out`), the answers being that reader gives
        (`answers`), the only answers they may give to a question (`offers`), which contact they are
        (`is_contact`: never listed for them to reach), and which answers make them someone else (`becomes`: a
        part under `parts:`, or another reader's). Its choices may make steps due or conditional, as any other
        choice does."""
        m = self.mapping(top["reader"], top.line_of("reader"), "'reader'")
        if m is None:
            return None, ()
        self.keys(m, _Keys(text=True, help=False, source=False, added=False, choices=True, parts=False), "'reader'")
        self.provenance(m, "'reader'")
        cm = self.mapping(m.get("choices"), m.line_of("choices"), "'choices' of 'reader'")
        if cm is None:
            return None, ()
        asked = {q.asks: q for q in questions.values()}
        pm = self.mapping(m.get("parts"), m.line_of("parts"), "'parts' of 'reader'") if "parts" in m else None
        names = {*cm, *(pm or {})}
        choices, parts = [], []
        for value, c in cm.items():
            what = f"reader '{value}'"
            if not self.ident(value, cm.line_of(value), "the value of a choice of 'reader'"):
                continue
            c = self.mapping(c, cm.line_of(value), what)
            if c is None:
                continue
            self.keys(c, _READER_CHOICE, what)
            part = self.reader_part(value, c, what, steps, asked, contacts, names)
            choices.append(
                Choice(value, part.label or value, END, part.due, part.conditional, self.text(c, "added", what))
            )
            parts.append(part)
        for value, c in (pm or {}).items():
            what = f"reader part '{value}'"
            if not self.ident(value, pm.line_of(value), "the name of a reader part"):
                continue
            if value in cm:
                self.err(pm.line_of(value), f"{what} has the name of a reader's choice: name it something else")
                continue
            c = self.mapping(c, pm.line_of(value), what)
            if c is None:
                continue
            self.keys(c, _READER_PART, what)
            self.provenance(c, what)
            parts.append(self.reader_part(value, c, what, steps, asked, contacts, names))
        if len(choices) < 2:
            self.err(cm.line, "'reader' needs at least two choices")
        q = Question(
            id=READER,
            asks=READER,
            text=self.text(m, "text", "'reader'") or "",
            choices=tuple(choices),
            help=self.text(m, "help", "'reader'"),
            source=self.text(m, "source", "'reader'"),
            added=self.text(m, "added", "'reader'"),
            line=m.line,
            by_value={c.value: c for c in choices},
        )
        return q, tuple(parts)

    def reader_part(
        self,
        value: str,
        c: YMap,
        what: str,
        steps: dict[str, Step],
        asked: dict[str, Question],
        contacts: dict[str, Contact],
        names: set[str],
    ) -> ReaderPart:
        """One reader's part (a choice of `reader:`, or a part under `parts:` that `becomes` reaches)."""
        named: dict[str, tuple[str, ...]] = {}
        for key in ("due", "conditional", "only", "leave_out"):
            named[key] = self.step_ids(c, key, value, "'reader'", steps) if key in c else ()
        asks, lines = self.id_list(c, "asks", what) if "asks" in c else (None, [])
        for q, line in zip(asks or (), lines, strict=True):
            self.asked(q, line, what, "asks", asked)
        given = self.reader_answers(c, what, asked)
        offers = []
        om = self.mapping(c.get("offers"), c.line_of("offers"), f"'offers' of {what}") if "offers" in c else None
        for q in om or {}:
            values, vlines = self.id_list(om, q, f"'offers' of {what}")
            if not self.asked(q, om.line_of(q), what, "offers answers to", asked):
                continue
            for v, line in zip(values, vlines, strict=True):
                if v not in asked[q].values:
                    self.err(line, f"{what} offers '{v}' for '{q}': use one of {', '.join(asked[q].values)}")
            offers.append((q, tuple(values)))
        becomes = []
        bm = self.mapping(c.get("becomes"), c.line_of("becomes"), f"'becomes' of {what}") if "becomes" in c else None
        for q, vm in (bm or {}).items():
            vm = self.mapping(vm, bm.line_of(q), f"'becomes' of {what} for '{q}'")
            if vm is None or not self.asked(q, bm.line_of(q), what, "becomes another on", asked):
                continue
            for v, other in vm.items():
                if v not in asked[q].values:
                    self.err(
                        vm.line_of(v), f"{what} becomes another on '{q}: {v}': use one of {', '.join(asked[q].values)}"
                    )
                elif not isinstance(other, str) or other not in names or other == value:
                    shown = excerpt(other) if isinstance(other, str) else _kind(other)
                    self.err(
                        vm.line_of(v),
                        f"{what} becomes '{shown}' on '{q}: {v}': name another reader, or a part under 'parts'",
                    )
                else:
                    becomes.append((q, v, other))
        me = self.text(c, "is_contact", what) if "is_contact" in c else None
        if me is not None and me not in contacts:
            self.err(
                c.line_of("is_contact"), f"{what} is contact '{me}', which is not a contact{self.suggest(me, contacts)}"
            )
        return ReaderPart(
            value,
            tuple(asks) if asks is not None else None,
            named["only"],
            named["leave_out"],
            tuple(given),
            me,
            tuple(offers),
            tuple(becomes),
            named["due"],
            named["conditional"],
            self.text(c, "label", what) or value,
        )

    def asked(self, q: str, line: int, what: str, doing: str, asked: dict[str, Question]) -> bool:
        """Whether a reader's part names a question the procedure asks; else an error saying so (did you mean)."""
        if q in asked:
            return True
        self.err(line, f"{what} {doing} '{q}', which no question asks{self.suggest(q, asked)}")
        return False

    def reader_answers(self, c: YMap, what: str, asked: dict[str, Question]) -> list[tuple[str, str]]:
        """A reader's `answers:`, the answers they give by being who they are."""
        given: list[tuple[str, str]] = []
        am = self.mapping(c.get("answers"), c.line_of("answers"), f"'answers' of {what}") if "answers" in c else None
        for q, v in (am or {}).items():
            v = v if isinstance(v, str) else ""
            if self.asked(q, am.line_of(q), what, "answers", asked) and v not in asked[q].values:
                self.err(am.line_of(q), f"{what} answers '{q}' with '{v}': use one of {', '.join(asked[q].values)}")
            given.append((q, v))
        return given

    def sourced(self, top: YMap, key: str) -> str | None:
        """`title:` or `credit:`: plain text, or a mapping of `text:` with its `source:` or `added:`."""
        v = top.get(key)
        if isinstance(v, YMap):
            self.keys(v, _NOTICE, f"'{key}'")
            self.provenance(v, f"'{key}'")
            return self.text(v, "text", f"'{key}'")
        return self.text(top, key, "the file")

    def about(self, top: YMap) -> tuple[tuple[str, str], ...]:
        """What a reader of a list of procedures needs: audience, scope, publisher, version, review date, document."""
        if "about" not in top:
            return ()
        m = self.mapping(top["about"], top.line_of("about"), "'about'")
        if m is None:
            return ()
        self.keys(m, _ABOUT, "'about'")
        return tuple((k, v) for k in _ABOUT if (v := self.text(m, k, "'about'")))

    def notice(self, top: YMap) -> Notice | None:
        if "urgent" not in top:
            return None
        m = self.mapping(top["urgent"], top.line_of("urgent"), "'urgent'")
        if m is None:
            return None
        self.keys(m, _NOTICE, "'urgent'")
        self.provenance(m, "'urgent'")
        return Notice(
            self.text(m, "text", "'urgent'") or "",
            self.text(m, "source", "'urgent'"),
            self.text(m, "added", "'urgent'"),
        )

    def entries(self, top: YMap, key: str) -> list[tuple[str, YMap]]:
        block = top.get(key)
        if block is None:
            return []
        m = self.mapping(block, top.line_of(key), f"'{key}'")
        if m is None:
            return []
        out = []
        for ident, body in m.items():
            if not self.ident(ident, m.line_of(ident), f"the {key[:-1]} id"):
                continue
            what = f"{key[:-1]} '{ident}'"
            if ident == END:
                self.err(m.line_of(ident), f"'{END}' is reserved (it marks the end of a path): rename this {key[:-1]}")
                continue
            b = self.mapping(body, m.line_of(ident), what)
            if b is not None:
                out.append((ident, b))
        return out

    def ident(self, ident: str, line: int, what: str) -> bool:
        """Ids are what answers files, transcripts and diagrams are keyed by: plain ASCII letters, digits and _,
        so no id can hold a space, markup, or an invisible character that makes it look like another."""
        if _ID.fullmatch(ident):
            return True
        shown = terminal(ident if len(ident) <= 40 else ident[:40] + "…")
        self.err(line, f"{what} '{shown}' may hold only letters A to Z, digits and _: rename it")
        return False

    def contacts(self, top: YMap) -> dict[str, Contact]:
        out: dict[str, Contact] = {}
        for cid, m in self.entries(top, "contacts"):
            what = f"contact '{cid}'"
            self.keys(m, _CONTACT, what)
            self.provenance(m, what)
            fields = {k: self.text(m, k, what) for k in _CONTACT}
            out[cid] = Contact(id=cid, **{**fields, "name": fields["name"] or cid})
        return out

    def sections(self, top: YMap) -> dict[str, Section]:
        out: dict[str, Section] = {}
        for sid, m in self.entries(top, "sections"):
            what = f"section '{sid}'"
            self.keys(m, _SECTION, what)
            fields = {k: self.text(m, k, what) for k in _SECTION}
            out[sid] = Section(id=sid, **{**fields, "title": fields["title"] or sid})
        return out

    def steps(self, top: YMap, sections: dict[str, Section], contacts: dict[str, Contact]) -> dict[str, Step]:
        out: dict[str, Step] = {}
        later: list[tuple[str, str, int]] = []
        for sid, m in self.entries(top, "steps"):
            what = f"step '{sid}'"
            self.keys(m, _STEP, what)
            self.provenance(m, what)
            section = self.text(m, "section", what) or ""
            if not section and "section" in m:
                self.err(m.line_of("section"), f"'section' of {what} is empty: give the id of its section")
            elif section and section not in sections:
                self.err(
                    m.line_of("section"),
                    f"{what} is in section '{section}', which is not in 'sections'{self.suggest(section, sections)}",
                )
            ids, lines = self.id_list(m, "contacts", what)
            for c, line in zip(ids, lines, strict=True):
                if c not in contacts:
                    self.err(line, f"{what} names contact '{c}', which is not in 'contacts'{self.suggest(c, contacts)}")

            short, when = self.text(m, "short", what), self.text(m, "when", what)
            shown = f"If {when}: {short}" if short and when else short  # the longest way the screen shows it
            if shown and len(shown) > SHORT_MAX:
                self.warn(
                    m.line_of("short"),
                    f"'{shown}' ({what}'s 'short', with its 'when') has {len(shown)} characters: keep it to "
                    f"{SHORT_MAX}, so that it fits on one line of an 80-column screen",
                )
            details = m.get("details")
            if details is not None and not (isinstance(details, YList) and all(isinstance(d, str) for d in details)):
                self.err(m.line_of("details"), f"'details' of {what} must be a list of lines of text")
                details = None
            covered, covered_lines = self.id_list(m, "covered_by", what) if "covered_by" in m else ([], [])
            later.extend((what, c, line) for c, line in zip(covered, covered_lines, strict=True))
            out[sid] = Step(
                id=sid,
                text=self.text(m, "text", what) or "",
                section=section,
                always=self.flag(m, "always", what),
                condition=self.text(m, "condition", what),
                details=tuple(" ".join(d.split()) for d in details or ()),
                source=self.text(m, "source", what),
                added=self.text(m, "added", what),
                contacts=tuple(ids),
                covered_by=tuple(covered),
                short=short,
                when=when,
                info=self.flag(m, "info", what),
                route=self.route(m, what, ids),
            )
        for what, c, line in later:  # a step may be covered by one written after it
            if c not in out:
                self.err(line, f"{what} is covered by step '{c}', which is not in 'steps'{self.suggest(c, out)}")
        return out

    def questions(self, top: YMap, steps: dict[str, Step]) -> dict[str, Question]:
        raw = self.entries(top, "questions")
        node_ids = {qid for qid, _ in raw} | {END}
        wording: dict[str, tuple[str | None, str | None]] | None = None
        out: dict[str, Question] = {}
        values_of: dict[str, tuple[tuple[str, ...], str, int]] = {}
        for qid, m in raw:
            what = f"question '{qid}'"
            self.keys(m, _QUESTION, what)
            asks = m.get("asks", qid)
            if type(asks) is not str or not self.ident(asks, m.line_of("asks"), f"'asks' of {what}"):
                if type(asks) is not str:
                    self.err(m.line_of("asks"), f"'asks' of {what} must be a question id")
                asks = qid
            text = self.text(m, "text", what)
            help_ = self.text(m, "help", what) if "help" in m else None
            if text is None:
                # A node that `asks` another question's id borrows its wording when it has none of its own.
                wording = wording if wording is not None else self.wording(raw)
                text, borrowed_help = wording.get(asks, (None, None))
                help_ = help_ or borrowed_help
                if text is None:
                    self.err(m.line, f"{what} has no 'text': write the question to ask")
            choices = self.choices(m, what, node_ids, steps)
            by_value = {c.value: c for c in choices}
            for c in choices:
                for old in c.replaces:
                    if old in by_value:
                        self.err(m.line, f"{what}: choice '{c.value}' replaces '{old}', which is still a choice")
            q = Question(
                id=qid,
                asks=asks,
                text=text or "",
                choices=tuple(choices),
                help=help_,
                source=self.text(m, "source", what) if "source" in m else None,
                added=self.text(m, "added", what) if "added" in m else None,
                line=m.line,
            )
            q = q._replace(by_value=q.lookup())
            values = tuple(by_value)
            if asks in values_of and values_of[asks][0] != values and choices:
                first_vals, first_node, first_line = values_of[asks]
                self.err(
                    m.line,
                    f"{what} asks '{asks}' with choices {', '.join(values)}, but question "
                    f"'{first_node}' (line {first_line}) asks it with {', '.join(first_vals)}: "
                    "a question must have the same choices wherever it is asked",
                )
            elif choices:
                values_of.setdefault(asks, (values, qid, m.line))
            out[qid] = q
        return out

    def wording(self, raw: list[tuple[str, YMap]]) -> dict[str, tuple[str | None, str | None]]:
        """The text and help of each question id, from the first node that asks it in words."""
        wording: dict[str, tuple[str | None, str | None]] = {}
        for qid, m in raw:
            asks = m.get("asks", qid)
            if isinstance(asks, str) and isinstance(m.get("text"), str):  # problems are reported where they are
                wording.setdefault(asks, (_words(m.get("text")), _words(m.get("help"))))
        return wording

    def choices(self, m: YMap, what: str, node_ids: set[str], steps: dict[str, Step]) -> list[Choice]:
        block = m.get("choices")
        if block is None:
            return []
        cm = self.mapping(block, m.line_of("choices"), f"'choices' of {what}")
        if cm is None:
            return []
        if len(cm) < 2:
            self.err(
                cm.line, f"{what} has {len(cm)} choice{'s' if len(cm) != 1 else ''}: a question needs at least two"
            )
        out = []
        for value, c in cm.items():
            if not self.ident(value, cm.line_of(value), f"the value of a choice of {what}"):
                continue
            # This loop runs once per branch of the procedure: it builds a choice's name ("choice 'yes' of
            # question 'q1'") only for a problem, or for a key the choice has that may need one.
            if type(c) is not YMap:
                if c is not None:
                    self.mapping(c, cm.line_of(value), _choice(value, what))
                    continue
                c = YMap()
                c.line, c.key_lines = cm.line_of(value), {}
            if not _CHOICE.fits(c):
                self.keys(c, _CHOICE, _choice(value, what))
            nxt = c.get("next")
            if type(nxt) is not str:
                if nxt is not None or "next" in c:
                    self.err(c.line_of("next"), f"'next' of {_choice(value, what)} must be a question id or '{END}'")
                nxt = END
            elif nxt not in node_ids:
                self.err(
                    c.line_of("next"),
                    f"{_choice(value, what)} goes to '{nxt}', which is not a question"
                    f"{self.suggest(nxt, node_ids)}. Use a question id or '{END}'",
                )
            due = self.step_ids(c, "due", value, what, steps) if "due" in c else ()
            conditional = self.step_ids(c, "conditional", value, what, steps) if "conditional" in c else ()
            if due and conditional and not set(due).isdisjoint(conditional):
                both = ", ".join(sorted(set(due) & set(conditional)))
                self.err(c.line, f"{_choice(value, what)} makes {both} both due and conditional: pick one")
            label = self.text(c, "label", _choice(value, what)) if "label" in c else None
            added = self.text(c, "added", _choice(value, what)) if "added" in c else None
            decision = self.text(c, "decision", _choice(value, what)) if "decision" in c else None
            label = label or value.replace("_", " ").capitalize()
            holds = self.step_ids(c, "holds", value, what, steps) if "holds" in c else ()
            hold = self.hold(c, _choice(value, what), holds)
            replaces = tuple(self.id_list(c, "replaces", _choice(value, what))[0]) if "replaces" in c else ()
            out.append(Choice(value, label, nxt, due, conditional, added, decision, holds, hold, replaces))
        return out

    def hold(self, c: YMap, what: str, holds: tuple[str, ...]) -> Hold | None:
        """A choice's `hold:`, what the steps it `holds` wait for: both or neither."""
        if "hold" not in c:
            if holds:
                self.err(c.line_of("holds"), f"{what} holds steps: say what they wait for in 'hold' (when, condition)")
            return None
        m = self.mapping(c["hold"], c.line_of("hold"), f"'hold' of {what}")
        if m is None:
            return None
        self.keys(m, _HOLD, f"'hold' of {what}")
        if not holds:
            self.err(c.line_of("hold"), f"{what} has a 'hold' but 'holds' no step")
        when, condition = self.text(m, "when", f"'hold' of {what}"), self.text(m, "condition", f"'hold' of {what}")
        added = self.text(m, "added", f"'hold' of {what}")
        return Hold(when, condition, added) if when and condition else None

    def step_ids(self, c: YMap, status: str, value: str, what: str, steps: dict[str, Step]) -> tuple[str, ...]:
        ids, lines = self.id_list(c, status, _choice(value, what))
        for s, line in zip(ids, lines, strict=True):
            if s not in steps:
                hint = self.suggest(s, steps)
                self.err(line, f"{_choice(value, what)} names step '{s}', which is not in 'steps'{hint}")
        return tuple(ids)

    # the graph --------------------------------------------------------------------------------------

    def graph(
        self,
        top: YMap,
        start: str,
        questions: dict[str, Question],
        steps: dict[str, Step],
        contacts: dict[str, Contact],
        reader: Question | None = None,
        parts: tuple[ReaderPart, ...] = (),
    ) -> None:
        """Cycles, unreachable questions, unused steps and contacts (a step the reader question's choices make
        due or conditional is used). Linear in the size of the graph."""
        qmap = top["questions"]
        # Iterative depth-first search with colours: grey on the stack, black done.
        colour: dict[str, int] = {start: 1}
        stack = [(start, iter(questions[start].choices))]
        while stack:
            node, it = stack[-1]
            for ch in it:
                nxt = ch.next
                if nxt == END:
                    continue
                state = colour.get(nxt, 0)
                if state == 1:
                    self.err(
                        qmap.line_of(node),
                        f"question '{node}' (choice '{ch.value}') goes back to "
                        f"'{nxt}', which makes a loop: a path must always move on to '{END}'",
                    )
                elif state == 0:
                    colour[nxt] = 1
                    stack.append((nxt, iter(questions[nxt].choices)))
                    break
            else:
                colour[node] = 2
                stack.pop()
        for qid in questions:
            if qid not in colour:
                self.err(
                    qmap.line_of(qid), f"question '{qid}' is never asked: no choice leads to it (and it is not 'start')"
                )
        asked = [*questions.values(), *([reader] if reader else [])]
        used_steps = {s for q in asked for c in q.choices for s in (*c.due, *c.conditional)}
        used_steps.update(s for p in parts for s in (*p.due, *p.conditional))
        smap = top["steps"]
        used_contacts = set()
        for sid, st in steps.items():
            if st.always or sid in used_steps:
                used_contacts.update(st.contacts)
            else:
                self.warn(
                    smap.line_of(sid),
                    f"step '{sid}' is never shown: no choice makes it due or conditional, and it is not 'always: true'",
                )
        cmap = top["contacts"]
        for cid in contacts:
            if cid not in used_contacts:
                self.warn(cmap.line_of(cid), f"contact '{cid}' is not named by any step shown on a path")


def _words(v: object) -> str | None:
    """Text with its runs of spaces and line breaks made single spaces; None if there are no words."""
    return (" ".join(v.split()) or None) if isinstance(v, str) else None


def _choice(value: str, what: str) -> str:
    return f"choice '{value}' of {what}"


def _kind(value: object) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if value is None:
        return "nothing"
    return f"the text '{excerpt(str(value))}'"


_LONG_WORD = re.compile(r"\S{61,}")


def _cut_long_words(msg: str) -> str:
    """A value quoted from the file (an id, a reference) is at most 60 characters in a message: a huge one is cut,
    so a message never repeats a file's bulk."""
    return _LONG_WORD.sub(lambda m: m.group()[:40] + "…", msg)


def excerpt(text: str, limit: int = 40) -> str:
    """A short, escaped piece of a file's text for a message: never more than `limit` characters of it (a file
    that fails to parse may be one that should never have been read, such as a secret)."""
    return terminal(text if len(text) <= limit else text[:limit] + "…")
