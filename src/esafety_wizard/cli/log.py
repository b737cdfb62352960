"""`esafety log`: the private incident log. Each command opens the store once, calls one operation in `cases`,
and prints what it returned. To add a command: one operation in operations.py, one function here."""

import contextlib
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    EXIT_CANCELLED,
    AsOpt,
    FlowchartOpt,
    ForceOpt,
    HomeOpt,
    NoColorOpt,
    PlainOpt,
    ProcedureOpt,
    boundary,
    err,
    home_of,
    out,
    plain_mode,
    procedure,
    who_acts,
)

log_app = typer.Typer(
    help="Your private incident log: follow an incident from first report to closure, over days.\n\n"
    "Each incident is a history of events (answers, steps done, notes, evidence, closing) that is only ever "
    "added to, and is chained by SHA-256 so that `esafety log verify` can tell if anything was altered. "
    "Nothing is sent anywhere.\n\n"
    "Example: esafety guide --save, then later: esafety log list",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _incident_number(value: str) -> int:
    """An incident's number as people type it: plain digits, within what the database can hold."""
    from ..escape import one_line

    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18 or int(text) < 1:
        shown = one_line(value)[:20] + ("…" if len(value) > 20 else "")
        raise typer.BadParameter(
            f"'{shown}' is not an incident number. Give its number, like 3 (see: esafety log list)."
        )
    return int(text)


IdArg = Annotated[
    int, typer.Argument(metavar="ID", parser=_incident_number, help="The incident's number (see esafety log list).")
]
StepArg = Annotated[str, typer.Argument(metavar="STEP", help="The step's number or id (see log show).")]


@contextlib.contextmanager
def _store(home, readonly: bool = False):
    """The one store of a command: opened once (read-only for a command that only reads), closed at its end."""
    from ..casefile.incidents import open_store

    with open_store(home, create=False, readonly=readonly) as st:
        yield st


def _change(home, as_, no_color, do) -> None:
    """A command that records one change: who is acting, one store, `do(cases, store, who)`, then the line it
    returns, saying what was done."""
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        from ..casefile import acting, operations

        who = acting.actor(home, as_)
        with _store(home) as st:
            message = do(operations, st, who)
        err(no_color).print(message)


@log_app.command("name")
def log_name(
    name: Annotated[str, typer.Argument(help="Your name as it should appear in the records.")],
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Set, once, the name recorded with everything you do (instead of --as each time).

    Example: esafety log name "Jo Bloggs"
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        from ..casefile import acting

        acting.set_name(home, name)
        err(no_color).print("Your name is set for this incident log.")


@log_app.command("list")
def log_list(
    open_: Annotated[bool, typer.Option("--open", help="Every incident still open.")] = False,
    closed: Annotated[bool, typer.Option("--closed", help="Every closed incident.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Every incident, open or closed.")] = False,
    json_: Annotated[
        bool, typer.Option("--json", help="Print as JSON, for scripts: every incident (or --open, --closed).")
    ] = False,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List the incidents in your log, with how many steps are done and what each is waiting for: every open
    incident, and those closed in the last 30 days (--all for every one).

    Example: esafety log list --open
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        from .. import escape
        from ..casefile import incidents, summaries, verify
        from . import screen

        if sum((open_, closed, all_)) > 1:
            raise typer.BadParameter(
                "use one of --open, --closed or --all, not two together"
            )  # a usage mistake: exit 2
        which = "open" if open_ else "closed" if closed else "all" if all_ else None
        if not incidents.has_incidents(home):
            if json_:
                print("[]")
            else:
                out(no_color).print("No incidents recorded yet. Start one with: esafety guide --save")
            return
        with _store(home, readonly=True) as st:
            for v in verify.damaged(st):
                err(no_color).print(f"WARNING: {'; '.join(v.problems)}. Check the file with: esafety log verify")
            if json_:  # streamed: one incident's line at a time, whatever the size of the log
                escape.write_json_array(summaries.list_rows(st, None if which == "all" else which))
                return
            found = summaries.listing(st, which)
            o = out(no_color)
            screen.incident_list(o, summaries.rows(st, found), len(found.ids))
        if found.hidden:
            o.print(
                f"{found.hidden} older closed incident{'s are' if found.hidden != 1 else ' is'} not shown "
                f"({found.total} in all, {found.open} open). See every one with: esafety log list --all"
            )


@log_app.command("show")
def log_show(
    incident_id: IdArg,
    json_: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Show an incident: the answers, the checklist with who did what and when, notes and evidence.

    Example: esafety log show 3
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        import sys

        from ..casefile import incidents
        from ..documents import incident_record
        from ..files import stamp
        from . import screen

        with _store(home, readonly=True) as st:
            inc, problems = incidents.load(st, incident_id)
        inc = incidents.with_school_now(inc, home)
        if json_:
            sys.stdout.write(incident_record.to_json(inc, problems, stamp()))
        else:
            from ..errors import WizardError
            from .common import invoked

            try:
                fc = procedure(
                    None, home, school_contacts=False
                )  # for its letters: the school's contacts are read above
            except WizardError:  # the letters are a pointer: a procedure that cannot be read hides only them
                fc = None
            screen.incident(out(no_color), inc, problems, letters=screen.letters_for(fc, inc), prog=invoked())


@log_app.command("resume")
def log_resume(
    incident_id: IdArg,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", "-a", metavar="FILE", help="Take the answers from a file instead of asking."),
    ] = None,
    plain: PlainOpt = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
    flowchart: FlowchartOpt = None,
    procedure_: ProcedureOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Answer what an incident was waiting for (not yet, not sure), and see how its checklist changes.

    Example: esafety log resume 3
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        if answers is not None:
            from ..flowchart import answers as answers_file

            fc = _incident_procedure(incident_id, flowchart, home, procedure_)
            _answer(incident_id, fc, *answers_file.read(answers, fc), home, as_, no_color)
            raise typer.Exit(0)
        code = _resume(
            incident_id,
            plain_mode(plain),
            home,
            as_,
            _incident_procedure(incident_id, flowchart, home, procedure_),
            no_color,
        )
    raise typer.Exit(code)


def _incident_procedure(incident_id: int, flowchart, home, name: str | None = None):
    """The procedure an incident follows: with a pack, the one named, else the one it was opened with (by its
    file, through whichever path to the pack was given then, or its file's SHA-256)."""

    def followed(pack) -> str | None:
        from ..casefile import incidents

        with _store(home, readonly=True) as st:
            ref = incidents.get(st, incident_id).flowchart
        for match in (
            lambda fc: fc.origin == ref.path,
            lambda fc: bool(ref.sha256) and fc.sha256 == ref.sha256,
            lambda fc: Path(fc.origin).name == Path(ref.path).name,
        ):
            found = [n for n, fc in pack.procedures.items() if match(fc)]
            if len(found) == 1:
                return found[0]
        return None

    return procedure(flowchart, home, name, followed)


def _resume(incident_id, plain, home, as_, fc, no_color) -> int:
    from ..casefile import incidents, operations
    from ..errors import Interrupted
    from ..flowchart import engine
    from ..flowchart.conversation import Session
    from ..prompts import asker as make_asker
    from . import screen

    o, e = out(no_color, plain), err(no_color, plain)
    with _store(home) as st:
        inc = incidents.get_open(st, incident_id)
        if inc.complete and not inc.waiting_for:
            o.print(
                f"Incident {incident_id} is not waiting for any answer. Its checklist: esafety log show {incident_id}"
            )
            return 0
        asker = make_asker(plain)
        who = who_acts(home, as_, asker)
        if inc.flowchart.sha256 != fc.sha256:
            e.print(
                "The procedure has changed since this incident was opened: the checklist will follow the "
                "procedure in use now."
            )
        previous = {a.id: a.value for a in inc.answers}
        kept = {k: v for k, v in previous.items() if v not in fc.not_known_yet}
        session = Session(
            fc,
            engine.normalise_answers(fc, kept, where=f"incident {incident_id}"),
            previous=previous,
            reasons={d.id: d.reason for d in inc.decisions if d.reason},
        )
        if inc.waiting_for:
            o.print(f"Incident {incident_id} was waiting for: " + "; ".join(a.text for a in inc.waiting_for))
        try:
            session.run(asker.ask, asker.reason)
            answers, code = session.answers, 0
        except Interrupted as stop:
            answers = {**previous, **stop.answers}  # answers not asked again yet stay as they were ("not sure")
            if answers == previous:
                e.print("\nCancelled. Nothing was changed.")
                return EXIT_CANCELLED
            code = EXIT_CANCELLED
        inc = operations.record_answers(st, incident_id, fc, answers, who, session.reasons)
        problems = st.verify(incident_id)
    screen.incident(o, inc, problems, changes=inc.events[-1].data.get("changes"))
    if code:
        e.print(f"\nCancelled. The answers you gave are kept in incident {incident_id}.")
    return code


@log_app.command("done")
def log_done(
    incident_id: IdArg,
    steps: Annotated[
        list[str], typer.Argument(metavar="STEP...", help="The step's number or id (see log show); several at once.")
    ],
    note: Annotated[str | None, typer.Option("--note", help="What was done.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Tick off a step of an incident's checklist, with who and when.

    Example: esafety log done 3 2 --note "Met the parent; post removed"

    Example (several steps): esafety log done 3 8 9 10
    """
    from ..record import wording

    _change(
        home,
        as_,
        no_color,
        lambda operations, st, who: "\n".join(
            f"Step {it.number} of incident {incident_id} marked done: {wording.step_words(it.step)}"
            for it in operations.done(st, incident_id, steps, note, who)
        ),
    )


@log_app.command("undone")
def log_undone(
    incident_id: IdArg,
    step: StepArg,
    note: Annotated[str | None, typer.Option("--note", help="Why the mark was wrong.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Correct a step marked done by mistake: it is shown as not done again, and the history keeps both.

    Example: esafety log undone 3 2 --note "Marked on the wrong incident"
    """
    _change(
        home,
        as_,
        no_color,
        lambda operations, st, who: (
            f"Step {operations.undone(st, incident_id, step, note, who).number} of incident {incident_id} is marked "
            "not done again (the history keeps both)."
        ),
    )


@log_app.command("note")
def log_note(
    incident_id: IdArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Add a note to an incident's record.

    Example: esafety log note 3 "Parent phoned back; meeting on Thursday"
    """
    _change(
        home,
        as_,
        no_color,
        lambda operations, st, who: (
            operations.note(st, incident_id, text, who) and f"Note added to incident {incident_id}."
        ),
    )


@log_app.command("evidence")
def log_evidence(
    incident_id: IdArg,
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Files to register.")],
    note: Annotated[str | None, typer.Option("--note", help="What the files show.")] = None,
    withdraw: Annotated[
        bool,
        typer.Option(
            "--withdraw",
            help="Withdraw a file registered by mistake (FILE: its path, name or the start of its SHA-256), with "
            "--reason. The registration stays in the history.",
        ),
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="With --withdraw: why.")] = None,
    not_intimate: Annotated[
        bool,
        typer.Option(
            "--not-an-intimate-image",
            help="Say that no image among the files shows anyone nude or semi-nude (asked otherwise, for an image).",
        ),
    ] = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Register evidence files by path, size, time and SHA-256. They are never copied or moved.

    Never an image that may show anyone under 18 nude or semi-nude: do not keep it at all. Write down what it
    shows, where it is (the address and the account), the date and time and who saw it, and tell the DSL now.
    An intimate image of an adult is for the police, not for school systems. For an image, you are asked to
    confirm that it is neither.

    Example: esafety log evidence 3 ~/Evidence/printout-of-the-page.pdf --note "Page printed on Monday"
    """
    if withdraw and (len(files) != 1 or note is not None):
        raise typer.BadParameter("--withdraw takes one file and --reason, not --note")
    if reason is not None and not withdraw:
        raise typer.BadParameter("--reason goes with --withdraw; to say what the files show, use --note")

    if not withdraw and not not_intimate:
        with boundary(no_color):
            _confirm_no_intimate_image(files, no_color)

    def do(operations, st, who) -> str:
        if withdraw:
            from ..escape import one_line

            e = operations.withdraw_evidence(st, incident_id, str(files[0]), reason or "", who)
            return (
                f"Evidence {one_line(e.name)} is withdrawn from incident {incident_id}. Its registration stays "
                "in the history."
            )
        with _reading_bar(files, no_color) as progress:
            n = len(operations.add_evidence(st, incident_id, files, note, who, progress))
        return (
            f"{n} evidence file{'s' if n != 1 else ''} registered with incident {incident_id} "
            "(fingerprinted, not copied)."
        )

    _change(home, as_, no_color, do)


def _confirm_no_intimate_image(files: list[Path], no_color: bool) -> None:
    """For a file that looks like an image: say what never to keep, and go on only when the user confirms that it
    shows no one nude or semi-nude (asked on a terminal; elsewhere, --not-an-intimate-image)."""
    import sys

    from ..casefile.evidence import IMAGE_WARNING, looks_like_image
    from ..errors import WizardError
    from ..escape import one_line

    images = [f for f in files if looks_like_image(f)]
    if not images:
        return
    said = f"{one_line(images[0].name)[:80]}{' and more' if len(images) > 1 else ''} {IMAGE_WARNING}"
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise WizardError(
            f"{said} Nothing was registered. If no image shows anyone nude or semi-nude, register it again with "
            "--not-an-intimate-image."
        )
    err(no_color).print(said)
    if not typer.confirm("Does no image show anyone nude or semi-nude?", default=False, err=True):
        raise WizardError("Nothing was registered.")


@contextlib.contextmanager
def _reading_bar(files: list[Path], no_color: bool):
    """A progress bar on a terminal while large evidence files are read (over 50 MB in all); else nothing."""
    import sys

    from ..casefile.evidence import LARGE

    try:
        total = sum(f.stat().st_size for f in files if f.is_file())
    except OSError:
        total = 0
    if total <= LARGE or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("Reading evidence"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=err(no_color)
    ) as bar:
        task = bar.add_task("read", total=total)
        seen: dict[Path, int] = {}

        def progress(path: Path, done: int, _size: int) -> None:
            seen[path] = done
            bar.update(task, completed=sum(seen.values()))

        yield progress


@log_app.command("verify")
def log_verify(
    incident_id: Annotated[
        int | None, typer.Argument(metavar="[ID]", parser=_incident_number, help="One incident (default: all).")
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            metavar="HEAD|FILE",
            help="An earlier copy: the record head written down (like 12-3f2a9c81d0e4b5a6), or an export.",
        ),
    ] = None,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Check that no record was altered, and that registered evidence files are unchanged and still there.

    With --against, also prove that today's record extends an earlier copy: nothing before it changed, was cut
    or recomputed. Exit 1 if anything was altered, changed or is missing.

    Example: esafety log verify 3 --against incident-3.json
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        from ..casefile import verify
        from . import screen

        if against is not None and incident_id is None:
            raise typer.BadParameter(
                "give the incident's number with --against, like: esafety log verify 3 --against ..."
            )
        with _store(home, readonly=True) as st:
            results = verify.verify(st, incident_id)
            found, proved = verify.compare(st, incident_id, verify.earlier(against)) if against else ([], "")
        o = out(no_color)
        screen.verified(o, results, one=incident_id is not None)
        for problem in found:
            o.print(f"Against the earlier copy: ALTERED: {problem}.")
        if proved:
            o.print(proved)
    raise typer.Exit(0 if all(v.ok for v in results) and not found else 1)


@log_app.command("decide")
def log_decide(
    incident_id: IdArg,
    steps: Annotated[
        list[str], typer.Argument(metavar="STEP...", help="The step's number or id (see log show); several at once.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why the step is not needed or not done.")] = "",
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Record a decision not to take a step (not needed, or decided against), with its reason.

    Keeping Children Safe in Education asks schools to record decisions and their reasons, including a decision
    not to refer. Correct a mistake with esafety log undone.

    Example: esafety log decide 3 9 --reason "Not persistent: one post, removed the same day"
    """
    from ..record import wording

    _change(
        home,
        as_,
        no_color,
        lambda operations, st, who: "\n".join(
            f"Step {it.number} of incident {incident_id} decided against, with your reason: "
            f"{wording.step_words(it.step)}"
            for it in operations.decide(st, incident_id, steps, reason, who)
        ),
    )


@log_app.command("describe")
def log_describe(
    incident_id: IdArg,
    description: Annotated[
        str | None, typer.Option("--description", help="A few words that tell this incident from others.")
    ] = None,
    staff: Annotated[str | None, typer.Option("--staff", help="The member of staff affected.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Say what an incident is about and which member of staff it affects (shown in log list and reports).

    Example: esafety log describe 3 --description "Facebook posts about Year 6 trip" --staff "Ms Khan"
    """
    _change(
        home,
        as_,
        no_color,
        lambda operations, st, who: (
            operations.describe(st, incident_id, description, staff, who) and f"Incident {incident_id} updated."
        ),
    )


@log_app.command("answer")
def log_answer(
    incident_id: IdArg,
    question: Annotated[str, typer.Argument(metavar="QUESTION", help="The question's id (see README).")],
    value: Annotated[str, typer.Argument(metavar="ANSWER", help="The new answer.")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why, when the answer means something is not done.")
    ] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    flowchart: FlowchartOpt = None,
    procedure_: ProcedureOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Change an answer of a saved incident (for example, once you know who posted it). The checklist is
    worked out again and what changed is listed; anything already done stays in the record.

    The question ids and their answers are in README and in esafety paths.

    Example: esafety log answer 3 QUESTION ANSWER
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        reasons = {question: reason} if reason else None
        fc = _incident_procedure(incident_id, flowchart, home, procedure_)
        _answer(incident_id, fc, {question: value}, reasons, home, as_, no_color)


def _answer(incident_id, fc, answers: dict, reasons: dict | None, home, as_, no_color) -> None:
    """Record new answers for an incident and say, short, what changed on its checklist: the last thing printed."""
    from ..casefile import acting, operations
    from . import screen

    who = acting.actor(home, as_)
    with _store(home) as st:
        inc = operations.answer(st, incident_id, fc, answers, who, reasons)
    con = out(no_color)
    con.print(f"Incident {incident_id}: your answer is recorded.")
    for d in inc.decisions:
        if d.id in answers and not d.reason:  # a decision needs its reason (KCSIE): say so, and how to add it
            err(no_color).print(
                f"This answer is a decision ({d.text}) and no reason was given. Add it: esafety log answer "
                f'{incident_id} {d.id} {d.value} --reason "..."'
            )
    screen.what_changed(con, inc, inc.events[-1].data.get("changes"))
    con.print(f"See the whole checklist: esafety log show {incident_id}")


@log_app.command("close")
def log_close(
    incident_id: IdArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is closed.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Close although some steps are still open (a reason is then required).")
    ] = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Close an incident once each step is done or decided against. Its record stays, and it can be reopened.

    Example: esafety log close 3 --reason "Resolved; governors informed"
    """
    _change(
        home,
        as_,
        no_color,
        lambda operations, st, who: (
            operations.close(st, incident_id, reason, who, force) and f"Incident {incident_id} closed."
        ),
    )


@log_app.command("reopen")
def log_reopen(
    incident_id: IdArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is reopened.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Reopen a closed incident.

    Example: esafety log reopen 3 --reason "New posts appeared"
    """
    _change(
        home,
        as_,
        no_color,
        lambda operations, st, who: (
            operations.reopen(st, incident_id, reason, who) and f"Incident {incident_id} reopened."
        ),
    )


class ExportFormat(str, Enum):
    html = "html"
    md = "md"
    json = "json"


def format_for(
    output: Path | None,
    fmt: Enum | None,
    formats: type[Enum] = ExportFormat,
    pdf: str = "write .html and print it to PDF from your browser",
    bare: bool = True,
):
    """The format asked for, or the one the output file's extension names; the first of `formats` when there is
    no file (or, if `bare`, a name with no extension).

    Raises:
        WizardError: the extension names a format the tool cannot write (.pdf, .docx...), or none when one is due.
    """
    if fmt is not None:
        return fmt
    names = [f.value for f in formats]
    suffix = output.suffix.lower() if output is not None and str(output) != "-" else ""
    value = {".htm": "html"}.get(suffix, suffix[1:])
    if value in names:
        return formats(value)
    if not suffix and (bare or output is None):
        return formats(names[0])
    from ..errors import WizardError
    from ..escape import one_line

    listed = ", ".join(f".{n}" for n in names[:-1]) + f" or .{names[-1]}"
    shown = one_line(suffix or (output.name if output is not None else ""))[:12]
    raise WizardError(f"The tool cannot write a '{shown}' file: name it {listed} (or give --format). For a PDF, {pdf}.")


@log_app.command("export")
def log_export(
    incident_id: IdArg,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", help="html (printable), md or json; without it, by the file's extension (else html)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to this file (readable only by you) instead of printing."
        ),
    ] = None,
    force: ForceOpt = False,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
    checklist_: Annotated[
        bool,
        typer.Option(
            "--checklist",
            help="Instead of the full record: the checklist as it stands, one A4 page to print and tick by hand.",
        ),
    ] = False,
) -> None:
    """Export an incident's full record for the LADO, HR or the Chair of Governors: answers, decisions, the
    checklist, notes, evidence (checked now), contacts and history.

    On a terminal with no --output, it is written to esafety-incident-ID-DATE.FORMAT here; '-o -', or a pipe,
    prints it.

    Example: esafety log export 3 --format html -o incident-3.html
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        import sys

        from ..casefile import incidents, operations
        from ..documents import incident_record
        from ..files import now, stamp
        from .common import write_output

        with _store(home, readonly=True) as st:
            inc, problems = incidents.load(st, incident_id)
        inc = incidents.with_school_now(inc, home)
        fmt = format_for(output, fmt)
        states = operations.evidence_states(inc)
        if checklist_:
            from ..documents import printable_checklist

            fmt = ExportFormat.html  # a page to print
            text = printable_checklist.of_incident(inc, now().isoformat())
        else:
            text = incident_record.render(fmt.value, inc, problems, stamp(), states)
        if output is None or str(output) == "-":
            if output is None and sys.stdout.isatty():  # a report is a file to hand over, not text on a screen
                output = Path(f"esafety-incident-{incident_id}-{now():%Y-%m-%d}.{fmt.value}")
            else:
                write_output(text, None, force)
                return
        write_output(text, output, force)
        err(no_color).print(f"Incident {incident_id} exported to {output} (readable only by you).")


class LetterFormat(str, Enum):
    docx = "docx"
    md = "md"
    html = "html"


@log_app.command("letter")
def log_letter(
    incident_id: IdArg,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The letter's name (see esafety letters).")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write it here (readable only by you); .docx, .md or .html. Default: a .docx named for the "
            "incident and the letter, in this folder; with --home DIR (or ESAFETY_HOME), in DIR/letters.",
        ),
    ] = None,
    fmt: Annotated[
        LetterFormat | None, typer.Option("--format", help="docx (Word), md or html; default: by the file's name.")
    ] = None,
    force: ForceOpt = False,
    flowchart: FlowchartOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Draft one of the procedure's letters from an incident, ready to edit in Word: today's date, your
    school's details, and what the record holds. Anything it does not hold is left as [to fill: ...] and listed.
    The drafting is recorded in the incident's history (not the letter's text).

    Example: esafety log letter 3 parent_invite
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        import hashlib
        from datetime import date

        from ..casefile import acting, incidents, operations, school
        from ..documents import letters
        from ..errors import WizardError
        from ..files import now, write_private
        from ..record import wording

        fmt = format_for(output, fmt, LetterFormat, "write .docx and save it as PDF from Word", bare=False)
        if output is None:
            from ..files import private_dir

            folder = private_dir(home.letters) if home.chosen else home.letters
            output = folder / f"esafety-incident-{incident_id}-{name[:40]}-{now():%Y-%m-%d}.{fmt.value}"
        fc = procedure(flowchart, home)
        template = operations.letter_template(fc, name)
        who = acting.actor(home, as_)
        with _store(home) as st:
            inc = incidents.get(st, incident_id)
            waiting = letters.waiting_for(template, inc)
            if waiting:
                raise WizardError(wording.letter_waits(template.title, incident_id, waiting))
            by_chair = letters.signed_by_chair(fc.chair_signs, inc)
            d = letters.draft(template, inc, school.details(home), date.today(), by_chair)
            data = letters.render(fmt.value, d)
            raw = data.encode("utf-8") if isinstance(data, str) else data
            write_private(output, raw, overwrite=force)
            sha = hashlib.sha256(raw).hexdigest()
            operations.letter_drafted(st, incident_id, template, output, fmt.value, sha, d.to_fill, who)
        e = err(no_color)
        e.print(
            f"Letter '{d.letter.title}' drafted to {output} (readable only by you). Check every sentence before "
            "you send it."
        )
        if d.to_fill:
            e.print("Still to fill in (marked [to fill: ...] in the letter):")
            for x in d.to_fill:
                e.print(f"  - {x}")


@log_app.command("report")
def log_report(
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="First day (2026-09-01), by when incidents opened.")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="DATE", help="Last day, inclusive.")] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", help="html (printable), md or json; without it, by the file's extension (else html)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to this file (readable only by you); - prints it."),
    ] = None,
    with_reasons: Annotated[
        bool,
        typer.Option(
            "--with-reasons",
            help="Include the reasons written for decisions, as they were written: they may name people, so check "
            "them before you share it.",
        ),
    ] = False,
    force: ForceOpt = False,
    home: HomeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """The summary for governors over a period: how many incidents, who posted them, the routes taken, open and
    closed, time to close, and the decisions made. No names, no descriptions, no evidence, and no free text: the
    reasons for decisions only with --with-reasons.

    Example: esafety log report --from 2026-09-01 --to 2026-12-31 -o autumn-term.html
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        import sys

        from ..casefile import summaries
        from ..documents import governors_summary
        from ..files import now, stamp
        from .common import write_output

        fmt = format_for(output, fmt)
        from ..record.incident import without_reasons

        with _store(home, readonly=True) as st:
            summary = summaries.governors_summary(st, start, end)
        if with_reasons:
            err(no_color).print(f"Warning: {governors_summary.REASONS_CAUTION}")
        else:
            summary = without_reasons(summary)
        text = governors_summary.governors(fmt.value, summary, stamp())
        if output is None and sys.stdout.isatty():
            output = Path(f"esafety-governors-summary-{now():%Y-%m-%d}.{fmt.value}")
        if output is None or str(output) == "-":
            write_output(text, None, force)
            return
        write_output(text, output, force)
        err(no_color).print(f"The summary for governors was written to {output} (readable only by you).")
