"""Carers' mode: the codes that let a carer in a web browser carry on without anyone else's conversations
ever being listed to them (finding a carer's conversation by its code is `Service.carer_code`).

A conversation started in a browser gets a random code as its id (about 59 bits: not guessable,
easy to copy down). A carer types it back to carry on; nothing else finds a browser conversation
from a browser. Conversations started in a terminal have ordinary ids and are offered back only in
the terminal, so `convo carer` there never carries on a stranger's browser session.
"""

from __future__ import annotations

import re
import secrets

from convo import vocabulary

FLOW, AUDIENCE = vocabulary.start("carer").flow or "", vocabulary.start("carer").audience

# No 0/o, 1/i/l: a code read aloud or copied by hand should come back the same.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_GROUPS, _GROUP = 3, 4
_CODE = re.compile(rf"^[{_ALPHABET}]{{{_GROUP}}}(-[{_ALPHABET}]{{{_GROUP}}}){{{_GROUPS - 1}}}$")


def new_code() -> str:
    """A fresh code such as `k7qm-2xrd-pa9c`, used as the id of a conversation started in a browser."""
    letters = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUPS * _GROUP))
    return "-".join(letters[i:i + _GROUP] for i in range(0, len(letters), _GROUP))


def is_code(conversation_id: str) -> bool:
    return bool(_CODE.match(conversation_id))


def normalise_code(typed: str) -> str | None:
    """A code as typed (any case, spaces or dashes anywhere) in its canonical form, or None."""
    letters = re.sub(r"[\s\-_.]", "", typed.casefold())
    if len(letters) != _GROUPS * _GROUP or any(ch not in _ALPHABET for ch in letters):
        return None
    return "-".join(letters[i:i + _GROUP] for i in range(0, len(letters), _GROUP))


FIRST_WAIT_AT = 3  # the wrong code after which a page first has to wait
LONGEST_WAIT = 60


def code_wait(wrong: int) -> int:
    """Seconds a page must wait after its `wrong`-th wrong code: none for the first two, then 2, 4, 8…
    up to a minute. A real carer mistyping once or twice never waits."""
    return 0 if wrong < FIRST_WAIT_AT else min(LONGEST_WAIT, 2 ** (wrong - FIRST_WAIT_AT + 1))
