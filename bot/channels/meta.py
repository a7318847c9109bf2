"""Meta webhooks: Facebook Page (Messenger DMs, feed comments) and Instagram (DMs, comments).

Unlike Rasa 3.6's `facebook` connector, this channel:
- checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body, constant time) and answers
  403 to a missing or bad signature or verify token, storing nothing;
- handles every entry and every event of a batched delivery;
- stores each event in the queue database, keyed on Meta's ids, with its reply context,
  and answers: nothing waits on NLU or on reading the text for PHI (`TriageService.accept`);
  a redelivery of a stored event is dropped (an unfinished one is the workers' already);
- leaves the work to the workers (`bot.channels.workers`), which triage each thread's
  messages in arrival order, each under a lease, so two replicas never both handle one, and
  a burst builds a backlog that drains, never slow acknowledgements;
- ignores the page's own messages and comments (echoes);
- never logs message text.

The triage action writes the Graph operations (DM, public or private reply, hiding) to the
outbox with its decision; this channel's `OutboxSender` carries them out, at once when the
action says so and on every recovery sweep, and settles what a crash left in flight
(`triage.sender`). The same workers re-run messages whose worker died.

Its settings are the process's `Settings` (META_* environment variables, read once). A
missing secret stops this channel at start-up: it logs an error that names the variables,
and its webhook answers 503 with the same message, while the rest of the service runs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Dict, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.platform import OutboxOutput, PlatformInput
from bot.channels.workers import workers
from triage.errors import PermissionDenied
from triage.graph import PLATFORMS as META_PLATFORMS, HttpGraphApi
from triage.ingest import accept_delivery
from triage.meta import SIGNATURE_HEADER, verify_subscription
from triage.service import shared_service
from triage.settings import Settings, process_settings

log = logging.getLogger(__name__)

# The variables this channel cannot run without, and where Settings keeps them.
REQUIRED = {"META_PAGE_ID": "meta_page_id", "META_APP_SECRET": "meta_app_secret",
            "META_VERIFY_TOKEN": "meta_verify_token", "META_ACCESS_TOKEN": "meta_access_token"}


class MetaConfigError(ValueError):
    """A secret the channel needs is not set."""


def checked(settings: Settings, credentials: Optional[Dict[str, Any]] = None) -> Settings:
    """`settings`, if they hold what the channel needs; MetaConfigError naming what is not."""
    if credentials:
        raise MetaConfigError(
            "Meta channel: bot/credentials.yml no longer names its variables ("
            + ", ".join(sorted(credentials)) + "); set " + ", ".join(REQUIRED) +
            " (and optionally META_INSTAGRAM_ID, META_GRAPH_URL) in the environment")
    missing = settings.missing(REQUIRED)
    if missing:
        raise MetaConfigError(
            "Meta channel: set the environment variable(s) " + ", ".join(missing) +
            " before starting the server")
    return settings


class MetaOutput(OutboxOutput):
    """Sends now what action_triage (or a moderator's reply) put in the outbox."""

    @classmethod
    def name(cls) -> Text:
        return "meta"


class MetaInput(PlatformInput):
    """Rasa input channel at /webhooks/meta/webhook."""

    output = MetaOutput
    platforms = META_PLATFORMS
    row_prefix = "meta_"

    @classmethod
    def name(cls) -> Text:
        return "meta"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MetaInput":
        settings = process_settings()
        try:
            return cls(checked(settings, credentials))
        except MetaConfigError as exc:
            log.error("meta.channel_stopped %s", exc)
            return cls(settings, disabled=str(exc))

    def build_api(self) -> HttpGraphApi:
        return HttpGraphApi(self.settings.meta_graph_url, self.settings.meta_page_id,
                            self.settings.meta_access_token,
                            ig_account_id=self.settings.meta_instagram_id,
                            app_secret=self.settings.meta_app_secret)

    def add_routes(self, hook: Blueprint) -> None:
        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            args = {k: request.args.get(k) for k in ("hub.mode", "hub.verify_token", "hub.challenge")}
            try:
                challenge = verify_subscription(args, self.settings.meta_verify_token)
            except PermissionDenied as exc:
                return response.json({"error": str(exc)}, status=403)
            return response.text(challenge)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            answer = await asyncio.get_running_loop().run_in_executor(None, functools.partial(
                accept_delivery, shared_service(), request.body or b"",
                request.headers.get(SIGNATURE_HEADER), self.settings.meta_app_secret))
            if answer.new:
                workers.wake()
            return response.json(answer.body, status=answer.status)
