"""Meta webhooks: Facebook Page (Messenger DMs, feed comments) and Instagram (DMs, comments).

Unlike Rasa 3.6's `facebook` connector, this channel:
- checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body, constant time) and answers
  403 to a missing or bad signature or verify token, storing nothing;
- handles every entry and every event of a batched delivery;
- stores each event in the queue database, keyed on Meta's ids, before the 200, so a
  redelivery (Meta retries for up to 36 hours) is recognised and dropped, also after a
  restart, and a crash after the 200 leaves the message on record (`inbox-pending`);
- answers fast and processes after the 200, one thread at a time in arrival order;
- ignores the page's own messages and comments (echoes);
- never logs message text.

Replies go out through `MetaOutput`, which carries out the delivery operations the
triage action planned (DM, public or private reply to a comment, hiding a comment)
through the Graph API client, and logs each one; an undelivered reply lands on a case.

credentials.yml names the environment variables that hold the secrets. A missing one
stops this channel at start-up: it logs an error that names the variables, and its
webhook answers 503 with the same message, while the rest of the service runs.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from triage.errors import InputError, PermissionDenied, StoreError
from triage.meta import MetaEvent, parse_delivery, verify_signature, verify_subscription
from triage.service import Inbound, shared_service

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
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
    """Carries out the delivery operations that action_triage planned for one message."""

    def __init__(self, deliver: Callable[[Dict[str, Any]], Awaitable[None]]) -> None:
        self._deliver = deliver

    @classmethod
    def name(cls) -> Text:
        return "meta"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        # The triage action sends structured operations only; plain text has no surface.
        log.warning("meta.output.plain_text_dropped recipient=%s", recipient_id)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any],
                               **kwargs: Any) -> None:
        plan = json_message.get("triage_delivery") if isinstance(json_message, dict) else None
        if plan is None:
            log.warning("meta.output.unknown_custom recipient=%s", recipient_id)
            return
        await self._deliver(plan)


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
        self._thread_locks: Dict[str, asyncio.Lock] = {}
        self._tasks: set = set()

    # -- outbound --------------------------------------------------------------------
    def graph(self):
        if self._graph is None:
            from triage.graph import HttpGraphApi

            self._graph = HttpGraphApi(self.settings["graph_url"], self.settings["page_id"],
                                       self.settings["access_token"],
                                       ig_account_id=self.settings["instagram_id"] or None)
        return self._graph

    async def deliver(self, plan: Dict[str, Any]) -> None:
        from bot.channels.meta_delivery import execute_plan

        await asyncio.get_running_loop().run_in_executor(
            None, execute_plan, self.graph(), shared_service(), plan)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return MetaOutput(self.deliver)

    # -- inbound ---------------------------------------------------------------------
    def _lock(self, thread_key: str) -> asyncio.Lock:
        return self._thread_locks.setdefault(thread_key, asyncio.Lock())

    async def _process(self, on_new_message, items: List[tuple]) -> None:
        for event, received in items:
            async with self._lock(event.thread_key):
                metadata = {
                    "inbound_id": received.stored.id, "surface": event.surface,
                    "channel": f"meta_{event.platform}", "thread_key": event.thread_key,
                    "platform": event.platform, "sender_id": event.sender_id,
                    "page_id": event.page_id, "comment_id": event.comment_id,
                    "post_id": event.post_id, "timestamp_ms": event.timestamp_ms,
                }
                try:
                    await on_new_message(UserMessage(
                        received.deidentified_text, MetaOutput(self.deliver), event.thread_key,
                        input_channel=self.name(), metadata=metadata))
                except Exception as exc:  # noqa: BLE001 - stored; `inbox-pending` finds it
                    log.error("meta.processing_failed inbound_id=%s error=%s",
                              received.stored.id, type(exc).__name__)

    def _store(self, events: List[MetaEvent]):
        service = shared_service()
        new, duplicates, ignored = [], 0, 0
        for event in events:
            if event.is_echo or not event.text.strip():
                ignored += 1
                continue
            try:
                received = service.receive(Inbound(
                    f"meta_{event.platform}", event.message_key, event.thread_key,
                    event.surface, event.text))
            except InputError as exc:
                ignored += 1
                log.warning("meta.event_refused key=%s reason=%s", event.message_key, exc)
                continue
            if received.stored.duplicate:
                duplicates += 1
            else:
                new.append((event, received))
        return new, duplicates, ignored

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"triage_webhook_{type(self).__name__}", __name__)

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
            raw = request.body or b""
            if len(raw) > MAX_BODY_BYTES:
                return response.json({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, status=413)
            try:
                verify_signature(raw, request.headers.get("X-Hub-Signature-256"),
                                 self.settings["app_secret"])
            except PermissionDenied as exc:
                log.warning("meta.signature_refused reason=%s", exc)
                return response.json({"error": str(exc)}, status=403)
            try:
                events = parse_delivery(raw, MAX_BODY_BYTES)
            except InputError as exc:
                return response.json({"error": str(exc)}, status=400)
            try:
                new, duplicates, ignored = await asyncio.get_running_loop().run_in_executor(
                    None, self._store, events)
            except StoreError:
                # Not stored: a 5xx makes Meta deliver again later.
                log.error("meta.store_failed events=%d", len(events))
                return response.json({"error": "could not store the delivery; retry"}, status=503)
            log.info("meta.delivery events=%d new=%d duplicates=%d ignored=%d",
                     len(events), len(new), duplicates, ignored)
            if new:
                task = asyncio.get_running_loop().create_task(self._process(on_new_message, new))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return response.json({"received": len(new), "duplicates": duplicates,
                                  "ignored": ignored})

        return hook
