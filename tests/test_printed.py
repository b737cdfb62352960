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
        "head_involved: posted_or_accused\nchild_at_risk: no\ninstigator: staff\nserious: no\nalleges_harm: no\n"
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


def test_the_printed_checklist_is_one_a4_page_for_every_path_family(tmp_path, fc):
    """The longest path of each family (who posted it; each reader), printed by Chromium: one A4 page."""
    import json

    from report_pages import esafety, print_pdf

    from esafety_wizard.flowchart import engine

    longest = {}
    for answers in engine.every_path(fc) + engine.reader_paths(fc):
        key = answers.get("reader") or answers.get("instigator")
        n = len(engine.outcome(fc, answers).steps)
        if n > longest.get(key, (0, None))[0]:
            longest[key] = (n, answers)
    assert set(longest) >= {"parent_carer", "pupil", "staff", "unknown", "member_of_staff", "chair_of_governors"}
    home = str(tmp_path / "home")
    for key, (_, answers) in longest.items():
        (tmp_path / f"{key}.json").write_text(json.dumps(answers))
        html = tmp_path / f"{key}.html"
        esafety("guide", "-a", f"{key}.json", "--print", str(html), home=home, cwd=tmp_path)
        pdf = tmp_path / f"{key}.pdf"
        print_pdf(html, pdf, str(tmp_path / f"profile-{key}"))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "Pages:           1" in info and "(A4)" in info, (key, info)
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
        assert "Date, initials:" in text and "Contacts for these steps" in text, key


def test_an_incidents_printed_checklist_is_one_a4_page_with_decided_marked_apart(tmp_path, fc):
    """log export --checklist, for the longest path of the built-in procedure, with a step done and one decided
    against: one A4 page in Chromium, the decided one not ticked."""
    import json

    from report_pages import esafety, print_pdf

    from esafety_wizard.flowchart import engine

    answers = max(engine.every_path(fc), key=lambda a: len(engine.outcome(fc, a).steps))
    home = str(tmp_path / "home")
    (tmp_path / "a.json").write_text(json.dumps(answers))
    esafety("guide", "-a", "a.json", "--save", "--as", "Jo", home=home, cwd=tmp_path)
    esafety("log", "done", "1", "1", "--as", "Jo", home=home, cwd=tmp_path)
    esafety("log", "decide", "1", "2", "--reason", "Not needed: the DSL was told at once", "--as", "Jo", home=home,
            cwd=tmp_path)  # fmt: skip
    html = tmp_path / "c.html"
    esafety("log", "export", "1", "--checklist", "-o", str(html), home=home, cwd=tmp_path)
    pdf = tmp_path / "c.pdf"
    print_pdf(html, pdf, str(tmp_path / "profile"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info and "(A4)" in info, info
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "Decided against" in text and "Not needed: the DSL was told at once" in text
