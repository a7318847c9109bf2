"""The webhook receiver: a small sanic app that only verifies, stores and answers.

`python -m triage ingest` runs it (no Rasa, no model, no TensorFlow: it starts in about a
second). Point Meta's webhook at it; the workers of the Rasa process triage what it stores,
polling every `TRIAGE_WORKER_POLL_SECONDS`. Routes: `GET /webhooks/meta/webhook` (the
subscription handshake), `POST /webhooks/meta/webhook` (deliveries), `GET /health`.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Callable, List, Optional, Tuple

from sanic import Sanic, response
from sanic.request import Request

from triage.errors import PermissionDenied
from triage.ingest import Answer, accept_deliveries
from triage.meta import SIGNATURE_HEADER, verify_subscription
from triage.service import TriageService, build_services
from triage.settings import Settings

__all__ = ["create_app", "serve"]

log = logging.getLogger(__name__)


def create_app(settings: Settings, service: TriageService | None = None) -> Sanic:
    missing = settings.missing({"META_APP_SECRET": "meta_app_secret",
                                "META_VERIFY_TOKEN": "meta_verify_token"})
    stopped = ("Meta receiver: set the environment variable(s) " + ", ".join(missing)
               + " before starting it") if missing else None
    if stopped:
        log.error("ingest.meta_stopped %s", stopped)
    service = service or build_services(settings)
    # SQLite takes one writer at a time, and writers that collide back off by sleeping, so
    # one thread stores everything; a server database takes a few at once.
    sqlite = settings.database_url.startswith("sqlite")
    storing = ThreadPoolExecutor(max_workers=1 if sqlite else 4, thread_name_prefix="ingest")
    app = Sanic("triage_ingest")
    app.config.REQUEST_MAX_SIZE = 2_000_000  # larger bodies get our own 413 with a reason

    @app.middleware("request")
    async def refuse_when_unconfigured(request: Request):
        if stopped and request.path.startswith("/webhooks/meta"):
            return response.json({"error": stopped}, status=503)
        return None

    @app.get("/health")
    async def health(_: Request):
        return response.json({"status": "ok"})

    @app.get("/webhooks/meta/webhook")
    async def verify(request: Request):
        args = {k: request.args.get(k) for k in ("hub.mode", "hub.verify_token", "hub.challenge")}
        try:
            return response.text(verify_subscription(args, settings.meta_verify_token))
        except PermissionDenied as exc:
            return response.json({"error": str(exc)}, status=403)

    batcher = _Batcher(partial(accept_deliveries, service, app_secret=settings.meta_app_secret),
                       storing)

    @app.post("/webhooks/meta/webhook")
    async def receive(request: Request):
        answer = await batcher.submit(request.body or b"", request.headers.get(SIGNATURE_HEADER))
        return response.json(answer.body, status=answer.status)

    return app


class _Batcher:
    """Group commit: the deliveries that arrive while one batch is being stored go into the
    next, stored in one transaction, so a burst costs one commit per batch, not per
    delivery. Each delivery is answered only after its batch is committed."""

    MAX_BATCH = 64

    def __init__(self, store: Callable[[List[Tuple[bytes, Optional[str]]]], List[Answer]],
                 executor: ThreadPoolExecutor) -> None:
        self._store = store
        self._executor = executor
        self._pending: List[Tuple[bytes, Optional[str], asyncio.Future]] = []
        self._wake: Optional[asyncio.Event] = None
        self._task: Optional[asyncio.Task] = None

    async def submit(self, raw: bytes, signature: Optional[str]) -> Answer:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._wake = asyncio.Event()
            self._pending = []
            self._task = loop.create_task(self._run())
        future = loop.create_future()
        self._pending.append((raw, signature, future))
        self._wake.set()
        return await future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch = self._pending[: self.MAX_BATCH]
                del self._pending[: self.MAX_BATCH]
                try:
                    answers = await loop.run_in_executor(
                        self._executor, self._store, [(raw, sig) for raw, sig, _ in batch])
                except Exception as exc:  # noqa: BLE001 - answer every waiting delivery
                    log.error("ingest.batch_failed error=%s", type(exc).__name__)
                    answers = [Answer(503, {"error": "could not store the delivery; retry"})
                               ] * len(batch)
                for (_, _, future), answer in zip(batch, answers):
                    if not future.done():
                        future.set_result(answer)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 5006) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    create_app(settings).run(host=host, port=port, workers=1, access_log=False)
