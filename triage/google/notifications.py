"""Review notifications: Google Business Profile publishes to a Pub/Sub topic, and Pub/Sub
pushes each message to our endpoint as

    {"message": {"data": base64(JSON), "messageId": "...", "publishTime": "...",
                 "attributes": {...}}, "subscription": "projects/p/subscriptions/s"}

where the JSON holds the notification type and, for reviews, the review's and the location's
resource names (`reviewName`, `locationName`). The push URL carries a verification token of
ours (`?token=...`), compared in constant time. A notification names the review only: the
review itself is read through the API, so a forged or replayed push can add nothing that is
not on Google. Pub/Sub delivers at least once: duplicates are dropped by the queue's key.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import json
from typing import Any, Optional

from triage.errors import ConfigError, InputError, PermissionDenied
from triage.google.reviews import REVIEW_NAME

__all__ = ["REVIEW_TYPES", "ReviewNotification", "check_push_token", "parse_push"]

REVIEW_TYPES = frozenset({"NEW_REVIEW", "UPDATED_REVIEW"})
MAX_PUSH_BYTES = 64 * 1024


@dataclasses.dataclass(frozen=True)
class ReviewNotification:
    kind: str            # NEW_REVIEW or UPDATED_REVIEW
    review_name: str
    location_name: str
    message_id: str      # Pub/Sub's id of this message


def check_push_token(given: Optional[str], expected: Optional[str]) -> None:
    """PermissionDenied unless the push carries our verification token."""
    if not expected:
        raise ConfigError("the Google push verification token is not configured")
    if not given or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise PermissionDenied("the push verification token is missing or wrong")


def _field(data: Any, *names: str) -> Optional[str]:
    for name in names:
        value = data.get(name) if isinstance(data, dict) else None
        if isinstance(value, str) and value:
            return value
    return None


def parse_push(body: bytes) -> Optional[ReviewNotification]:
    """The review notification in a push, None for other notification types (acknowledged and
    ignored); InputError for a malformed push."""
    if len(body) > MAX_PUSH_BYTES:
        raise InputError("push body too large")
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InputError("push body is not JSON") from None
    message = envelope.get("message") if isinstance(envelope, dict) else None
    if not isinstance(message, dict):
        raise InputError("push has no message")
    message_id = _field(message, "messageId", "message_id")
    data = _field(message, "data")
    if message_id is None or data is None:
        raise InputError("push message needs messageId and data")
    try:
        payload = json.loads(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InputError("push data is not base64 JSON") from None
    kind = _field(payload, "type", "notificationType")
    if kind not in REVIEW_TYPES:
        return None
    review = _field(payload, "reviewName", "review_name")
    location = _field(payload, "locationName", "location_name")
    match = REVIEW_NAME.match(review or "")
    if match is None or location != match.group(1):
        raise InputError("review notification needs a reviewName under its locationName")
    return ReviewNotification(kind, review, location, message_id)
