"""Passwords, signed session cookies and CSRF tokens for the portal.

Passwords are hashed with argon2id. The session lives in a cookie that is signed
(HMAC-SHA256) and carries only the user id, role, a CSRF token, the user's session
generation and two times: when it was issued and when it was last used. A cookie idle
for longer than the idle timeout, or older than the absolute limit, is refused; the portal
also refuses it once the user's generation in the database has moved on, which is how a
sign-out or a password reset ends every session of the user, server-side. Every
state-changing request must echo the session's CSRF token.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import secrets
import time
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "MIN_PASSWORD_LENGTH", "ROLES", "Session", "SessionCodec", "hash_password",
    "needs_rehash", "verify_password", "check_password_policy",
]

ROLES = ("moderator", "supervisor", "admin")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# zxcvbn's estimate of guesses needed; 10^10 is its top score (4, "very unguessable").
MIN_GUESSES = 10 ** 10
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def check_password_policy(password: str, username: str = "") -> Optional[str]:
    """A reason the password is refused, or None.

    NIST SP 800-63B: a minimum length, no composition rules, and a check against common,
    guessable and breached-style passwords. `zxcvbn` (its dictionaries ship in the wheel:
    common passwords, names, English words, keyboard walks, repeats, dates) estimates how
    many guesses it takes; below 10^10 (its score 4) the password is refused, with its hint.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"passwords need at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"passwords may have at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip() != password:
        return "passwords may not start or end with spaces"
    from zxcvbn import zxcvbn

    # The username and the product's own words are the first things a guesser tries.
    result = zxcvbn(password, user_inputs=[w for w in (username, "inbox", "triage",
                                                       "portal", "hospital") if w])
    if result["guesses"] < MIN_GUESSES:
        hint = (result.get("feedback") or {}).get("warning") or "it is too easy to guess"
        return f"that password is too easy to guess ({hint.rstrip('.').lower()}); " \
               "try a few unrelated words"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@dataclasses.dataclass(frozen=True)
class Session:
    user_id: int
    username: str
    role: str
    csrf: str
    issued_at: float
    last_seen: float
    # The user's session generation when this session began; the portal refuses the
    # session once the user's row has moved on (sign-out, password reset, lock, ...).
    generation: int = 0

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionCodec:
    """Signs and checks session cookies. `now` is injectable for tests."""

    def __init__(self, secret: str, idle_seconds: int = 15 * 60, max_seconds: int = 12 * 3600,
                 now=time.time) -> None:
        if len(secret) < 16:
            raise ValueError("the portal secret needs at least 16 characters")
        self._key = hashlib.sha256(secret.encode()).digest()
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._now = now

    def new(self, user_id: int, username: str, role: str, generation: int = 0) -> Session:
        now = self._now()
        return Session(user_id, username, role, secrets.token_urlsafe(24), now, now, generation)

    def touch(self, session: Session) -> Session:
        return dataclasses.replace(session, last_seen=self._now())

    def encode(self, session: Session) -> str:
        body = _b64(json.dumps(dataclasses.asdict(session), separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def decode(self, cookie: Optional[str]) -> Optional[Session]:
        """The session, or None if the cookie is missing, forged, idle or too old."""
        if not cookie or "." not in cookie:
            return None
        body, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            session = Session(**json.loads(_unb64(body)))
        except (ValueError, TypeError):
            return None
        now = self._now()
        if now - session.last_seen > self.idle_seconds or now - session.issued_at > self.max_seconds:
            return None
        return session

    def seal(self, value) -> str:
        """A signed cookie value for small server-made data (a flash message, a token)."""
        body = _b64(json.dumps(value, separators=(",", ":")).encode())
        return f"{body}.{self._sign('v:' + body)}"

    def unseal(self, cookie: Optional[str]):
        """The value `seal` made, or None if missing or not ours."""
        if not cookie or "." not in cookie:
            return None
        body, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign("v:" + body)):
            return None
        try:
            return json.loads(_unb64(body))
        except ValueError:
            return None

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


def csrf_ok(session: Optional[Session], given: Optional[str]) -> bool:
    return bool(session and given) and hmac.compare_digest(session.csrf, given)
