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

credentials.yml names the environment variables that hold the secrets. A missing one
stops this channel at start-up: it logs an error that names the variables, and its
webhook answers 503 with the same message, while the rest of the service runs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.workers import message_metadata, workers
from triage.errors import PermissionDenied
from triage.ingest import accept_delivery
from triage.meta import SIGNATURE_HEADER, verify_subscription
from triage.queue import InboundView, Lease
from triage.sender import OutboxSender
from triage.service import shared_service

log = logging.getLogger(__name__)

# credentials.yml key -> (default environment variable, required)
SETTINGS = {
    "page_id": ("META_PAGE_ID", True),
    "app_secret": ("META_APP_SECRET", True),
    "verify_token": ("META_VERIFY_TOKEN", True),
    "access_token": ("META_ACCESS_TOKEN", True),
    "instagram_id": ("META_INSTAGRAM_ID", False),
    "graph_url": ("META_GRAPH_URL", False),
}


class MetaConfigError(ValueError):
    """A secret the channel needs is not set."""


def read_settings(credentials: Optional[Dict[str, Any]], environ=os.environ) -> Dict[str, str]:
    """Values for SETTINGS, read from the environment variables credentials.yml names."""
    credentials = credentials or {}
    values, missing = {}, []
    for key, (default_env, required) in SETTINGS.items():
        env_name = credentials.get(f"{key}_env", default_env)
        value = environ.get(env_name, "")
        if required and not value:
            missing.append(env_name)
        values[key] = value
    if missing:
        raise MetaConfigError(
            "Meta channel: set the environment variable(s) " + ", ".join(missing) +
            " (named in bot/credentials.yml) before starting the server")
    values["graph_url"] = values["graph_url"] or "https://graph.facebook.com"
    return values


class MetaOutput(OutputChannel):
    """Sends now what action_triage (or a moderator's reply) put in the outbox."""

    def __init__(self, deliver: Callable[[int], Awaitable[None]]) -> None:
        self._deliver = deliver

    @classmethod
    def name(cls) -> Text:
        return "meta"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        # The triage action sends structured operations only; plain text has no surface.
        log.warning("meta.output.plain_text_dropped recipient=%s", recipient_id)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any],
                               **kwargs: Any) -> None:
        signal = json_message.get("triage_delivery") if isinstance(json_message, dict) else None
        if not isinstance(signal, dict) or not isinstance(signal.get("inbound_id"), int):
            log.warning("meta.output.unknown_custom recipient=%s", recipient_id)
            return
        await self._deliver(signal["inbound_id"])


class MetaInput(InputChannel):
    """Rasa input channel at /webhooks/meta/webhook."""

    @classmethod
    def name(cls) -> Text:
        return "meta"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MetaInput":
        try:
            return cls(read_settings(credentials))
        except MetaConfigError as exc:
            log.error("meta.channel_stopped %s", exc)
            return cls({}, disabled=str(exc))

    def __init__(self, settings: Dict[str, str], graph=None, disabled: Optional[str] = None) -> None:
        self.settings = settings
        self.disabled = disabled
        self._graph = graph
        self._sender: Optional[OutboxSender] = None

    # -- outbound --------------------------------------------------------------------
    def graph(self):
        if self._graph is None:
            from triage.graph import HttpGraphApi

            self._graph = HttpGraphApi(self.settings["graph_url"], self.settings["page_id"],
                                       self.settings["access_token"],
                                       ig_account_id=self.settings["instagram_id"] or None,
                                       app_secret=self.settings["app_secret"] or None)
        return self._graph

    def sender(self) -> OutboxSender:
        if self._sender is None:
            service = shared_service()
            self._sender = OutboxSender(service.repository, self.graph(),
                                        sla_hours=service.undelivered_sla_hours,
                                        lease=service.settings.lease)
        return self._sender

    async def deliver(self, inbound_id: Optional[int] = None) -> None:
        """Send the due outbox operations (of one message, or all)."""
        await asyncio.get_running_loop().run_in_executor(None, self.sender().run, inbound_id)

    async def _outbox_sweep(self) -> None:
        if self.disabled:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.sender().recover)
        await self.deliver()

    def get_output_channel(self) -> Optional[OutputChannel]:
        return MetaOutput(self.deliver)

    # -- inbound ---------------------------------------------------------------------
    async def _run(self, on_new_message, row: InboundView, lease: Lease, text: str) -> None:
        """One turn for a leased message (the workers keep a thread's turns in order)."""
        await on_new_message(UserMessage(
            text, MetaOutput(self.deliver), row.thread_key, input_channel=self.name(),
            metadata=message_metadata(row, lease)))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"triage_webhook_{type(self).__name__}", __name__)
        workers.register("meta_", lambda row, lease, text: self._run(on_new_message, row, lease,
                                                                     text), on_new_message)
        workers.add_task(self._outbox_sweep)

        @hook.listener("after_server_start")
        async def start_workers(_app, _loop) -> None:
            workers.start()

        @hook.middleware("request")
        async def stopped(request: Request):
            if self.disabled:
                return response.json({"error": self.disabled}, status=503)
            return None

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            args = {k: request.args.get(k) for k in ("hub.mode", "hub.verify_token", "hub.challenge")}
            try:
                challenge = verify_subscription(args, self.settings["verify_token"])
            except PermissionDenied as exc:
                return response.json({"error": str(exc)}, status=403)
            return response.text(challenge)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            answer = await asyncio.get_running_loop().run_in_executor(None, functools.partial(
                accept_delivery, shared_service(), request.body or b"",
                request.headers.get(SIGNATURE_HEADER), self.settings["app_secret"]))
            if answer.new:
                workers.wake()
            return response.json(answer.body, status=answer.status)

        return hook
