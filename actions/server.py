"""Run the action server: loopback only, shared-secret checked, no request echo.

rasa-sdk 3.6 has no authentication and its 500 handler echoes the request body
(the whole tracker, user text included), so we wrap its app instead of using
`rasa run actions`. Usage: python -m actions.server [--port 5055]
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
from typing import Optional

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request

from triage.errors import ConfigError, TriageError
from triage.settings import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Triage-Action-Secret"


def create_app(secret: Optional[str]) -> Sanic:
    """The rasa-sdk app plus a secret check on every request but /health."""
    app = create_sdk_app("actions", cors_origins=None)

    @app.middleware("request")
    async def check_secret(request: Request):
        if request.path == "/health" or secret is None:
            return None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return response.json({"error": "forbidden"}, status=403)
        return None

    async def no_echo(request: Request, exception: Exception):
        # Our own errors name ids and fields, never user text, so their message is safe to log.
        detail = f" detail={exception}" if isinstance(exception, TriageError) else ""
        log.error("action_server.error path=%s error=%s%s", request.path,
                  type(exception).__name__, detail)
        return response.json({"error": "action server error"}, status=500)

    app.error_handler.add(Exception, no_echo)
    return app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="inbox-triage action server")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        secret = Settings.from_env(os.environ).action_secret
    except ConfigError as exc:
        raise SystemExit(f"error: {exc}") from None
    if secret is None:
        log.warning("action_server.no_secret: TRIAGE_ACTION_SECRET is unset; loopback only")
    app = create_app(secret)
    app.run(host=args.host, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
