"""The Graph API output side: the four calls the bot makes on a Page or Instagram account.

`GraphApi` is the interface callers depend on; `HttpGraphApi` is the one that talks HTTP,
and tests point it at `tests.fakes.graph_server.FakeGraph`. Errors:

    TriageError
    └── GraphError             a Graph call did not deliver
        ├── GraphRejected      Meta answered 4xx (not retried): carries Meta's code/subcode
        └── GraphUnavailable   5xx / 429 / no connection until the attempts ran out,
                               or a timeout after the request left (outcome unknown)

Retries: 5xx, 429, Meta's throttling codes (4, 17, 32, 613, which arrive as HTTP 400) and
connection failures are retried with exponential backoff (`backoff * 2 ** (attempt - 1)`
seconds, through the injected `sleep`), or after `Retry-After` when Meta sends one (capped
at `max_retry_after`). A read timeout is *not* retried: the request may have been
delivered, so the error says `outcome_unknown` and the outbox hands it to a person rather
than sending twice. The access token travels in the `Authorization: Bearer` header, never
in a URL; with the app secret configured, every call carries `appsecret_proof` (HMAC-SHA256
of the token keyed with the app secret), as Meta recommends for server-side calls. Log
lines carry the operation, status and attempt only.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any, Callable, Dict, Optional, Protocol

import requests

from triage.errors import TriageError
from triage.http_retry import retry_after

__all__ = [
    "FACEBOOK", "INSTAGRAM", "PLATFORMS", "GraphApi", "HttpGraphApi",
    "GraphError", "GraphRejected", "GraphUnavailable", "THROTTLING_CODES",
]

log = logging.getLogger(__name__)

FACEBOOK = "facebook"
INSTAGRAM = "instagram"
PLATFORMS = (FACEBOOK, INSTAGRAM)

# Meta's error codes worth naming (https://developers.facebook.com/docs/messenger-platform/error-codes).
CODE_PERMISSION = 10
SUBCODE_OUTSIDE_WINDOW = 2018278
CODE_USER_UNAVAILABLE = 551
# Rate limits that Meta reports as HTTP 400: application, user, page and custom-level.
THROTTLING_CODES = frozenset({4, 17, 32, 613})


class GraphError(TriageError):
    """A Graph API call did not deliver. Never carries the message text or the token."""

    def __init__(self, operation: str, detail: str, *, status: Optional[int] = None,
                 code: Optional[int] = None, subcode: Optional[int] = None,
                 error_type: Optional[str] = None, fbtrace_id: Optional[str] = None,
                 attempts: int = 1, outcome_unknown: bool = False) -> None:
        self.operation = operation
        # The request may have reached Meta (a timeout after sending): do not resend blindly.
        self.outcome_unknown = outcome_unknown
        self.status = status
        self.code = code
        self.subcode = subcode
        self.error_type = error_type
        self.fbtrace_id = fbtrace_id
        self.attempts = attempts
        super().__init__(" ".join(filter(None, (f"graph {operation}: {detail}", self.codes,
                                                f"attempts={attempts}"))))

    @property
    def codes(self) -> str:
        """Meta's answer as `status=.. code=.. subcode=..` (only the parts it sent)."""
        return " ".join(f"{name}={value}" for name in ("status", "code", "subcode")
                        if (value := getattr(self, name)) is not None)


class GraphRejected(GraphError):
    """Meta refused the call (4xx other than 429); retrying would not help."""

    @property
    def outside_window(self) -> bool:
        """Meta's "message sent outside of allowed window" (code 10, subcode 2018278)."""
        return self.code == CODE_PERMISSION and self.subcode == SUBCODE_OUTSIDE_WINDOW

    @property
    def user_unavailable(self) -> bool:
        """Meta's "this person isn't available right now" (code 551)."""
        return self.code == CODE_USER_UNAVAILABLE


class GraphUnavailable(GraphError):
    """The Graph API kept failing (5xx, 429, throttling, no connection) until the attempts
    ran out, or timed out after sending (`outcome_unknown`)."""


class GraphApi(Protocol):
    """What the bot needs from Meta. Each call returns Meta's id of what it sent or changed."""

    def send_message(self, page_token: Optional[str], recipient_id: str, text: str, *,
                     platform: str, tag: Optional[str] = None) -> str:
        """Send a DM (Messenger or Instagram) to a PSID / IGSID; returns the message id.

        `page_token` overrides the client's access token for this call (one app serving
        several pages); None uses the client's own. `tag` (HUMAN_AGENT) sends a person's
        reply outside the 24-hour window."""

    def reply_to_comment(self, comment_id: str, text: str, *, platform: str) -> str:
        """Reply publicly under a comment; returns the new comment's id."""

    def private_reply(self, comment_id: str, text: str, *, platform: str) -> str:
        """Send the one allowed private reply to a comment's author; returns the message id."""

    def hide_comment(self, comment_id: str, hidden: bool = True, *, platform: str) -> str:
        """Hide (or unhide) a comment; returns the comment id."""


def _check_platform(platform: str) -> None:
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}")


class HttpGraphApi:
    """`GraphApi` over HTTP with retries. `base_url` is e.g. "https://graph.facebook.com"."""

    def __init__(self, base_url: str, page_id: str, access_token: str, *,
                 version: str = "v19.0", session: Optional[requests.Session] = None,
                 sleep: Callable[[float], None] = time.sleep, max_attempts: int = 4,
                 backoff: float = 0.5, timeout: float = 10.0,
                 ig_account_id: Optional[str] = None, app_secret: Optional[str] = None,
                 max_retry_after: float = 60.0) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.page_id = page_id
        self.ig_account_id = ig_account_id or page_id
        self.version = version
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.timeout = timeout
        self._token = access_token
        self._app_secret = app_secret or None
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._http = session or requests.Session()

    def __repr__(self) -> str:  # the token stays out of reprs and tracebacks
        return f"HttpGraphApi(base_url={self.base_url!r}, page_id={self.page_id!r})"

    # -- the four operations -------------------------------------------------------------

    def send_message(self, page_token: Optional[str], recipient_id: str, text: str, *,
                     platform: str, tag: Optional[str] = None) -> str:
        _check_platform(platform)
        body: Dict[str, Any] = {"recipient": {"id": recipient_id}, "message": {"text": text}}
        if tag:
            body["messaging_type"] = "MESSAGE_TAG"
            body["tag"] = tag
        elif platform == FACEBOOK:
            body["messaging_type"] = "RESPONSE"
        data = self._post("send_message", f"/{self._account(platform)}/messages", body,
                          token=page_token)
        return str(data["message_id"])

    def reply_to_comment(self, comment_id: str, text: str, *, platform: str) -> str:
        _check_platform(platform)
        edge = "comments" if platform == FACEBOOK else "replies"
        data = self._post("reply_to_comment", f"/{comment_id}/{edge}", {"message": text})
        return str(data["id"])

    def private_reply(self, comment_id: str, text: str, *, platform: str) -> str:
        _check_platform(platform)
        body = {"recipient": {"comment_id": comment_id}, "message": {"text": text}}
        data = self._post("private_reply", f"/{self._account(platform)}/messages", body)
        return str(data["message_id"])

    def hide_comment(self, comment_id: str, hidden: bool = True, *, platform: str) -> str:
        _check_platform(platform)
        field = "is_hidden" if platform == FACEBOOK else "hide"
        data = self._post("hide_comment", f"/{comment_id}", {field: bool(hidden)})
        if data.get("success") is not True:
            raise GraphRejected("hide_comment", "Meta did not confirm the change", status=200)
        return comment_id

    # -- transport -----------------------------------------------------------------------

    def _account(self, platform: str) -> str:
        return self.page_id if platform == FACEBOOK else self.ig_account_id

    def _delay(self, attempt: int) -> float:
        return self.backoff * (2 ** (attempt - 1))

    def _params(self, token: str) -> Dict[str, str]:
        if not self._app_secret:
            return {}
        proof = hmac.new(self._app_secret.encode("utf-8"), token.encode("utf-8"),
                         hashlib.sha256).hexdigest()
        return {"appsecret_proof": proof}

    def _post(self, operation: str, path: str, body: Dict[str, Any], *,
              token: Optional[str] = None) -> Dict[str, Any]:
        url = f"{self.base_url}/{self.version}{path}"
        token = token or self._token
        headers = {"Authorization": f"Bearer {token}"}
        params = self._params(token)
        last: Optional[GraphUnavailable] = None
        wait: Optional[float] = None
        for attempt in range(1, self.max_attempts + 1):
            if attempt > 1:
                self._sleep(wait if wait is not None else self._delay(attempt - 1))
            wait = None
            try:
                resp = self._http.post(url, json=body, headers=headers, params=params,
                                       timeout=self.timeout)
            except requests.ConnectionError as exc:  # includes ConnectTimeout: nothing was sent
                log.warning("graph.call op=%s status=%s attempt=%d", operation,
                            type(exc).__name__, attempt)
                last = GraphUnavailable(operation, "no connection", attempts=attempt)
                continue
            except requests.Timeout:  # read timeout: the request may have been delivered
                log.error("graph.call op=%s status=ReadTimeout attempt=%d", operation, attempt)
                raise GraphUnavailable(operation, "timed out after sending; outcome unknown",
                                       attempts=attempt, outcome_unknown=True) from None
            except requests.RequestException as exc:
                log.error("graph.call op=%s status=%s attempt=%d", operation,
                          type(exc).__name__, attempt)
                raise GraphUnavailable(operation, f"request failed ({type(exc).__name__})",
                                       attempts=attempt) from None

            status = resp.status_code
            if status < 400:
                log.info("graph.call op=%s status=%d attempt=%d", operation, status, attempt)
                try:
                    data = resp.json()
                except ValueError:
                    raise GraphUnavailable(operation, "response was not JSON", status=status,
                                           attempts=attempt) from None
                return data if isinstance(data, dict) else {}

            err = _meta_error(resp)
            if status == 429 or status >= 500 or err["code"] in THROTTLING_CODES:
                log.warning("graph.call op=%s status=%d attempt=%d code=%s", operation, status,
                            attempt, err["code"])
                last = GraphUnavailable(operation, "gave up after retries", status=status,
                                        attempts=attempt, **err)
                wait = retry_after(resp, self.max_retry_after)
                continue
            log.error("graph.call op=%s status=%d attempt=%d code=%s subcode=%s", operation,
                      status, attempt, err["code"], err["subcode"])
            raise GraphRejected(operation, "rejected", status=status, attempts=attempt, **err)
        assert last is not None
        raise last


def _meta_error(resp: requests.Response) -> Dict[str, Any]:
    """Meta's `{"error": {...}}` fields we keep (not `message`: it may quote user input)."""
    try:
        error = resp.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    if not isinstance(error, dict):
        error = {}

    def _int(value: Any) -> Optional[int]:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    return {"code": _int(error.get("code")), "subcode": _int(error.get("error_subcode")),
            "error_type": error.get("type") if isinstance(error.get("type"), str) else None,
            "fbtrace_id": error.get("fbtrace_id") if isinstance(error.get("fbtrace_id"), str)
            else None}
