"""The pure engine: given a flowchart and the answers so far, what comes next and what must be done.

No I/O, no prompts, no printing. Answers are a mapping of public question id -> value; the engine follows the
path from `start`, so answers for questions off the path are simply never read (and are reported as not asked).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from ..errors import MissingAnswer, WizardError
from ..escape import one_line
from .model import END, READER, Choice, Contact, Flowchart, Hold, Question, ReaderPart, Step


class Answered(NamedTuple):
    """One answer on the path, in the order asked."""

    question: Question
    choice: Choice
    by_role: bool = False  # not asked: the reader gives this answer by being who they are

    @property
    def id(self) -> str:
        return self.question.asks

    @property
    def value(self) -> str:
        return self.choice.value

    @property
    def text(self) -> str:
        return self.question.text

    @property
    def label(self) -> str:
        return self.choice.label


class Walk(NamedTuple):
    """How far the answers reach: the answers used, in order, and the question to ask next (None at the end)."""

    answered: tuple[Answered, ...]
    pending: Question | None

    @property
    def finished(self) -> bool:
        return self.pending is None


class StepResult(NamedTuple):
    step: Step
    status: str  # "due" or "conditional"


class Decision(NamedTuple):
    """An answer that means something is not done (a referral not made), and the reason given for it."""

    answered: Answered
    reason: str | None

    @property
    def id(self) -> str:
        return self.answered.id

    @property
    def value(self) -> str:
        return self.answered.value

    @property
    def text(self) -> str:
        """What is not done, in the procedure's words."""
        return self.answered.choice.decision or ""


class Outcome(NamedTuple):
    answered: tuple[Answered, ...]
    steps: tuple[StepResult, ...]
    contacts: tuple[Contact, ...]
    not_asked: tuple[tuple[str, str], ...]
    decisions: tuple[Decision, ...] = ()


def walk(fc: Flowchart, answers: Mapping[str, str]) -> Walk:
    """Follow the path from `start` as far as `answers` go.

    A question asked twice on one path (two nodes that ask the same id) takes the answer already given.

    Where the procedure asks who is reading and `answers` says (`reader`), that answer comes first; the answers
    that reader gives by being who they are hold; and the walk ends at the first question that does not matter
    to them. An answer can make the reader someone else (a head teacher who posted it has a part of their own):
    from there on, that part's questions matter. A question is offered to a reader with only the answers their
    part allows (the Chair of Governors is reading because the head teacher is involved). Without a `reader`
    answer the walk is the whole procedure, as for the person handling it.
    """
    node = fc.start
    answered: list[Answered] = []
    part = None
    given: dict[str, str] = {}
    if fc.reader is not None and answers.get(READER) is not None:
        try:
            answered.append(Answered(fc.reader, fc.reader.choice(answers[READER])))
        except KeyError:
            raise WizardError(_bad_value(READER, answers[READER], fc.reader.values)) from None
        part = fc.reader_part(answers[READER])
        given = dict(part.answers) if part else {}
    while node != END:
        q = offered(part, fc.questions[node])
        if part is not None and part.asks is not None and q.asks not in part.asks:
            break  # nothing after this matters to this reader
        value = given.get(q.asks, answers.get(q.asks))
        if value is None:
            return Walk(tuple(answered), q)
        try:
            choice = q.choice(value)
        except KeyError:
            raise WizardError(_bad_value(q.asks, value, q.values)) from None
        answered.append(Answered(fc.questions[node], choice, q.asks in given))
        later = fc.next_part(part, q.asks, choice.value)
        if later is not part and later is not None:
            part = later
            given = {**dict(later.answers), **given}
        node = choice.next
    return Walk(tuple(answered), None)


def offered(part: ReaderPart | None, q: Question) -> Question:
    """The question as this reader is asked it: with only the answers their part offers, where it limits them."""
    if part is None or not part.offers:
        return q
    allowed = next((vs for qid, vs in part.offers if qid == q.asks), None)
    if allowed is None:
        return q
    choices = tuple(c for c in q.choices if c.value in allowed)
    return q._replace(choices=choices, by_value=None)


def outcome(fc: Flowchart, answers: Mapping[str, str], reasons: Mapping[str, str] | None = None) -> Outcome:
    """The steps (due or conditional, in the flowchart's order) and contacts for a complete set of answers.

    Raises:
        MissingAnswer: the answers stop before the end of the path.
    """
    w = walk(fc, answers)
    if w.pending is not None:
        q = w.pending
        raise MissingAnswer(q.asks, q.text, q.values)
    return outcome_of(fc, w, answers, reasons)


def outcome_of(
    fc: Flowchart, w: Walk, answers: Mapping[str, str] | None = None, reasons: Mapping[str, str] | None = None
) -> Outcome:
    """The outcome so far for a walk, finished or not (a draft shows what is known already)."""
    status: dict[str, str] = {sid: "due" for sid, s in fc.steps.items() if s.always}
    mine = fc.part_of(w.answered)
    chosen = fc.part_of(w.answered[:1])
    # A reader made someone else by an answer (`becomes`) has that part's own steps as well as the path's.
    extra = (mine.conditional, mine.due) if mine is not None and mine is not chosen else ((), ())
    for a in w.answered:
        for sid in a.choice.conditional:
            status.setdefault(sid, "conditional")
    for sid in extra[0]:
        status.setdefault(sid, "conditional")
    for a in w.answered:
        for sid in a.choice.due:  # due on any answer outranks conditional on another
            status[sid] = "due"
    for sid in extra[1]:
        status[sid] = "due"
    # A step is left out when a due step on the path already covers it (a conditional one might not happen).
    covered = {sid for sid in status if any(status.get(c) == "due" for c in fc.steps[sid].covered_by)}
    holds = _holds(w)
    steps = tuple(
        _held(s, holds[sid]) if sid in holds else StepResult(s, status[sid])
        for sid, s in fc.steps.items()
        if sid in status and sid not in covered and (mine is None or _in_part(mine, sid))
    )
    contact_ids: dict[str, None] = {}
    for r in steps:
        contact_ids.update(dict.fromkeys(r.step.contacts))
    used = {a.id for a in w.answered}
    not_asked = tuple((k, v) for k, v in (answers or {}).items() if k not in used)
    decisions = tuple(Decision(a, (reasons or {}).get(a.id) or None) for a in w.answered if a.choice.decision)
    return Outcome(w.answered, steps, tuple(fc.contacts[c] for c in contact_ids), not_asked, decisions)


def _holds(w: Walk) -> dict[str, list[Hold]]:
    """What each held step on the path waits for (the LADO's agreement, the DSL's decision), in path order."""
    out: dict[str, list[Hold]] = {}
    for a in w.answered:
        if a.choice.hold is not None:
            for sid in a.choice.holds:
                out.setdefault(sid, []).append(a.choice.hold)
    return out


def _held(step: Step, holds: list[Hold]) -> StepResult:
    """A step that waits: conditional, its condition what it waits for, then its own (the record keeps both)."""
    when = _together(h.when for h in holds)
    condition = "; ".join(h.condition for h in holds)
    if step.condition:
        own = step.condition[:1].lower() + step.condition[1:]
        condition = f"{condition}; then, {own}"
        when = f"{when}, and {step.when or own}"
    waits = " ".join(f"{h.condition}: {h.added}" for h in holds if h.added)
    added = f"{step.added} {waits}" if step.added and waits else step.added or waits or None
    return StepResult(step._replace(when=when, condition=condition, added=added), "conditional")


def _together(whens) -> str:
    """Several things waited for, in a few words: "the DSL agrees" and "the LADO agrees" read "the DSL and the LADO
    agree"; others are joined with "and"."""
    whens = list(dict.fromkeys(whens))
    if len(whens) > 1 and all(w.endswith(" agrees") for w in whens):
        return " and ".join(w.removesuffix(" agrees") for w in whens) + " agree"
    return " and ".join(whens)


def _in_part(part: ReaderPart, step_id: str) -> bool:
    return (not part.only or step_id in part.only) and step_id not in part.leave_out


# --- answers from a file or a script -------------------------------------------------------------------

_BOOL_VALUES = {True: "yes", False: "no"}


def normalise_answers(fc: Flowchart, raw: object, where: str = "the answers") -> dict[str, str]:
    """Check a mapping of question id -> answer from a file: known ids, allowed values, booleans as yes/no.

    Raises:
        WizardError: naming the unknown id or the question and its valid values.
    """
    valid = fc.question_values()
    if not isinstance(raw, Mapping):
        qid, values = next(iter(valid.items()))
        raise WizardError(f"{where} must be a mapping of question id to answer, like '{qid}: {values[0]}'.")
    out: dict[str, str] = {}
    for key, value in raw.items():
        qid = _BOOL_VALUES.get(key, key) if isinstance(key, bool) else str(key)
        if qid not in valid:
            raise WizardError(
                f"{where}: '{shown_value(qid)}' is not a question in this flowchart.{did_you_mean(qid, valid)} "
                f"Questions: {', '.join(valid)}."
            )
        out[qid] = normalise_value(qid, value, valid[qid], fc.replaced().get(qid))
    return out


def normalise_value(qid: str, value: object, values: Iterable[str], replaced: Mapping[str, str] | None = None) -> str:
    """An answer as the procedure names it; an older answer a choice `replaces` reads as that choice's."""
    values = tuple(values)
    if isinstance(value, bool):
        text = _BOOL_VALUES[value]
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "_").replace("-", "_")
    else:
        text = None
    text = (replaced or {}).get(text, text) if isinstance(text, str) else text
    if text not in values:
        raise WizardError(_bad_value(qid, value, values))
    return text


def _bad_value(qid: str, value: object, values: tuple[str, ...]) -> str:
    return (
        f"'{shown_value(value)}' is not an answer to question '{qid}'.{did_you_mean(value, values)} "
        f"Use one of: {', '.join(values)}."
    )


def did_you_mean(word: object, options) -> str:
    """' Did you mean 'x'?' for a word close to one of the options (a typo: 'serius', 'dls'), else ''."""
    import difflib

    if not isinstance(word, str) or not word.strip() or len(word) > 200:
        return ""
    near = difflib.get_close_matches(word.strip().lower().replace(" ", "_"), list(options), n=1, cutoff=0.6)
    return f" Did you mean '{near[0]}'?" if near else ""


def shown_value(value: object, limit: int = 60) -> str:
    """A value as the user wrote it, on one line, made safe and cut to a readable length."""
    text = one_line(value if isinstance(value, str) else str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reader_paths(fc: Flowchart) -> list[dict[str, str]]:
    """Every distinct complete set of answers for each reader the procedure has (none if it asks no reader):
    each path of the procedure as that reader walks it, the questions that do not matter to them left out."""
    out: dict[tuple, dict[str, str]] = {}
    for value in fc.reader.values if fc.reader else ():
        for answers in every_path(fc):
            try:
                w = walk(fc, {**answers, READER: value})
            except WizardError:  # an answer this reader is not offered (the head not involved, for the Chair)
                continue
            if w.finished:
                used = {a.id: a.value for a in w.answered}
                out.setdefault(tuple(used.items()), used)
    return list(out.values())


def every_path(fc: Flowchart) -> list[dict[str, str]]:
    """Every distinct complete set of answers, depth first in the file's order of choices."""
    out: list[dict[str, str]] = []
    stack: list[tuple[str, dict[str, str]]] = [(fc.start, {})]
    while stack:
        node, answers = stack.pop()
        if node == END:
            out.append(answers)
            continue
        q = fc.questions[node]
        if q.asks in answers:  # asked already on this path: the same answer holds
            stack.append((q.choice(answers[q.asks]).next, answers))
            continue
        for c in reversed(q.choices):
            stack.append((c.next, {**answers, q.asks: c.value}))
    return out
