"""The Google Business Profile calls the service makes: list and read reviews, reply to one.

`HttpBusinessProfileApi` talks HTTP (tests point it at `tests.fakes.business_profile_server`).
Errors, as in `triage.graph`:

    TriageError
    └── GoogleError             a call did not deliver
        ├── GoogleRejected      Google answered 4xx (not retried): carries Google's status name
        │   └── GoogleAuthError the refresh token was refused, or a fresh token still got 401
        └── GoogleUnavailable   5xx / 429 / no connection / a timeout until the attempts ran out

Access tokens come from the configured OAuth2 refresh token (`grant_type=refresh_token`), are
kept until a minute before they expire, and are refreshed once when a call gets 401. 429 and
5xx are retried with exponential backoff, or after `Retry-After` (capped). A reply is a PUT
that replaces the review's one reply, so repeating it after a timeout cannot post twice; reads
are safe to repeat too. Log lines carry the operation, status and attempt only: never a
review's text, a token or a secret.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Dict, Iterator, Optional, Protocol

import requests

from triage.errors import InputError, TriageError
from triage.http_retry import retry_after
from triage.google.reviews import (MAX_REPLY_CHARS, Review, ReviewsPage, parse_review,
                                   parse_reviews_page)

__all__ = ["BusinessProfileApi", "GoogleAuthError", "GoogleError", "GoogleRejected",
           "GoogleUnavailable", "HttpBusinessProfileApi", "OAuthCredentials"]

log = logging.getLogger(__name__)

API_URL = "https://mybusiness.googleapis.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/business.manage"


class GoogleError(TriageError):
    """A Business Profile call did not deliver. Never carries review text or a token."""

    def __init__(self, operation: str, detail: str, *, status: Optional[int] = None,
                 reason: Optional[str] = None, attempts: int = 1) -> None:
        self.operation, self.status, self.reason = operation, status, reason
        self.attempts = attempts
        bits = [f"status={status}" if status is not None else "", reason or "",
                f"attempts={attempts}"]
        super().__init__(f"{operation}: {detail} ({', '.join(b for b in bits if b)})")


class GoogleRejected(GoogleError):
    """Google refused the call (4xx other than 429); retrying would not help."""


class GoogleAuthError(GoogleRejected):
    """The refresh token was refused, or a freshly refreshed token was refused too."""


class GoogleUnavailable(GoogleError):
    """Google kept failing (5xx, 429, no connection, timeouts) until the attempts ran out."""


class BusinessProfileApi(Protocol):
    def list_reviews(self, location: str, page_token: Optional[str] = None,
                     page_size: int = 50) -> ReviewsPage:
        """One page of a location's reviews, newest update first."""

    def iter_reviews(self, location: str) -> Iterator[Review]:
        """Every review of a location, page after page, newest update first."""

    def get_review(self, name: str) -> Review:
        """One review by its name (what a notification gives)."""

    def put_reply(self, review_name: str, text: str) -> str:
        """Post or replace the business's reply; returns the reply's updateTime."""


class OAuthCredentials:
    """An OAuth2 client and its refresh token; hands out access tokens, refreshed as needed."""

    def __init__(self, client_id: str, client_secret: str, refresh_token: str, *,
                 token_url: str = TOKEN_URL, session: Optional[requests.Session] = None,
                 clock: Callable[[], float] = time.monotonic, timeout: float = 10.0) -> None:
        self._client_id, self._client_secret = client_id, client_secret
        self._refresh_token = refresh_token
        self.token_url = token_url
        self._http = session or requests.Session()
        self._clock = clock
        self._timeout = timeout
        self._token: Optional[str] = None
        self._expires = 0.0
        self._lock = threading.Lock()
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"OAuthCredentials(token_url={self.token_url!r})"

    def token(self, *, fresh: bool = False) -> str:
        with self._lock:
            if fresh or self._token is None or self._clock() >= self._expires - 60:
                self._refresh()
            assert self._token is not None
            return self._token

    def _refresh(self) -> None:
        body = {"grant_type": "refresh_token", "refresh_token": self._refresh_token,
                "client_id": self._client_id, "client_secret": self._client_secret}
        try:
            resp = self._http.post(self.token_url, data=body, timeout=self._timeout)
        except requests.RequestException as exc:
            raise GoogleUnavailable("refresh_token", f"no answer ({type(exc).__name__})") from None
        if resp.status_code >= 500 or resp.status_code == 429:
            raise GoogleUnavailable("refresh_token", "token endpoint failed",
                                    status=resp.status_code)
        try:
            data = resp.json()
        except ValueError:
            data = {}
        if resp.status_code >= 400 or not isinstance(data.get("access_token"), str):
            reason = data.get("error") if isinstance(data.get("error"), str) else None
            log.error("google.token status=%d reason=%s", resp.status_code, reason)
            raise GoogleAuthError("refresh_token", "the refresh token was refused",
                                  status=resp.status_code, reason=reason)
        self._token = data["access_token"]
        try:
            lifetime = float(data.get("expires_in", 3600))
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._expires = self._clock() + lifetime
        self.refreshes += 1
        log.info("google.token refreshed expires_in=%d", lifetime)


class HttpBusinessProfileApi:
    """`BusinessProfileApi` over HTTP with retries."""

    def __init__(self, credentials: OAuthCredentials, *, base_url: str = API_URL,
                 session: Optional[requests.Session] = None,
                 sleep: Callable[[float], None] = time.sleep, max_attempts: int = 4,
                 backoff: float = 0.5, timeout: float = 10.0,
                 max_retry_after: float = 60.0) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self._credentials = credentials
        self._http = session or requests.Session()
        self._sleep = sleep
        self.max_attempts, self.backoff, self.timeout = max_attempts, backoff, timeout
        self.max_retry_after = max_retry_after

    def __repr__(self) -> str:
        return f"HttpBusinessProfileApi(base_url={self.base_url!r})"

    # -- the calls -----------------------------------------------------------------------
    def list_reviews(self, location: str, page_token: Optional[str] = None,
                     page_size: int = 50) -> ReviewsPage:
        params: Dict[str, Any] = {"pageSize": page_size, "orderBy": "updateTime desc"}
        if page_token:
            params["pageToken"] = page_token
        data = self._call("list_reviews", "GET", f"/v4/{location}/reviews", params=params)
        return parse_reviews_page(data)

    def iter_reviews(self, location: str) -> Iterator[Review]:
        """Every review of a location, page after page, newest update first."""
        token: Optional[str] = None
        while True:
            page = self.list_reviews(location, token)
            yield from page.reviews
            if not page.next_page_token:
                return
            token = page.next_page_token

    def get_review(self, name: str) -> Review:
        return parse_review(self._call("get_review", "GET", f"/v4/{name}"))

    def put_reply(self, review_name: str, text: str) -> str:
        if not text.strip() or len(text) > MAX_REPLY_CHARS:
            raise InputError(f"a review reply must be 1 to {MAX_REPLY_CHARS} characters")
        data = self._call("put_reply", "PUT", f"/v4/{review_name}/reply", body={"comment": text})
        return str(data.get("updateTime") or "")

    # -- transport -----------------------------------------------------------------------
    def _call(self, operation: str, method: str, path: str, *,
              params: Optional[Dict[str, Any]] = None,
              body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        url = self.base_url + path
        refresh = _OneRefresh(self._credentials)
        last: Optional[GoogleError] = None
        wait = 0.0
        for attempt in range(1, self.max_attempts + 1):
            if attempt > 1:
                self._sleep(wait)
            wait = self.backoff * (2 ** (attempt - 1))
            try:
                resp = self._send(method, url, params, body, refresh.token())
                if resp.status_code == 401 and refresh.allowed():
                    # The token may have been revoked or expired early: one fresh one, once
                    # per call, and the same attempt again.
                    log.warning("google.call op=%s status=401 attempt=%d: refreshing the token",
                                operation, attempt)
                    resp = self._send(method, url, params, body, refresh.fresh())
            except requests.RequestException as exc:
                log.warning("google.call op=%s status=%s attempt=%d", operation,
                            type(exc).__name__, attempt)
                last = GoogleUnavailable(operation, "no answer", attempts=attempt)
                continue
            status = resp.status_code
            if status < 400:
                log.info("google.call op=%s status=%d attempt=%d", operation, status, attempt)
                try:
                    data = resp.json()
                except ValueError:
                    raise GoogleUnavailable(operation, "response was not JSON", status=status,
                                            attempts=attempt) from None
                return data if isinstance(data, dict) else {}
            reason = _google_reason(resp)
            if status == 429 or status >= 500:
                log.warning("google.call op=%s status=%d attempt=%d", operation, status, attempt)
                last = GoogleUnavailable(operation, "gave up after retries", status=status,
                                         reason=reason, attempts=attempt)
                wait = retry_after(resp, self.max_retry_after) or wait
                continue
            log.error("google.call op=%s status=%d attempt=%d reason=%s", operation, status,
                      attempt, reason)
            error = GoogleAuthError if status == 401 else GoogleRejected
            raise error(operation, "rejected", status=status, reason=reason, attempts=attempt)
        assert last is not None
        raise last

    def _send(self, method: str, url: str, params: Optional[Dict[str, Any]],
              body: Optional[Dict[str, Any]], token: str) -> requests.Response:
        return self._http.request(method, url, params=params, json=body,
                                  headers={"Authorization": f"Bearer {token}"},
                                  timeout=self.timeout)


class _OneRefresh:
    """The access token for one call, refreshed at most once in it."""

    def __init__(self, credentials: OAuthCredentials) -> None:
        self._credentials = credentials
        self._refreshed = False

    def token(self) -> str:
        return self._credentials.token()

    def allowed(self) -> bool:
        return not self._refreshed

    def fresh(self) -> str:
        self._refreshed = True
        return self._credentials.token(fresh=True)


def _google_reason(resp: requests.Response) -> Optional[str]:
    """Google's `error.status` (e.g. "PERMISSION_DENIED"); not `message`, which may quote input."""
    try:
        error = resp.json().get("error") or {}
    except (ValueError, AttributeError):
        return None
    status = error.get("status") if isinstance(error, dict) else None
    return status if isinstance(status, str) else None
