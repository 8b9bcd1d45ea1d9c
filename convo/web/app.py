"""The carers' web pages: a Starlette app over the engine and the store. `make_app` serves the CLI
(`convo web`), the tests and the benchmark.

Every page is rendered on the server and works without JavaScript. Each form posts back with a CSRF
token; each answer is saved (the engine commits it) before the next page is shown. No page ever
shows a database error, a server path or a traceback, and nothing a person wrote goes to the log.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, pass_context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from convo import carer, library
from convo.engine import outputs as out
from convo.engine.commands import Answer, ChooseLanguage, End, GoTo, Rewrite
from convo.engine.conversation import Conversation
from convo.engine.machine import FlowMachine
from convo.events import Answered
from convo.render import render_summary, render_summary_article
from convo.services import ConversationOpen, Service, StoreError, TakenOver
from convo.web import questions, wording
from convo.web.codes import WrongCodes
from convo.web.guard import Guard
from convo.web.questions import Place, Said
from convo.web.sessions import COOKIE, SAVED_CODE_SHOWN_FOR, WRITES, Kept, Session, Sessions, Waiting

HERE = Path(__file__).parent
MAX_ANSWER = 10_000  # characters in one answer box
SWEEP_EVERY = 60.0
log = logging.getLogger("convo.web")

StoreOpener = Callable[[], Service]
Work = Callable[..., Response]  # what a page does that is its own; see `page`
Page = Callable[["CarerPages", Request], Awaitable[Response]]


# The pages a language switch may return to; any other address goes to the start.
RETURNS = ("/", "/resume", "/check", "/done", "/saved")
# Pages that show back words that could not be saved: a switch shows them again, in the other language.
SHOWN_BACK = {"open_elsewhere": ("open_elsewhere.html.j2", 409), "taken_over": ("taken_over.html.j2", 409)}


@lru_cache(maxsize=1)
def templates() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.globals["t"] = _words
    env.globals["said"] = _said
    env.globals["lang_of"] = _lang_of
    return env


@pass_context
def _words(context: Any, key: str, **values: Any) -> Markup:
    """`t(key, ...)` in a template: the page's own wording of `key`, in the page's language."""
    return wording.words(key, context["lang"], **values)


@pass_context
def _lang_of(context: Any, language: str | None) -> Markup:
    """` lang="cy"` for words in another language than the page's; nothing for words in its own."""
    if not language or language == context["lang"]:
        return Markup("")
    return Markup(' lang="{}"').format(language)


@pass_context
def _said(context: Any, said: Said) -> Markup:
    """A carer's words inside a sentence of the page's, marked with their own language if it is another."""
    # In <bdi>: a direction mark typed in the words (U+202E) turns only them, never the page's own around them.
    if not said.language or said.language == context["lang"]:
        return Markup("<bdi>{}</bdi>").format(said.text)
    return Markup('<bdi lang="{}">{}</bdi>').format(said.language, said.text)


def make_app(db: str | Path | None = None, *, open_store: StoreOpener | None = None, out_of_hours: str | None = None,
             secret: bytes | None = None, allowed_hosts: list[str] | None = None) -> Starlette:
    """The web app for the store `db` names (as --db does), or the one `open_store` opens. A store is
    opened once, at start, for looking up codes; each browser writing a conversation has a store of its
    own, so that each holds its own lease: on a team database one sharing the first one's connections,
    on a SQLite file the file opened again. `allowed_hosts` limits the Host names served (None: any)."""
    if open_store is None:
        def open_store() -> Service:
            from convo.services import open_database

            return open_database(db)

    pages = CarerPages(open_store, out_of_hours=out_of_hours or None, secret=secret or secrets.token_bytes(32))
    routes = [
        Route("/", pages.start_page, methods=["GET"]),
        Route("/start", pages.start, methods=["POST"]),
        Route("/question", pages.question_now, methods=["GET"]),
        Route("/question", pages.answer, methods=["POST"]),
        Route("/question/{place:path}", pages.question, methods=["GET"]),
        Route("/check", pages.check, methods=["GET"]),
        Route("/finish", pages.finish, methods=["POST"]),
        Route("/done", pages.done, methods=["GET"]),
        Route("/download", pages.download, methods=["GET"]),
        Route("/saved", pages.saved, methods=["GET"]),
        Route("/resume", pages.resume_page, methods=["GET"]),
        Route("/resume", pages.resume, methods=["POST"]),
        Route("/take-over", pages.take_over, methods=["POST"]),
        Route("/language", pages.language, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes, exception_handlers={HTTPException: pages.http_problem},
        middleware=[Middleware(Guard, problem=pages.problem_html, allowed_hosts=allowed_hosts)],
        lifespan=pages.lifespan,
    )
    app.state.pages = pages
    return app


def page(*, posted: bool = False, lock: bool = True, hold: bool = True, shown_back: str = "",
         address: Callable[[Request], Any] | None = None) -> Callable[[Work], Page]:
    """A page's route, made from the work that is its own; the route does the steps every page shares.
    It finds the browser's session: for a form `posted`, the one it came from if its CSRF token is
    right (else the refusal page); for a page asked for, the browser's session (none: to the start
    page), with what `address` reads from the address (it raises for one that names nothing). Then, in
    a worker thread, it takes the session's lock (unless `lock` is False: the work takes it itself),
    holds the session's conversation (unless `hold` is False), and calls
    `work(pages, request, session, [conversation,] form or what the address named)`. A conversation that
    cannot be held gets the page that says why, showing back the form's `shown_back` field."""
    assert lock or not hold, "a conversation is held only under its session's lock"

    def route_for(work: Work) -> Page:
        @functools.wraps(work)
        async def route(pages: CarerPages, request: Request) -> Response:
            given: list[Any] = []
            typed = ""
            if posted:
                found = await pages._form(request)
                if isinstance(found, Response):
                    return found
                session, form = found
                given.append(form)
                if shown_back:
                    typed = str(form.get(shown_back, ""))
            else:
                known = pages._session(request)
                if address is not None:
                    given.append(address(request))
                if known is None:
                    return pages.redirect(request, "/")
                session = known
            return await run_in_threadpool(visit, pages, request, session, given, typed)

        def visit(pages: CarerPages, request: Request, session: Session, given: list[Any], typed: str) -> Response:
            if not lock:
                return work(pages, request, session, *given)
            with session.lock:
                if not hold:
                    return work(pages, request, session, *given)
                held = pages._hold(request, session, typed)
                if isinstance(held, Response):
                    return held
                return work(pages, request, session, held, *given)

        return route
    return route_for


def _place(request: Request) -> Place:
    """The question a page's address names; an address that names none is Page not found."""
    place = questions.parse(request.path_params["place"])
    if place is None:
        raise HTTPException(404)
    return place


class CarerPages:
    """The pages, and what they share: the sessions, the wrong-code counts and a store for lookups."""

    def __init__(self, open_store: StoreOpener, *, out_of_hours: str | None, secret: bytes):
        self.open_store = open_store
        self.out_of_hours = out_of_hours
        self.sessions = Sessions(secret)
        self.wrong_codes = WrongCodes()
        self.lookups = open_store()
        self._lookup_lock = threading.Lock()
        self._swept = time.monotonic()

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        from convo.notice import detector

        # Loaded while the first carer reads the start page, so their first answer is as quick as any.
        threading.Thread(target=detector.warm, daemon=True).start()
        try:
            yield
        finally:
            self.close()

    def close(self) -> None:
        self.sessions.close()  # their stores first: on a team database they share the lookups' connections
        with contextlib.suppress(StoreError):
            self.lookups.close()

    def writer(self) -> Service:
        """A store for one browser writing a conversation, holding its own lease. On a team database it
        shares the connections of the store opened at start (one pool for the process, closed at
        shutdown); a SQLite file is opened for it."""
        return self.lookups.sharing() or self.open_store()

    # -- rendering --------------------------------------------------------------------------------

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        sid, fresh = self._sid(request)
        session = self.sessions.get(sid)
        lang = self.language_of(request, session)
        context.setdefault("errors", [])
        context.setdefault("safety", False)
        html = templates().get_template(template).render(
            csrf=self.sessions.csrf(sid), out_of_hours=self.out_of_hours, lang=lang,
            switch=self._switch(request, session, lang, _shown_back(template, context)), **context)
        response = HTMLResponse(html, status_code=status)
        if fresh:
            self._set_cookie(request, response, sid)
        return response

    def language_of(self, request: Request, session: Session | None) -> str:
        """The language of this browser's pages: its conversation's while one is being written; else the
        one last chosen here (or the conversation's, once finished or saved); before any, the address's
        `lang` (kept for the next pages), else what the browser asks for."""
        if session is not None and session.conversation is not None and not session.conversation.ended:
            session.language = session.conversation.language
            return session.language
        asked = wording.checked_language(request.query_params.get("lang"))
        if asked is not None and (session is None or session.code is None):
            self.sessions.get_or_add(self._sid(request)[0]).language = asked
            return asked
        if session is not None and session.language:
            return session.language
        return wording.from_browser(request.headers.get("accept-language"))

    def _switch(self, request: Request, session: Session | None, lang: str, shown_back: str | None) -> dict[str, Any]:
        """How the page offers the other language: a form that changes the conversation's language where
        there is one (or that carries words shown back), else a link to the same page in the other language."""
        other = "cy" if lang == "en" else "en"
        path = request.url.path if request.method == "GET" else "/"
        back = path if _return_to(path) == path else "/"
        return {"to": other, "post": bool(session is not None and session.code) or bool(shown_back),
                "back": shown_back or back, "href": f"{path}?lang={other}"}

    def problem_html(self, status: int, scope: Any = None, typed: str = "") -> str:
        request = Request(scope) if scope is not None and scope.get("type") == "http" else None
        session, lang = None, "en"
        if request is not None:
            with contextlib.suppress(Exception):  # a problem page is shown whatever else is wrong
                session = self.sessions.get(self.sessions.read(request.cookies.get(COOKIE)))
                lang = self.language_of(request, session)
        other = "cy" if lang == "en" else "en"
        return templates().get_template("problem.html.j2").render(
            status=status, csrf="", out_of_hours=self.out_of_hours, errors=[], safety=False, lang=lang,
            switch={"to": other, "post": False, "back": "/", "href": f"/?lang={other}"}, typed=typed)

    async def http_problem(self, request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, HTTPException) else 500
        shown = status if status in (400, 403, 404, 413) else 404 if status == 405 else 500
        return HTMLResponse(self.problem_html(shown, request.scope), status_code=shown)

    def refused(self, request: Request, form: FormData | None = None) -> HTMLResponse:
        """The page that says a form could not be taken. A form sent from these pages themselves (a
        restart, or a new self-assessment started in another tab, made its token stale) has its answer
        shown back to copy; one sent from anywhere else shows nothing it sent."""
        typed = str(form.get("answer", "")) if form is not None and _same_origin(request) else ""
        return HTMLResponse(self.problem_html(403, request.scope, typed), status_code=403)

    def _sid(self, request: Request) -> tuple[str, bool]:
        """This browser's session id, and whether it is new (so its cookie must be set)."""
        known = request.scope.get("convo.sid")
        if known:
            return known, bool(request.scope.get("convo.fresh")) and not request.scope.get("convo.cookie_set")
        sid = self.sessions.read(request.cookies.get(COOKIE))
        fresh = sid is None
        sid = sid or self.sessions.new_id()
        request.scope["convo.sid"] = sid
        request.scope["convo.fresh"] = fresh
        return sid, fresh and not request.scope.get("convo.cookie_set")

    def _set_cookie(self, request: Request, response: Response, sid: str) -> None:
        response.set_cookie(COOKIE, self.sessions.cookie(sid), httponly=True, samesite="lax", path="/",
                            secure=request.url.scheme == "https")
        request.scope["convo.cookie_set"] = True

    def redirect(self, request: Request, to: str) -> Response:
        response = RedirectResponse(to, status_code=303)
        sid, fresh = self._sid(request)
        if fresh:
            self._set_cookie(request, response, sid)
        return response

    def enter(self, request: Request, session: Session, to: str) -> Response:
        """Into a conversation just started or carried on: under a new session id, then to `to`, in the
        conversation's language."""
        if session.conversation is not None:
            session.language = session.conversation.language
        sid = self.sessions.renew(session)
        response = RedirectResponse(to, status_code=303)
        self._set_cookie(request, response, sid)
        return response

    def _sweep(self) -> None:
        """Now and then, park idle sessions; in a thread of its own, since letting a lease go writes."""
        if time.monotonic() - self._swept > SWEEP_EVERY:
            self._swept = time.monotonic()
            threading.Thread(target=self.sessions.sweep, daemon=True).start()

    # -- reading a posted form ----------------------------------------------------------------------

    async def _form(self, request: Request) -> tuple[Session, FormData] | Response:
        """The session a form was posted from, if its CSRF token is right; else the refusal page."""
        form = await request.form(max_files=0, max_fields=20, max_part_size=64 * 1024)
        self._sweep()  # before a code is tried, so a lease left idle is free for it
        sid = self.sessions.read(request.cookies.get(COOKIE))
        if not self.sessions.csrf_ok(sid, form.get("csrf")):
            return self.refused(request, form)
        assert sid is not None
        request.scope["convo.sid"] = sid
        return self.sessions.get_or_add(sid), form

    def _session(self, request: Request) -> Session | None:
        sid, _ = self._sid(request)
        self._sweep()
        return self.sessions.get(sid)

    # -- holding a conversation -----------------------------------------------------------------------

    def _hold(self, request: Request, session: Session, typed: str = "") -> Conversation | Response:
        """This browser's conversation, picked up again (its lease claimed) if it was parked; `typed`
        is shown back if it cannot be saved because the conversation is open elsewhere now."""
        if session.conversation is not None:
            return session.conversation
        if session.code is None:
            return self.redirect(request, "/")
        code = session.code
        store = self.writer()
        try:
            info = store.get(code)
            if info is None:  # deleted meanwhile
                store.close()
                session.forget()
                return self.redirect(request, "/")
            if info.status != "ended":
                with WRITES:
                    store.claim(code)
            conversation = _resume(store, code)
        except ConversationOpen:
            store.close()
            session.forget()
            session.offered = code
            return self.render(request, "open_elsewhere.html.j2", status=409, typed=typed)
        except BaseException:
            store.close()
            session.forget()
            raise
        session.store, session.conversation = store, conversation
        return conversation

    # -- the pages ------------------------------------------------------------------------------------

    async def start_page(self, request: Request) -> Response:
        session = self._session(request)
        if session is not None and session.finished:
            # Finished and back at the start: whoever uses this browser next (a shared phone) is not
            # offered it. The code still brings it back.
            await run_in_threadpool(self._forget, session)
        return self.render(request, "start.html.j2", carrying_on=bool(session and session.code))

    @staticmethod
    def _forget(session: Session) -> None:
        with session.lock:
            session.forget()

    @page(posted=True, hold=False)
    def start(self, request: Request, session: Session, form: FormData) -> Response:
        """A new conversation, in the language of the page its button was on."""
        language = wording.checked_language(str(form.get("lang", ""))) or self.language_of(request, session)
        code = carer.new_code()
        flow, _ = library.get(carer.FLOW)

        def begin(store: Service) -> Conversation:
            with WRITES:
                conversation = store.start(carer.FLOW, carer.AUDIENCE, claim=False, machine=FlowMachine(flow),
                                           conversation_id=code, language=language)
                store.claim(code)
            return conversation

        return self._adopt(request, session, code, begin, "started")

    @page()
    def question_now(self, request: Request, session: Session, held: Conversation) -> Response:
        return self.redirect(request, self._where(held))

    @page(address=_place)
    def question(self, request: Request, session: Session, held: Conversation, place: Place) -> Response:
        if held.ended:
            return self.redirect(request, "/done")
        if not questions.can_show(held, place):
            return self.redirect(request, self._where(held))
        notes, session.notes = session.notes, []
        kept = _kept(session, request.url.path)
        return self._question_page(request, session, held, place, notes=notes, typed=kept.answer if kept else None,
                                   chosen=kept.choice if kept else None,
                                   changed_elsewhere=kept.shown if kept and kept.shown else None)

    def _question_page(self, request: Request, session: Session, conversation: Conversation, place: Place, *,
                       errors: list[tuple[str, str]] | None = None, typed: str | None = None, status: int = 200,
                       notes: list[str] | None = None, chosen: str | None = None,
                       changed_elsewhere: str | None = None) -> Response:
        """A question's page; its box holds `typed`, or by default what stands written there, to change.
        `changed_elsewhere`: the answer was changed in another window since this one was shown, and these are
        the words typed here instead, shown back to copy."""
        page = questions.page(conversation, place)
        if typed is None:
            typed = page.written
        if session.safety:  # the help box opens the page: its numbers are not said again under the question
            page = questions.without_help_numbers(page)
        return self.render(request, "question.html.j2", status=status, page=page, errors=errors or [],
                           typed=typed, notes=notes or [], code=session.code, safety=session.safety,
                           finished_before=questions.reached_end(conversation),
                           chosen=chosen if chosen is not None else page.chosen, changed_elsewhere=changed_elsewhere)

    @page(posted=True, shown_back="answer")
    def answer(self, request: Request, session: Session, conversation: Conversation, form: FormData) -> Response:
        if conversation.ended:
            return self.redirect(request, "/done")
        place = questions.parse(str(form.get("at", "")))
        if place is None or not questions.can_show(conversation, place):
            session.notes.append("out_of_date")
            return self.redirect(request, self._where(conversation))
        step = conversation.flow.steps[place[0]]
        saving = form.get("action") == "save"
        typed = str(form.get("answer", "")).replace("\r\n", "\n").replace("\r", "\n")
        if step.choices:
            chosen = form.get("choice")
            labels = {choice.value: choice.label for choice in step.choices}
            if (chosen is None and not saving) or (chosen and chosen not in labels):
                return self._question_page(request, session, conversation, place, errors=[("choice", "choose")])
            typed = labels[str(chosen)] if chosen else ""  # the label, so the summary reads as chosen
        elif len(typed) > MAX_ANSWER:
            return self._question_page(request, session, conversation, place, typed=typed,
                                       errors=[("answer", "too_long")])
        if step.rewritable and _changed_elsewhere(conversation, place, form, typed):
            # Not written over: the words as they stand now in the box, and those typed here shown back to copy.
            return self._question_page(request, session, conversation, place, status=409, changed_elsewhere=typed)
        try:
            self._say(session, conversation, place, typed, move_on=not saving)
        except TakenOver:
            session.forget()
            return self.render(request, "taken_over.html.j2", status=409, typed=typed)
        except StoreError as error:
            log.warning("an answer was not saved: %s", type(error).__name__)
            return self._question_page(request, session, conversation, place, typed=typed, status=503,
                                       errors=[("answer" if not step.choices else "choice", "not_saved")])
        if saving:
            # Saved at the question an alert brought (or just after the alert): the help comes first there too.
            alerted = session.safety or step.interrupt is not None
            saved = (session.code or "", time.monotonic())
            session.forget()
            session.saved_code, session.safety = saved, alerted  # the saved page opens with the help, too
            return self.redirect(request, "/saved")
        return self.redirect(request, self._where(conversation, after=place))

    def _say(self, session: Session, conversation: Conversation, place: Place, typed: str, *, move_on: bool) -> None:
        """Give the engine this page's answer: the carer's words (one thing a line, where each line is
        one thing that matters), then, unless they are saving to come back later, an empty line to move on."""
        step = conversation.flow.steps[place[0]]
        if step.captures == "outcome" and not _a_letter(typed):
            lines = [line.strip() for line in typed.split("\n") if line.strip()]
        else:
            lines = [typed] if typed.strip() else []
        with WRITES:
            if place != questions.current(conversation):
                if _just_said(conversation, place, lines):
                    return  # the same form sent twice (a double click): saved once already
                stage, outcome = place
                conversation.handle(GoTo(stage, outcome + 1 if outcome is not None else None))
                if questions.current(conversation) != place:
                    return
            earlier, session.waiting = session.waiting, None
            session.safety = False
            if step.rewritable and conversation.written(*place):
                # Words written here before: the box held them, and what it holds now stands in their place.
                count = len(conversation.events)
                session.safety = _alerted(conversation.handle(Rewrite(lines[0] if lines else "")))
                if step.single and lines and len(conversation.events) > count:
                    move_on = False  # a question of one answer has moved on with it
                lines = []
            self._send(session, conversation, Waiting(place, lines, move_on and (not step.single or not lines)))
            from_safety_question = step.interrupt is not None and earlier is not None and session.waiting is None
            if from_safety_question and earlier is not None and questions.current(conversation) == earlier.place:
                self._send(session, conversation, earlier)  # back from a safety question to where they were

    def _send(self, session: Session, conversation: Conversation, waiting: Waiting) -> None:
        """Send lines while the conversation stays at their place; if a safety question comes between
        them, keep the rest (and the move on) for when the conversation comes back there."""
        for index, line in enumerate(waiting.lines):
            if questions.current(conversation) != waiting.place:
                session.waiting = Waiting(waiting.place, waiting.lines[index:], waiting.move_on)
                return
            session.safety = _alerted(conversation.handle(Answer(line))) or session.safety
        if waiting.move_on:
            if questions.current(conversation) == waiting.place:
                session.safety = _alerted(conversation.handle(Answer(""))) or session.safety
            else:
                session.waiting = Waiting(waiting.place, [], True)

    def _where(self, conversation: Conversation, after: Place | None = None) -> str:
        """The page to show next: the question the conversation is at, the check page, or the end."""
        if conversation.ended:
            return "/done"
        session_place = questions.current(conversation)
        if session_place is None:
            return "/check"
        step = conversation.flow.steps[session_place[0]]
        if (after is not None and session_place != after and step.interrupt is None
                and questions.reached_end(conversation) and questions.answered_at(conversation, session_place)):
            return "/check"  # a changed answer: back to the check page, unless it opened a new question
        return questions.url(session_place)

    @page()
    def check(self, request: Request, session: Session, held: Conversation) -> Response:
        if held.ended:
            return self.redirect(request, "/done")
        if not questions.reached_end(held) or questions.safety_waiting(held):
            return self.redirect(request, self._where(held))
        here = questions.current(held)
        return self.render(request, "check.html.j2", sections=questions.sections(held), language=held.language,
                           back=questions.url(here) if here else _last_answered(held), code=session.code,
                           safety=session.safety)

    @page(posted=True)
    def finish(self, request: Request, session: Session, held: Conversation, form: FormData) -> Response:
        if questions.safety_waiting(held):  # a safety question came after the check page was shown
            return self.redirect(request, self._where(held))
        if not held.ended:
            try:
                with WRITES:
                    held.handle(End())
            except TakenOver:
                session.forget()
                return self.render(request, "taken_over.html.j2", status=409, typed="")
        return self.redirect(request, "/done")

    @page()
    def done(self, request: Request, session: Session, held: Conversation) -> Response:
        if not held.ended:
            return self.redirect(request, self._where(held))
        language = self.language_of(request, session)
        article = render_summary_article(held.assessment(), language=language,
                                         choice_labels=questions.choice_labels(held, language))
        session.finished = True
        return self.render(request, "done.html.j2", article=Markup(article), code=session.code)

    @page()
    def download(self, request: Request, session: Session, held: Conversation) -> Response:
        language = self.language_of(request, session)
        html = render_summary(held.assessment(), "html", language=language,
                              choice_labels=questions.choice_labels(held, language))
        store = session.store
        assert store is not None  # held with the conversation
        with WRITES:
            store.audit("exported", held.id, format="html", to="download", redacted=False,
                        encrypted_store=store.encrypted)
        return Response(html, media_type="text/html; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{wording.text("download_file", language)}.html"'})

    async def saved(self, request: Request) -> Response:
        session = self._session(request)
        code, safety = None, False
        if session is not None and session.saved_code is not None:
            code, when = session.saved_code
            if time.monotonic() - when > SAVED_CODE_SHOWN_FOR:
                session.saved_code, code = None, None
            safety, session.safety = session.safety, False
        return self.render(request, "saved.html.j2", code=code, safety=safety)

    async def resume_page(self, request: Request) -> Response:
        session = self._session(request)
        kept = _kept(session, request.url.path) if session is not None else None
        return self.render(request, "resume.html.j2", typed=kept.code if kept else "")

    @page(posted=True, lock=False, hold=False)
    def resume(self, request: Request, session: Session, form: FormData) -> Response:
        """The code is looked up before the session is locked: neither the lookup nor the count of wrong
        codes (by client) touches the session."""
        typed = str(form.get("code", ""))[:100]
        client = request.client.host if request.client else "unknown"
        wait = self.wrong_codes.wait(client)
        if wait:  # not looked at: it is not called wrong, and it stays in the box to send again
            return self.render(request, "resume.html.j2", status=429, errors=[("code", "wait_unchecked")],
                               wait=wait, typed=typed)
        with self._lookup_lock:
            info = self.lookups.carer_code(typed) if typed.strip() else None
        if info is None:
            if not typed.strip():
                return self.render(request, "resume.html.j2", status=400, errors=[("code", "empty")], typed="")
            wrong, wait = self.wrong_codes.refused(client)
            with WRITES, self._lookup_lock, contextlib.suppress(StoreError):
                # Never what was typed: a wrong code may be a right one mistyped.
                self.lookups.audit("carer_code_refused", None, attempt=wrong, face="web")
            return self.render(request, "resume.html.j2", status=400, errors=[("code", "wait" if wait else "wrong")],
                               wait=wait, typed="")
        with session.lock:
            session.forget()
            session.code = info.id
            held = self._hold(request, session)
            if isinstance(held, Response):
                return held
            session.notes.append("welcome_back")
            return self.enter(request, session, self._where(held))

    @page(posted=True, hold=False)
    def take_over(self, request: Request, session: Session, form: FormData) -> Response:
        code, session.offered = session.offered, None
        if code is None:
            return self.redirect(request, "/resume")

        def begin(store: Service) -> Conversation:
            with WRITES:
                store.claim(code, take_over=True)
            return _resume(store, code)

        return self._adopt(request, session, code, begin, "welcome_back")

    def _adopt(self, request: Request, session: Session, code: str, begin: Callable[[Service], Conversation],
               note: str) -> Response:
        """Give a browser a store of its own, `begin` its conversation with it, and show where it stands."""
        session.forget()
        store = self.writer()
        try:
            conversation = begin(store)
        except BaseException:
            store.close()
            raise
        session.code, session.store, session.conversation = code, store, conversation
        session.notes.append(note)
        return self.enter(request, session, self._where(conversation))

    @page(posted=True, hold=False)
    def language(self, request: Request, session: Session, form: FormData) -> Response:
        """Change the language of the pages and of the conversation, keeping every answer; then back to the
        same page. What was in the page's boxes comes back in them there, not saved: choosing a language is
        not answering, and words half written are sent only when the carer says so."""
        to = wording.checked_language(str(form.get("language", "")))
        shown_back = str(form.get("back", ""))
        back = _return_to(shown_back)
        kept = Kept(back, answer=str(form.get("answer", "")), code=str(form.get("code", ""))[:100],
                    choice=str(form["choice"]) if form.get("choice") is not None else None,
                    shown=str(form.get("shown", "")))
        if to is not None and session.code is not None:
            held = self._hold(request, session, kept.answer)
            if isinstance(held, Response):
                return held
            if not held.ended and held.language != to:
                try:
                    with WRITES:
                        held.handle(ChooseLanguage(to))
                except TakenOver:
                    session.forget()
                    return self.render(request, "taken_over.html.j2", status=409, typed=kept.answer)
                except StoreError as error:
                    log.warning("the language was not changed: %s", type(error).__name__)
                    session.kept = kept
                    session.notes.append("language_not_changed")
                    return self.redirect(request, back)
        if to is not None:
            session.language = to
        if shown_back in SHOWN_BACK:  # a page that shows back unsaved words: shown again, words and all
            template, status = SHOWN_BACK[shown_back]
            return self.render(request, template, status=status, typed=str(form.get("shown", "")))
        session.kept = kept if kept.answer or kept.choice is not None or kept.code or kept.shown else None
        return self.redirect(request, back)


def _return_to(path: str) -> str:
    """A page of these pages to go back to after a language switch (never another site); else the start."""
    if path in RETURNS:
        return path
    if path.startswith("/question/") and questions.parse(path.removeprefix("/question/")) is not None:
        return path
    return "/"


def _shown_back(template: str, context: dict[str, Any]) -> str | None:
    """The name of a page that shows back unsaved words, when it has words to show."""
    if not context.get("typed"):
        return None
    return next((name for name, (file, _) in SHOWN_BACK.items() if file == template), None)


def _kept(session: Session, path: str) -> Kept | None:
    """What was in this page's boxes when its language was changed, once; anything kept for another page goes."""
    kept, session.kept = session.kept, None
    return kept if kept is not None and kept.path == path else None


def _resume(store: Service, code: str) -> Conversation:
    """A carer's conversation read back, on a flow machine of its own, so that no two threads share one."""
    flow, _ = library.get(carer.FLOW)
    return store.open(code, machine=FlowMachine(flow))


# A possible concern of these kinds opens the next page with where to get help now, as an alert does
# (without its safety questions): there is no practitioner on these pages to ask the quiet question, and
# "I feel so low most days, I don't see any future for me" needs the Samaritans' number, not silence. Not a carer at
# breaking point: read from a carer's ordinary tiredness far more often.
HELP_FOR_CONCERNS = frozenset({"risk_to_life"})


# A letter pasted whole ("Dear social worker, … Yours, Margaret") is one thing said, not a thing that
# matters a line (each of which the pages then ask five questions about): it opens with a greeting and
# ends with a sign-off, in English or Welsh.
_GREETING = re.compile(r"^(?:(?:dear|annwyl|f'annwyl)\b(?:[^\n,:]{1,40}[,:].*|(?:\s+\S+){1,4}\s*)"
                       r"|to whom it may concern\b.*)$", re.IGNORECASE)
# A sign-off alone, or followed by a name (capitalised: "Kind regards Margaret", not "Love to paint").
_SIGN_OFF = re.compile(r"^(?i:yours(?: sincerely| faithfully| truly)?|kind regards|regards|best wishes|many thanks"
                       r"|with thanks|love|all the best|cofion(?: gorau| cynnes)?|yn gywir|diolch(?: yn fawr)?)"
                       r"(?:\s*[,.!]|\s*$|(?:,?\s+[A-Z][\w'-]*){1,3}\s*$)")


def _a_letter(typed: str) -> bool:
    """A greeting such as "Dear social worker," first and a sign-off near the end ("Kind regards Margaret")."""
    lines = [line.strip() for line in typed.split("\n") if line.strip()]
    return len(lines) > 2 and bool(_GREETING.match(lines[0])) and any(_SIGN_OFF.match(line) for line in lines[-4:])


def _same_origin(request: Request) -> bool:
    """Whether the browser says the request came from a page of this site: Sec-Fetch-Site, else Origin."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is not None and origin.split("://", 1)[-1] == request.headers.get("host")


def _alerted(outputs: list[out.Output]) -> bool:
    """Whether the answer's findings call for the help box: an alert, or a concern in HELP_FOR_CONCERNS."""
    return any(isinstance(output, out.Alert) or (
        isinstance(output, out.Cue) and output.kind == "concern" and output.category in HELP_FOR_CONCERNS)
        for output in outputs)


def _just_said(conversation: Conversation, place: Place, lines: list[str]) -> bool:
    """The same form sent twice (a double click): its last line is the last thing said, and said there."""
    if not lines:
        return False
    for event in reversed(conversation.events):
        answer = event.payload if event.type == Answered.KIND else None
        if not isinstance(answer, Answered) or event.before is None:
            continue
        if answer.said:
            return event.before.place == place and answer.text == lines[-1]
        if event.before.place != place:
            return False
    return False


def _changed_elsewhere(conversation: Conversation, place: Place, form: FormData, typed: str) -> bool:
    """The form's page showed other words at its question than stand there now (another window of the same
    browser changed them since), and what it sends would write over them. A form that says nothing of what
    it showed (a page from before this check) is not held back."""
    shown = form.get("written_digest")
    if shown is None:
        return False
    now = questions.written_words(conversation, place)
    return str(shown) != questions.digest(now) and typed.strip() != now.strip()


def _last_answered(conversation: Conversation) -> str | None:
    place = questions.back(conversation, ("", None))
    return questions.url(place) if place else None
