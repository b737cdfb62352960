"""Rewrite the example outputs in README.md and docs/*.md from the real commands (the test suite fails when
they drift).

Run: .venv/bin/python tools/update_docs.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
# The answers file README shows is the one the examples run: read from README, so the two cannot drift apart.
ANSWERS = re.search(r"```yaml\n# answers.yaml\n(.*?)```", README.read_text(), re.S).group(1)
BLOCK = re.compile(
    r"(<!-- output: (?P<name>[a-z]+)(?: lines (?P<start>\d+)-(?P<end>\d+))? -->\n```console\n\$ (?P<cmd>[^\n]+)\n)"
    r"(?P<body>.*?)(?P<body_end>\n```)",
    re.S,
)


def output(cmd: str) -> str:
    """What `cmd` prints at 100 columns, run from a folder holding answers.yaml, trailing spaces removed."""
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "answers.yaml").write_text(ANSWERS)
        exe = str(Path(sys.executable).with_name("esafety"))
        env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "ESAFETY_HOME": d}
        env.pop("ESAFETY_FLOWCHART", None)
        out = subprocess.run([exe, *cmd.split()[1:]], cwd=d, env=env, capture_output=True, text=True, check=True).stdout
    return "\n".join(line.rstrip() for line in out.strip("\n").splitlines())


def render(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + excerpt(output(m.group("cmd")), m) + m.group("body_end"), text)


def excerpt(text: str, m: re.Match) -> str:
    """The whole output, or the lines a block asks for ('lines 38-45'), marked as cut where they are."""
    if not m.group("start"):
        return text
    lines = text.splitlines()
    start, end = int(m.group("start")), int(m.group("end"))
    return "\n".join(["…", *lines[start - 1 : end], "…"])


if __name__ == "__main__":
    for doc in DOCS:
        doc.write_text(render(doc.read_text()))
