"""Who is who on the carers' web pages: a signed session cookie, a CSRF token derived from it, and
the conversation each browser is writing.

The cookie holds only a random session id, signed. What a carer wrote stays in the store; the
conversation they are on is held here, with a `Service` (a store) of its own so the store's lease tells one
browser from another: a code works in one place at a time. A session left alone is parked (its
lease let go, so the code works elsewhere) and picked up again on its next page if nobody else has
the conversation by then.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from itsdangerous import BadSignature, TimestampSigner

from convo.engine.conversation import Conversation
from convo.services import Service, StoreError

# Everything the web pages write goes through here, one write at a time: a thread waiting is woken
# the moment the last commit is done, where SQLite's own wait for a busy database sleeps in steps of
# up to 100 ms. Re-entrant, so letting a session go can be done while writing.
WRITES = threading.RLock()

COOKIE = "convo_session"
COOKIE_MAX_AGE = 12 * 3600  # a signed cookie older than this starts a new session
PARK_AFTER = 20 * 60  # idle this long, a session lets its conversation's lease go
FORGET_AFTER = COOKIE_MAX_AGE
SAVED_CODE_SHOWN_FOR = 15 * 60  # the "saved" page shows the code this long, then only the carer has it
MOST_SESSIONS = 20_000  # beyond this, the longest unused sessions that hold no conversation are dropped


@dataclass(frozen=True)
class Waiting:
    """Lines of one page still to send at a place, and whether to move on after them."""

    place: tuple[str, int | None]
    lines: list[str]
    move_on: bool


@dataclass(frozen=True)
class Kept:
    """What a page's form held when its language was changed, to show back on the page (in its boxes): never saved."""

    path: str  # the page it is shown back on, once
    answer: str = ""
    choice: str | None = None
    code: str = ""
    shown: str = ""  # words typed in this window that could not be saved, shown back to copy


@dataclass
class Session:
    """One browser's visit: the conversation it writes (if any), and what the next page should say."""

    sid: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    code: str | None = None
    store: Service | None = None
    conversation: Conversation | None = None
    seen: float = field(default_factory=time.monotonic)
    safety: bool = False  # the last answer raised an alert: the next page opens with where to get help
    notes: list[str] = field(default_factory=list)  # one-off notes for the next page, by template name
    waiting: Waiting | None = None  # what a safety question came between, to send when it is answered
    offered: str | None = None  # a code that is open elsewhere, which this browser may take over
    saved_code: tuple[str, float] | None = None
    language: str | None = None  # the language the pages are in for this browser (a conversation's wins)
    kept: Kept | None = None  # what was in a page's boxes when its language was changed
    finished: bool = False  # the end was shown: the start page forgets the conversation (a shared phone)

    @property
    def holding(self) -> bool:
        return self.conversation is not None

    def let_go(self) -> None:
        """Release the conversation's lease and close its store; the code is kept to pick it up again."""
        conversation, store = self.conversation, self.store
        self.conversation, self.store = None, None
        if conversation is not None:
            conversation.close()
        if store is not None:
            with WRITES, contextlib.suppress(StoreError):  # a lease not released lapses by itself
                store.close()  # releases the lease

    def forget(self) -> None:
        """Let go and forget the code: from now on only the code brings this conversation back."""
        self.let_go()
        self.code = None
        self.safety, self.notes, self.waiting, self.kept, self.finished = False, [], None, None, False


class Sessions:
    """Every session this server knows, by id; signing and checking cookies and CSRF tokens."""

    def __init__(self, secret: bytes, *, clock: Callable[[], float] = time.monotonic):
        self._secret = secret
        self._signer = TimestampSigner(secret, salt="convo-web-session")
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._clock = clock

    # -- cookies and tokens ---------------------------------------------------------------------

    def new_id(self) -> str:
        return secrets.token_urlsafe(24)

    def cookie(self, sid: str) -> str:
        return self._signer.sign(sid).decode()

    def read(self, cookie: str | None) -> str | None:
        """The session id a cookie carries, or None for a missing, forged or expired one."""
        if not cookie:
            return None
        # Only the very string this server wrote: base64 leaves spare bits in the signature's last
        # letter, so another letter there can decode to the same signature, and is refused here.
        try:
            signed, _, signature = cookie.encode().rpartition(self._signer.sep)
            if not hmac.compare_digest(self._signer.get_signature(signed), signature):
                return None
            return self._signer.unsign(cookie, max_age=COOKIE_MAX_AGE).decode()
        except (BadSignature, UnicodeError):
            return None

    def csrf(self, sid: str) -> str:
        return hmac.new(self._secret, b"csrf:" + sid.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, sid: str | None, token: object) -> bool:
        return bool(sid) and isinstance(token, str) and hmac.compare_digest(self.csrf(sid or ""), token)

    # -- the sessions -----------------------------------------------------------------------------

    def get(self, sid: str | None) -> Session | None:
        if sid is None:
            return None
        with self._lock:
            session = self._by_id.get(sid)
        if session is not None:
            session.seen = self._clock()
        return session

    def get_or_add(self, sid: str) -> Session:
        with self._lock:
            session = self._by_id.get(sid)
            if session is None:
                if len(self._by_id) >= MOST_SESSIONS:
                    self._drop_idle()
                session = self._by_id[sid] = Session(sid)
        session.seen = self._clock()
        return session

    def _drop_idle(self) -> None:
        """Make room: forget the tenth of sessions unused longest that hold no conversation."""
        idle = sorted((s for s in self._by_id.values() if s.code is None), key=lambda s: s.seen)
        for session in idle[:max(1, len(self._by_id) // 10)]:
            del self._by_id[session.sid]

    def renew(self, session: Session) -> str:
        """Give a session a fresh id once it holds a conversation, so an id known before (planted in
        the browser, say) opens nothing; the caller sets the new cookie."""
        with self._lock:
            self._by_id.pop(session.sid, None)
            session.sid = self.new_id()
            self._by_id[session.sid] = session
        return session.sid

    def sweep(self) -> None:
        """Park sessions left alone a while; forget those left alone for longer."""
        now = self._clock()
        with self._lock:
            idle = [s for s in self._by_id.values() if now - s.seen > PARK_AFTER]
            for session in idle:
                if now - session.seen > FORGET_AFTER:
                    del self._by_id[session.sid]
        for session in idle:
            if session.lock.acquire(blocking=False):
                try:
                    if now - session.seen > FORGET_AFTER:
                        session.forget()
                    else:
                        session.let_go()
                finally:
                    session.lock.release()

    def close(self) -> None:
        with self._lock:
            sessions, self._by_id = list(self._by_id.values()), {}
        for session in sessions:
            session.let_go()

    def __len__(self) -> int:
        return len(self._by_id)
