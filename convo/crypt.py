"""Encryption at rest: a key from a passphrase (scrypt) and AES-256-GCM for each stored value.

The store calls this through its codec hook, so every event payload and title is sealed before it
reaches SQLite. Each value is `version byte | 12-byte random nonce | ciphertext and tag`.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable

PASSPHRASE_ENV = "CONVO_PASSPHRASE"
MIN_PASSPHRASE = 8
_VERSION = b"\x01"
_NONCE = 12
_CHECK = b"convo key check v1"
# scrypt with n=2**15, r=8 needs 32 MiB and about a tenth of a second: cheap once, dear a billion times.
KDF_DEFAULTS = {"name": "scrypt", "n": 2**15, "r": 8, "p": 1}


class CryptError(Exception):
    """A passphrase or sealed value that cannot be used, in one line."""


class WrongPassphrase(CryptError):
    pass


Passphrase = Callable[[], str]


def new_kdf() -> dict:
    return {**KDF_DEFAULTS, "salt": os.urandom(16).hex()}


def derive(passphrase: str, kdf: dict) -> bytes:
    if kdf.get("name") != "scrypt" or kdf.get("n", 0) < 2**15:
        raise CryptError("the store names a key derivation this convo does not accept")
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # loaded only for encrypted stores

    return Scrypt(salt=bytes.fromhex(kdf["salt"]), length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(
        passphrase.encode("utf-8")
    )


class Sealer:
    """AES-256-GCM with a fresh random nonce for every value."""

    def __init__(self, key: bytes):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # loaded only for encrypted stores

        self._aead = AESGCM(key)

    def seal(self, data: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, data, None)

    def open(self, blob: bytes) -> bytes:
        if blob[:1] != _VERSION or len(blob) < 1 + _NONCE + 16:
            raise CryptError("a stored value is not sealed the way convo seals values")
        from cryptography.exceptions import InvalidTag

        try:
            return self._aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], None)
        except InvalidTag:
            raise CryptError("a stored value failed its integrity check (damaged or altered)") from None

    def check_value(self) -> str:
        return self.seal(_CHECK).hex()

    def verify(self, check: str) -> None:
        try:
            ok = self.open(bytes.fromhex(check)) == _CHECK
        except (CryptError, ValueError):
            ok = False
        if not ok:
            raise WrongPassphrase("wrong passphrase; nothing was changed")

    @property
    def codec(self) -> tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]:
        return self.seal, self.open


def header(kdf: dict, sealer: Sealer) -> dict[str, str]:
    """The meta rows an encrypted store keeps: how to derive the key, and a value to check it with."""
    return {"cipher": "aes-256-gcm", "kdf": json.dumps(kdf), "key_check": sealer.check_value()}


def unlock(meta: dict[str, str], passphrase: str) -> Sealer:
    sealer = Sealer(derive(passphrase, json.loads(meta["kdf"])))
    sealer.verify(meta["key_check"])
    return sealer


def passphrase_source(new: bool = False) -> Passphrase:
    """Ask for the passphrase only when a store needs one: from $CONVO_PASSPHRASE, else at the terminal."""

    def ask() -> str:
        given = os.environ.get(PASSPHRASE_ENV)
        if given is None:
            given = _ask_terminal(new)
        if new and len(given) < MIN_PASSPHRASE:
            raise CryptError(f"choose a passphrase of at least {MIN_PASSPHRASE} characters (longer is safer)")
        if not given:
            raise CryptError("the passphrase is empty")
        return given

    return ask


def _ask_terminal(new: bool) -> str:
    try:
        with open("/dev/tty"):
            pass
    except OSError:
        if not sys.stdin.isatty():
            need = "an encrypted store needs a passphrase" if new else "this store is encrypted"
            raise CryptError(f"{need}: set {PASSPHRASE_ENV} or run at a terminal") from None
    first = getpass.getpass("New passphrase for this store: " if new else "Passphrase: ")
    if new and getpass.getpass("Same passphrase again: ") != first:
        raise CryptError("the two passphrases differ; nothing was changed")
    return first
