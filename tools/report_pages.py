"""Print the two reports of a made-up incident in headless Chromium, and one of its letters as Word users see it
(LibreOffice), and save their first pages as PNG for README.

Needs Debian's chromium, poppler-utils (pdftoppm) and LibreOffice:
apt-get install chromium poppler-utils libreoffice-writer-nogui
Run: .venv/bin/python tools/report_pages.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]
ANSWERS = """\
head_involved: no
can_report_to_head: yes
instigator: pupil
child_at_risk: not_sure
refuses_removal: yes
under_13: yes
serious: no
persistent: no
alleges_harm: no
reasons:
  serious: One post, removed within the hour; no earlier incidents
"""


def esafety(*args: str, home: str, cwd: str) -> str:
    exe = str(Path(sys.executable).with_name("esafety"))
    env = {**os.environ, "ESAFETY_HOME": home, "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def print_pdf(html: Path, pdf: Path, profile: str) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        home, a = f"{d}/home", Path(d) / "answers.yaml"
        a.write_text(ANSWERS)
        esafety("guide", "-a", str(a), "--save", "--as", "Jo Bloggs", "--description", "Posts about the Year 6 trip",
                "--staff", "Ms Khan", home=home, cwd=d)  # fmt: skip
        log = lambda *args: esafety("log", *args, "--as", "Jo Bloggs", home=home, cwd=d)  # noqa: E731
        log("done", "1", "1", "--note", "Spoke to the DSL (Mrs Patel): no risk to the pupil identified")
        log("done", "1", "3", "--note", "Screenshots of both posts saved to the safeguarding folder")
        log("done", "1", "Identify the pupils", "--note", "Year 8 pupil, identified by the form tutor")
        log("decide", "1", "Inform your local Police", "--reason", "DSL advised: not needed, post removed")
        log("note", "1", "Parent phoned back; meeting on Thursday at 3pm")
        for name, args in (("incident", ["export", "1"]), ("governors", ["report"])):
            html = Path(d) / f"{name}.html"
            esafety("log", *args, "--format", "html", "-o", str(html), home=home, cwd=d)
            pdf = Path(d) / f"{name}.pdf"
            print_pdf(html, pdf, f"{d}/profile-{name}")
            subprocess.run(
                ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(DOCS / name)], check=True
            )
            print(f"docs/{name}-1.png")
        esafety("school", "set", "--name", "Hillside Primary School", "--address", "1 High Street, Matlock",
                "--head", "Mrs A Jones", home=home, cwd=d)  # fmt: skip
        letter = Path(d) / "letter.docx"
        log("letter", "1", "remove_material", "-o", str(letter))
        soffice = shutil.which("soffice") or "/usr/bin/soffice"
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{d}/lo", "--convert-to", "pdf", "--outdir", d,
             str(letter)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", f"{d}/letter.pdf", str(DOCS / "letter")], check=True
        )
        print("docs/letter-1.png")


if __name__ == "__main__":
    main()
