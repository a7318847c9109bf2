"""The outbox sender: carries out planned platform operations, each attempt on record.

For every due operation: `pending -> sending` (a compare-and-set with a lease) is written
before the Graph call and the outcome after it, so a crash in between leaves `sending`,
which `recover` settles. What a crash can cause, per operation:

- hide a comment: idempotent; retried until Meta confirms it;
- private reply: at most once. Meta allows one per comment and the database's unique
  index holds one planned, in-flight, sent or unknown private reply per comment, so an
  interrupted one is marked `unknown` and lands on the case, never sent again;
- DM and public reply: the Graph API takes no idempotency key and offers no lookup by
  one, so an interrupted call is `unknown` and lands on the case: a person checks the
  thread and resends from the portal if it never arrived. Never sent twice unseen.

- a reply to a Google review: a PUT that replaces the one reply, so retried like a hide;
  its text is checked once more for words that could confirm a patient before the call.

Transient failures (5xx, throttling, no connection: already retried inside the client)
are retried later, with backoff, up to `max_attempts`; a rejection or the last failure is
`failed` and lands on a case, as is an operation Meta's rules skipped.

One sender serves one platform API: the Graph API for Facebook and Instagram (the default
`platforms`), or the Business Profile API for ("google",). Each claims its platforms' rows
only, so the Meta and Google channels' senders share one outbox.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, Optional, Sequence, Union

from triage.google import GoogleError, GoogleUnavailable
from triage.google.replies import REPLY as REPLY_TO_REVIEW, ReplyToReview
from triage.graph import PLATFORMS as META_PLATFORMS, GraphError, GraphUnavailable
from triage.graph.rules import HideComment, Operation, PrivateReply, ReplyToComment, SendMessage
from triage.queue import DeliveryView, QueueRepository, utcnow
from triage.queue.deliveries import IDEMPOTENT_OPERATIONS

__all__ = ["OutboxSender", "operation_of"]

log = logging.getLogger(__name__)


def operation_of(row: DeliveryView) -> Union[Operation, ReplyToReview]:
    """The platform call an outbox row stands for."""
    if row.operation == "send_message":
        return SendMessage(row.platform, row.target_id, row.body or "", tag=row.tag)
    if row.operation == "reply_to_comment":
        return ReplyToComment(row.platform, row.target_id, row.body or "")
    if row.operation == "private_reply":
        return PrivateReply(row.platform, row.target_id, row.body or "")
    if row.operation == "hide_comment":
        return HideComment(row.platform, row.target_id)
    if row.operation == REPLY_TO_REVIEW:
        return ReplyToReview(row.target_id, row.body or "")
    raise ValueError(f"unknown operation {row.operation!r}")


def _reason(exc: Union[GraphError, GoogleError]) -> str:
    """What a case shows for a failed call: the error's kind and the platform's codes (our
    own words for a refused reply), never a writer's text."""
    if isinstance(exc, GoogleError):
        return str(exc)
    return " ".join(filter(None, (type(exc).__name__, exc.codes)))


class OutboxSender:
    def __init__(self, repository: QueueRepository, api: Any, *, sla_hours: float,
                 platforms: Sequence[str] = META_PLATFORMS,
                 lease: dt.timedelta = dt.timedelta(seconds=60), max_attempts: int = 5,
                 retry_backoff: dt.timedelta = dt.timedelta(seconds=30),
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        """`api` makes the calls of `platforms`' rows: a GraphApi for Meta's, a
        BusinessProfileApi for Google's."""
        self.repository = repository
        self.api = api
        self.platforms = tuple(platforms)
        self.sla_hours = sla_hours
        self.lease = lease
        self.max_attempts = max_attempts
        self.retry_backoff = retry_backoff
        self._clock = clock

    def run(self, inbound_id: Optional[int] = None) -> int:
        """Send the due operations (of one message, or all); returns how many were tried."""
        tried = 0
        while True:
            batch = self.repository.claim_operations(self.lease, inbound_id=inbound_id,
                                                     platforms=self.platforms)
            if not batch:
                return tried
            for row in batch:
                self._send(row)
                tried += 1

    def recover(self) -> dict:
        """Settle operations a dead sender left in flight (see the module docstring)."""
        counts = self.repository.recover_operations(self.sla_hours, self.platforms)
        if any(counts.values()):
            log.warning("outbox.recovered retried=%d unknown=%d", counts["retried"],
                        counts["unknown"])
        return counts

    def _send(self, row: DeliveryView) -> None:
        finish = self.repository.finish_operation
        try:
            platform_id = operation_of(row).apply(self.api)
        except (GraphError, GoogleError) as exc:
            reason = _reason(exc)
            unknown = getattr(exc, "outcome_unknown", False)
            if unknown and row.operation not in IDEMPOTENT_OPERATIONS:
                finish(row.id, "unknown", sla_hours=self.sla_hours,
                       reason=f"outcome unknown: {reason}")
            elif (isinstance(exc, (GraphUnavailable, GoogleUnavailable))
                  and row.attempts < self.max_attempts):
                retry_at = self._clock() + self.retry_backoff * (2 ** (row.attempts - 1))
                finish(row.id, "pending", sla_hours=self.sla_hours, reason=reason,
                       retry_at=retry_at)
            else:
                finish(row.id, "failed", sla_hours=self.sla_hours, reason=reason)
            log.warning("outbox.not_sent id=%s inbound_id=%s operation=%s attempt=%d reason=%s",
                        row.id, row.inbound_id, row.operation, row.attempts, reason)
            return
        finish(row.id, "sent", sla_hours=self.sla_hours, platform_id=platform_id)
        log.info("outbox.sent id=%s inbound_id=%s operation=%s", row.id, row.inbound_id,
                 row.operation)
