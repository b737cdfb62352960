"""How fast `esafety` starts, against the floor it cannot avoid: a minimal typer app of the same shape.

The floor is not `import typer`: a typer app builds its parameter adapters when it runs. So this script writes a
minimal app with the same typer, the same Python, the same commands and option types as ours, each doing
nothing but print one line, and times whole processes over many runs, interleaved, side by side:

- `esafety --help`, `esafety contacts`, `esafety guide --answers F` against the minimal app's matching call
  (target: median at most 1.10x);
- the interactive start, time until the first question is on screen in a pseudo-terminal, against the minimal
  app's `guide` that imports questionary and prints a line (target: at most 1.15x);
- peak memory (max RSS) of `esafety contacts` against the minimal app's.

A second floor, "minimal + stack", is the same minimal app doing only what the fixed stack makes any
implementation do: print one rich table (contacts), read the answers file with PyYAML and print one rich
table (guide --answers), ask one questionary select (interactive start). Our ratio to it is the time that is
ours to remove.

When a command or option is added to esafety, add its twin to MINIMAL below, or the floor is wrong.

Run: .venv/bin/python benchmarks/startup.py [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

BIN = Path(sys.executable).parent
ESAFETY = str(BIN / "esafety")

MINIMAL = """
import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

STACK = bool(os.environ.get("MINIMAL_STACK"))  # also do what the fixed stack costs any implementation


def _rich_table():
    from rich.console import Console
    from rich.table import Table

    table = Table("Who", "How to contact")
    table.add_row("Someone", "01629 531940")
    Console().print(table)

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]})
FlowchartOpt = Annotated[Optional[Path], typer.Option("--flowchart", envvar="ESAFETY_FLOWCHART")]


class Format(str, Enum):
    md = "md"
    json = "json"


class DiagramFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"


def _version(value: bool) -> None:
    if value:
        print("minimal")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True)] = None):
    pass


@app.command()
def guide(answers: Annotated[Optional[Path], typer.Option("--answers", "-a")] = None,
          transcript: Annotated[Optional[Path], typer.Option("--transcript", "-t")] = None,
          fmt: Annotated[Optional[Format], typer.Option("--format")] = None,
          force: bool = False, resume: bool = False, plain: bool = False, save: bool = False,
          home: Annotated[Optional[Path], typer.Option("--home", envvar="ESAFETY_HOME")] = None,
          as_: Annotated[Optional[str], typer.Option("--as")] = None,
          flowchart: FlowchartOpt = None, no_color: bool = False):
    if answers is None:
        import questionary  # the interactive floor includes questionary
        if STACK:
            questionary.select("Who is reading this?", choices=["Staff", "Head", "Chair"]).unsafe_ask()
            return
        print("Who is reading this?", flush=True)
        input()
        return
    if STACK:
        import yaml

        yaml.load(answers.read_text(), Loader=yaml.CSafeLoader)
        _rich_table()
        return
    print("guide")


@app.command()
def contacts(json_: Annotated[bool, typer.Option("--json")] = False, flowchart: FlowchartOpt = None,
             no_color: bool = False):
    if STACK:
        _rich_table()
        return
    print("contacts")


@app.command()
def validate(file: Annotated[Optional[Path], typer.Argument()] = None, flowchart: FlowchartOpt = None,
             no_color: bool = False):
    print("validate")


@app.command()
def diagram(fmt: Annotated[DiagramFormat, typer.Option("--format")] = DiagramFormat.mermaid,
            output: Annotated[Optional[Path], typer.Option("--output", "-o")] = None, force: bool = False,
            flowchart: FlowchartOpt = None, no_color: bool = False):
    print("diagram")


@app.command()
def paths(json_: Annotated[bool, typer.Option("--json")] = False, flowchart: FlowchartOpt = None,
          no_color: bool = False):
    print("paths")


@app.command()
def schema():
    print("schema")


log_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
app.add_typer(log_app, name="log")
HomeOpt = Annotated[Optional[Path], typer.Option("--home", envvar="ESAFETY_HOME")]
AsOpt = Annotated[Optional[str], typer.Option("--as")]


class ExportFormat(str, Enum):
    html = "html"
    md = "md"
    json = "json"


@log_app.command("name")
def log_name(name: str, home: HomeOpt = None, no_color: bool = False):
    print("name")


@log_app.command("list")
def log_list(open_: Annotated[bool, typer.Option("--open")] = False,
             closed: Annotated[bool, typer.Option("--closed")] = False,
             json_: Annotated[bool, typer.Option("--json")] = False, home: HomeOpt = None, no_color: bool = False):
    if STACK:
        import sqlite3

        db = sqlite3.connect(os.path.join(os.environ["ESAFETY_HOME"], "incidents.sqlite3"))
        db.execute("SELECT incident_id, status, last_at, data FROM summaries").fetchall()
        _rich_table()
        return
    print("list")


@log_app.command("show")
def log_show(incident_id: int, json_: Annotated[bool, typer.Option("--json")] = False, home: HomeOpt = None,
             no_color: bool = False):
    print("show")


@log_app.command("resume")
def log_resume(incident_id: int, plain: bool = False, home: HomeOpt = None, as_: AsOpt = None,
               flowchart: FlowchartOpt = None, no_color: bool = False):
    print("resume")


@log_app.command("done")
def log_done(incident_id: int, step: str, note: Optional[str] = None, home: HomeOpt = None, as_: AsOpt = None,
             no_color: bool = False):
    print("done")


@log_app.command("note")
def log_note(incident_id: int, text: str, home: HomeOpt = None, as_: AsOpt = None, no_color: bool = False):
    print("note")


@log_app.command("evidence")
def log_evidence(incident_id: int, files: list[Path], note: Optional[str] = None, home: HomeOpt = None,
                 as_: AsOpt = None, no_color: bool = False):
    print("evidence")


@log_app.command("verify")
def log_verify(incident_id: Annotated[Optional[int], typer.Argument()] = None, home: HomeOpt = None,
               no_color: bool = False):
    print("verify")


@log_app.command("close")
def log_close(incident_id: int, reason: Optional[str] = None, home: HomeOpt = None, as_: AsOpt = None,
              no_color: bool = False):
    print("close")


@log_app.command("reopen")
def log_reopen(incident_id: int, reason: Optional[str] = None, home: HomeOpt = None, as_: AsOpt = None,
               no_color: bool = False):
    print("reopen")


@log_app.command("export")
def log_export(incident_id: int, fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.html,
               output: Annotated[Optional[Path], typer.Option("--output", "-o")] = None, force: bool = False,
               home: HomeOpt = None, no_color: bool = False):
    print("export")


@log_app.command("letter")
def log_letter(incident_id: int, name: str, output: Annotated[Optional[Path], typer.Option("--output", "-o")] = None,
               force: bool = False, home: HomeOpt = None, as_: AsOpt = None, no_color: bool = False):
    print("letter")


school_app = typer.Typer(invoke_without_command=True)
app.add_typer(school_app, name="school")


@school_app.callback()
def school(json_: Annotated[bool, typer.Option("--json")] = False, home: HomeOpt = None):
    print("school")


@school_app.command("set")
def school_set(name: Optional[str] = None, address: Optional[str] = None, head: Optional[str] = None,
               home: HomeOpt = None):
    print("set")


@app.command()
def letters(json_: Annotated[bool, typer.Option("--json")] = False, flowchart: FlowchartOpt = None):
    print("letters")


@app.command()
def procedures(json_: Annotated[bool, typer.Option("--json")] = False, flowchart: FlowchartOpt = None,
               no_color: bool = False):
    print("procedures")



@log_app.command("undone")
def log_undone(incident_id: int, step: str, note: Optional[str] = None, home: HomeOpt = None, as_: AsOpt = None,
               no_color: bool = False):
    print("undone")


@log_app.command("decide")
def log_decide(incident_id: int, steps: list[str], reason: Optional[str] = None, home: HomeOpt = None,
               as_: AsOpt = None, no_color: bool = False):
    print("decide")


@log_app.command("describe")
def log_describe(incident_id: int, description: Optional[str] = None, staff: Optional[str] = None,
                 home: HomeOpt = None, as_: AsOpt = None, no_color: bool = False):
    print("describe")


@log_app.command("answer")
def log_answer(incident_id: int, question: str, value: str, reason: Optional[str] = None, home: HomeOpt = None,
               as_: AsOpt = None, flowchart: FlowchartOpt = None, no_color: bool = False):
    print("answer")


@log_app.command("report")
def log_report(from_: Annotated[Optional[str], typer.Option("--from")] = None, to: Optional[str] = None,
               fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.html,
               output: Annotated[Optional[Path], typer.Option("--output", "-o")] = None,
               with_reasons: bool = False, force: bool = False, home: HomeOpt = None, no_color: bool = False):
    print("report")


if __name__ == "__main__":
    app()
"""

ANSWERS = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: not_sure\nalleges_harm: no\ninstigator: staff\n"
    "serious: not_sure\n"
)


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak memory (KiB) of one whole process."""
    t = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{argv} failed with exit code {p.returncode}")
    return elapsed, usage.ru_maxrss


def first_screen(argv: list[str], env: dict[str, str]) -> float:
    """Time until the first question is on screen, in a pseudo-terminal."""
    t = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, encoding="utf-8", dimensions=(40, 120), timeout=20)
    child.expect_exact("Who is reading this?")  # the first question
    elapsed = time.perf_counter() - t
    child.terminate(force=True)
    return elapsed


# Issue 29: what is ours to remove, against the same command of the minimal app doing only what the stack makes
# any implementation do (print a rich table; read YAML; read SQLite rows).
STACK_TARGETS = {"contacts": 1.10, "guide --answers": 1.10, "log list": 1.10}
QUICK = bool(os.environ.get("BENCH_QUICK"))  # the test suite's run: one round, to show the benchmark still works


def main() -> None:
    rounds = 1 if QUICK else int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as d:
        minimal = Path(d) / "minimal.py"
        minimal.write_text(MINIMAL)
        answers = Path(d) / "answers.yaml"
        answers.write_text(ANSWERS)
        env = {
            **os.environ,
            "ESAFETY_HOME": d,
            "COLUMNS": "100",
            "TERM": "xterm-256color",
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
        env.pop("ESAFETY_FLOWCHART", None)
        env.pop("MINIMAL_STACK", None)
        envs = (env, env, {**env, "MINIMAL_STACK": "1"})  # ours, minimal, minimal + stack
        py = sys.executable
        cases = {
            "--help": ([ESAFETY, "--help"], [py, str(minimal), "--help"]),
            "contacts": ([ESAFETY, "contacts"], [py, str(minimal), "contacts"]),
            "guide --answers": (
                [ESAFETY, "guide", "--answers", str(answers)],
                [py, str(minimal), "guide", "--answers", str(answers)],
            ),
            "log list": ([ESAFETY, "log", "list"], [py, str(minimal), "log", "list"]),
        }
        for _ in range(3):  # a case file with a few incidents, for log list
            run_once([ESAFETY, "guide", "--answers", str(answers), "--save", "--as", "Jo"], env)
        times: dict[str, tuple[list[float], ...]] = {k: ([], [], []) for k in cases}
        mem: tuple[list[int], ...] = ([], [], [])
        screen: tuple[list[float], ...] = ([], [], [])
        for ours, floor in cases.values():  # warm the file cache
            for argv, e in zip((ours, floor, floor), envs, strict=True):
                run_once(argv, e)
        for r in range(rounds):
            order = (0, 1, 2) if r % 2 == 0 else (2, 1, 0)  # alternate which goes first
            for name, (ours, floor) in cases.items():
                for i in order:
                    elapsed, rss = run_once((ours, floor, floor)[i], envs[i])
                    times[name][i].append(elapsed)
                    if name == "contacts":
                        mem[i].append(rss)
            if r < (1 if QUICK else max(5, rounds // 3)):
                for i in order:
                    argv = [ESAFETY, "guide"] if i == 0 else [py, str(minimal), "guide"]
                    screen[i].append(first_screen(argv, envs[i]))

    print(f"python {sys.version.split()[0]}, {rounds} rounds, medians")
    verdicts = []
    print(f"{'command':20s} {'esafety':>9s} {'minimal':>9s} {'ratio':>6s} {'target':>7s}  {'+stack':>9s} {'ratio':>6s}")
    rows = [(name, times[name], 1.10) for name in cases] + [("interactive start", screen, 1.15)]
    ok = True
    for name, samples, target in rows:
        ours, floor, stack = (statistics.median(x) for x in samples)
        ratio = ours / floor
        ok &= ratio <= target
        versus_stack = f"{stack * 1000:7.1f}ms {ours / stack:5.2f}x" if name != "--help" else ""
        if name in STACK_TARGETS:
            met = ours / stack <= STACK_TARGETS[name]
            ok &= met
            verdicts.append(
                f"VERDICT {name}: {ours / stack:.2f}x the stack floor (target <= {STACK_TARGETS[name]:.2f}x): "
                + ("met" if met else "NOT met")
            )
        print(
            f"{name:20s} {ours * 1000:7.1f}ms {floor * 1000:7.1f}ms {ratio:5.2f}x {target:6.2f}x"
            f"{' ' if ratio <= target else '!'} {versus_stack}"
        )
    ours, floor, stack = (statistics.median(x) for x in mem)
    print(
        f"{'contacts peak memory':20s} {ours / 1024:7.1f}MB {floor / 1024:7.1f}MB {ours / floor:5.2f}x"
        f"{'':9s} {stack / 1024:7.1f}MB {ours / stack:5.2f}x"
    )
    if not QUICK:
        print("\n".join(verdicts))
    if QUICK:
        print("QUICK run: no verdict (one round; run without BENCH_QUICK for the figures)")
    else:
        print("all time targets met" if ok else "some time targets NOT met (marked !)")


if __name__ == "__main__":
    main()
