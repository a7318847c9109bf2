"""The moderators' portal (sanic): `create_app(PortalConfig)`, and `serve(settings)` to run it."""

from __future__ import annotations

import logging
import os
import secrets

from triage.portal.app import PortalConfig, create_app
from triage.portal.auth import SessionCodec

__all__ = ["PortalConfig", "create_app", "config_from_settings", "serve"]


def config_from_settings(settings, environ=os.environ) -> PortalConfig:
    from triage.queue import QueueRepository, create_schema, make_engine
    from triage.replies import load_library

    engine = make_engine(settings.database_url)
    create_schema(engine)
    secret = environ.get("TRIAGE_PORTAL_SECRET") or secrets.token_urlsafe(32)
    idle = int(environ.get("TRIAGE_PORTAL_IDLE_MINUTES", "15")) * 60
    outbound = None
    if environ.get("TRIAGE_RASA_URL") and environ.get("TRIAGE_RASA_TOKEN"):
        from triage.outbound import RasaOutbound

        outbound = RasaOutbound(environ["TRIAGE_RASA_URL"], environ["TRIAGE_RASA_TOKEN"])
    return PortalConfig(
        repository=QueueRepository(engine),
        library=load_library(settings.templates_path),
        codec=SessionCodec(secret, idle_seconds=idle),
        template_variables=settings.template_variables(),
        org_name=settings.org_name,
        # Browsers keep Secure cookies on http://localhost; set 0 only behind plain HTTP elsewhere.
        secure_cookies=environ.get("TRIAGE_PORTAL_SECURE_COOKIES", "1") != "0",
        outbound=outbound,
    )


def serve(settings, host: str = "127.0.0.1", port: int = 8080) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(config_from_settings(settings))
    app.run(host=host, port=port, workers=1, access_log=False)
