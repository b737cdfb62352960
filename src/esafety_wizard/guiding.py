"""The `esafety guide` command's flow: scripted or interactive, drafts on Ctrl-C, the transcript at the end.

This is the terminal layer around the pure engine and session; the CLI only passes its options in.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import answers as answers_file
from . import drafts, engine, render, transcript
from .errors import WizardError
from .model import Flowchart
from .flowchart import load as load_flowchart
from .session import Session

NO_TERMINAL = (
    "esafety guide asks its questions in a terminal, and there is none here (input or output is not a "
    "terminal). To run it from a script, give the answers in a file: esafety guide --answers answers.yaml "
    "(see README). To answer by typing numbered lines, use: esafety guide --plain"
)


def run(*, answers_path: Path | None, transcript: Path | None, fmt: str | None, force: bool, resume: bool,
        plain: bool, flowchart: Path | None, no_color: bool) -> int:
    fc = load_flowchart(flowchart)
    out = render.console(no_color=no_color, plain=plain)
    err = render.console(stderr=True, no_color=no_color, plain=plain)
    if transcript is not None:
        _check_target(transcript, force)

    if answers_path is not None:
        if resume:
            raise WizardError("Use either --answers or --resume, not both.")
        result = engine.outcome(fc, answers_file.read(answers_path, fc))
        render.outcome(out, fc, result)
        if transcript is not None:
            _save(fc, result, transcript, fmt, force, err)
        return 0

    start: dict[str, str] = {}
    if resume:
        start, sha = drafts.load()
        if sha != fc.sha256:
            err.print("The procedure file has changed since this guide was started: check your answers.")
        start = engine.normalise_answers(fc, start, where="the unfinished guide")
    elif drafts.exists():
        err.print("You have an unfinished guide. To carry on with it instead, press Ctrl-C and run: "
                  "esafety guide --resume")

    interactive_tty = sys.stdin.isatty() and sys.stdout.isatty()
    if plain:
        from . import plain as plain_prompts

        ask = plain_prompts.make_asker(sys.stdout, sys.stdin, echo=not sys.stdin.isatty())
    elif interactive_tty:
        from . import prompts

        ask = prompts.make_asker(out)
    else:
        raise WizardError(NO_TERMINAL)

    session = Session(fc, start)
    if not plain:
        out.print(f"[bold]{fc.title}[/]")
        out.print("Answer each question with the arrow keys and Enter. You can go back at any question. "
                  "Press Ctrl-C to stop: your answers are kept.")
    try:
        result = session.run(ask)
        render.outcome(out, fc, result)
        if transcript is not None:
            _save(fc, result, transcript, fmt, force, err)
        elif interactive_tty and sys.stdin.isatty():
            _offer_save(fc, result, fmt, force, out, err, plain)
    except (KeyboardInterrupt, EOFError):
        _keep_draft(fc, session, err)
        return 130
    if resume:
        drafts.discard()
    return 0


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
    err.print(f"\nCancelled. {kept} kept privately in {where}.\n"
              "To carry on where you stopped, run: esafety guide --resume")


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
        out.print(f"To save a transcript for the incident log, type a file name (for example {default}), "
                  "or press Enter to skip:")
        name = sys.stdin.readline().strip()
    else:
        from . import prompts

        out.print()
        if not prompts.confirm("Save a transcript of this guide for the incident log?"):
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
