"""`convo serve`: the carer's self-assessment in a web browser, through textual-serve.

Each browser tab is its own websocket and textual-serve starts one `convo carer --browser`
process for it, so every tab starts a new conversation and lists nobody else's. The page is
textual-serve's own, with its one outside link (a web font) taken out so nothing leaves the machine.

textual-serve itself trusts whoever connects; `ConvoServer` adds the guards: the page, the
websocket and downloads need this server's secret token (in the printed address, then a cookie),
requests must name this server in `Host` (and `Origin`, which a websocket must send), at most
`max_sessions` tabs run at once, /static/ lists no directory, and a tab's process never reads a
terminal nor writes to the server's output.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import logging
import re
import secrets
import shlex
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

_WEB_FONT = re.compile(r"\s*<link[^>]*fonts\.googleapis\.com[^>]*>", re.S)
DEFAULT_MAX_SESSIONS = 8
TOKEN_PARAMETER = "token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARD_HOSTS = ("", "0.0.0.0", "::")
log = logging.getLogger("convo.serve")


class ServeError(Exception):
    """Why `convo serve` cannot start, in one line."""


def browser_argv(db: Path | str) -> list[str]:
    """The command each browser tab runs: this Python's convo, on this database, in browser mode."""
    return [sys.executable, "-m", "convo.cli", "--db", str(db), "carer", "--browser"]


def browser_command(db: Path | str) -> str:
    return shlex.join(browser_argv(db))


def local_templates(folder: Path) -> Path:
    """A copy of textual-serve's page without links to other sites, in a language a reader can declare."""
    import textual_serve

    page = (Path(textual_serve.__file__).parent / "templates" / "app_index.html").read_text(encoding="utf-8")
    page = _WEB_FONT.sub("", page).replace("<html>", '<html lang="en">', 1)
    (folder / "app_index.html").write_text(page, encoding="utf-8")
    return folder


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL or an Origin header, the port filled in; None if it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


class TabService(AppService):
    """One tab's `convo carer --browser` process: started without a shell, in a session of its own so it
    has no controlling terminal to prompt on, and with its error output thrown away, never copied to
    the server's output where it could carry what someone typed."""

    def __init__(self, argv: list[str], **options: Any):
        super().__init__(shlex.join(argv), **options)
        self.argv = argv

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        environment = self._build_environment(width=width, height=height)
        environment.pop("TEXTUAL", None)  # no devtools or debug output from a tab
        environment.pop("TEXTUAL_LOG", None)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=environment,
            start_new_session=True,
        )
        # textual-serve's reader expects a stderr stream; give it one that is already at its end.
        ended = asyncio.StreamReader()
        ended.feed_eof()
        process.stderr = ended
        assert process.stdin is not None
        self._stdin = process.stdin
        return process


class ConvoServer(Server):
    """textual-serve's server with convo's guards (see the module's docstring)."""

    def __init__(self, argv: list[str], *, host: str, port: int, public_url: str | None = None,
                 max_sessions: int = DEFAULT_MAX_SESSIONS, token: str | None = None,
                 templates_path: Path, say: Callable[[str], None] | None = None):
        super().__init__(shlex.join(argv), host=host, port=port, title="Carer self-assessment",
                         public_url=public_url, templates_path=templates_path)
        self.public_url = self.public_url.rstrip("/")
        self.argv = argv
        self.max_sessions = max_sessions
        self.token = token or secrets.token_urlsafe(24)
        self.sessions = 0
        self.say = say or (lambda line: print(line, flush=True))
        self.cookie = f"convo-serve-{port}"
        self.origins = self._allowed_origins()

    # -- who may connect -------------------------------------------------------------------------

    def _allowed_origins(self) -> set[tuple[str, str, int]]:
        public = _origin(self.public_url)
        if public is None:
            raise ServeError(f"--public-url {self.public_url!r} is not an http:// or https:// address")
        allowed = {public}
        if is_loopback(self.host):
            allowed |= {("http", name, self.port) for name in LOOPBACK_NAMES}
        return allowed

    def host_allowed(self, request: web.Request) -> bool:
        scheme = _origin(self.public_url)[0]  # type: ignore[index]
        named = _origin(f"{scheme}://{request.host}") if request.host else None
        return named is not None and any(named[1:] == allowed[1:] for allowed in self.origins)

    def origin_allowed(self, request: web.Request, required: bool) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:
            return not required  # a browser sends Origin on every websocket; a page visit need not
        return _origin(origin) in self.origins

    def token_given(self, request: web.Request) -> bool:
        given = request.query.get(TOKEN_PARAMETER) or request.cookies.get(self.cookie) or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    @web.middleware
    async def guard(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        if not self.host_allowed(request):
            raise web.HTTPForbidden(text="This address is not the one convo serve was started for.\n")
        if not self.origin_allowed(request, required=request.path == "/ws"):
            raise web.HTTPForbidden(text="Pages from other sites may not use convo serve.\n")
        if not request.path.startswith("/static/") and not self.token_given(request):
            raise web.HTTPForbidden(text="Open the full address convo serve printed when it started "
                                         "(it ends with ?token=...).\n")
        return await handler(request)

    # -- the web application ---------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        import aiohttp_jinja2
        import jinja2

        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        return app

    def busy(self) -> str:
        return (f"convo serve is busy: {self.max_sessions} people are using it now. "
                "Close a tab you are not using, or try again in a few minutes.\n")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.sessions >= self.max_sessions:
            raise web.HTTPServiceUnavailable(text=self.busy())
        import aiohttp_jinja2

        # textual-serve's, before rendering; aiohttp_jinja2.template's type omits the __wrapped__ functools.wraps sets
        context = await Server.handle_index.__wrapped__(self, request)  # type: ignore[attr-defined]
        # The websocket goes to the host this page came from, so the cookie set here goes with it.
        scheme = "wss" if self.public_url.startswith("https") else "ws"
        context["app_websocket_url"] = f"{scheme}://{request.host}/ws"
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict", path="/",
                            secure=self.public_url.startswith("https"))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.sessions >= self.max_sessions:
            raise web.HTTPServiceUnavailable(text=self.busy())
        self.sessions += 1
        try:
            return await self._run_tab(request)
        finally:
            self.sessions -= 1

    async def _run_tab(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1024 * 1024)
        width = min(max(to_int(request.query.get("width", "80"), 80), 20), 500)
        height = min(max(to_int(request.query.get("height", "24"), 24), 5), 300)
        service: TabService | None = None
        try:
            await websocket.prepare(request)
            service = TabService(self.argv, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                 close=websocket.close, download_manager=self.download_manager)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 -- one line, never a traceback: its locals could hold what was typed
            log.warning("a browser tab stopped: %s", type(error).__name__)
        finally:
            if service is not None:
                await service.stop()
        return websocket

    # -- running ---------------------------------------------------------------------------------

    def initialize_logging(self) -> None:
        """Warnings only, one plain line each: no tracebacks, no local variables, no request lines."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("convo serve: %(message)s"))
        for name in ("convo.serve", "textual-serve", "aiohttp"):
            logger = logging.getLogger(name)
            logger.handlers[:] = [handler]
            logger.setLevel(logging.WARNING)
            logger.propagate = False

    @property
    def address(self) -> str:
        return f"{self.public_url}/?{TOKEN_PARAMETER}={self.token}"

    async def run(self, started: asyncio.Event | None = None, stop: asyncio.Event | None = None) -> None:
        """Listen until `stop` is set (or SIGINT/SIGTERM); the address is printed only once listening."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, stop.set)
        runner = web.AppRunner(await self._make_app(), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            try:
                await site.start()
            except OSError as error:
                raise ServeError(f"cannot listen on {self.host} port {self.port}: "
                                 f"{error.strerror or error}") from None
            self.say(f"Serving the carer's self-assessment. Open this address in a browser:\n\n    {self.address}\n\n"
                     f"Anyone with this address can start a self-assessment. At most {self.max_sessions} tabs at"
                     " once. Ctrl+C stops.")
            if started is not None:
                started.set()
            await stop.wait()
        finally:
            await runner.cleanup()

    def serve(self, debug: bool = False) -> None:
        self.initialize_logging()
        asyncio.run(self.run())


def serve(db: Path | str, host: str, port: int, public_url: str | None = None, *,
          max_sessions: int = DEFAULT_MAX_SESSIONS) -> None:
    with tempfile.TemporaryDirectory(prefix="convo-serve-") as folder:
        ConvoServer(browser_argv(db), host=host, port=port, public_url=public_url, max_sessions=max_sessions,
                    templates_path=local_templates(Path(folder))).serve()
