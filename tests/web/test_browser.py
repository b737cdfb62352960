"""esafety serve in a real browser: Debian's Chromium driven by Playwright, by mouse and by keyboard alone, with
axe-core on every kind of page. The server is the real command, started as a person starts it."""

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (tools/test-tools.sh installs it)")
ESAFETY = str(Path(sys.executable).with_name("esafety"))
# As root, headless, and with nothing reaching for the network (this machine's is closed).
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

PATHS = {  # one path per family, as each reader
    "head, a parent": ["head_teacher", "no", "not_sure", "no", "parent_carer", "not_yet"],
    "head, a pupil": ["head_teacher", "no", "no", "no", "pupil", "yes", "yes", "no", "no"],
    "head, staff": ["head_teacher", "no", "no", "yes", "staff", "yes"],
    "staff targeted": ["member_of_staff", "no", "yes", "no"],
    "chair, head accused": ["chair_of_governors", "posted_or_accused", "no", "no", "unknown"],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "ESAFETY_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    p = subprocess.Popen([ESAFETY, "serve", "--no-browser"], stderr=subprocess.PIPE, text=True, env=env)
    said = ""
    while "/open/" not in said:
        line = p.stderr.readline()
        assert line, said
        said += line
    yield re.search(r"http://\S+/open/\S+", said).group(0), home
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.goto(server[0])  # the first address: sets the cookie, then the start page
    yield p
    context.close()


def start(page):
    page.get_by_role("button", name="Start now").click()


def _saved_incident(page) -> None:
    """Walk a parent path as the head teacher and save it as an incident."""
    start(page)
    for value in PATHS["head, a parent"]:
        answer(page, value)
    page.get_by_role("link", name="See what to do").click()
    page.get_by_label("Your name").fill("Jo Head")
    page.get_by_role("button", name="Save as an incident").click()


def answer(page, value: str, reason: str = "Our reason") -> None:
    page.locator(f"input[name=answer][value='{value}']").check()
    page.get_by_role("button", name="Continue").click()
    if "/guide/reason/" in page.url:
        page.get_by_label("Why did you decide this?").fill(reason)
        page.get_by_role("button", name="Continue").click()


def axe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]]


@pytest.mark.parametrize(
    "name", [n if i == 0 else pytest.param(n, marks=pytest.mark.slow) for i, n in enumerate(PATHS)]
)  # one in the default run, every family in the slow one (CI runs both)
def test_each_path_family_by_clicking_ends_on_the_same_steps_as_the_engine(page, name, fc):
    from esafety_wizard.documents.outcome import to_act_on
    from esafety_wizard.flowchart import engine

    start(page)
    asked = {}
    for value in PATHS[name]:
        qid = page.url.rsplit("/", 1)[-1]
        asked[qid] = value
        answer(page, value)
    assert page.url.endswith("/guide/check")
    page.get_by_role("link", name="See what to do").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What to do now"
    shown = [
        re.sub(r"^If |\s*\(not in the flowchart\)$", "", t.strip())
        for t in page.locator(".step-line").all_inner_texts()
    ]
    view = to_act_on(fc, engine.outcome(fc, asked))
    assert shown == [a.text for a in view.actions]


def test_an_answer_is_changed_on_check_your_answers(page):
    start(page)
    for value in PATHS["head, a parent"]:
        answer(page, value)
    page.get_by_role("link", name=re.compile("Change.*Has that solved")).click()
    answer(page, "yes")
    assert page.url.endswith("/guide/check")
    assert "Yes" in page.locator(".summary-row").last.inner_text()


def test_closing_the_tab_mid_guide_loses_nothing(browser, server):
    context = browser.new_context()
    first = context.new_page()
    first.goto(server[0])
    start(first)
    answer(first, "head_teacher")
    answer(first, "no")
    first.close()  # the tab closed, mid-guide
    again = context.new_page()
    again.goto(server[0].split("/open/")[0] + "/")
    again.get_by_role("link", name="Carry on with the answers you started").click()
    assert again.get_by_role("heading", level=1).inner_text() == "Could any child be at risk of harm?"
    context.close()


def test_save_tick_with_a_note_and_decide_with_a_reason(page):
    _saved_incident(page)
    assert re.search(r"/log/\d+$", page.url)
    steps = page.locator("ol.steps > li")
    steps.nth(0).get_by_text("Record this step").click()
    steps.nth(0).get_by_label("Note (optional)").fill("Screenshots kept on the school system")
    steps.nth(0).get_by_role("button", name=re.compile("^Done")).click()
    steps = page.locator("ol.steps > li")
    last = steps.last
    last.get_by_text("Record this step").click()
    last.get_by_label("Reason for not taking this step").fill("The platform removed it already")
    last.get_by_role("button", name=re.compile("^Decide not to")).click()
    body = page.locator("main").inner_text()
    assert "Done" in body and "Screenshots kept on the school system" in body
    assert "The platform removed it already" in body and "Jo Head" in body


def test_the_whole_guide_by_keyboard_alone_with_a_visible_focus(page):
    page.keyboard.press("Tab")  # the skip link first
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.get_by_role("button", name="Start now").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for value in PATHS["head, a parent"]:
        radio = page.locator(f"input[name=answer][value='{value}']")
        page.locator("input[name=answer]").first.focus()
        for _ in range(page.locator("input[name=answer]").count()):  # arrow keys move through a radio group
            if radio.evaluate("r => r === document.activeElement"):
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        focused = page.evaluate(
            "getComputedStyle(document.activeElement).boxShadow + getComputedStyle(document.activeElement).outlineStyle"
        )
        assert focused != "nonenone", "the focus must be visible"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Continue"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        if "/guide/reason/" in page.url:
            page.keyboard.press("Tab")  # the skip link, then through the page to the reason
            page.get_by_label("Why did you decide this?").focus()
            page.keyboard.type("A reason typed")
            page.keyboard.press("Tab")
            with page.expect_navigation():
                page.keyboard.press("Enter")
    assert page.url.endswith("/guide/check")


def test_nothing_chosen_focuses_the_error_summary(page):
    start(page)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'", timeout=5000)
    page.get_by_role("link", name=re.compile("Select an answer")).click()
    assert page.url.endswith("#answer-1")


def test_every_kind_of_page_passes_axe(page, server):
    base = server[0].split("/open/")[0]
    found = {"start": axe(page)}
    start(page)
    found["question"] = axe(page)
    page.get_by_role("button", name="Continue").click()
    found["question with an error"] = axe(page)
    for value in PATHS["head, staff"]:
        page.locator(f"input[name=answer][value='{value}']").check()
        page.get_by_role("button", name="Continue").click()
        if "/guide/reason/" in page.url:
            found["reason"] = axe(page)
            page.get_by_role("button", name="Continue").click()
    assert "reason" in found  # the path has a decision, so its reason page was seen
    found["check your answers"] = axe(page)
    page.get_by_role("link", name="See what to do").click()
    page.locator("summary").first.click()
    found["what to do now"] = axe(page)
    page.get_by_label("Your name").fill("Sam DSL")
    page.get_by_role("button", name="Save as an incident").click()
    page.locator("summary").first.click()
    found["incident"] = axe(page)
    for name, path in (("incident log", "/log"), ("contacts", "/contacts"), ("no such page", "/log/99999")):
        page.goto(base + path)
        found[name] = axe(page)
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("width, zooms", [(320, ("1",)), (1280, ("1", "2"))])
def test_pages_read_at_320_px_and_at_200_percent_with_nothing_cut_off(browser, server, width, zooms):
    """WCAG's reflow: at 320 CSS pixels (a phone, or 1280 at 400%) and at 200% zoom, no page scrolls sideways."""
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=1)
    p = context.new_page()
    p.goto(server[0])

    def no_sideways_scroll(name):
        p.wait_for_load_state()  # the whole page laid out, its stylesheet applied
        for zoom in zooms:
            p.evaluate(f"document.body.style.zoom = '{zoom}'")
            overflow = p.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, (name, width, zoom, overflow)
        p.evaluate("document.body.style.zoom = '1'")

    start(p)
    no_sideways_scroll("question")
    for value in PATHS["head, a parent"]:
        answer(p, value)
    no_sideways_scroll("check your answers")
    p.get_by_role("link", name="See what to do").click()
    no_sideways_scroll("what to do now")
    p.get_by_label("Your name").fill("Jo Head")
    p.get_by_role("button", name="Save as an incident").click()
    no_sideways_scroll("incident")
    for path in ("/log", "/contacts"):
        p.goto(server[0].split("/open/")[0] + path)
        no_sideways_scroll(path)
    context.close()


def test_the_checklist_prints_on_one_a4_page(page, tmp_path):
    if not shutil.which("pdfinfo"):
        pytest.skip("needs poppler-utils (tools/test-tools.sh installs it)")
    start(page)
    for value in PATHS["head, a parent"]:
        answer(page, value)
    page.goto(page.url.split("/guide/")[0] + "/guide/checklist")
    pdf = tmp_path / "checklist.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\b", info), info
    assert "(A4)" in info, info


def test_the_screenshots_in_the_docs_show_each_page_at_both_widths():
    """tools/web_screenshots.py takes them from the real pages (run it after a change to a page)."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    for name in ("question", "outcome", "incident"):
        for width in (1280, 320):
            png = (docs / f"{name}-{width}.png").read_bytes()
            assert png[:8] == b"\x89PNG\r\n\x1a\n"
            assert int.from_bytes(png[16:20], "big") == width, (name, width)  # the IHDR width


def test_evidence_chosen_in_the_page_is_fingerprinted_there_and_only_that_is_sent(page, tmp_path):
    import hashlib

    _saved_incident(page)
    printout = tmp_path / "printout.pdf"
    printout.write_bytes(b"%PDF-1.4 the page as printed, " * 1000)
    page.get_by_text("Register a file as evidence").click()
    assert page.get_by_label("Where the file is on this computer").is_hidden()  # with JavaScript: choose it
    sent = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)
    page.get_by_label("Choose the file").set_input_files(str(printout))
    with page.expect_navigation():  # the page works out the fingerprint, then sends the form
        page.get_by_role("button", name="Register this file").click()
    sha = hashlib.sha256(printout.read_bytes()).hexdigest()
    assert sha[:16] in page.locator("main").inner_text()
    assert sent and all("the page as printed" not in body for body in sent)  # the file itself never left


def test_the_incident_page_by_keyboard_alone(page):
    _saved_incident(page)
    page.locator("ol.steps summary").first.focus()
    page.keyboard.press("Enter")  # opens "Record this step"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "note-1"
    page.keyboard.type("Done by keyboard")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()").startswith("Done")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Done by keyboard" in page.locator("main").inner_text()


def test_a_letter_is_downloaded_and_opens_in_word_format(page, tmp_path):
    import io

    from docx import Document

    _saved_incident(page)
    with page.expect_download() as got:
        page.get_by_role("button", name=re.compile("^Draft: ")).first.click()
    path = tmp_path / got.value.suggested_filename
    got.value.save_as(path)
    assert path.suffix == ".docx"
    words = "\n".join(p.text for p in Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert len(words) > 100
    page.reload()
    assert "drafted the letter" in page.locator("main").inner_text()


def test_with_javascript_off_the_guide_and_evidence_by_its_place_still_work(browser, server, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server[0])
    _saved_incident(page)
    page.get_by_text("Register a file as evidence").click()
    assert page.get_by_label("Choose the file").is_hidden()  # hashing in the page needs JavaScript
    printout = tmp_path / "printout.pdf"
    printout.write_bytes(b"%PDF-1.4 printed without JavaScript")
    page.get_by_label("Where the file is on this computer").fill(str(printout))
    page.get_by_role("button", name="Register this file").click()
    assert "printout.pdf" in page.locator("main").inner_text()
    context.close()
