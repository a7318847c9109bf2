"""The recovery loop: every stored message is finished without anyone running a command.

One loop per Rasa process, started by the first channel that registers. Every
`recovery_interval_seconds` it takes the messages no live worker holds (`received` longer
than `stale_after_seconds`, or `processing` past the lease: `QueueRepository.lease_stale`,
SKIP LOCKED on PostgreSQL) and runs each through Rasa again, emergency-looking ones first,
then oldest first. Each channel registers how to run a row of its own (the Meta channel
rebuilds the reply context from the row); any other row is run with a collecting output,
so its case opens even though nobody waits for the reply. Channels add their own periodic
work (the Meta outbox sender) with `add_task`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from triage.queue import InboundView, Lease
from triage.service import shared_service

__all__ = ["Recovery", "recovery", "message_metadata"]

log = logging.getLogger(__name__)

Runner = Callable[[InboundView, Lease], Awaitable[None]]


def message_metadata(row: InboundView, lease: Lease) -> dict:
    """The metadata every channel gives Rasa for a stored message (no text, no PHI)."""
    return {
        "inbound_id": row.id, "lease": lease.token, "surface": row.surface,
        "channel": row.channel, "thread_key": row.thread_key, "platform": row.platform,
        "sender_id": row.sender_id, "comment_id": row.comment_id,
    }


class Recovery:
    def __init__(self) -> None:
        self._runners: Dict[str, Runner] = {}
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable]] = None
        self._tasks: List[Callable[[], Awaitable[None]]] = []
        self._loop_task: Optional[asyncio.Task] = None

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
            self._loop_task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        interval = shared_service().settings.recovery_interval_seconds
        while True:
            try:
                await self.sweep()
                for task in list(self._tasks):
                    await task()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the loop must outlive one bad sweep
                log.error("recovery.sweep_failed error=%s", type(exc).__name__)
            await asyncio.sleep(interval)

    async def sweep(self) -> int:
        """Claim and run the stale messages; returns how many were run."""
        service = shared_service()
        settings = service.settings
        claimed: List[Tuple[InboundView, Lease]] = await asyncio.get_running_loop().run_in_executor(
            None, service.repository.lease_stale, settings.stale_after, settings.lease)
        if not claimed:
            return 0
        # Emergency-looking first (the crisis phrase stored with the message), then oldest.
        claimed.sort(key=lambda item: (item[0].crisis is None,
                                       item[0].received_at, item[0].id))
        log.warning("recovery.resuming messages=%d", len(claimed))
        for row, lease in claimed:
            try:
                await self._runner_for(row.channel)(row, lease)
            except Exception as exc:  # noqa: BLE001 - the lease expires; the next sweep retries
                log.error("recovery.run_failed inbound_id=%s error=%s", row.id, type(exc).__name__)
        return len(claimed)

    def _runner_for(self, channel: str) -> Runner:
        for prefix, runner in self._runners.items():
            if channel.startswith(prefix):
                return runner
        return self.run_collecting

    async def run_collecting(self, row: InboundView, lease: Lease) -> None:
        """A row of a channel nobody waits on any more: triage it, drop the replies."""
        if self._on_new_message is None:
            return
        text = await asyncio.get_running_loop().run_in_executor(None, _deidentified, row.id)
        await self._on_new_message(UserMessage(
            text, CollectingOutputChannel(), row.thread_key, input_channel=row.channel,
            metadata=message_metadata(row, lease)))


def _deidentified(inbound_id: int) -> str:
    """What Rasa sees for a stored message: the text with identifiers replaced."""
    return shared_service().deidentified_text(inbound_id)


recovery = Recovery()
