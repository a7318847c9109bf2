"""The moderators' portal (sanic): `create_app(PortalConfig)`, and `serve(settings)` to run it."""

from __future__ import annotations

import logging
import secrets

from triage.portal.app import PortalConfig, create_app
from triage.portal.auth import SessionCodec
from triage.settings import Settings

__all__ = ["PortalConfig", "create_app", "config_from_settings", "serve"]


def config_from_settings(settings: Settings) -> PortalConfig:
    from triage.service import build_services

    services = build_services(settings)
    secret = settings.portal_secret or secrets.token_urlsafe(32)
    outbound = None
    if settings.rasa_url and settings.rasa_token:
        from triage.outbound import RasaOutbound

        outbound = RasaOutbound(settings.rasa_url, settings.rasa_token)
    return PortalConfig(
        repository=services.repository,
        library=services.library,
        codec=SessionCodec(secret, idle_seconds=settings.portal_idle_minutes * 60),
        template_variables=settings.template_variables(),
        org_name=settings.org_name,
        secure_cookies=settings.portal_secure_cookies,
        outbound=outbound,
        channel_rules=services.taxonomy.channel,
    )


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8080) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(config_from_settings(settings))
    app.run(host=host, port=port, workers=1, access_log=False)
