"""The letters the procedure asks the school to write, drafted from a saved incident: every built-in letter in
every format, read back as a person would; the letter to other parents names no one whatever its template asks;
hostile school details stay text; templates are checked by validate; drafting is recorded in the history."""

import json
import re
import shutil
import stat
import subprocess
from datetime import date

import pytest
from typer.testing import CliRunner

from esafety_wizard.casefile.school import Details
from esafety_wizard.cli import app
from esafety_wizard.documents import letters
from esafety_wizard.flowchart import loader
from esafety_wizard.flowchart.model import Letter, LetterPart
from esafety_wizard.home import Home
from esafety_wizard.record.incident import replay

runner = CliRunner()
PARENT = (
    "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\n"
    "instigator: parent_carer\nresolved: no\nalleges_harm: yes\n"
)
HOSTILE = "Hillside <b>Primary</b> [red]*School*[/red] \x1b[31m\u202e"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def incident(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT)
    assert run("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    assert run("log", "describe", 1, "--description", "Facebook post about Mr Smith", "--staff", "Mr Smith",
               "--as", "Jo").exit_code == 0  # fmt: skip
    assert run("log", "note", 1, "Parent phoned on Tuesday: she is sorry", "--as", "Jo").exit_code == 0
    assert run("school", "set", "--name", "Hillside Primary School", "--head", "Mrs A Jones").exit_code == 0
    assert run("log", "done", 1, step_number(1, "lado_agreed"), "--note", "LADO: go ahead", "--as", "Jo").exit_code == 0
    return 1


def step_number(incident: int, step_id: str) -> int:
    shown = json.loads(run("log", "show", incident, "--json").stdout)
    return next(s["number"] for s in shown["checklist"] if s["id"] == step_id)


def docx_text(path) -> str:
    from docx import Document

    doc = Document(str(path))
    return "\n".join(p.text for p in doc.paragraphs)


@pytest.mark.parametrize("name", list(loader.load().letters))
@pytest.mark.parametrize("fmt", ["docx", "md", "html"])
def test_every_built_in_letter_is_drafted_in_every_format_with_the_school_and_the_date(incident, tmp_path, name, fmt):
    out = tmp_path / f"letter.{fmt}"
    r = run("log", "letter", incident, name, "-o", out, "--as", "Jo")
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = docx_text(out) if fmt == "docx" else out.read_text()
    text = text.replace("\\", "") if fmt == "md" else text.replace("&#x27;", "'")  # as a reader sees it
    today = date.today()
    assert "Hillside Primary School" in text and f"{today.day} {today:%B %Y}" in text
    body = text.split("</style>")[-1]
    assert "Mrs A Jones" in body and "{" not in body  # every placeholder filled, or marked to fill
    if name == "parent_invite":
        assert "We have become aware of discussions taking place online" in text
        assert "Home School Agreement" in text and "[to fill: the parent or carer's name]" in text
        assert "the parent or carer's name" in r.stderr  # listed by the command, never a silent blank
    if name == "lado_summary":
        assert "Facebook post about Mr Smith" in text and "Parent phoned on Tuesday" not in text
        assert text.index("The adult the allegation is about") < text.index("What happened")


def test_the_letter_to_other_parents_names_no_one_and_describes_nothing(incident, tmp_path):
    for fmt in ("docx", "md", "html"):
        out = tmp_path / f"other.{fmt}"
        assert run("log", "letter", incident, "other_parents", "-o", out, "--as", "Jo").exit_code == 0
        text = docx_text(out) if fmt == "docx" else out.read_text()
        for private in ("Smith", "Facebook", "Tuesday", "A parent or carer", "incident 1"):
            assert private not in text, (fmt, private)


def test_a_general_letter_takes_nothing_from_the_record_even_if_its_template_asks(incident, tmp_path):
    from esafety_wizard.casefile import incidents

    rogue = Letter(
        "rogue", "To all parents", "Parents", (),
        (LetterPart(text="About {staff_name}: {description} ({who_posted}) {school_name}", added="x"),
         LetterPart(record="notes", added="x")),
        general=True,
    )  # fmt: skip
    with incidents.open_store(Home.resolve(), readonly=True) as st:
        inc = incidents.get(st, incident)
    d = letters.draft(rogue, inc, Details(name="Hillside"), date(2026, 12, 3))
    for fmt in ("md", "html"):
        text = letters.render(fmt, d)
        assert "Smith" not in text and "Facebook" not in text and "Parent phoned" not in text
        assert "Hillside" in text and "3 December 2026" in text and "names no one" in text


def test_hostile_school_details_stay_text_in_every_format(incident, tmp_path):
    assert run("school", "set", "--name", HOSTILE, "--address", "<script>alert(1)</script>").exit_code == 0
    for fmt in ("docx", "md", "html"):
        out = tmp_path / f"h.{fmt}"
        assert run("log", "letter", incident, "parent_invite", "-o", out, "--as", "Jo").exit_code == 0
        if fmt == "docx":
            text = docx_text(out)
            assert "Hillside <b>Primary</b>" in text and "<script>alert(1)</script>" in text
        else:
            text = out.read_text()
            assert "<script>" not in text and "<b>Primary</b>" not in text
        assert "\x1b" not in text and "\u202e" not in text
    shown = run("school").stdout
    assert "\x1b" not in shown and "Hillside <b>Primary</b>" in shown


def test_drafting_is_recorded_in_the_history_without_the_letters_text(incident, tmp_path):
    out = tmp_path / "invite.md"
    assert run("log", "letter", incident, "parent_invite", "-o", out, "--as", "Jo").exit_code == 0
    data = json.loads(run("log", "show", incident, "--json").stdout)
    drafted = [e for e in data["history"] if e["kind"] == "letter_drafted"]
    assert len(drafted) == 1 and drafted[0]["actor"] == "Jo"
    import hashlib

    assert drafted[0]["data"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert "Invitation to a meeting" in drafted[0]["summary"] and "We want to discuss" not in json.dumps(data)
    assert "invite.md" in " ".join(run("log", "export", incident, "--format", "md").stdout.split())


def test_log_show_names_the_letter_beside_its_step_and_the_command_that_drafts_it(incident):
    shown = " ".join(run("log", "show", incident).stdout.split())
    assert "Letters for these steps" in shown
    assert "Invitation to a meeting (step " in shown and "log letter 1 parent_invite" in shown


def test_letters_lists_each_with_who_and_when_and_as_json():
    data = json.loads(run("letters", "--json").stdout)
    assert {x["name"] for x in data} >= {"parent_invite", "remove_material", "other_parents", "lado_summary"}
    assert all(set(x) >= {"name", "title", "to", "steps"} for x in data)
    assert "log letter ID parent_invite" in run("letters").stdout


def test_an_unknown_letter_or_format_is_a_clear_error(incident, tmp_path):
    r = run("log", "letter", incident, "parent_invit", "--as", "Jo")
    assert r.exit_code == 1 and "Did you mean 'parent_invite'?" in r.output
    r = run("log", "letter", incident, "parent_invite", "-o", tmp_path / "x.pdf", "--as", "Jo")
    assert r.exit_code == 1 and ".docx, .md or .html" in r.output
    out = tmp_path / "x.md"
    out.write_text("mine")
    r = run("log", "letter", incident, "parent_invite", "-o", out, "--as", "Jo")
    assert r.exit_code == 1 and out.read_text() == "mine"  # never over a file without --force


def test_a_procedure_without_letters_says_so_plainly(tmp_path):
    f = tmp_path / "p.yaml"
    text = loader.builtin_path().read_text()
    f.write_text(text[: text.index("\nletters:")] + "\n")
    r = run("letters", "--flowchart", f)
    assert r.exit_code == 0 and "This procedure has no letters to draft." in r.stdout


@pytest.mark.parametrize(
    "paragraph, said",
    [
        ('      - text: "Dear {parent_nmae},"\n        added: x\n',
         "unknown placeholder {parent_nmae} (did you mean 'parent_name'?)"),
        ('      - text: "About {staff_name}"\n        added: x\n', "names no one and describes nothing"),
        ("      - record: notes\n        added: x\n", "takes nothing from the record"),
        ('      - text: "No provenance"\n', "says neither where it comes from"),
    ],
)  # fmt: skip
def test_validate_checks_letter_templates_at_their_line(tmp_path, paragraph, said):
    text = loader.builtin_path().read_text()
    anchor = "      - text: Dear Parents and Carers,\n"
    assert anchor in text
    broken = text.replace(anchor, paragraph + anchor)
    f = tmp_path / "p.yaml"
    f.write_text(broken)
    line = broken[: broken.index(paragraph)].count("\n") + 1
    r = run("validate", f)
    assert r.exit_code == 1 and said in r.stdout
    assert f"p.yaml:{line}:" in r.stdout or f"p.yaml:{line + 1}:" in r.stdout


def test_a_letter_that_serves_a_step_that_does_not_exist_is_refused(tmp_path):
    text = loader.builtin_path().read_text().replace("steps: [parent_letter]", "steps: [parent_leter]")
    f = tmp_path / "p.yaml"
    f.write_text(text)
    r = run("validate", f)
    assert r.exit_code == 1 and "serves step 'parent_leter'" in r.stdout and "did you mean 'parent_letter'" in r.stdout


def test_a_drafted_letter_opens_in_libreoffice_as_a_word_user_would_see_it(incident, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed here (apt-get install libreoffice-writer-nogui to run this)")
    out = tmp_path / "invite.docx"
    assert run("log", "letter", incident, "parent_invite", "-o", out, "--as", "Jo").exit_code == 0
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "txt:Text",
         "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    text = (tmp_path / "invite.txt").read_text(encoding="utf-8-sig")
    assert "Hillside Primary School" in text and "Invitation to a meeting" in text
    assert "We have become aware of discussions taking place online" in text
    # Printed as a Word user would: on A4 (python-docx's default is US Letter), in one page.
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "invite.pdf")], capture_output=True, text=True).stdout
        assert "(A4)" in info and re.search(r"^Pages:\s+1$", info, re.M), info


def test_every_letter_is_on_a4_with_a_printers_margins_and_every_gap_is_listed_to_fill(incident, tmp_path):
    from docx import Document
    from docx.shared import Mm

    for name in loader.load().letters:
        out = tmp_path / f"{name}.docx"
        r = run("log", "letter", incident, name, "-o", out, "--as", "Jo")
        page = Document(str(out)).sections[0]
        assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297), name
        assert min(page.left_margin, page.right_margin, page.top_margin, page.bottom_margin) >= Mm(20), name
        gaps = docx_text(out).count("…")
        listed = " ".join(r.stderr.split())
        assert (f"wherever the letter has … ({gaps} place" in listed) == bool(gaps), (name, listed)
    assert "(4 places)" in " ".join(run("log", "letter", incident, "parent_invite", "-o", tmp_path / "i.md",
                                        "--as", "Jo").stderr.split())  # fmt: skip


def test_replayed_history_of_a_letter_event_is_well_formed():
    from esafety_wizard.record.event import Event, malformed

    e = Event(1, 1, "2026-12-03T09:00:00+00:00", "Jo", "letter_drafted", {"letter": "x", "sha256": "ab"}, "", "h")
    opened = Event(1, 1, "2026-12-03T09:00:00+00:00", "Jo", "opened", {"flowchart": {}}, "", "h")
    assert malformed([opened, e._replace(n=2)]) == []
    assert replay([opened, e._replace(n=2)]).events[-1].kind == "letter_drafted"


def test_the_guide_names_the_letters_for_a_saved_incidents_steps(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT)
    r = run("guide", "-a", a, "--save", "--as", "Jo")
    assert r.exit_code == 0
    said = " ".join(r.stderr.split())
    assert "Letters for its steps" in said and "log letter 1 lado_summary" in said
    assert "Invitation to a meeting" in said and "not yet, it waits for step" in said  # the LADO agrees first


def test_on_an_allegation_the_letters_about_the_people_involved_wait_for_the_lado(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT)
    assert run("guide", "-a", a, "--save", "--as", "Jo").exit_code == 0
    agreed = step_number(1, "lado_agreed")
    shown = run("log", "show", 1).stdout
    assert f"Invitation to a meeting (step {step_number(1, 'parent_invite')}): not yet, it waits for step {agreed}" in (
        " ".join(shown.split())
    )
    for name in ("parent_invite", "remove_material", "other_parents"):
        r = run("log", "letter", 1, name, "-o", tmp_path / f"{name}.md", "--as", "Jo")
        assert r.exit_code == 1 and f"waits for step {agreed}" in r.stderr and "esafety log done 1" in r.stderr
        assert not (tmp_path / f"{name}.md").exists()
    # The LADO's summary is what the school sends first: never held.
    assert run("log", "letter", 1, "lado_summary", "-o", tmp_path / "lado.md", "--as", "Jo").exit_code == 0
    assert run("log", "done", 1, agreed, "--note", "LADO: not an allegation", "--as", "Jo").exit_code == 0
    assert run("log", "letter", 1, "parent_invite", "-o", tmp_path / "parent_invite.md", "--as", "Jo").exit_code == 0


def test_when_the_head_teacher_is_involved_the_chair_signs_never_the_head(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(PARENT.replace("head_involved: no\ncan_report_to_head: yes\n", "head_involved: posted_or_accused\n"))
    assert run("guide", "-a", a, "--save", "--as", "Chair").exit_code == 0
    assert run("log", "done", 1, step_number(1, "lado_agreed"), "--note", "agreed", "--as", "Chair").exit_code == 0
    assert run("school", "set", "--name", "Hillside", "--head", "Mrs A Jones").exit_code == 0
    for name in ("parent_invite", "lado_summary"):
        r = run("log", "letter", 1, name, "-o", tmp_path / f"{name}.md", "--as", "Chair")
        text = (tmp_path / f"{name}.md").read_text()
        assert "Mrs A Jones" not in text and "Chair of Governors" in text, name
        assert "the Chair of Governors' name (esafety school set --chair)" in r.stderr
    assert run("school", "set", "--chair", "Mr B Patel").exit_code == 0
    run("log", "letter", 1, "parent_invite", "-o", tmp_path / "again.md", "--force", "--as", "Chair")
    assert "Mr B Patel" in (tmp_path / "again.md").read_text()
