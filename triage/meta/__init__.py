"""Meta (Facebook Page / Instagram) webhooks: the pure part, stdlib only.

Verification of the GET subscription handshake, the ``X-Hub-Signature-256`` check over the
raw body, and parsing of a delivery into :class:`MetaEvent` values (every entry, every event).
The HTTP adapter lives in ``bot/channels``; nothing here imports Rasa, sanic or SQLAlchemy.
"""

from __future__ import annotations

from triage.meta.events import MetaEvent
from triage.meta.webhook import (
    MAX_BODY_BYTES,
    SIGNATURE_HEADER,
    parse_delivery,
    sign,
    verify_signature,
    verify_subscription,
)

__all__ = [
    "MAX_BODY_BYTES",
    "SIGNATURE_HEADER",
    "MetaEvent",
    "parse_delivery",
    "sign",
    "verify_signature",
    "verify_subscription",
]
