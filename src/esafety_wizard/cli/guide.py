"""`esafety guide`: scripted (an answers file) or asked (arrow keys or plain lines); then the outcome, a transcript,
and the case file. Ctrl-C arrives once, as Interrupted carrying the answers, and is kept as a draft or incident."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    EXIT_CANCELLED,
    AsOpt,
    FlowchartOpt,
    HomeOpt,
    NoColorOpt,
    PlainOpt,
    ProcedureOpt,
    ask_which,
    boundary,
    err,
    home_of,
    out,
    plain_mode,
    procedure,
    who_acts,
)


class Format(str, Enum):
    md = "md"
    json = "json"


def guide(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            "-a",
            metavar="FILE",
            help="Take the answers from a YAML or JSON file (question id: answer) instead of asking.",
        ),
    ] = None,
    transcript: Annotated[
        Path | None,
        typer.Option(
            "--transcript",
            "-t",
            metavar="PATH",
            help="Save a transcript here without asking (.md or .json, by the extension).",
        ),
    ] = None,
    fmt: Annotated[Format | None, typer.Option("--format", help="Transcript format, if not by extension.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the transcript file if it exists.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Carry on with the guide you cancelled.")] = False,
    plain: PlainOpt = False,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Keep the incident in your private incident log, with its "
            "checklist, to follow it over the coming days (see esafety log).",
        ),
    ] = False,
    description: Annotated[
        str | None, typer.Option("--description", help="With --save: a few words that tell this incident apart.")
    ] = None,
    staff: Annotated[str | None, typer.Option("--staff", help="With --save: the member of staff affected.")] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
    flowchart: FlowchartOpt = None,
    procedure_: ProcedureOpt = None,
    no_color: NoColorOpt = False,
    print_to: Annotated[
        Path | None,
        typer.Option(
            "--print",
            metavar="FILE.html",
            help="Also write the outcome as one A4 page to print and tick by hand (readable only by you).",
        ),
    ] = None,
    sources: Annotated[
        bool,
        typer.Option(
            "--sources",
            help="Show the whole outcome: your answers, each step in full beside the flowchart's words, and where "
            "each addition comes from (transcripts and saved incidents always keep all of it).",
        ),
    ] = False,
) -> None:
    """Answer a few questions about the incident, then see what to do and who to contact.

    Example: esafety guide

    Example (no questions asked): esafety guide --answers answers.yaml --transcript incident.md
    """
    with boundary(no_color):
        home = home_of(home)  # resolved once: every file below goes where it says
        plain = plain_mode(plain)
        g = _Guide(
            procedure(flowchart, home, procedure_, None if answers is not None else ask_which(plain)),
            _Out(no_color=no_color, plain=plain),
            _Out(stderr=True, no_color=no_color, plain=plain),
            home=home,
            as_=as_,
            transcript=transcript,
            fmt=fmt.value if fmt else None,
            force=force,
        )
        g.about = {"description": description, "staff": staff}
        g.sources = sources
        g.print_to = print_to
        if answers is not None:
            if resume:
                from ..errors import WizardError

                raise WizardError("Use either --answers or --resume, not both.")
            code = g.scripted(answers, save)
        else:
            code = g.asked(resume, save, plain)
    raise typer.Exit(code)


class _Out:
    """A rich console made on first use: the first question reaches the screen without importing rich."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._con = None

    def __getattr__(self, name):
        if self._con is None:
            self._con = (err if self._kwargs.pop("stderr", False) else out)(**self._kwargs)
        return getattr(self._con, name)


class _Guide:
    """One run of the guide: the flowchart, where output goes, and what to keep."""

    def __init__(self, fc, out, err, *, home, as_, transcript, fmt, force):
        self.fc, self.out, self.err = fc, out, err
        self.home, self.as_ = home, as_
        self.transcript, self.fmt, self.force = transcript, fmt, force
        self.saved: tuple[int, str] | None = None  # the incident kept with --save: its number and record head
        self.letters: list = []  # the procedure's letters for the saved incident's steps (screen.letters_for)
        self.about: dict[str, str | None] = {}  # --description and --staff for the saved incident
        self.draft: Path | None = None  # the unfinished guide this run carries on with
        self.sources = False  # show the whole outcome with where each step comes from (--sources)
        self.print_to: Path | None = None  # the one-page checklist to write (--print)
        if transcript is not None:  # before any question: a refused file must not waste the user's answers
            from ..files import check_target

            check_target(transcript, force)

    def who(self, asker=None) -> str:
        """Who is acting: settled before any question, so a scripted run never fails after the work is done."""
        return who_acts(self.home, self.as_, asker)

    def scripted(self, path: Path, save: bool) -> int:
        from ..flowchart import answers as answers_file  # YAML is imported only to read an answers file
        from ..flowchart import engine

        who = self.who() if save else None
        given, reasons = answers_file.read(path, self.fc)
        result = engine.outcome(self.fc, given, reasons)
        self.show(result)
        if save:
            self.create({a.id: a.value for a in result.answered}, who, reasons)
        if self.transcript is not None:
            self.write_transcript(result, self.transcript)
        self.say_saved()
        return 0

    def asked(self, resume: bool, save: bool, plain: bool) -> int:
        import sys

        from ..casefile import drafts
        from ..errors import Interrupted
        from ..flowchart import engine
        from ..flowchart.conversation import Session
        from ..prompts import asker as make_asker

        start: dict[str, str] = {}
        reasons: dict[str, str] = {}
        if resume:
            start, sha, reasons, self.draft = drafts.load(self.home)
            others = len(drafts.all_drafts(self.home)) - 1
            if others:
                self.err.print(
                    f"Carrying on with your most recent unfinished guide. {others} other"
                    f"{'s are' if others != 1 else ' is'} kept, and will be offered next time."
                )
            if sha != self.fc.sha256:
                self.err.print("The procedure file has changed since this guide was started: check your answers.")
            start = engine.normalise_answers(self.fc, start, where="the unfinished guide")
        elif drafts.exists(self.home):
            self.err.print(
                "You have an unfinished guide (it is kept, whatever you do now). To carry on with it instead, "
                "press Ctrl-C and run: esafety guide --resume"
            )
        asker = make_asker(plain)
        who = self.who(asker) if save else None
        if save:
            self.ask_about(asker)
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        session = Session(self.fc, start, reasons=reasons, ask_reader=True)
        asker.say(self.fc.title, "bold")
        if plain:
            asker.say(
                "Type the number of your answer (or its words) and press Enter; b goes back, ? gives help. "
                "Press Ctrl-C to stop: your answers are kept."
            )
        else:
            asker.say(
                "Answer each question with the arrow keys and Enter. You can go back at any question. "
                "Press Ctrl-C to stop: your answers are kept."
            )
        saved = False
        try:
            result = session.run(asker.ask, asker.reason)
            if save:
                self.create(session.answers, who, session.reasons)
                saved = True
            self.show(result)
            if self.transcript is not None:
                self.write_transcript(result, self.transcript)
            elif interactive:
                self.offer_transcript(result, asker)
                if not save:
                    self.offer_case_file(session, asker)
        except (Interrupted, KeyboardInterrupt, EOFError):  # at a question, or at a prompt after them
            self.say_saved()
            self.keep(session.answers, session.reasons, save, saved, who)
            return EXIT_CANCELLED
        if resume:
            drafts.discard(self.home, self.draft)
        self.say_saved()
        if interactive:  # the prompts above pushed the outcome up: say where it starts, and its first action
            from rich.text import Text

            from ..record import wording

            if not saved and not self.letters:  # a letter is drafted from a saved incident: say which apply
                from .screen import letters_serving

                titles = [x.title for x in letters_serving(self.fc, {r.step.id for r in result.steps})]
                if titles:
                    self.out.print()
                    self.out.print(Text(wording.letters_to_save(titles)))
            from .screen import first_steps

            self.out.print()
            first_steps(self.out, self.fc, result)
        return 0

    def keep(self, answers: dict[str, str], reasons: dict[str, str], save: bool, saved: bool, who) -> None:
        """What Ctrl-C keeps: the answers so far, in a new incident (--save) or as a draft to resume."""
        from ..casefile import drafts
        from ..errors import WizardError
        from ..files import stamp

        if save:
            if saved or not answers:
                self.err.print("\nCancelled.")
                return
            n = self.create(answers, who, reasons, quiet=True)
            self.err.print(
                f"\nCancelled. Your answers are kept in incident {n} (not finished). "
                f"To carry on: esafety log resume {n}"
            )
            return
        if not answers:
            self.err.print("\nCancelled. Nothing had been answered, so nothing was kept.")
            return
        try:
            where = drafts.save(self.home, answers, self.fc.sha256, stamp(), reasons, self.draft)
        except WizardError as e:
            self.err.print(f"\nCancelled. Your answers could not be kept: {e}")
            return
        typed = _typed(self.fc, answers)  # not those the reader's role gave: they were never typed
        kept = "Your answer is" if typed == 1 else f"Your {typed} answers are"
        self.err.print(
            f"\nCancelled. {kept} kept privately in {where}.\n"
            "To carry on where you stopped, run: esafety guide --resume"
        )

    def show(self, result) -> None:
        from . import screen

        screen.outcome(self.out, self.fc, result, sources=self.sources)
        if self.print_to is not None:
            from ..documents import printable_checklist
            from ..files import now, write_private

            write_private(
                self.print_to, printable_checklist.of_outcome(self.fc, result, now().isoformat()), overwrite=self.force
            )
            self.err.print(f"Checklist to print written to {self.print_to} (readable only by you).")

    def create(self, answers: dict[str, str], who: str, reasons=None, quiet: bool = False) -> int:
        from ..casefile import incidents, operations

        with incidents.open_store(self.home) as st:
            n = operations.create(st, self.fc, answers, who, reasons)
            if any(self.about.values()):
                operations.describe(st, n, self.about.get("description"), self.about.get("staff"), who)
            inc = incidents.get(st, n)
        if not quiet:
            from .screen import letters_for

            self.saved = (n, inc.head)
            self.letters = letters_for(self.fc, inc)
        return n

    def ask_about(self, asker) -> None:
        """Before the questions, so the saved incident can be told apart in the log (Enter skips either)."""
        if self.about.get("description") is None:
            asker.say("A few words to tell this incident apart in your log, such as where and when it was posted.")
            self.about["description"] = asker.text("What is it about? (press Enter to skip)") or None
        if self.about.get("staff") is None:
            self.about["staff"] = asker.text("Which member of staff does it affect? (press Enter to skip)") or None

    def say_saved(self) -> None:
        """The incident's number, its record head and what to do next: the last lines of the run, not lost
        above a long outcome."""
        if self.saved is None:
            return
        from ..record import wording

        n, head = self.saved
        self.saved = None
        self.err.print()
        self.err.print(f"Saved as incident {n} in your private incident log.")
        self.err.print(wording.head_line(n, head))
        if self.letters:
            from rich.text import Text

            from .common import invoked

            self.err.print("Letters for its steps, drafted from the record, ready to edit:")
            from .screen import letter_line

            for name, title, numbers, waits in self.letters:
                self.err.print(Text("  " + letter_line(title, numbers, waits, f"{invoked()} log letter {n} {name}")))
        self.err.print(
            f"Next: see it with 'esafety log show {n}', and tick off each step with 'esafety log done {n} STEP'."
        )

    def write_transcript(self, result, path: Path) -> None:
        from ..documents import transcript
        from ..files import write_private

        kind = transcript.format_for(str(path), self.fmt)
        text = transcript.render(kind, self.fc, result, incident=self.saved)
        write_private(path, text, overwrite=self.force)
        self.err.print(f"Transcript saved to {path} (readable only by you). Put it in the incident log.")

    def offer_transcript(self, result, asker) -> None:
        from ..errors import WizardError
        from ..files import now

        default = f"esafety-transcript-{now():%Y-%m-%d-%H%M}.{self.fmt or 'md'}"
        self.out.print()
        if asker.plain:  # yes or no first, then the name: a 'y' typed at one question never names a file
            self.out.print("A transcript lists your answers, the steps and the contacts, for the incident log.")
            if not asker.confirm("Save a transcript?"):
                self.out.print("Not saved.")
                return
            name = asker.text(f"File name (press Enter for {default}):").strip() or default
        else:
            self.out.print("A transcript lists your answers, the steps and the contacts, for the incident log.")
            if not asker.confirm("Save a transcript?"):
                self.out.print("Not saved. You can run the guide again to see these steps.")
                return
            name = asker.text("File name:", default)
        if not name:
            self.out.print("Not saved.")
            return
        while True:
            try:
                self.write_transcript(result, Path(name).expanduser())
                return
            except WizardError as e:
                self.err.print(str(e))
                if asker.plain:
                    return
                name = asker.text("Another file name:", default)
                if not name:
                    return

    def offer_case_file(self, session, asker) -> None:
        self.out.print()
        self.out.print(
            "A case file keeps this incident privately on this computer, so you can tick off the steps "
            "over the coming days (esafety log)."
        )
        if not asker.confirm("Keep a case file?", default=False):
            return
        who = self.who(asker)
        self.ask_about(asker)
        self.create(session.answers, who, session.reasons)


def _typed(fc, answers: dict[str, str]) -> int:
    """How many of the answers the person gave (those their role gave are not counted)."""
    from ..errors import WizardError
    from ..flowchart import engine

    try:
        return len([a for a in engine.walk(fc, answers).answered if not a.by_role])
    except WizardError:
        return len(answers)
