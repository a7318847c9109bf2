"""The outbox: planned platform operations, their attempts and outcomes (the delivery log).

Operations are planned in the transaction that made the decision (`TriageUnit.plan`, or
`plan_operations` for a moderator's reply). A sender claims due ones (`pending -> sending`,
compare-and-set, with a lease), makes the call, and records the outcome
(`finish_operation`). `recover_operations` settles what a dead sender left `sending`: a
hide is idempotent and goes back to `pending`; any other operation may or may not have
reached Meta, so it becomes `unknown` and lands on a case for a person, never re-sent. A reply
to a Google review replaces the one before, so it is retried like a hide.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from triage.errors import Conflict, NotFound
from triage.queue._store import Store, row_to
from triage.queue.intake import NewOperation
from triage.queue.models import Escalation
from triage.queue.tables import OPERATION_STATUSES, deliveries, inbound_messages
from triage.taxonomy import Priority

__all__ = ["DeliveryView", "OutboxMixin", "STATUSES", "IDEMPOTENT_OPERATIONS", "NEEDS_A_PERSON"]

STATUSES = OPERATION_STATUSES
# Doing these twice changes nothing, so a crash mid-call is simply retried (a review's reply
# is a PUT that replaces the business's one reply).
IDEMPOTENT_OPERATIONS = frozenset({"hide_comment", "reply_to_review"})
# Outcomes a person must look at: they land on a case.
NEEDS_A_PERSON = ("failed", "skipped", "unknown")


@dataclasses.dataclass(frozen=True)
class DeliveryView:
    id: int
    inbound_id: Optional[int]
    case_id: Optional[int]
    operation: str
    target_id: str
    template_id: Optional[str]
    status: str
    reason: Optional[str]
    platform_id: Optional[str]
    created_at: dt.datetime
    idempotency_key: Optional[str] = None
    platform: Optional[str] = None
    body: Optional[str] = dataclasses.field(default=None, repr=False)
    tag: Optional[str] = None
    attempts: int = 0
    next_attempt_at: Optional[dt.datetime] = None
    updated_at: Optional[dt.datetime] = None


class OutboxMixin(Store):
    def plan_operations(self, ops: Sequence[NewOperation], sla_hours: float) -> None:
        """Plan operations outside a triage (a moderator's reply), in one transaction.
        Skipped ones land on the message's case. Planning one (its idempotency key) again
        is refused with Conflict and plans nothing."""
        try:
            with self._begin() as session:
                for op in ops:
                    case_id = self._inbound_case(session, op.inbound_id)
                    if op.status in NEEDS_A_PERSON:
                        case_id = self._land_on_case(session, op.inbound_id, sla_hours,
                                                     op.template_id)
                    self._insert_operation(session, op, case_id)
        except IntegrityError:
            raise Conflict("this reply was planned already") from None

    def claim_operations(self, lease_for: dt.timedelta, inbound_id: Optional[int] = None,
                         limit: int = 50, platforms: Optional[Sequence[str]] = None
                         ) -> List[DeliveryView]:
        """Due `pending` operations (of these platforms, or any), now `sending` under a
        lease; oldest first."""
        now = self._now()
        d = deliveries.c
        query = (sa.select(deliveries.c.id).where(
            d.status == "pending",
            sa.or_(d.next_attempt_at.is_(None), d.next_attempt_at <= now))
            .order_by(d.id).limit(limit))
        if inbound_id is not None:
            query = query.where(d.inbound_id == inbound_id)
        if platforms is not None:
            query = query.where(d.platform.in_(tuple(platforms)))
        claimed = []
        with self._begin() as session:
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            for (op_id,) in session.execute(query).all():
                done = session.execute(
                    sa.update(deliveries).where(d.id == op_id, d.status == "pending")
                    .values(status="sending", attempts=d.attempts + 1,
                            lease_expires_at=now + lease_for, updated_at=now)).rowcount
                if done == 1:
                    claimed.append(op_id)
            rows = session.execute(sa.select(deliveries).where(d.id.in_(claimed))
                                   .order_by(d.id)).all() if claimed else []
            return [row_to(DeliveryView, r) for r in rows]

    def finish_operation(self, op_id: int, status: str, *, sla_hours: float,
                         platform_id: Optional[str] = None, reason: Optional[str] = None,
                         retry_at: Optional[dt.datetime] = None) -> bool:
        """Record the outcome of a `sending` operation (or put it back as `pending` until
        `retry_at`). Failed and unknown outcomes land on a case. False if the operation
        was not `sending` (another sender or the recovery settled it first)."""
        if status not in STATUSES or status in ("sending",):
            raise ValueError(f"cannot finish an operation as {status!r}")
        now = self._now()
        d = deliveries.c
        values = dict(status=status, updated_at=now, lease_expires_at=None,
                      reason=(reason or None) and reason[:200])
        if platform_id is not None:
            values["platform_id"] = platform_id
        if status == "pending":
            values["next_attempt_at"] = retry_at
        with self._begin() as session:
            row = session.execute(sa.select(deliveries).where(d.id == op_id)).first()
            if row is None:
                raise NotFound(f"no operation {op_id}")
            done = session.execute(sa.update(deliveries)
                                   .where(d.id == op_id, d.status == "sending")
                                   .values(**values)).rowcount
            if done == 1 and status in NEEDS_A_PERSON:
                case_id = self._land_on_case(session, row.inbound_id, sla_hours, row.template_id)
                session.execute(sa.update(deliveries).where(d.id == op_id)
                                .values(case_id=case_id))
            return done == 1

    def recover_operations(self, sla_hours: float,
                           platforms: Optional[Sequence[str]] = None) -> dict:
        """Settle operations (of these platforms, or any) whose sender died mid-call
        (`sending` past its lease)."""
        now = self._now()
        d = deliveries.c
        counts = {"retried": 0, "unknown": 0}
        query = sa.select(deliveries).where(d.status == "sending", d.lease_expires_at < now)
        if platforms is not None:
            query = query.where(d.platform.in_(tuple(platforms)))
        with self._begin() as session:
            rows = session.execute(query.order_by(d.id)).all()
            for row in rows:
                if row.operation in IDEMPOTENT_OPERATIONS:
                    values = dict(status="pending", next_attempt_at=None)
                    counts["retried"] += 1
                else:
                    values = dict(status="unknown",
                                  reason="outcome unknown: the sender stopped during the call",
                                  case_id=self._land_on_case(session, row.inbound_id, sla_hours,
                                                             row.template_id))
                    counts["unknown"] += 1
                session.execute(sa.update(deliveries)
                                .where(d.id == row.id, d.status == "sending")
                                .values(updated_at=now, lease_expires_at=None, **values))
        return counts

    def private_reply_sent(self, comment_id: str) -> bool:
        """A private reply to the comment is planned, in flight, sent or of unknown outcome."""
        with self._begin() as session:
            return self._private_reply_held(session, comment_id)

    def list_deliveries(self, inbound_id: Optional[int] = None,
                        case_id: Optional[int] = None,
                        statuses: Sequence[str] = ()) -> List[DeliveryView]:
        query = sa.select(deliveries).order_by(deliveries.c.id)
        if inbound_id is not None:
            query = query.where(deliveries.c.inbound_id == inbound_id)
        if case_id is not None:
            query = query.where(deliveries.c.case_id == case_id)
        if statuses:
            query = query.where(deliveries.c.status.in_(tuple(statuses)))
        with self._begin() as session:
            return [row_to(DeliveryView, r) for r in session.execute(query).all()]

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _inbound_case(session: Session, inbound_id: int) -> Optional[int]:
        return session.execute(sa.select(inbound_messages.c.case_id)
                               .where(inbound_messages.c.id == inbound_id)).scalar_one()

    def _land_on_case(self, session: Session, inbound_id: int, sla_hours: float,
                      template_id: Optional[str]) -> int:
        """The message's case, or a new normal-priority `delivery_failed` case, so a person
        answers by hand what could not go out."""
        msg = session.execute(sa.select(inbound_messages)
                              .where(inbound_messages.c.id == inbound_id)).one()
        if msg.case_id is not None:
            return msg.case_id
        self._escalate(session, Escalation(
            inbound_id, msg.category or "other", Priority.NORMAL.value, Priority.NORMAL.rank,
            "delivery_failed", sla_hours, msg.confidence, template_id),
            msg.action or "escalate")
        return self._inbound_case(session, inbound_id)
