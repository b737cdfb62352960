"""The pages of `esafety serve`: the guide one question a page, its outcome, and the incident log. Thin: each
route reads the form, calls the engine or one case-file operation, and renders a template; the words are the
ones the terminal shows (record/wording.py), the outcome the one view both faces show (documents/outcome.py)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Flask, current_app, make_response, redirect, render_template, request

from .. import escape
from ..casefile import acting, drafts, in_use, incidents, operations, summaries
from ..documents import outcome as outcome_view
from ..errors import WizardError
from ..files import now, stamp
from ..flowchart import engine
from ..flowchart.conversation import Session
from ..flowchart.model import READER, Flowchart
from ..home import Home
from ..record import wording
from .guard import COOKIE, HEADERS, Guard

DRAFT = "unfinished-guide-browser.json"  # beside the terminal's: `esafety guide --resume` finds it too
PAGE = 25  # incidents a page in the log
PRINTED_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"


def create_app(home: Home, guard: Guard, flowchart: Path | None = None, procedure: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024, TEMPLATES_AUTO_RELOAD=False)
    # Every value printed on a page passes through here before it is escaped: no control or format character
    # from a file, a form or the database reaches the page raw (Jinja's autoescape does the markup).
    app.jinja_env.finalize = lambda v: escape.terminal(v) if isinstance(v, str) else v
    app.jinja_env.globals.update(wording=wording, csrf=guard.csrf)

    app.config.update(ESAFETY_HOME=home, ESAFETY_GUARD=guard, ESAFETY_FLOWCHART=flowchart, ESAFETY_PROCEDURE=procedure)
    app.register_blueprint(pages)

    @app.before_request
    def only_this_person():
        if not guard.host_ok(request.headers.get("Host")):
            return _refused("This page is only for the address esafety serve printed.", 403)
        if request.path.startswith("/open/") or request.path.startswith("/static/"):
            return None
        if not guard.cookie_ok(request.cookies.get(COOKIE)):
            return _refused("Open the address that esafety serve printed in your terminal, on this computer.", 403)
        if request.method == "POST" and not guard.csrf_ok(request.form.get("csrf")):
            return _refused("This form is out of date. Go back, reload the page and try again.", 400)
        return None

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(WizardError)
    def wizard_error(e: WizardError):
        return _refused(str(e), 400)

    @app.errorhandler(404)
    def not_found(e):
        return _refused("There is no such page.", 404)

    @app.errorhandler(413)
    def too_large(e):
        return _refused("What you sent is too long.", 413)

    return app


pages = Blueprint("pages", __name__)


def _home() -> Home:
    return current_app.config["ESAFETY_HOME"]


def _guard() -> Guard:
    return current_app.config["ESAFETY_GUARD"]


def _fc() -> Flowchart:
    """The procedure in use, read for each page: the school's contacts set on one page show on the next."""
    c = current_app.config
    return in_use.procedure(c["ESAFETY_FLOWCHART"], _home(), c["ESAFETY_PROCEDURE"])


def _draft() -> Path:
    return _home().folder / DRAFT


@pages.get("/open/<key>")
def open_(key: str):
    if not _guard().key_ok(key):
        return _refused("This address is not the one esafety serve printed.", 403)
    response = redirect("/", 303)
    response.set_cookie(COOKIE, _guard().session, httponly=True, samesite="Strict", path="/")
    return response


@pages.get("/")
def start():
    return render_template("start.html", title=_fc().title, resumable=_draft().is_file())


# --- the guide -------------------------------------------------------------------------------------------


def _session() -> Session:
    answers, reasons = _read_draft(_draft())
    return Session(_fc(), answers, reasons=reasons, ask_reader=True)


def _keep(s: Session) -> None:
    drafts.save(_home(), s.answers, _fc().sha256, stamp(), s.reasons, _draft())


@pages.post("/guide/start")
def guide_start():
    drafts.discard(_home(), _draft())
    return redirect("/guide", 303)


@pages.get("/guide")
def guide():
    p = _session().next_prompt()
    return redirect(f"/guide/question/{p.question.asks}" if p else "/guide/check", 303)


@pages.route("/guide/question/<qid>", methods=["GET", "POST"])
def question(qid: str):
    s = _session()
    asked = _asked_here(s, qid)
    if asked is None:
        return redirect("/guide", 303)
    q, number, back = asked
    current = s.answers.get(qid)
    error = None
    if request.method == "POST":
        value = request.form.get("answer")
        try:
            choice = q.choice(value) if value in q.values else None
        except KeyError:
            choice = None
        if choice is None:
            error = f"Select an answer: {wording.question_heading(number).lower()}"
        else:
            s.answer(qid, choice.value)
            _keep(s)
            return redirect(f"/guide/reason/{qid}" if choice.decision else "/guide", 303)
    page = render_template(
        "question.html", q=q, number=number, back=back, current=current, error=error,
        added=wording.added_to_question(q),
    )  # fmt: skip
    return page, 400 if error else 200


@pages.route("/guide/reason/<qid>", methods=["GET", "POST"])
def reason(qid: str):
    s = _session()
    a = next((a for a in s.walk().answered if a.id == qid), None)
    if a is None or not a.choice.decision:
        return redirect("/guide", 303)
    if request.method == "POST":
        s.give_reason(qid, request.form.get("reason", ""))
        _keep(s)
        return redirect("/guide", 303)
    return render_template("reason.html", a=a, reason=s.reasons.get(qid, ""))


@pages.get("/guide/check")
def check():
    s = _session()
    if s.next_prompt() is not None:
        return redirect("/guide", 303)
    answered = s.walk().answered
    return render_template("check.html", answered=answered, reasons=s.reasons)


@pages.get("/guide/outcome")
def outcome():
    s = _session()
    if s.next_prompt() is not None:
        return redirect("/guide", 303)
    f = _fc()
    out = engine.outcome(f, s.answers, s.reasons)
    view = outcome_view.to_act_on(f, out)
    return render_template("outcome.html", _fc=f, out=out, view=view, name=acting.saved_name(_home()) or "")


@pages.get("/guide/checklist")
def guide_checklist():
    from ..documents import printable_checklist

    s = _session()
    if s.next_prompt() is not None:
        return redirect("/guide", 303)
    f = _fc()
    page = printable_checklist.of_outcome(f, engine.outcome(f, s.answers, s.reasons), now().isoformat())
    return _printed(page)


@pages.post("/guide/save")
def save():
    s = _session()
    who = " ".join(request.form.get("name", "").split())
    if not who:
        raise WizardError("Give your name: it is recorded with each action in the incident log.")
    if acting.saved_name(_home()) is None:
        acting.set_name(_home(), who)
    with incidents.open_store(_home()) as st:
        n = operations.create(st, _fc(), s.answers, who, s.reasons)
    drafts.discard(_home(), _draft())
    return redirect(f"/log/{n}", 303)


# --- the incident log --------------------------------------------------------------------------------------


@pages.get("/log")
def log_list():
    page = max(1, request.args.get("page", 1, type=int) or 1)
    if not incidents.has_incidents(_home()):
        return render_template("log.html", rows=[], page=1, more=False, found=None)
    with incidents.open_store(_home(), create=False, readonly=True) as st:
        found = _listing(st, "all" if request.args.get("all") else None)  # as `log list` chooses
        newest = sorted(found.ids, reverse=True)
        chosen = found._replace(ids=sorted(newest[(page - 1) * PAGE : page * PAGE]))  # read one page of rows
        rows = sorted(summaries.rows(st, chosen), key=lambda r: (r["status"] != "open", -r["id"]))
    more = len(found.ids) > page * PAGE
    return render_template("log.html", rows=rows, page=page, more=more, found=found)


@pages.get("/log/<int:incident_id>")
def incident(incident_id: int):
    with incidents.open_store(_home(), create=False, readonly=True) as st:
        inc, problems = incidents.load(st, incident_id)
    from ..documents import letters

    f = _fc()
    offered = [(t, letters.waiting_for(t, inc)) for t in f.letters.values()]
    return render_template(
        "incident.html", inc=inc, problems=problems, describe=wording.describe, letters=offered,
        named=acting.saved_name(_home()) is not None,
    )  # fmt: skip


def _change(incident_id: int, do) -> object:
    who = acting.saved_name(_home())
    if who is None:
        who = " ".join(request.form.get("name", "").split())
        if not who:
            raise WizardError("Give your name first: it is recorded with each action in the incident log.")
        acting.set_name(_home(), who)
    with incidents.open_store(_home(), create=False) as st:
        do(st, who)
    return redirect(f"/log/{incident_id}#checklist", 303)


@pages.post("/log/<int:incident_id>/done")
def done(incident_id: int):
    step, note = request.form.get("step", ""), request.form.get("note", "").strip() or None
    return _change(incident_id, lambda st, who: operations.done(st, incident_id, [step], note, who))


@pages.post("/log/<int:incident_id>/decide")
def decide(incident_id: int):
    step, reason = request.form.get("step", ""), request.form.get("reason", "")
    return _change(incident_id, lambda st, who: operations.decide(st, incident_id, [step], reason, who))


@pages.post("/log/<int:incident_id>/note")
def note(incident_id: int):
    text = request.form.get("text", "")
    return _change(incident_id, lambda st, who: operations.note(st, incident_id, text, who))


@pages.get("/log/<int:incident_id>/checklist")
def incident_checklist(incident_id: int):
    from ..documents import printable_checklist

    with incidents.open_store(_home(), create=False, readonly=True) as st:
        inc = incidents.get(st, incident_id)
    return _printed(printable_checklist.of_incident(inc, now().isoformat()))


@pages.post("/log/<int:incident_id>/evidence")
def add_evidence(incident_id: int):
    from ..casefile import evidence

    note = request.form.get("note", "").strip() or None
    if request.form.get("sha256"):  # the page fingerprinted the file itself (Web Crypto): only these three came
        name, size = request.form.get("name", ""), request.form.get("size", "")
        _not_an_intimate_image(name, evidence.named_like_an_image(name))
        file = {"name": name, "size": int(size) if re.fullmatch(r"[0-9]{1,16}", size) else None,
                "sha256": request.form.get("sha256")}  # fmt: skip
        return _change(incident_id, lambda st, who: operations.add_fingerprint(st, incident_id, file, note, who))
    typed = request.form.get("path", "").strip()
    if not typed:
        raise WizardError("Give the file's place on this computer, for example C:\\Evidence\\printout.pdf.")
    path = Path(typed).expanduser()
    _not_an_intimate_image(path.name, evidence.looks_like_image(path))
    return _change(incident_id, lambda st, who: operations.add_evidence(st, incident_id, [path], note, who))


def _not_an_intimate_image(name: str, a_picture: bool) -> None:
    """A picture is registered only with the box ticked that says it shows no one nude or semi-nude."""
    from ..casefile import evidence

    if a_picture and request.form.get("not_intimate") != "yes":
        raise WizardError(
            f"{name} {evidence.IMAGE_WARNING} If it shows no one nude or semi-nude, go back, tick the box that "
            "says so, and register it again."
        )


@pages.post("/log/<int:incident_id>/close")
def close(incident_id: int):
    reason, force = request.form.get("reason", "").strip() or None, request.form.get("force") == "yes"
    if not force:  # said in the page's words: what is still open, and what to do on this page
        with incidents.open_store(_home(), create=False, readonly=True) as st:
            still = [it for it in incidents.get(st, incident_id).checklist if it.open]
        if still:
            listed = "\n".join(f"{it.number}. {wording.step_words(it.step)}" for it in still)
            raise WizardError(
                f"Incident {incident_id} has {len(still)} step{'s' if len(still) != 1 else ''} neither done nor "
                f"decided against:\n{listed}\nRecord each one on the incident's page (Record this step), or tick "
                "'Close it with steps still open' and give your reason."
            )
    return _change(incident_id, lambda st, who: operations.close(st, incident_id, reason, who, force))


@pages.post("/log/<int:incident_id>/reopen")
def reopen(incident_id: int):
    reason = request.form.get("reason", "").strip() or None
    return _change(incident_id, lambda st, who: operations.reopen(st, incident_id, reason, who))


@pages.get("/log/<int:incident_id>/verify")
def verify_page(incident_id: int):
    from ..casefile import verify

    with incidents.open_store(_home(), create=False, readonly=True) as st:
        (result,) = verify.verify(st, incident_id)
    return render_template("verify.html", v=result)


@pages.get("/log/<int:incident_id>/export.<fmt>")
def export(incident_id: int, fmt: str):
    from ..documents import incident_record

    if fmt not in incident_record.FORMATS:
        return _refused("An incident can be saved as .html, .md or .json.", 404)
    with incidents.open_store(_home(), create=False, readonly=True) as st:
        inc, problems = incidents.load(st, incident_id)
    inc = incidents.with_school_now(inc, _home())
    body = incident_record.render(fmt, inc, problems, stamp(), operations.evidence_states(inc))
    kinds = {"html": "text/html", "md": "text/markdown", "json": "application/json"}
    return _download(body, kinds[fmt], f"esafety-incident-{incident_id}-{now():%Y-%m-%d}.{fmt}")


@pages.post("/log/<int:incident_id>/letter")
def letter(incident_id: int):
    import hashlib
    from datetime import date

    from ..casefile import school
    from ..documents import letters

    f = _fc()
    template = operations.letter_template(f, request.form.get("letter", ""))
    name = f"esafety-incident-{incident_id}-{template.id[:40]}-{now():%Y-%m-%d}.docx"
    who = acting.saved_name(_home()) or " ".join(request.form.get("name", "").split())
    if not who:
        raise WizardError("Give your name first: it is recorded with each action in the incident log.")
    with incidents.open_store(_home(), create=False) as st:
        inc = incidents.get(st, incident_id)
        waiting = letters.waiting_for(template, inc)
        if waiting:
            raise WizardError(wording.letter_waits(template.title, incident_id, waiting))
        d = letters.draft(
            template, inc, school.details(_home()), date.today(), letters.signed_by_chair(f.chair_signs, inc)
        )
        body = letters.render("docx", d)
        operations.letter_drafted(
            st, incident_id, template, Path(name), "docx", hashlib.sha256(body).hexdigest(), d.to_fill, who
        )
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return _download(body, kind, name)


@pages.get("/report")
def report():
    from ..documents import governors_summary

    start, end = request.args.get("from") or None, request.args.get("to") or None
    if not incidents.has_incidents(_home()):
        return render_template("log.html", rows=[], page=1, more=False, found=None)
    with incidents.open_store(_home(), create=False, readonly=True) as st:
        summary = summaries.governors_summary(st, start, end)
    return _printed(governors_summary.governors("html", summary, stamp()))


@pages.get("/contacts")
def contacts():
    from ..casefile import school

    f = _fc()
    return render_template(
        "contacts.html", contacts=list(f.contacts.values()), details=wording.contact_details,
        mine=school.read(_home()), school=school.details(_home()), saved=request.args.get("saved"),
    )  # fmt: skip


@pages.post("/contacts")
def contacts_set():
    from ..casefile import school

    fields = {k: request.form.get(k, "") for k in ("name", "phone", "email")}
    school.set_contact(_fc(), request.form.get("contact", ""), fields, _home())
    return redirect("/contacts?saved=contact", 303)


@pages.post("/school")
def school_set():
    from ..casefile import school

    school.set_details({k: request.form.get(k, "") for k in ("name", "address", "head", "chair")}, _home())
    return redirect("/contacts?saved=school", 303)


_LISTED: dict = {}  # the last listing chosen, by which and the store's mark: pages of a log read it again


def _listing(st, which: str | None):
    """The incidents `log list` would choose, kept while the store is unchanged: the choice reads every incident's
    summary key (80 ms at 10,000 incidents); turning the page, or coming back to the log, then costs nothing."""
    from datetime import date

    key = (str(st.path), which, st.mark(), date.today())  # the default choice counts 30 days back from today
    if key not in _LISTED:
        _LISTED.clear()
        _LISTED[key] = summaries.listing(st, which)
    return _LISTED[key]


def _asked_here(s: Session, qid: str):
    """The question `qid` as it is asked on this path (the reader's part may offer fewer answers), its number,
    and where Back goes: the next question to answer, or one already answered (to change it). None if `qid`
    is not on the path."""
    p = s.next_prompt()
    asked = [a for a in s.walk().answered if not a.by_role]
    ids = [a.id for a in asked]
    if p is not None and p.question.asks == qid:
        back = f"/guide/question/{ids[-1]}" if ids else "/"
        return p.question, p.number, back
    if qid not in ids:
        return None
    i = ids.index(qid)
    before = {a.id: a.value for a in s.walk().answered if a.id in ids[:i] or a.by_role}
    if qid == READER:
        q = s.fc.reader
    else:
        q = engine.walk(s.fc, before).pending
        if q is None or q.asks != qid:
            return None
    back = f"/guide/question/{ids[i - 1]}" if i else "/"
    return q, i + 1, back


def _read_draft(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    from ..files import read_json

    try:
        data = read_json(path, "settings")
    except (FileNotFoundError, WizardError):
        return {}, {}
    if not isinstance(data, dict):
        return {}, {}
    answers, reasons = data.get("answers"), data.get("reasons")
    keep = lambda d: {str(k): str(v) for k, v in d.items() if isinstance(v, str)} if isinstance(d, dict) else {}
    return keep(answers), keep(reasons)


def _refused(message: str, status: int):
    return make_response(render_template("refused.html", message=message), status)


def _printed(page: str):
    """A page made to be printed (a checklist, the governors' summary): its own style, in the page; still no
    script and nothing from anywhere else."""
    response = _download(page, "text/html", None)
    response.headers["Content-Security-Policy"] = PRINTED_CSP
    return response


def _download(body: str | bytes, mimetype: str, filename: str | None):
    response = make_response(body)
    response.mimetype = mimetype
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
