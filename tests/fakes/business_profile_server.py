"""A fake Google Business Profile API and OAuth2 token endpoint, on 127.0.0.1 in a thread.

It keeps reviews per location, answers the calls the service makes as Google documents them
(paged review lists newest update first, one review, PUT of the one reply), hands out access
tokens for the configured refresh token, records every request and fails on demand:

    fake = FakeBusinessProfile(refresh_token="r").start()
    fake.add_review("accounts/1/locations/2", "abc", "ONE", "the wait was awful")
    fake.fail_next(1, status=429, path="/v4/")     # one 429, then success
    fake.revoke_tokens()                             # the next call gets 401
    fake.calls   # [Call(method="GET", path="/v4/accounts/1/locations/2/reviews", ...)]

`push_body(...)` builds the Pub/Sub push Google's notifications arrive in.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import itertools
import json
import re
import threading
from typing import Any, Dict, List, Optional

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from tests.fakes.threaded import ThreadedServer

__all__ = ["Call", "FakeBusinessProfile", "push_body"]

_names = itertools.count(1)
_LIST = re.compile(r"^/v4/(accounts/[^/]+/locations/[^/]+)/reviews$")
_ONE = re.compile(r"^/v4/(accounts/[^/]+/locations/[^/]+/reviews/[^/]+)$")
_REPLY = re.compile(r"^/v4/(accounts/[^/]+/locations/[^/]+/reviews/[^/]+)/reply$")
_STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                 503: "UNAVAILABLE"}


@dataclasses.dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: Dict[str, str]
    json: Any
    token: Optional[str]
    status: int


@dataclasses.dataclass
class _Failure:
    prefix: str
    status: int
    remaining: int
    retry_after: Optional[str]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def push_body(kind: str, review_name: str, message_id: str) -> bytes:
    """A Pub/Sub push of a Business Profile review notification."""
    location = review_name.rsplit("/reviews/", 1)[0]
    data = {"type": kind, "reviewName": review_name, "locationName": location}
    return json.dumps({"message": {
        "data": base64.b64encode(json.dumps(data).encode()).decode(), "messageId": message_id,
        "publishTime": _now(), "attributes": {}},
        "subscription": "projects/demo/subscriptions/reviews-push"}).encode()


class FakeBusinessProfile(ThreadedServer):
    def __init__(self, refresh_token: str = "refresh-token", client_id: str = "client-id",
                 client_secret: str = "client-secret") -> None:
        self.refresh_token, self.client_id, self.client_secret = (refresh_token, client_id,
                                                                  client_secret)
        self._lock = threading.Lock()
        self._reviews: Dict[str, Dict[str, Dict[str, Any]]] = {}
        self._tokens: set = set()
        self._token_ids = itertools.count(1)
        self._calls: List[Call] = []
        self._failures: List[_Failure] = []
        super().__init__("fake-business-profile", self._build_app())

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    # -- state -------------------------------------------------------------------------
    def add_review(self, location: str, review_id: str, stars: str, comment: Optional[str],
                   when: Optional[str] = None) -> str:
        name = f"{location}/reviews/{review_id}"
        when = when or _now()
        review = {"name": name, "reviewId": review_id, "starRating": stars,
                  "reviewer": {"displayName": "A Reviewer", "isAnonymous": False},
                  "createTime": when, "updateTime": when}
        if comment is not None:
            review["comment"] = comment
        with self._lock:
            self._reviews.setdefault(location, {})[name] = review
        return name

    def edit_review(self, name: str, stars: str, comment: Optional[str],
                    when: Optional[str] = None) -> None:
        location = name.rsplit("/reviews/", 1)[0]
        with self._lock:
            review = self._reviews[location][name]
            review["starRating"] = stars
            review.pop("comment", None)
            if comment is not None:
                review["comment"] = comment
            review["updateTime"] = when or _now()

    def review(self, name: str) -> Dict[str, Any]:
        location = name.rsplit("/reviews/", 1)[0]
        with self._lock:
            return json.loads(json.dumps(self._reviews[location][name]))

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def fail_next(self, n: int, status: int = 500, *, path: str = "",
                  retry_after: Optional[str] = None) -> None:
        with self._lock:
            self._failures.append(_Failure(path, status, n, retry_after))

    @property
    def calls(self) -> List[Call]:
        with self._lock:
            return list(self._calls)

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    # -- the app -----------------------------------------------------------------------
    def _build_app(self) -> Sanic:
        app = Sanic(f"fake_business_profile_{next(_names)}", configure_logging=False)

        @app.route("/<rest:path>", methods=["GET", "POST", "PUT"], name="any")
        async def any_call(request: Request, rest: str = "") -> HTTPResponse:
            status, body, headers = self._handle(request)
            return json_response(body, status=status, headers=headers)

        return app

    def _record(self, request: Request, token: Optional[str], status: int) -> None:
        try:
            body = request.json if request.body else None
        except Exception:  # noqa: BLE001 - a form or a bad body
            body = None
        with self._lock:
            self._calls.append(Call(request.method, request.path,
                                    {k: v[0] for k, v in request.args.items()}, body, token,
                                    status))

    def _take_failure(self, path: str) -> Optional[_Failure]:
        with self._lock:
            for failure in self._failures:
                if path.startswith(failure.prefix):
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        self._failures.remove(failure)
                    return failure
        return None

    def _handle(self, request: Request):
        path = request.path
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        failure = self._take_failure(path)
        if failure is not None:
            self._record(request, token, failure.status)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            return failure.status, _error(failure.status), headers
        if path == "/token" and request.method == "POST":
            status, body = self._token(request)
        elif token is None or token not in self._tokens:
            status, body = 401, _error(401)
        else:
            status, body = self._api(request)
        self._record(request, token, status)
        return status, body, {}

    def _token(self, request: Request):
        form = {k: v[0] for k, v in (request.form or {}).items()}
        if (form.get("grant_type") != "refresh_token" or form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("refresh_token") != self.refresh_token:
            return 400, {"error": "invalid_grant"}
        token = f"access-{next(self._token_ids)}"
        with self._lock:
            self._tokens.add(token)
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer",
                     "scope": "https://www.googleapis.com/auth/business.manage"}

    def _api(self, request: Request):
        path = request.path
        if request.method == "GET" and (m := _LIST.match(path)):
            return 200, self._page(m.group(1), request)
        if request.method == "GET" and (m := _ONE.match(path)):
            location = m.group(1).rsplit("/reviews/", 1)[0]
            with self._lock:
                review = self._reviews.get(location, {}).get(m.group(1))
            return (200, review) if review else (404, _error(404))
        if request.method == "PUT" and (m := _REPLY.match(path)):
            comment = (request.json or {}).get("comment") if request.body else None
            if not isinstance(comment, str) or not comment or len(comment) > 4096:
                return 400, _error(400)
            location = m.group(1).rsplit("/reviews/", 1)[0]
            with self._lock:
                review = self._reviews.get(location, {}).get(m.group(1))
                if review is None:
                    return 404, _error(404)
                review["reviewReply"] = {"comment": comment, "updateTime": _now()}
                return 200, dict(review["reviewReply"])
        return 404, _error(404)

    def _page(self, location: str, request: Request) -> Dict[str, Any]:
        size = max(1, min(int(request.args.get("pageSize", 50)), 50))
        start = int(request.args.get("pageToken") or 0)
        with self._lock:
            reviews = sorted(self._reviews.get(location, {}).values(),
                             key=lambda r: r["updateTime"], reverse=True)
            page = json.loads(json.dumps(reviews[start:start + size]))
        body: Dict[str, Any] = {"reviews": page, "totalReviewCount": len(reviews)}
        if start + size < len(reviews):
            body["nextPageToken"] = str(start + size)
        return body


def _error(status: int) -> Dict[str, Any]:
    return {"error": {"code": status, "message": "fake error",
                      "status": _STATUS_NAMES.get(status, "UNKNOWN")}}


DEMO_LOCATION = "accounts/100/locations/200"
_DEMO_REVIEWS = [
    ("FIVE", "The maternity ward nurses were wonderful, thank you all."),
    ("ONE", "Three hours in the waiting room and nobody could tell us anything. Terrible."),
    ("TWO", None),
    ("FOUR", "Clean, quick, friendly. Parking is a nightmare though."),
    ("ONE", "They lost my husband Tom Reyes's MRI results twice, call me 555-201-7788"),
]


def _demo(argv: List[str]) -> None:  # pragma: no cover - the README's demo
    """python -m tests.fakes.business_profile_server [PORT] [PUSH_URL]: a stand-in for Google
    that prints every call; each line typed ("2 the wait was long") adds a review and, with
    PUSH_URL, pushes its notification there as Pub/Sub would."""
    import sys
    import time
    import urllib.request

    fake = FakeBusinessProfile(refresh_token="demo-refresh", client_id="demo-client",
                               client_secret="demo-secret")
    if argv:
        fake.port = int(argv[0])
    push_url = argv[1] if len(argv) > 1 else None
    fake.start()
    for n, (stars, text) in enumerate(_DEMO_REVIEWS):
        fake.add_review(DEMO_LOCATION, f"demo{n}", stars, text)
    print(f"fake Business Profile API at {fake.url}, token endpoint {fake.token_url}\n"
          f"location {DEMO_LOCATION} with {len(_DEMO_REVIEWS)} reviews; type '1-5 text' to "
          "add one (Ctrl-D to stop)", flush=True)
    names = ("ONE", "TWO", "THREE", "FOUR", "FIVE")
    seen, added = 0, itertools.count(len(_DEMO_REVIEWS))

    def show() -> None:
        nonlocal seen
        for call in fake.calls[seen:]:
            print(f"{call.status} {call.method} {call.path}"
                  + (f"  reply: {call.json['comment']}" if call.method == "PUT" and call.json
                     else ""), flush=True)
        seen = len(fake.calls)

    threading.Thread(target=lambda: [time.sleep(0.5) or show() for _ in iter(int, 1)],
                     daemon=True).start()
    for line in sys.stdin:
        stars, _, text = line.strip().partition(" ")
        if stars not in "12345" or not stars:
            print("type the stars (1-5), a space and the review text", flush=True)
            continue
        name = fake.add_review(DEMO_LOCATION, f"demo{next(added)}", names[int(stars) - 1],
                               text or None)
        print(f"added {name}", flush=True)
        if push_url:
            request = urllib.request.Request(push_url, data=push_body("NEW_REVIEW", name, name),
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as resp:
                print(f"pushed: {resp.status}", flush=True)
    fake.stop()


if __name__ == "__main__":  # pragma: no cover
    import sys

    _demo(sys.argv[1:])
