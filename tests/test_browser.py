"""The reports as a person sees them: printed on A4 by a real browser (headless Chromium, when installed)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and shutil.which("pdftotext")), reason="needs Debian's chromium and poppler-utils"
)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))


def test_both_reports_print_on_a4_with_their_words(tmp_path):
    from report_pages import esafety, print_pdf

    home = str(tmp_path / "home")
    (tmp_path / "a.yaml").write_text(
        "head_involved: yes\nhead_is_dsl: no\ninstigator: staff\nserious: no\nalleges_harm: no\n"
    )
    esafety(
        "guide",
        "-a",
        "a.yaml",
        "--save",
        "--as",
        "Jo",
        "--description",
        "Posts <b>about</b> a trip",
        home=home,
        cwd=tmp_path,
    )
    esafety("log", "note", "1", "Met the parent & the pupil", "--as", "Jo", home=home, cwd=tmp_path)
    for name, args in (("incident", ["export", "1"]), ("governors", ["report"])):
        html = tmp_path / f"{name}.html"
        esafety("log", *args, "--format", "html", "-o", str(html), home=home, cwd=tmp_path)
        pdf = tmp_path / f"{name}.pdf"
        print_pdf(html, pdf, str(tmp_path / f"profile-{name}"))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "(A4)" in info, info
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
        if name == "incident":
            assert "Incident 1: Posts <b>about</b> a trip" in text  # the words as written, not markup
            assert "Met the parent & the pupil" in text and "Record head: incident 1" in text
        else:
            assert "summary for governors" in text and "Jo" not in text.split()
