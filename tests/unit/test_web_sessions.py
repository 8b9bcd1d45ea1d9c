"""The carers' web pages' sessions and wrong-code counts, on their own: signed ids, CSRF tokens,
room kept for new sessions, and back-off that a right code does not reset but an hour forgets."""

from __future__ import annotations

import pytest

pytest.importorskip("itsdangerous", reason="convo web needs the web extra: pip install 'convo[web]'")

from convo.web import sessions as sessions_module
from convo.web.codes import WrongCodes
from convo.web.sessions import Sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_id_comes_back_only_from_its_own_signed_cookie():
    sessions = Sessions(b"k" * 32)
    sid = sessions.new_id()
    cookie = sessions.cookie(sid)
    assert sessions.read(cookie) == sid
    # every other last letter, including those that differ only in base64's spare bits
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    assert all(sessions.read(cookie[:-1] + letter) is None for letter in letters if letter != cookie[-1])
    assert sessions.read(Sessions(b"x" * 32).cookie(sid)) is None  # another server's secret
    assert sessions.read("") is None and sessions.read(None) is None and sessions.read(sid) is None


def test_a_csrf_token_belongs_to_one_session():
    sessions = Sessions(b"k" * 32)
    one, two = sessions.new_id(), sessions.new_id()
    assert sessions.csrf_ok(one, sessions.csrf(one))
    assert not sessions.csrf_ok(one, sessions.csrf(two))
    assert not sessions.csrf_ok(None, sessions.csrf(one))
    assert not sessions.csrf_ok(one, None) and not sessions.csrf_ok(one, "")


def test_when_full_the_longest_unused_sessions_without_a_conversation_make_room(monkeypatch):
    monkeypatch.setattr(sessions_module, "MOST_SESSIONS", 10)
    clock = Clock()
    sessions = Sessions(b"k" * 32, clock=clock)
    writing = sessions.get_or_add("writing")
    writing.code = "abcd-efgh-jkmn"
    for n in range(12):
        clock.now += 1
        sessions.get_or_add(f"visitor-{n}")
    assert sessions.get("writing") is writing
    assert sessions.get("visitor-0") is None and sessions.get("visitor-11") is not None
    assert len(sessions) <= 10


def test_renewing_a_session_gives_it_a_new_id_and_forgets_the_old():
    sessions = Sessions(b"k" * 32)
    session = sessions.get_or_add("old")
    new = sessions.renew(session)
    assert new != "old" and sessions.get("old") is None and sessions.get(new) is session


def test_wrong_codes_wait_longer_each_time_and_are_forgotten_after_an_hour():
    clock = Clock()
    codes = WrongCodes(clock)
    assert [codes.refused("a")[1] for _ in range(5)] == [0, 0, 2, 4, 8]
    assert codes.wait("a") == 8 and codes.wait("b") == 0
    clock.now += 8
    assert codes.wait("a") == 0
    clock.now += 3601
    assert codes.refused("a") == (1, 0)
