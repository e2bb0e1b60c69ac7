"""Encryption at rest for OAuth tokens (and PKCE verifiers): Fernet under a list of keys.

settings.YOUTUBE_TOKEN_KEYS: the first key encrypts, every key decrypts, so a new key is
added in front, `manage.py youtube_rotate_tokens` re-encrypts every stored token with it,
and the old key can then be dropped. Plaintexts live only in memory for the call that
needs them; nothing here logs.
"""

from collections.abc import Callable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class TokenUnreadable(Exception):
    """A ciphertext no configured key opens (a key was dropped before rotating)."""


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.YOUTUBE_TOKEN_KEYS))


def seal(plaintext: str) -> str:
    """The ciphertext of `plaintext` under the newest key ("" stays "")."""
    return cipher().encrypt(plaintext.encode()).decode() if plaintext else ""


def _opened(ciphertext: str, operation: Callable[[bytes], bytes]) -> str:
    if not ciphertext:
        return ""
    try:
        return operation(ciphertext.encode()).decode()
    except InvalidToken:
        raise TokenUnreadable("no configured YOUTUBE_TOKEN_KEYS key opens this token") from None


def unseal(ciphertext: str) -> str:
    """The plaintext of a ciphertext made under any configured key ("" stays "")."""
    return _opened(ciphertext, cipher().decrypt)


def reseal(ciphertext: str) -> str:
    """The same plaintext encrypted under the newest key (rotation)."""
    return _opened(ciphertext, cipher().rotate)


def keys_problem(keys: list[str]) -> str | None:
    """Why `keys` cannot be used (for the system check), or None."""
    if not keys:
        return "YOUTUBE_TOKEN_KEYS is empty."
    for index, key in enumerate(keys):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            return f"YOUTUBE_TOKEN_KEYS[{index}] is not a Fernet key (32 url-safe base64 bytes)."
    return None
