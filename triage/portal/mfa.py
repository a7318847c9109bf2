"""TOTP second factor (RFC 6238, `pyotp`), its QR code (rendered here as inline SVG by
`segno`, nothing fetched), and recovery codes.

A code is accepted for the current 30-second step or the one before or after (clock
drift), and each step only once (`QueueRepository.accept_totp_step`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
from typing import List, Optional, Tuple

import pyotp
import segno

__all__ = ["ISSUER", "new_secret", "qr_svg", "matching_step", "new_recovery_codes",
           "hash_recovery_code", "ROLES_REQUIRING"]

ISSUER = "Inbox triage"
# Who must have a second factor (others may turn it on).
ROLES_REQUIRING = ("supervisor", "admin")
_STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(secret: str, username: str) -> str:
    """The otpauth:// URI as an SVG QR code (no script, no external reference)."""
    out = io.BytesIO()
    segno.make(provisioning_uri(secret, username), error="m").save(
        out, kind="svg", scale=5, xmldecl=False, svgns=True, title="Scan with an authenticator app")
    return out.getvalue().decode("ascii")


def matching_step(secret: str, code: str, now: dt.datetime) -> Optional[int]:
    """The time-step the code belongs to (now, or one step either side), or None."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.replace(tzinfo=dt.timezone.utc).timestamp()) // _STEP
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * _STEP), code):
            return step
    return None


def new_recovery_codes(count: int = 10) -> Tuple[List[str], List[str]]:
    """(codes to show once, their hashes to store)."""
    codes = ["-".join(secrets.token_hex(3) for _ in range(3)) for _ in range(count)]
    return codes, [hash_recovery_code(c) for c in codes]


def hash_recovery_code(code: str) -> str:
    normal = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()
