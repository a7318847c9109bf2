"""What the platform channels (Meta, Google reviews) share: their outbox sender, their turn for a
stored row, and the webhook blueprint's common parts.

A platform channel's rows are triaged by the workers (`bot.channels.workers`); the triage
action writes the platform operations to the outbox with its decision and signals the channel's
output (`OutboxOutput`) to send them at once. The workers' periodic task (`sweep`) settles what a
crash left in flight and sends what is due. A subclass names the channel, builds its platform
API, says which outbox rows are its own, and adds its routes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, ClassVar, Dict, Optional, Sequence, Text, Type

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.workers import message_metadata, workers
from triage.queue import InboundView, Lease
from triage.sender import OutboxSender
from triage.service import shared_service
from triage.settings import Settings

__all__ = ["OutboxOutput", "PlatformInput"]

log = logging.getLogger(__name__)


class OutboxOutput(OutputChannel):
    """A platform channel's output: the triage action signals here (`triage_delivery`) to
    send the operations it wrote to the outbox now rather than at the channel's next sweep.
    Subclasses name the channel."""

    def __init__(self, deliver: Callable[[int], Awaitable[None]]) -> None:
        self._deliver = deliver

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        # The triage action sends structured operations only; plain text has no surface.
        log.warning("%s.output.plain_text_dropped recipient=%s", self.name(), recipient_id)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any],
                               **kwargs: Any) -> None:
        signal = json_message.get("triage_delivery") if isinstance(json_message, dict) else None
        if not isinstance(signal, dict) or not isinstance(signal.get("inbound_id"), int):
            log.warning("%s.output.unknown_custom recipient=%s", self.name(), recipient_id)
            return
        await self._deliver(signal["inbound_id"])


class PlatformInput(InputChannel):
    # The channel's output, the outbox rows it sends, and the prefix of its stored rows'
    # channel names ("meta_facebook": "meta_").
    output: ClassVar[Type[OutboxOutput]]
    platforms: ClassVar[Sequence[str]]
    row_prefix: ClassVar[str]

    def __init__(self, settings: Settings, api: Any = None,
                 disabled: Optional[str] = None) -> None:
        self.settings = settings
        self.disabled = disabled
        self._api = api
        self._sender: Optional[OutboxSender] = None

    def build_api(self) -> Any:
        """The platform's API client, from the settings (called once, on first use)."""
        raise NotImplementedError

    def add_routes(self, hook: Blueprint) -> None:
        """The channel's own webhook routes."""

    async def before_sweep(self) -> None:
        """Periodic work of the channel's own, before the outbox is swept."""

    # -- outbound --------------------------------------------------------------------------
    def api(self) -> Any:
        if self._api is None:
            self._api = self.build_api()
        return self._api

    def sender(self) -> OutboxSender:
        if self._sender is None:
            service = shared_service()
            self._sender = OutboxSender(service.repository, self.api(), platforms=self.platforms,
                                        sla_hours=service.undelivered_sla_hours,
                                        lease=service.settings.lease)
        return self._sender

    async def deliver(self, inbound_id: Optional[int] = None) -> None:
        """Send the channel's due outbox operations (of one message, or all)."""
        await asyncio.get_running_loop().run_in_executor(None, self.sender().run, inbound_id)

    async def sweep(self) -> None:
        """The workers' periodic task: the channel's own work, then settle and send the outbox."""
        if self.disabled:
            return
        await self.before_sweep()
        await asyncio.get_running_loop().run_in_executor(None, self.sender().recover)
        await self.deliver()

    def get_output_channel(self) -> Optional[OutputChannel]:
        return self.output(self.deliver)

    # -- inbound ---------------------------------------------------------------------------
    async def _run(self, on_new_message, row: InboundView, lease: Lease, text: str) -> None:
        """One turn for a leased message (the workers keep a thread's turns in order)."""
        await on_new_message(UserMessage(
            text, self.output(self.deliver), row.thread_key, input_channel=self.name(),
            metadata=message_metadata(row, lease)))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"triage_webhook_{type(self).__name__}", __name__)
        workers.register(self.row_prefix, lambda row, lease, text: self._run(
            on_new_message, row, lease, text), on_new_message)
        workers.add_task(self.sweep)

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

        self.add_routes(hook)
        return hook
