"""The REST channel, hardened: store first, validate, dedupe, never log user text.

Same URL and reply format as Rasa's `rest` channel (POST /webhooks/rest/webhook with
{"sender", "message", "metadata"}; the reply is a JSON list of bot messages). It
differs where the stock one falls short for PHI: the message is stored in the queue
database before Rasa sees it (a crash loses nothing), identifiers are replaced with
placeholders before the text reaches Rasa's tracker, bad input gets a 4xx with a
reason, and `metadata.message_id` makes redeliveries harmless: a finished message is
answered with [], one whose worker died is run again under a new lease.

metadata (all optional): surface ("private_message" by default, or "public_comment"),
message_id (the platform's id, for de-duplication), thread_key (defaults to sender), and
wait (true by default). With "wait": false the client does not wait for the reply: the
message is stored and answered 202 with its id, and the workers triage it (its case opens;
its replies have nobody to go to), so a bulk sender never waits on NLU.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.workers import workers
from triage import phi
from triage.errors import InputError, StoreError
from triage.service import Inbound, shared_service

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
DEFAULT_SURFACE = "private_message"


def _error(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


class TriageRestInput(InputChannel):
    """Rasa input channel named `rest`; configure it in credentials.yml by module path."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _parse(self, request: Request) -> Tuple[Inbound, bool]:
        if len(request.body or b"") > MAX_BODY_BYTES:
            raise _TooLarge(f"body larger than {MAX_BODY_BYTES} bytes")
        try:
            payload = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            raise InputError("body is not valid JSON") from None
        if not isinstance(payload, dict):
            raise InputError("body must be a JSON object")
        sender = payload.get("sender")
        if not isinstance(sender, str) or not sender.strip():
            raise InputError("'sender' must be a non-empty string")
        metadata = payload.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise InputError("'metadata' must be an object")
        message_id = metadata.get("message_id")
        if message_id is not None and not isinstance(message_id, (str, int)):
            raise InputError("'metadata.message_id' must be a string or number")
        thread_key = metadata.get("thread_key", sender)
        wait = metadata.get("wait", True)
        if not isinstance(wait, bool):
            raise InputError("'metadata.wait' must be true or false")
        return Inbound(
            channel=self.name(),
            message_key=str(message_id) if message_id is not None else f"rest-{uuid.uuid4()}",
            thread_key=thread_key if isinstance(thread_key, str) else "",
            surface=metadata.get("surface", DEFAULT_SURFACE),
            text=payload.get("message"),
        ), wait

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"triage_webhook_{type(self).__name__}", __name__)
        # A REST message nobody waits for (wait: false, or its worker died) is triaged by
        # the workers (its case opens); its replies have nobody to go to.
        workers.register("rest", workers.run_collecting, on_new_message)

        @hook.listener("after_server_start")
        async def start_workers(_app, _loop) -> None:
            workers.start()

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # Storing de-identifies the text, and its last scan is of the text Rasa is then
            # given: the model's PHI flagger reuses it instead of scanning again. Forgotten
            # when the request ends (triage.phi.reuse_scans).
            with phi.reuse_scans():
                return await handle(request)

        async def handle(request: Request) -> HTTPResponse:
            service = shared_service()
            try:
                inbound, wait = self._parse(request)
                if not wait:
                    stored = await asyncio.to_thread(service.accept, inbound)
                else:
                    # to_thread: in this request's context, so its scans are the request's.
                    received = await asyncio.to_thread(service.receive, inbound, lease=True)
            except _TooLarge as exc:
                return _error(413, str(exc))
            except InputError as exc:
                if "longer than" in str(exc):
                    return _error(413, str(exc))
                return _error(400, str(exc))
            except StoreError as exc:
                log.error("rest.store_failed error=%s", type(exc.__cause__).__name__)
                return _error(503, "message could not be stored; please retry")
            if not wait:
                if not stored.duplicate:
                    workers.wake()
                return response.json({"inbound_id": stored.id, "duplicate": stored.duplicate},
                                     status=202)
            if received.stored.duplicate and received.stored.status == "triaged":
                log.info("rest.duplicate inbound_id=%s", received.stored.id)
                return response.json([])
            # New (stored leased to this request), or stored before and never finished and
            # free to take: run it here; otherwise another worker has it.
            lease = received.stored.lease
            if lease is None:
                log.info("rest.in_progress inbound_id=%s", received.stored.id)
                return response.json([])
            metadata: Dict[str, Any] = {
                "inbound_id": received.stored.id,
                "lease": lease.token,
                "surface": inbound.surface,
                "channel": inbound.channel,
                "thread_key": inbound.thread_key,
            }
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(received.deidentified_text, collector, inbound.thread_key,
                                input_channel=self.name(), metadata=metadata)
                )
            except Exception as exc:  # noqa: BLE001 - the message is stored; report, don't leak
                # The exception's text may quote the message: log its type only.
                log.error("rest.processing_failed inbound_id=%s error=%s",
                          received.stored.id, type(exc).__name__)
                return response.json(
                    {"error": "processing failed; the message is stored for replay",
                     "inbound_id": received.stored.id},
                    status=500,
                )
            return response.json(collector.messages)

        return hook


class _TooLarge(Exception):
    pass
