"""esafety serve's pages through Flask's test client: each page, each form, and each refusal."""

import re

import pytest

from esafety_wizard.home import Home
from esafety_wizard.web.app import create_app
from esafety_wizard.web.guard import Guard

HOST = {"Host": "127.0.0.1:8765"}
HEAD_PARENT = ["head_teacher", "no", "not_sure", "no", "parent_carer", "not_yet"]


@pytest.fixture
def guard():
    return Guard("127.0.0.1", 8765)


@pytest.fixture
def client(tmp_path, guard):
    app = create_app(Home.at(tmp_path / "home"), guard)
    c = app.test_client()
    assert c.get(f"/open/{guard.key}", headers=HOST).status_code == 303
    return c


def post(c, guard, url, **data):
    return c.post(url, headers=HOST, data={"csrf": guard.csrf, **data})


def walk(c, guard, answers):
    """Answer the guide as a person would: follow each redirect to the next question and choose."""
    assert post(c, guard, "/guide/start").status_code == 303
    for value in answers:
        page = c.get("/guide", headers=HOST).location
        assert page.startswith("/guide/question/"), page
        r = post(c, guard, page, answer=value)
        assert r.status_code == 303, r.data
        if "/guide/reason/" in r.location:
            assert post(c, guard, r.location, reason="Our reason").status_code == 303
    assert c.get("/guide", headers=HOST).location == "/guide/check"


def text(r) -> str:
    import html

    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.get_data(as_text=True))))


def test_every_page_of_a_walk_answers_and_ends_on_what_to_do(client, guard):
    walk(client, guard, HEAD_PARENT)
    check = client.get("/guide/check", headers=HOST)
    assert check.status_code == 200 and "Check your answers" in text(check)
    assert text(check).count("Change") == len(HEAD_PARENT)
    out = client.get("/guide/outcome", headers=HOST)
    assert out.status_code == 200 and "What to do now" in text(out)
    assert "Where this comes from" in text(out) and "Save as an incident" in text(out)


def test_the_outcome_holds_the_steps_the_terminal_shows_for_the_same_answers(client, guard, fc):
    from esafety_wizard.documents.outcome import to_act_on
    from esafety_wizard.flowchart import engine

    walk(client, guard, HEAD_PARENT)
    page = client.get("/guide/outcome", headers=HOST).get_data(as_text=True)
    answers = dict(zip(["reader", "head_involved", "child_at_risk", "alleges_harm", "instigator", "resolved"],
                       HEAD_PARENT, strict=True))  # fmt: skip
    view = to_act_on(fc, engine.outcome(fc, answers))
    lines = re.findall(r'<p class="step-line">(.*?)</p>', page, re.S)
    shown = [re.sub(r"<[^>]+>", "", line).replace("(not in the flowchart)", "").replace("If ", "", 1).strip()
             for line in lines]  # fmt: skip
    import html

    assert [html.unescape(s) for s in shown] == [a.text for a in view.actions]


def test_nothing_chosen_is_an_error_summary_linked_to_the_choices(client, guard):
    post(client, guard, "/guide/start")
    r = post(client, guard, "/guide/question/reader")
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert 'class="error-summary"' in page and 'href="#answer-1"' in page and 'id="answer-1"' in page
    assert "<title>Error: " in page


def test_an_answer_can_be_changed_from_check_your_answers(client, guard):
    walk(client, guard, HEAD_PARENT)
    r = post(client, guard, "/guide/question/resolved", answer="yes")
    assert r.status_code == 303
    assert client.get("/guide", headers=HOST).location == "/guide/check"
    assert "Yes" in text(client.get("/guide/check", headers=HOST))


def test_closing_the_tab_loses_nothing_the_guide_resumes(tmp_path, guard):
    home = Home.at(tmp_path / "home")
    first = create_app(home, guard).test_client()
    first.get(f"/open/{guard.key}", headers=HOST)
    post(first, guard, "/guide/start")
    post(first, guard, "/guide/question/reader", answer="head_teacher")
    again = create_app(home, guard).test_client()  # a new tab, even a new server on the same folder
    again.get(f"/open/{guard.key}", headers=HOST)
    assert "Carry on with the answers you started" in text(again.get("/", headers=HOST))
    assert again.get("/guide", headers=HOST).location == "/guide/question/head_involved"


def test_save_tick_decide_and_note_on_the_incident_page(client, guard):
    walk(client, guard, HEAD_PARENT)
    r = post(client, guard, "/guide/save", name="Jo Head")
    assert r.status_code == 303 and r.location == "/log/1"
    page = client.get("/log/1", headers=HOST).get_data(as_text=True)
    first = re.search(r'name="step" value="([^"]+)"', page).group(1)
    assert post(client, guard, "/log/1/done", step=first, note="Screenshots taken").status_code == 303
    steps = re.findall(r'action="/log/1/decide">\s*<input[^>]*>\s*<input type="hidden" name="step" value="([^"]+)"',
                       client.get("/log/1", headers=HOST).get_data(as_text=True))  # fmt: skip
    assert post(client, guard, "/log/1/decide", step=steps[-1], reason="Not needed here").status_code == 303
    assert post(client, guard, "/log/1/note", text="Rang the parent").status_code == 303
    shown = text(client.get("/log/1", headers=HOST))
    assert "Screenshots taken" in shown and "Not needed here" in shown and "Rang the parent" in shown
    assert "Jo Head marked" in shown  # the history says who did what
    assert "Incident 1" in text(client.get("/log", headers=HOST))


def test_a_hostile_note_is_shown_as_text(client, guard):
    walk(client, guard, HEAD_PARENT)
    post(client, guard, "/guide/save", name="<b>Jo</b>\x1b[2J")
    post(client, guard, "/log/1/note", text='<script>alert(1)</script>\x07 "quoted" & <img src=x onerror=alert(1)>')
    page = client.get("/log/1", headers=HOST).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>Jo</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "\\x07" in page and "\x07" not in page
    assert "\x1b" not in page and "\\x1b[2J" in page


def test_a_page_without_the_cookie_is_refused(tmp_path, guard):
    c = create_app(Home.at(tmp_path / "home"), guard).test_client()
    for path in ("/", "/guide", "/log", "/log/1", "/contacts"):
        r = c.get(path, headers=HOST)
        assert r.status_code == 403 and "Open the address" in text(r), path
    assert post(c, guard, "/guide/start").status_code == 403


def test_a_wrong_key_sets_no_cookie(tmp_path, guard):
    c = create_app(Home.at(tmp_path / "home"), guard).test_client()
    r = c.get("/open/not-the-key", headers=HOST)
    assert r.status_code == 403 and "Set-Cookie" not in r.headers
    assert c.get("/", headers=HOST).status_code == 403


@pytest.mark.parametrize("host", ["localhost:8765", "127.0.0.1:8766", "evil.example:8765", "", "127.0.0.1"])
def test_a_host_header_that_is_not_this_address_and_port_is_refused(client, host):
    r = client.get("/", headers={"Host": host})
    assert r.status_code == 403


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_a_form_without_its_token_changes_nothing(client, guard, token, tmp_path):
    walk(client, guard, HEAD_PARENT)
    data = {"name": "Jo"} if token is None else {"name": "Jo", "csrf": token}
    r = client.post("/guide/save", headers=HOST, data=data)
    assert r.status_code == 400
    assert not (tmp_path / "home" / "incidents.sqlite3").exists()


def test_every_response_carries_a_strict_policy(client):
    r = client.get("/", headers=HOST)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
    assert r.headers["Referrer-Policy"] == "no-referrer" and r.headers["X-Content-Type-Options"] == "nosniff"
    page = r.get_data(as_text=True)
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert 'lang="en-GB"' in page and page.count("<h1") == 1


@pytest.mark.parametrize("path", ["/log/999", "/log/0", "/log/abc", "/log/-1", "/nowhere"])
def test_an_incident_number_that_is_not_one_is_a_message(client, guard, path):
    walk(client, guard, HEAD_PARENT)
    post(client, guard, "/guide/save", name="Jo")
    r = client.get(path, headers=HOST)
    assert r.status_code in (400, 404) and "Traceback" not in r.get_data(as_text=True)
    assert "Cannot show this page" in text(r)


def test_a_question_not_on_the_path_goes_back_to_the_guide(client, guard):
    post(client, guard, "/guide/start")
    assert client.get("/guide/question/resolved", headers=HOST).location == "/guide"
    assert post(client, guard, "/guide/question/reader", answer="nobody").status_code == 400


def test_the_printable_checklist_is_one_page_with_no_script(client, guard):
    walk(client, guard, HEAD_PARENT)
    r = client.get("/guide/checklist", headers=HOST)
    assert r.status_code == 200 and "<script" not in r.get_data(as_text=True)
    assert (
        "script-src" not in r.headers["Content-Security-Policy"]
        and "default-src 'none'" in r.headers["Content-Security-Policy"]
    )


def test_the_contacts_page_lists_the_procedures_contacts(client, fc):
    page = text(client.get("/contacts", headers=HOST))
    assert all(c.name.split(" (")[0] in page for c in fc.contacts.values())


@pytest.fixture
def saved(client, guard):
    walk(client, guard, HEAD_PARENT)
    assert post(client, guard, "/guide/save", name="Jo Head").status_code == 303
    return 1


def test_closing_needs_every_step_or_a_reason_and_the_box_and_reopening_says_why(client, guard, saved):
    r = post(client, guard, "/log/1/close", reason="Resolved")
    assert r.status_code == 400 and "neither done nor decided against" in text(r)
    assert "Close it with steps still open" in text(r) and "esafety log" not in text(r)  # the page's own words
    assert post(client, guard, "/log/1/close", reason="The parent apologised", force="yes").status_code == 303
    page = text(client.get("/log/1", headers=HOST))
    assert "closed" in page and "The parent apologised" in page and "Reopen this incident" in page
    assert post(client, guard, "/log/1/reopen", reason="Posted again").status_code == 303
    assert "Posted again" in text(client.get("/log/1", headers=HOST))


def test_the_record_is_saved_in_each_format_and_checked(client, guard, saved):
    import json

    for fmt, kind in (("html", "text/html"), ("md", "text/markdown"), ("json", "application/json")):
        r = client.get(f"/log/1/export.{fmt}", headers=HOST)
        assert r.status_code == 200 and r.mimetype == kind
        assert re.match(rf'attachment; filename="esafety-incident-1-[\d-]+\.{fmt}"', r.headers["Content-Disposition"])
    assert json.loads(client.get("/log/1/export.json", headers=HOST).data)["incident"] == 1
    assert client.get("/log/1/export.exe", headers=HOST).status_code == 404
    assert "nothing was changed" in text(client.get("/log/1/verify", headers=HOST))
    printed = client.get("/log/1/checklist", headers=HOST)
    assert printed.status_code == 200 and "<script" not in printed.get_data(as_text=True)
    assert "Tell the DSL" in text(printed)


def test_a_letter_is_drafted_as_word_and_recorded_and_a_held_one_waits(client, guard, saved, tmp_path):
    import io

    from docx import Document

    r = post(client, guard, "/log/1/letter", letter="parent_invite")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    assert "parent_invite" in r.headers["Content-Disposition"]
    words = "\n".join(p.text for p in Document(io.BytesIO(r.data)).paragraphs)
    assert "Dear" in words or "meeting" in words
    assert "drafted the letter" in text(client.get("/log/1", headers=HOST))
    assert post(client, guard, "/log/1/letter", letter="no_such_letter").status_code == 400


def test_the_summary_for_governors_names_no_one(client, guard, saved):
    post(client, guard, "/log/1/note", text="Mrs Smith phoned")
    r = client.get("/report", headers=HOST)
    assert r.status_code == 200 and "summary for governors" in text(r).lower()
    assert "Mrs Smith" not in text(r) and "Jo Head" not in text(r)
    assert "<script" not in r.get_data(as_text=True)


def test_the_schools_contacts_and_details_are_set_on_the_page(client, guard, tmp_path):
    r = post(client, guard, "/contacts", contact="child_protection_officer", name="Ms Patel", phone="01234 567890")
    assert r.status_code == 303 and r.location == "/contacts?saved=contact"
    page = text(client.get("/contacts?saved=contact", headers=HOST))
    assert "Ms Patel" in page and "01234 567890" in page and "Saved." in page
    assert post(client, guard, "/school", name="Hill School", head="Mrs Jones").status_code == 303
    assert 'value="Hill School"' in client.get("/contacts", headers=HOST).get_data(as_text=True)
    assert post(client, guard, "/contacts", contact="nobody at all", name="X").status_code == 400


def test_evidence_is_registered_by_fingerprint_and_an_image_needs_the_box(client, guard, saved, tmp_path):
    import hashlib

    printout = tmp_path / "printout <b>.pdf"
    printout.write_bytes(b"%PDF-1.4 the page as printed")
    r = post(client, guard, "/log/1/evidence", path=str(printout), note="As seen on Monday")
    assert r.status_code == 303
    page = client.get("/log/1", headers=HOST).get_data(as_text=True)
    assert hashlib.sha256(printout.read_bytes()).hexdigest()[:16] in page
    assert "printout &lt;b&gt;.pdf" in page and "printout <b>" not in page  # a hostile file name is text
    picture = tmp_path / "screenshot.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n a screenshot")
    refused = post(client, guard, "/log/1/evidence", path=str(picture))
    assert refused.status_code == 400 and "nude or semi-nude" in text(refused)
    assert post(client, guard, "/log/1/evidence", path=str(picture), not_intimate="yes").status_code == 303
    assert post(client, guard, "/log/1/evidence", path=str(tmp_path / "missing.pdf")).status_code == 400
    assert post(client, guard, "/log/1/evidence", path="").status_code == 400


def test_the_log_is_listed_again_when_anything_is_written_even_from_the_command_line(client, guard, saved):
    from typer.testing import CliRunner

    from esafety_wizard.cli import app

    assert "Incident 1" in text(client.get("/log", headers=HOST))
    assert "Incident 2" not in text(client.get("/log", headers=HOST))  # the second reading is the kept one
    a = client.application.config["ESAFETY_HOME"].folder.parent / "a.yaml"
    a.write_text(
        "head_involved: no\ncan_report_to_head: yes\nchild_at_risk: no\nalleges_harm: no\n"
        "instigator: staff\nserious: no\n"
    )
    home = str(client.application.config["ESAFETY_HOME"].folder)
    r = CliRunner().invoke(app, ["guide", "-a", str(a), "--save", "--as", "Sam", "--home", home])
    assert r.exit_code == 0, r.output
    assert "Incident 2" in text(client.get("/log", headers=HOST))


def test_a_file_the_page_fingerprinted_is_registered_by_its_name_size_and_sha256_only(client, guard, saved):
    import hashlib

    sha = hashlib.sha256(b"the page as printed").hexdigest()
    r = post(client, guard, "/log/1/evidence", name="printout.pdf", size="19", sha256=sha, note="From the page")
    assert r.status_code == 303
    page = text(client.get("/log/1", headers=HOST))
    assert sha[:16] in page and "printout.pdf" in page
    checked = text(client.get("/log/1/verify", headers=HOST))
    assert "nothing was changed" in checked
    for bad in (
        {"sha256": "abc"},
        {"sha256": sha.upper()},
        {"size": "²"},
        {"size": "9" * 40},
        {"name": ""},
        {"name": "x" * 300},
        {"sha256": sha},
    ):  # fmt: skip  (the last: the same contents again)
        form = {"name": "other.pdf", "size": "19", "sha256": hashlib.sha256(b"other").hexdigest(), **bad}
        r = post(client, guard, "/log/1/evidence", **form)
        assert r.status_code == 400 and "Nothing was registered" in text(r), bad
    picture = {"name": "screenshot.PNG", "size": "10", "sha256": hashlib.sha256(b"png").hexdigest()}
    assert post(client, guard, "/log/1/evidence", **picture).status_code == 400
    assert post(client, guard, "/log/1/evidence", **picture, not_intimate="yes").status_code == 303


def test_log_verify_says_a_browser_registered_file_is_not_rechecked_and_is_no_failure(client, guard, saved):
    import hashlib

    from typer.testing import CliRunner

    from esafety_wizard.cli import app

    post(client, guard, "/log/1/evidence", name="printout.pdf", size="3", sha256=hashlib.sha256(b"abc").hexdigest())
    home = str(client.application.config["ESAFETY_HOME"].folder)
    r = CliRunner().invoke(app, ["log", "verify", "1", "--home", home], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "printout.pdf: registered from the browser" in r.output


def test_a_browser_registered_file_is_named_in_every_export(client, guard, saved):
    import hashlib

    post(client, guard, "/log/1/evidence", name="printout.pdf", size="3", sha256=hashlib.sha256(b"abc").hexdigest())
    md = client.get("/log/1/export.md", headers=HOST).get_data(as_text=True)
    assert "- printout.pdf: 3 bytes, SHA-256" in md and "modified ," not in md
    assert "registered from the browser" in md
    assert "printout.pdf" in client.get("/log/1/export.html", headers=HOST).get_data(as_text=True)


@pytest.mark.slow
def test_on_every_path_of_every_reader_the_page_holds_exactly_the_terminals_steps(tmp_path, guard, fc):
    """The page and the terminal draw one view (documents/outcome.py); this checks the page shows all of it, in
    order, on every path of the built-in procedure, as each reader, and the whole procedure's."""
    import html as html_

    from esafety_wizard.casefile import drafts
    from esafety_wizard.documents.outcome import to_act_on
    from esafety_wizard.flowchart import engine
    from esafety_wizard.web.app import DRAFT

    home = Home.at(tmp_path / "home")
    c = create_app(home, guard).test_client()
    c.get(f"/open/{guard.key}", headers=HOST)
    paths = engine.reader_paths(fc)
    assert len(paths) > 100
    for answers in paths:
        drafts.save(home, answers, fc.sha256, "2026-12-03T10:00:00+00:00", {}, home.folder / DRAFT)
        page = c.get("/guide/outcome", headers=HOST).get_data(as_text=True)
        shown = [html_.unescape(re.sub(r"<[^>]+>", "", line)).replace("(not in the flowchart)", "").strip()
                 for line in re.findall(r'<p class="step-line">(.*?)</p>', page, re.S)]  # fmt: skip
        view = to_act_on(fc, engine.outcome(fc, answers))
        expected = [("If " if a.conditional else "") + a.text for a in view.actions]
        assert shown == expected, answers
