"""Meta webhook handshake, signature check and payload parsing (pure, stdlib only).

Three steps, in the order an HTTP adapter calls them:

* ``GET``: :func:`verify_subscription` answers the ``hub.challenge`` of a subscription request;
* ``POST``: :func:`verify_signature` checks ``X-Hub-Signature-256`` over the *raw* body before
  anything is parsed or stored, then :func:`parse_delivery` turns the body into
  :class:`~triage.meta.events.MetaEvent` values: every entry and every event of a batch, in the
  order they appear (so events of one thread keep their order).

What becomes an event:

* ``object: "page"``, ``entry[].messaging[]`` with a ``message`` -> a Messenger DM;
* ``object: "page"``, ``entry[].changes[]`` with ``field: "feed"``, ``item: "comment"``,
  ``verb: "add"`` -> a Facebook comment (or reply to one);
* ``object: "instagram"``, ``entry[].messaging[]`` with a ``message`` -> an Instagram DM;
* ``object: "instagram"``, ``entry[].changes[]`` with ``field: "comments"`` -> an Instagram comment.

Ignored on purpose (they parse to nothing): messaging events without a ``message`` (``delivery``,
``read``, ``postback``, ``reaction``, ``referral``, ``optin``, ``message_edits`` ...), unsent
messages (``message.is_deleted``), ``entry[].standby[]`` (handover events that belong to another
app), feed changes other than an added comment (posts, reactions, comment edits / removals /
hides), and other change fields (``mention``, ``live_comments``, ``ratings`` ...). Echoes
(the page's own messages and comments) ARE returned, flagged ``is_echo=True``; the caller
drops them.

Errors name fields and positions (``entry[1].messaging[0].message.mid``), never body text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from triage.errors import ConfigError, InputError, PermissionDenied
from triage.meta.events import MetaEvent

__all__ = [
    "MAX_BODY_BYTES",
    "SIGNATURE_HEADER",
    "parse_delivery",
    "sign",
    "verify_signature",
    "verify_subscription",
]

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY_BYTES = 1_000_000
_PREFIX = "sha256="
_SHA256_HEX_LEN = 64
# Meta sends Messenger/IG-DM timestamps in milliseconds but feed `created_time` and some
# `entry.time` values in seconds; anything below this is taken as seconds (ms would be 1973).
_SECONDS_BELOW = 100_000_000_000

_OBJECTS = {"page": "facebook", "instagram": "instagram"}
_PREFIXES = {"facebook": "fb", "instagram": "ig"}


# --------------------------------------------------------------------------- handshake


def _arg(args: Mapping[str, Any], name: str) -> str | None:
    """One query argument; tolerates a list of values (first wins), as some frameworks give."""
    value = args.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None:
        return None
    if not isinstance(value, str):
        raise PermissionDenied(f"{name} is not a string")
    return value


def verify_subscription(args: Mapping[str, str], verify_token: str) -> str:
    """Return ``hub.challenge`` for a valid subscription request, else raise PermissionDenied.

    Valid means ``hub.mode == "subscribe"`` and ``hub.verify_token`` equal (in constant time) to
    the configured token. An empty configured token is a ConfigError: it would match anything.
    """
    if not verify_token:
        raise ConfigError("the Meta verify token is not configured")
    mode = _arg(args, "hub.mode")
    if mode is None:
        raise PermissionDenied("hub.mode is missing")
    if mode != "subscribe":
        raise PermissionDenied("hub.mode is not 'subscribe'")
    token = _arg(args, "hub.verify_token")
    if not token:
        raise PermissionDenied("hub.verify_token is missing")
    if not hmac.compare_digest(token.encode("utf-8"), verify_token.encode("utf-8")):
        raise PermissionDenied("hub.verify_token does not match")
    challenge = _arg(args, "hub.challenge")
    if not challenge:
        raise PermissionDenied("hub.challenge is missing")
    return challenge


# --------------------------------------------------------------------------- signature


def _secret(app_secret: str) -> bytes:
    if not app_secret:
        raise ConfigError("the Meta app secret is not configured")
    return app_secret.encode("utf-8")


def sign(raw_body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends for this body: ``sha256=<hex>``."""
    digest = hmac.new(_secret(app_secret), bytes(raw_body), hashlib.sha256).hexdigest()
    return _PREFIX + digest


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> None:
    """Check ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body); raise PermissionDenied if bad.

    Only the SHA-256 header is accepted (the legacy SHA-1 ``X-Hub-Signature`` is not). The
    comparison is constant time. Messages name the problem, never the body or the digests.
    """
    key = _secret(app_secret)
    if header is None or not header.strip():
        raise PermissionDenied(f"{SIGNATURE_HEADER} header is missing")
    header = header.strip()
    if not header.startswith(_PREFIX):
        raise PermissionDenied(f"{SIGNATURE_HEADER} does not start with '{_PREFIX}'")
    hex_digest = header[len(_PREFIX):]
    if len(hex_digest) != _SHA256_HEX_LEN:
        raise PermissionDenied(f"{SIGNATURE_HEADER} is not a 64-digit hex SHA-256 digest")
    try:
        given = bytes.fromhex(hex_digest)
    except ValueError:
        raise PermissionDenied(f"{SIGNATURE_HEADER} is not valid hex") from None
    expected = hmac.new(key, bytes(raw_body), hashlib.sha256).digest()
    if not hmac.compare_digest(given, expected):
        raise PermissionDenied(f"{SIGNATURE_HEADER} does not match the body")


# --------------------------------------------------------------------------- parsing helpers


def _obj(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise InputError(f"{path}: expected an object")
    return value


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise InputError(f"{path}: expected a list")
    return value


def _id(value: Any, path: str) -> str:
    """A Graph API id: a non-empty string (a plain integer is tolerated and stringified)."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if value is None:
        raise InputError(f"{path}: missing")
    raise InputError(f"{path}: expected a non-empty id string")


def _opt_id(value: Any, path: str) -> str | None:
    return None if value is None or value == "" else _id(value, path)


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{path}: missing" if value is None else f"{path}: expected an integer")
    if value < 0:
        raise InputError(f"{path}: expected a non-negative integer")
    return value


def _text(value: Any, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{path}: expected a string")
    return value


def _flag(value: Any, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(f"{path}: expected true or false")
    return value


def _ms(value: int) -> int:
    return value * 1000 if value < _SECONDS_BELOW else value


def _sender_id(value: Any, path: str) -> str:
    """``from.id`` of a comment; an absent ``from`` gives "" (Meta omits it in some cases)."""
    if value is None:
        return ""
    return _id(_obj(value, path).get("id"), f"{path}.id")


# --------------------------------------------------------------------------- event parsers


def _messaging_event(platform: str, page_id: str, event: Any, path: str) -> MetaEvent | None:
    event = _obj(event, path)
    if "message" not in event:          # delivery, read, postback, reaction, referral, optin ...
        return None
    message = _obj(event["message"], f"{path}.message")
    if _flag(message.get("is_deleted"), f"{path}.message.is_deleted"):   # an unsent IG DM
        return None
    mid = _id(message.get("mid"), f"{path}.message.mid")
    sender = _id(_obj(event.get("sender"), f"{path}.sender").get("id"), f"{path}.sender.id")
    recipient = _id(
        _obj(event.get("recipient"), f"{path}.recipient").get("id"), f"{path}.recipient.id"
    )
    timestamp = _int(event.get("timestamp"), f"{path}.timestamp")
    text = _text(message.get("text"), f"{path}.message.text")
    is_echo = _flag(message.get("is_echo"), f"{path}.message.is_echo") or sender == page_id
    user = recipient if is_echo else sender
    return MetaEvent(
        platform=platform,
        kind="message",
        surface="private_message",
        message_key=mid,
        thread_key=f"{_PREFIXES[platform]}:dm:{page_id}:{user}",
        sender_id=sender,
        page_id=page_id,
        text=text,
        timestamp_ms=_ms(timestamp),
        is_echo=is_echo,
    )


def _feed_change(page_id: str, entry_time: int | None, value: dict, path: str) -> MetaEvent | None:
    if value.get("item") != "comment" or value.get("verb") != "add":   # edits, removals, posts
        return None
    comment_id = _id(value.get("comment_id"), f"{path}.comment_id")
    post_id = _id(value.get("post_id"), f"{path}.post_id")
    parent_id = _opt_id(value.get("parent_id"), f"{path}.parent_id")
    sender = _sender_id(value.get("from"), f"{path}.from")
    text = _text(value.get("message"), f"{path}.message")
    created = value.get("created_time")
    if created is not None:
        timestamp = _int(created, f"{path}.created_time")
    elif entry_time is not None:
        timestamp = entry_time
    else:
        raise InputError(f"{path}.created_time: missing (and no entry time)")
    return _comment_event("facebook", "fb", page_id, comment_id, post_id, parent_id, sender,
                          text, timestamp)


def _comment_event(platform: str, prefix: str, account_id: str, comment_id: str,
                   post_id: str | None, parent_id: str | None, sender: str, text: str,
                   timestamp: int) -> MetaEvent:
    """A comment as a MetaEvent. Its thread is the top-level comment: a reply's parent,
    unless that "parent" is the post (or media) itself."""
    parent = parent_id if parent_id is not None and parent_id != post_id else None
    return MetaEvent(
        platform=platform,
        kind="comment",
        surface="public_comment",
        message_key=comment_id,
        thread_key=f"{prefix}:comment:{parent or comment_id}",
        sender_id=sender,
        page_id=account_id,
        text=text,
        timestamp_ms=_ms(timestamp),
        is_echo=sender == account_id,
        comment_id=comment_id,
        post_id=post_id,
        parent_id=parent,
    )


def _instagram_comment(
    account_id: str, entry_time: int | None, value: dict, path: str
) -> MetaEvent:
    comment_id = _id(value.get("id"), f"{path}.id")
    media = value.get("media")
    media_id = None if media is None else _opt_id(
        _obj(media, f"{path}.media").get("id"), f"{path}.media.id"
    )
    parent_id = _opt_id(value.get("parent_id"), f"{path}.parent_id")
    sender = _sender_id(value.get("from"), f"{path}.from")
    text = _text(value.get("text"), f"{path}.text")
    if entry_time is None:
        raise InputError(f"{path}: the entry has no time")
    return _comment_event("instagram", "ig", account_id, comment_id, media_id, parent_id, sender,
                          text, entry_time)


def _change(platform: str, page_id: str, entry_time: int | None, change: Any, path: str):
    change = _obj(change, path)
    field = change.get("field")
    if not isinstance(field, str):
        raise InputError(f"{path}.field: expected a string")
    if platform == "facebook" and field == "feed":
        return _feed_change(page_id, entry_time, _obj(change.get("value"), f"{path}.value"),
                            f"{path}.value")
    if platform == "instagram" and field == "comments":
        return _instagram_comment(page_id, entry_time,
                                  _obj(change.get("value"), f"{path}.value"), f"{path}.value")
    return None                          # mention, live_comments, ratings, ... not handled


# --------------------------------------------------------------------------- delivery


def parse_delivery(raw_body: bytes, max_bytes: int = MAX_BODY_BYTES) -> list[MetaEvent]:
    """Every event of one webhook delivery, in order; raise InputError if the body is malformed.

    Call :func:`verify_signature` first. The whole delivery is rejected when any entry or any
    handled event is structurally wrong, so nothing of a malformed delivery is stored.
    """
    if not isinstance(raw_body, (bytes, bytearray, memoryview)):
        raise InputError("body: expected raw bytes")
    size = len(raw_body)
    if size > max_bytes:
        raise InputError(f"body: {size} bytes is over the {max_bytes}-byte limit")
    if size == 0:
        raise InputError("body: empty")
    try:
        payload = json.loads(bytes(raw_body))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"body: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except UnicodeDecodeError:
        raise InputError("body: not valid UTF-8") from None
    except (ValueError, RecursionError):
        raise InputError("body: not valid JSON") from None

    payload = _obj(payload, "body")
    obj = payload.get("object")
    if obj is None:
        raise InputError("object: missing")
    if not isinstance(obj, str) or obj not in _OBJECTS:
        raise InputError("object: unsupported (expected 'page' or 'instagram')")
    platform = _OBJECTS[obj]
    if "entry" not in payload:
        raise InputError("entry: missing")
    entries = _list(payload["entry"], "entry")

    events: list[MetaEvent] = []
    for i, entry in enumerate(entries):
        epath = f"entry[{i}]"
        entry = _obj(entry, epath)
        page_id = _id(entry.get("id"), f"{epath}.id")
        raw_time = entry.get("time")
        entry_time = None if raw_time is None else _int(raw_time, f"{epath}.time")
        for key, value in entry.items():        # keep the order the entry lists them in
            if key == "messaging":
                for j, item in enumerate(_list(value, f"{epath}.messaging")):
                    event = _messaging_event(platform, page_id, item, f"{epath}.messaging[{j}]")
                    if event is not None:
                        events.append(event)
            elif key == "changes":
                for j, item in enumerate(_list(value, f"{epath}.changes")):
                    event = _change(platform, page_id, entry_time, item, f"{epath}.changes[{j}]")
                    if event is not None:
                        events.append(event)
            # "standby" (handover protocol: another app owns the thread) and others: ignored
    return events
