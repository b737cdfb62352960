"""The commands shown in the documents, in the order a reader meets them (used by tests/test_docs.py)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(sh|console)\n(.*?)^```", re.S | re.M)


def commands(doc: Path) -> list[str]:
    """Each shell command of a ```sh block (its comment cut off) and each `$ ` line of a ```console block."""
    found = []
    for kind, body in FENCE.findall(doc.read_text(encoding="utf-8")):
        lines = body.replace("\\\n", " ").splitlines()
        if kind == "console":
            found += [line[2:] for line in lines if line.startswith("$ ")]
            continue
        for line in lines:
            line = re.split(r"\s{2,}#\s", line)[0].rstrip()  # a comment after the command
            if line and not line.startswith("#"):
                found.append(line)
    return found


def files_shown(doc: Path) -> dict[str, str]:
    """Files a document shows whole: a ```yaml block whose first line is `# PATH`."""
    shown = {}
    for body in re.findall(r"^```yaml\n(.*?)^```", doc.read_text(encoding="utf-8"), re.S | re.M):
        first, _, rest = body.partition("\n")
        name = first[2:].strip() if first.startswith("# ") else ""
        if re.fullmatch(r"[\w-]+(/[\w.-]+)*\.ya?ml", name):
            shown[name] = rest
    return shown
