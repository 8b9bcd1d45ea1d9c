"""Running the carers' web pages under uvicorn: no access log (an address can carry what someone
typed), warnings only, one plain line each, never a traceback."""

from __future__ import annotations

import gc
import ipaddress
import logging
import sys
from collections.abc import Callable
from typing import Any

import uvicorn

from convo.services import Service
from convo.web.app import make_app

LOGGERS = ("convo.web", "uvicorn", "uvicorn.error", "uvicorn.asgi")


def is_loopback(host: str) -> bool:
    """Whether `host` is this computer only (localhost, 127.x, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class OneLine(logging.Formatter):
    """A log record as one line: the message only, without the traceback or stack it may carry."""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return " ".join(super().format(record).split())


def quiet_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLine("convo web: %(message)s"))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True


class _Server(uvicorn.Server):
    """Says where to go once it is listening (and only then), so a port in use is one line, not two."""

    def __init__(self, config: uvicorn.Config, say: Callable[[str], None]):
        super().__init__(config)
        self.say = say

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started:
            host = self.config.host
            shown = f"[{host}]" if ":" in host else host
            self.say(f"Serving the carer's self-assessment. Open this address in a browser:\n\n"
                     f"    http://{shown}:{self.config.port}/\n\nCtrl+C stops.")


def run(open_store: Callable[[], Service], host: str, port: int, *, out_of_hours: str | None = None,
        allowed_hosts: list[str] | None = None, say: Callable[[str], None] | None = None) -> None:
    from convo.notice import detector

    app = make_app(open_store=open_store, out_of_hours=out_of_hours, allowed_hosts=allowed_hosts)
    quiet_logging()
    # What hearing an answer needs is loaded now and, with everything else loaded so far, frozen out of
    # the garbage collector's full sweeps: each would otherwise hold up the pages for 100 ms or more.
    detector.warm()
    gc.freeze()
    # A connection is kept 30 s between pages (uvicorn's default is 5), so one opened for a page is
    # still there for the next, and a browser seldom sends a form down a connection being closed.
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None, log_level="warning",
                            server_header=False, proxy_headers=True, lifespan="on", timeout_keep_alive=30)
    _Server(config, say or (lambda line: print(line, flush=True))).run()
