"""Around every page: only the expected host names, no request body larger than a form needs, the
headers that keep pages private (no caching, no framing, no outside scripts), and any failure turned
into a plain page with one line in the log: never a traceback, a path or anyone's words."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 256 * 1024
log = logging.getLogger("convo.web")

_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                                 b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


class TooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: see the module's docstring. `problem(status, scope)` gives the HTML of a plain page, in
    the language of the browser that asked."""

    def __init__(self, app: ASGIApp, *, problem: Callable[[int, Any], str], allowed_hosts: list[str] | None = None):
        self.app, self.problem = app, problem
        self.allowed_hosts = {host.lower() for host in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if self.allowed_hosts is not None and _host(headers.get(b"host", b"")) not in self.allowed_hosts:
            await self._plain(send, 400, scope)
            return
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            await self._plain(send, 413, scope)
            return
        static = scope["path"].startswith("/static/")
        started = False
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise TooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = list(_HEADERS)
                if not static:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except TooLarge:
            if not started:
                await self._plain(send, 413, scope)
        except Exception as error:  # noqa: BLE001 -- one line, never a traceback: its text could hold what was typed
            log.warning("a page failed: %s", type(error).__name__)
            if not started:
                await self._plain(send, 500, scope)

    async def _plain(self, send: Send, status: int, scope: Scope) -> None:
        body = self.problem(status, scope).encode()
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"), *_HEADERS]})
        await send({"type": "http.response.body", "body": body})


def _host(value: bytes) -> str:
    host = value.decode("latin-1").lower()
    if host.startswith("["):
        return host[1:host.index("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
