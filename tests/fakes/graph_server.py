"""A fake Meta Graph API: a small sanic app on 127.0.0.1, in a background thread.

It answers the calls the bot makes with Meta-shaped JSON, records every request, and fails
on demand (per path prefix, matched on the path after the version, e.g. "/PAGE/messages"):

    graph = FakeGraph(access_token="t").start()
    graph.fail_next(2, status=500, path="/PAGE/messages")   # two 500s, then success
    graph.fail_with(status=400, code=10, subcode=2018278)   # every call, until cleared
    ...
    graph.calls  # [Call(method="POST", path="/PAGE/messages", json={...}, ...)]
    graph.stop()
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import itertools
import json
import re
import threading
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qsl

from sanic import Sanic

from tests.fakes.threaded import ThreadedServer
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

__all__ = ["Call", "FakeGraph"]

_names = itertools.count(1)
_VERSION = re.compile(r"^/(v\d+\.\d+)(/.*)?$")

_DEFAULT_ERRORS = {
    # status: (code, type, message), as Meta sends them
    500: (2, "OAuthException", "An unexpected error has occurred. Please retry your request later."),
    503: (2, "OAuthException", "Service temporarily unavailable"),
    429: (4, "OAuthException", "(#4) Application request limit reached"),
    400: (100, "OAuthException", "(#100) Invalid parameter"),
    403: (200, "OAuthException", "(#200) Permissions error"),
}
_MESSAGES = {
    (10, 2018278): "(#10) This message is sent outside of allowed window.",
    (551, None): "(#551) This person isn't available right now.",
    (190, None): "Invalid OAuth access token.",
}


@dataclasses.dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    path: str                   # after the version: "/123/messages"
    version: Optional[str]      # "v19.0"
    query: Dict[str, str]
    json: Any                   # the JSON body, or None
    form: Optional[Dict[str, str]]
    token: Optional[str]        # from `Authorization: Bearer` or `access_token=`
    status: int                 # what the fake answered


@dataclasses.dataclass
class _Failure:
    prefix: str
    status: int
    code: int
    subcode: Optional[int]
    error_type: str
    message: str
    remaining: Optional[int]    # None: until cleared
    retry_after: Optional[str] = None


class FakeGraph(ThreadedServer):
    def __init__(self, access_token: Optional[str] = None,
                 app_secret: Optional[str] = None) -> None:
        self.access_token = access_token  # when set, other tokens get Meta's code 190
        # When set, a call without the right appsecret_proof gets Meta's code 100.
        self.app_secret = app_secret
        self._lock = threading.Lock()
        self._calls: List[Call] = []
        self._failures: List[_Failure] = []
        self._ids = itertools.count(1)
        super().__init__("fake-graph", self._build_app())

    # -- failures and records ------------------------------------------------------------

    def fail_next(self, n: int, status: int = 500, *, path: str = "", code: Optional[int] = None,
                  subcode: Optional[int] = None, retry_after: Optional[str] = None) -> None:
        """The next `n` calls under `path` get `status` with a Meta error body (and a
        `Retry-After` header when given)."""
        self._add_failure(path, status, code, subcode, n, retry_after)

    def fail_with(self, status: int = 400, code: Optional[int] = 10,
                  subcode: Optional[int] = 2018278, *, path: str = "",
                  times: Optional[int] = None) -> None:
        """Calls under `path` fail with this status and Meta code/subcode (until cleared)."""
        self._add_failure(path, status, code, subcode, times)

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._calls.clear()

    @property
    def calls(self) -> List[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, prefix: str) -> List[Call]:
        return [c for c in self.calls if c.path.startswith(prefix)]

    def _add_failure(self, prefix: str, status: int, code: Optional[int],
                     subcode: Optional[int], remaining: Optional[int],
                     retry_after: Optional[str] = None) -> None:
        default_code, error_type, message = _DEFAULT_ERRORS.get(
            status, (1, "OAuthException", "An unknown error occurred"))
        code = default_code if code is None else code
        message = _MESSAGES.get((code, subcode)) or _MESSAGES.get((code, None)) or message
        with self._lock:
            self._failures.append(_Failure(prefix, status, code, subcode, error_type, message,
                                           remaining, retry_after))

    def _take_failure(self, path: str) -> Optional[_Failure]:
        with self._lock:
            for failure in self._failures:
                if path.startswith(failure.prefix):
                    if failure.remaining is not None:
                        failure.remaining -= 1
                        if failure.remaining <= 0:
                            self._failures.remove(failure)
                    return failure
        return None

    # -- the app -------------------------------------------------------------------------

    def _build_app(self) -> Sanic:
        app = Sanic(f"fake_graph_{next(_names)}", configure_logging=False)

        @app.route("/", methods=["GET", "POST", "DELETE"], name="root")
        @app.route("/<rest:path>", methods=["GET", "POST", "DELETE"], name="any")
        async def any_call(request: Request, rest: str = "") -> HTTPResponse:
            return self._handle(request)

        return app

    def _handle(self, request: Request) -> HTTPResponse:
        match = _VERSION.match(request.path)
        version, path = (match.group(1), match.group(2) or "/") if match else (None, request.path)
        query = dict(parse_qsl(request.query_string, keep_blank_values=True))
        body_json, form = _body(request)
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else query.get("access_token")

        headers = {}
        if self.access_token is not None and token != self.access_token:
            status, payload = 400, _error(190, None, "OAuthException", _MESSAGES[(190, None)])
        elif self.app_secret is not None and query.get("appsecret_proof") != hmac.new(
                self.app_secret.encode(), (token or "").encode(), hashlib.sha256).hexdigest():
            status, payload = 400, _error(100, None, "GraphMethodException",
                                          "Invalid appsecret_proof provided in the API argument")
        elif (failure := self._take_failure(path)) is not None:
            status = failure.status
            payload = _error(failure.code, failure.subcode, failure.error_type, failure.message)
            if failure.retry_after is not None:
                headers["Retry-After"] = failure.retry_after
        else:
            status, payload = self._answer(request.method, path, body_json or form or {})

        with self._lock:
            self._calls.append(Call(request.method, path, version, query, body_json, form,
                                    token, status))
        return json_response(payload, status=status, headers=headers)

    def _answer(self, method: str, path: str, body: Dict[str, Any]):
        parts = [p for p in path.split("/") if p]
        n = next(self._ids)
        if method == "POST" and len(parts) == 2 and parts[1] == "messages":
            recipient = body.get("recipient") or {}
            if isinstance(recipient, str):  # form-encoded JSON
                recipient = json.loads(recipient)
            if "id" in recipient:
                return 200, {"recipient_id": recipient["id"], "message_id": f"m_fake{n}"}
            if "comment_id" in recipient:
                return 200, {"recipient_id": f"psid_of_{recipient['comment_id']}",
                             "message_id": f"m_fake{n}"}
            return 400, _error(100, None, "OAuthException", "(#100) param recipient must be set")
        if method == "POST" and len(parts) == 2 and parts[1] in ("comments", "replies"):
            if not body.get("message"):
                return 400, _error(100, None, "OAuthException", "(#100) message is required")
            return 200, {"id": f"{parts[0]}_{n}"}
        if method == "POST" and len(parts) == 1 and ("is_hidden" in body or "hide" in body):
            return 200, {"success": True}
        if method == "GET" and len(parts) == 1:
            return 200, {"id": parts[0]}
        return 400, _error(100, 33, "GraphMethodException",
                           f"Unsupported {method.lower()} request.")


def _body(request: Request):
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            return json.loads(request.body or b"null"), None
        except ValueError:
            return None, None
    if request.body:
        return None, {k: v for k, v in parse_qsl(request.body.decode("utf-8", "replace"))}
    return None, None


def _error(code: int, subcode: Optional[int], error_type: str, message: str) -> Dict[str, Any]:
    error: Dict[str, Any] = {"message": message, "type": error_type, "code": code,
                             "fbtrace_id": "AFakeTraceId"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


if __name__ == "__main__":  # pragma: no cover
    # A local stand-in for graph.facebook.com, for the demo in the README:
    #   python -m tests.fakes.graph_server [PORT]   (prints each call it receives)
    import sys
    import time

    fake = FakeGraph()
    if len(sys.argv) > 1:
        fake.port = int(sys.argv[1])
    fake.start()
    print(f"fake Graph API at {fake.url}  (Ctrl-C to stop)", flush=True)
    seen = 0
    try:
        while True:
            time.sleep(0.5)
            for call in fake.calls[seen:]:
                print(f"{call.status} {call.method} {call.path}", flush=True)
            seen = len(fake.calls)
    except KeyboardInterrupt:
        fake.stop()
