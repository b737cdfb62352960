"""The `esafety guide` command's flow: scripted or interactive, drafts on Ctrl-C, the transcript at the end.

This is the terminal layer around the pure engine and session; the CLI only passes its options in.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import drafts, engine, transcript
from .errors import WizardError
from .flowchart import load as load_flowchart
from .model import Flowchart
from .session import Session

NO_TERMINAL = (
    "esafety guide asks its questions in a terminal, and there is none here (input or output is not a "
    "terminal). To run it from a script, give the answers in a file: esafety guide --answers answers.yaml "
    "(see README). To answer by typing numbered lines, use: esafety guide --plain"
)


class _Console:
    """A rich console made on first use: the first question reaches the screen without importing rich."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._con = None

    def __getattr__(self, name):
        if self._con is None:
            from .render import console

            self._con = console(**self._kwargs)
        return getattr(self._con, name)


def _render():
    from . import render

    return render


def make_ask(plain: bool):
    """The prompt function for a Session: plain lines, or arrow keys on a terminal; never a silent default."""
    if plain:
        from . import plain as plain_prompts

        return plain_prompts.make_asker(sys.stdout, sys.stdin, echo=not sys.stdin.isatty())
    if sys.stdin.isatty() and sys.stdout.isatty():
        from . import prompts

        return prompts.make_asker()
    raise WizardError(NO_TERMINAL)


def run(
    *,
    answers_path: Path | None,
    transcript: Path | None,
    fmt: str | None,
    force: bool,
    resume: bool,
    plain: bool,
    flowchart: Path | None,
    no_color: bool,
    save: bool = False,
    home: Path | None = None,
    as_: str | None = None,
) -> int:
    fc = load_flowchart(flowchart)
    out = _Console(no_color=no_color, plain=plain)
    err = _Console(stderr=True, no_color=no_color, plain=plain)
    if transcript is not None:
        _check_target(transcript, force)
    who = None
    if save:  # the name is settled before any question: a scripted run must not fail after the work is done
        from . import caselog  # sqlite3 and the case file only when an incident is kept

        who = caselog.actor(home, as_, ask=_ask_name(plain) if answers_path is None else None)

    if answers_path is not None:
        if resume:
            raise WizardError("Use either --answers or --resume, not both.")
        from . import answers as answers_file  # YAML is imported only to read an answers file

        given = answers_file.read(answers_path, fc)
        result = engine.outcome(fc, given)
        _render().outcome(out, fc, result)
        if transcript is not None:
            _save(fc, result, transcript, fmt, force, err)
        if save:
            _saved(caselog.create(home, fc, {a.id: a.value for a in result.answered}, who), err)
        return 0

    start: dict[str, str] = {}
    if resume:
        start, sha = drafts.load()
        if sha != fc.sha256:
            err.print("The procedure file has changed since this guide was started: check your answers.")
        start = engine.normalise_answers(fc, start, where="the unfinished guide")
    elif drafts.exists():
        err.print(
            "You have an unfinished guide. To carry on with it instead, press Ctrl-C and run: esafety guide --resume"
        )

    interactive_tty = sys.stdin.isatty() and sys.stdout.isatty()
    ask = make_ask(plain)
    session = Session(fc, start)
    if not plain:
        from .prompts import say

        say(fc.title, "bold")
        say(
            "Answer each question with the arrow keys and Enter. You can go back at any question. "
            "Press Ctrl-C to stop: your answers are kept."
        )
    saved = False
    try:
        result = session.run(ask)
        if save:
            _saved(caselog.create(home, fc, session.answers, who), err)
            saved = True
        _render().outcome(out, fc, result)
        if transcript is not None:
            _save(fc, result, transcript, fmt, force, err)
        elif interactive_tty:
            _offer_save(fc, result, fmt, force, out, err, plain)
            if not save:
                _offer_case_file(fc, session, home, as_, out, err, plain)
    except (KeyboardInterrupt, EOFError):
        if save and not saved and session.answers:
            n = caselog.create(home, fc, session.answers, who)
            err.print(
                f"\nCancelled. Your answers are kept in incident {n} (not finished). "
                f"To carry on: esafety log resume {n}"
            )
        elif not save:
            _keep_draft(fc, session, err)
        else:
            err.print("\nCancelled.")
        return 130
    if resume:
        drafts.discard()
    return 0


def _saved(incident_id: int, err) -> None:
    err.print(
        f"Saved as incident {incident_id} in your private incident log. See it with: esafety log show {incident_id}"
    )


def _ask_name(plain: bool):
    def ask() -> str:
        if plain or not sys.stdin.isatty():
            sys.stdout.write("Your name, recorded with each action in the incident log: ")
            sys.stdout.flush()
            return sys.stdin.readline().strip()
        from . import prompts

        return prompts.file_name("Your name, recorded with each action in the incident log:", "")

    return ask


def _offer_case_file(fc, session: Session, home, as_, out, err, plain) -> None:
    from . import caselog

    out.print()
    out.print(
        "A case file keeps this incident privately on this computer, so you can tick off the steps "
        "over the coming days (esafety log)."
    )
    if plain:
        out.print("Keep a case file? Type y for yes, or press Enter to skip:")
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return
    else:
        from . import prompts

        if not prompts.confirm("Keep a case file?", default=False):
            return
    who = caselog.actor(home, as_, ask=_ask_name(plain))
    _saved(caselog.create(home, fc, session.answers, who), err)


def resume_incident(
    *, home: Path | None, incident_id: int, plain: bool, flowchart: Path | None, no_color: bool, as_: str | None
) -> int:
    """Ask again what an incident was waiting for (not yet, not sure, or unanswered), and record the change."""
    from . import casefile, caselog

    fc = load_flowchart(flowchart)
    out = _Console(no_color=no_color, plain=plain)
    err = _Console(stderr=True, no_color=no_color, plain=plain)
    inc = caselog.require_open(caselog.load(home, incident_id)[0])
    if inc.complete and not inc.waiting_for:
        out.print(
            f"Incident {incident_id} is not waiting for any answer. Its checklist: esafety log show {incident_id}"
        )
        return 0
    who = caselog.actor(home, as_, ask=_ask_name(plain))
    if inc.flowchart.get("sha256") != fc.sha256:
        err.print(
            "The procedure has changed since this incident was opened: the checklist will follow the "
            "procedure in use now."
        )
    previous = {a["id"]: a["answer"] for a in inc.answers}
    kept = {k: v for k, v in previous.items() if v not in casefile.UNCERTAIN}
    ask = make_ask(plain)
    session = Session(fc, engine.normalise_answers(fc, kept, where=f"incident {incident_id}"), previous=previous)
    if inc.waiting_for:
        out.print(f"Incident {incident_id} was waiting for: " + "; ".join(a["question"] for a in inc.waiting_for))
    old_steps = [{"id": it.id, "status": it.status} for it in inc.checklist]
    try:
        session.run(ask)
    except (KeyboardInterrupt, EOFError):
        merged = {**previous, **session.answers}  # answers not asked again yet stay as they were ("not sure")
        if merged != previous:
            _record_answers(home, incident_id, fc, merged, old_steps, who, out)
            err.print(f"\nCancelled. The answers you gave are kept in incident {incident_id}.")
        else:
            err.print("\nCancelled. Nothing was changed.")
        return 130
    _record_answers(home, incident_id, fc, session.answers, old_steps, who, out)
    return 0


def _record_answers(home, incident_id, fc, answers, old_steps, who, out) -> None:
    from . import caselog

    caselog.record_answers(home, incident_id, fc, answers, old_steps, who)
    inc, problems = caselog.load(home, incident_id)
    _render().incident(out, inc, problems, changes=inc.events[-1].data.get("changes"))


def _keep_draft(fc: Flowchart, session: Session, err) -> None:
    if not session.answers:
        err.print("\nCancelled. Nothing had been answered, so nothing was kept.")
        return
    try:
        where = drafts.save(session.answers, fc.sha256, transcript.now().isoformat(timespec="seconds"))
    except WizardError as e:
        err.print(f"\nCancelled. Your answers could not be kept: {e}")
        return
    n = len(session.answers)
    kept = "Your answer is" if n == 1 else f"Your {n} answers are"
    err.print(
        f"\nCancelled. {kept} kept privately in {where}.\nTo carry on where you stopped, run: esafety guide --resume"
    )


def _check_target(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise WizardError(f"{path} already exists. Choose another name, or add --force to replace it.")


def _save(fc, result, path: Path, fmt: str | None, force: bool, err) -> None:
    from .files import write_private

    kind = transcript.format_for(str(path), fmt)
    write_private(path, transcript.render(kind, fc, result), overwrite=force)
    err.print(f"Transcript saved to {path} (readable only by you). Put it in the incident log.")


def _offer_save(fc, result, fmt, force, out, err, plain) -> None:
    default = f"esafety-transcript-{transcript.now():%Y-%m-%d-%H%M}.{fmt or 'md'}"
    if plain:
        out.print()
        out.print(
            f"To save a transcript for the incident log, type a file name (for example {default}), "
            "or press Enter to skip:"
        )
        name = sys.stdin.readline().strip()
    else:
        from . import prompts

        out.print()
        out.print("A transcript lists your answers, the steps and the contacts, for the incident log.")
        if not prompts.confirm("Save a transcript?"):
            out.print("Not saved. You can run the guide again to see these steps.")
            return
        name = prompts.file_name("File name:", default)
    if not name:
        out.print("Not saved.")
        return
    while True:
        try:
            _save(fc, result, Path(name).expanduser(), fmt, force, err)
            return
        except WizardError as e:
            err.print(str(e))
            if plain:
                return
            from . import prompts

            name = prompts.file_name("Another file name:", default)
            if not name:
                return
