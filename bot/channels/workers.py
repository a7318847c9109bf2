"""The workers: every stored message is triaged, in its thread's order, without anyone waiting.

A webhook stores a message and answers (`TriageService.accept`); the work happens here. One
loop per Rasa process, started by the first channel that registers, takes messages with
`QueueRepository.lease_next` (the oldest unfinished message of each thread, emergency-looking
ones first; `SKIP LOCKED` on PostgreSQL, so replicas share the work) and runs each through
Rasa with up to `worker_concurrency` turns at once. A channel wakes the loop when it stores
something (`wake`); without a wake it looks every `worker_poll_seconds`, for messages other
processes stored and for leases that expired because a worker died: recovery is the same
loop. A turn renews its lease while it runs, so a slow turn is never started twice. Each
channel registers how to run a row of its own (the Meta channel rebuilds the reply context
from the row); any other row is run with a collecting output, so its case opens even
though nobody waits for the reply. Channels add periodic work (the Meta outbox sender) with
`add_task`; it runs every `recovery_interval_seconds`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Awaitable, Callable, Dict, List, Optional, Set

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from triage import phi
from triage.queue import InboundView, Lease
from triage.service import shared_service

__all__ = ["Workers", "workers", "message_metadata"]

log = logging.getLogger(__name__)

Runner = Callable[[InboundView, Lease, str], Awaitable[None]]


def message_metadata(row: InboundView, lease: Lease) -> dict:
    """The metadata every channel gives Rasa for a stored message (no text, no PHI)."""
    return {
        "inbound_id": row.id, "lease": lease.token, "surface": row.surface,
        "channel": row.channel, "thread_key": row.thread_key, "platform": row.platform,
        "sender_id": row.sender_id, "comment_id": row.comment_id,
    }


class Workers:
    def __init__(self) -> None:
        self._runners: Dict[str, Runner] = {}
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable]] = None
        self._tasks: List[Callable[[], Awaitable[None]]] = []
        self._loop_task: Optional[asyncio.Task] = None
        self._wake: Optional[asyncio.Event] = None
        self._running: Set[asyncio.Task] = set()

    def register(self, channel_prefix: str, runner: Runner,
                 on_new_message: Callable[[UserMessage], Awaitable]) -> None:
        self._runners[channel_prefix] = runner
        self._on_new_message = self._on_new_message or on_new_message

    def add_task(self, task: Callable[[], Awaitable[None]]) -> None:
        if task not in self._tasks:
            self._tasks.append(task)

    def start(self) -> None:
        """Start the loop on the running event loop (once per process)."""
        if self._loop_task is None or self._loop_task.done():
            self._wake = asyncio.Event()
            self._loop_task = asyncio.get_running_loop().create_task(self._run())

    def wake(self) -> None:
        """Something was stored: look now instead of at the next poll."""
        if self._wake is not None:
            self._wake.set()

    async def _run(self) -> None:
        settings = shared_service().settings
        next_tasks = 0.0
        while True:
            try:
                if time.monotonic() >= next_tasks:
                    next_tasks = time.monotonic() + settings.recovery_interval_seconds
                    for task in list(self._tasks):
                        await task()
                await self.fill(settings.worker_concurrency)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the loop must outlive one bad round
                log.error("workers.round_failed error=%s", type(exc).__name__)
            await self._idle(settings.worker_poll_seconds)

    async def _idle(self, poll: float) -> None:
        """Until a wake, a free slot after a finished turn, or the poll interval."""
        assert self._wake is not None
        waits = {asyncio.ensure_future(self._wake.wait())}
        if self._running:
            waits.add(asyncio.ensure_future(
                asyncio.wait(set(self._running), return_when=asyncio.FIRST_COMPLETED)))
        _, pending = await asyncio.wait(waits, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
        for future in pending:
            future.cancel()
        self._wake.clear()

    async def fill(self, concurrency: int) -> int:
        """Lease as many messages as there are free slots and start their turns."""
        free = concurrency - len(self._running)
        if free <= 0:
            return 0
        service = shared_service()
        claimed = await asyncio.get_running_loop().run_in_executor(
            None, service.repository.lease_next, service.settings.lease, free)
        for row, lease in claimed:
            if lease.attempts > 1:
                log.warning("workers.resuming inbound_id=%s attempts=%d", row.id, lease.attempts)
            task = asyncio.get_running_loop().create_task(self._turn(row, lease))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return len(claimed)

    async def _turn(self, row: InboundView, lease: Lease) -> None:
        keeper = asyncio.get_running_loop().create_task(self._keep(lease))
        try:
            # De-identifying scans last the text Rasa is given; the model's PHI flagger
            # reuses that scan (to_thread runs in this task's context). Forgotten at the end.
            with phi.reuse_scans():
                text = await asyncio.to_thread(shared_service().prepare, row, lease)
                await self._runner_for(row.channel)(row, lease, text)
        except Exception as exc:  # noqa: BLE001 - the lease expires; the loop takes it again
            log.error("workers.turn_failed inbound_id=%s error=%s", row.id, type(exc).__name__)
        finally:
            keeper.cancel()

    @staticmethod
    async def _keep(lease: Lease) -> None:
        """Renew the lease while its turn runs. A turn can wait longer than a lease (on Rasa's
        conversation lock, which a replica that died mid-turn holds for its lifetime); without
        this, this or another worker would start the same message again meanwhile."""
        service = shared_service()
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(service.settings.lease_seconds / 3)
            try:
                kept = await loop.run_in_executor(None, service.repository.renew_lease, lease,
                                                  service.settings.lease)
            except Exception as exc:  # noqa: BLE001 - try again at the next beat
                log.error("workers.renew_failed inbound_id=%s error=%s", lease.inbound_id,
                          type(exc).__name__)
                continue
            if not kept:
                return

    def _runner_for(self, channel: str) -> Runner:
        for prefix, runner in self._runners.items():
            if channel.startswith(prefix):
                return runner
        return self.run_collecting

    async def run_collecting(self, row: InboundView, lease: Lease, text: str) -> None:
        """A row of a channel nobody waits on: triage it, drop the replies."""
        if self._on_new_message is None:
            return
        await self._on_new_message(UserMessage(
            text, CollectingOutputChannel(), row.thread_key, input_channel=row.channel,
            metadata=message_metadata(row, lease)))


workers = Workers()
