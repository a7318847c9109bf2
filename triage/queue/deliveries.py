"""The delivery log: what was sent to a platform for a message, failed, or was skipped."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from triage.errors import Conflict
from triage.queue._store import Store, row_to
from triage.queue.tables import deliveries

STATUSES = ("sent", "failed", "skipped")


@dataclasses.dataclass(frozen=True)
class NewDelivery:
    inbound_id: Optional[int]
    operation: str
    target_id: str
    status: str
    case_id: Optional[int] = None
    template_id: Optional[str] = None
    reason: Optional[str] = None
    platform_id: Optional[str] = None


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


class DeliveriesMixin(Store):
    def record_delivery(self, new: NewDelivery) -> int:
        """Log one operation. A second sent private reply to a comment raises Conflict."""
        if new.status not in STATUSES:
            raise ValueError(f"unknown delivery status {new.status!r}")
        values = dataclasses.asdict(new)
        values["reason"] = (new.reason or None) and new.reason[:200]
        try:
            with self._begin() as session:
                return session.execute(
                    sa.insert(deliveries).values(created_at=self._now(), **values)
                ).inserted_primary_key[0]
        except IntegrityError:
            raise Conflict(f"a private reply was already sent to comment {new.target_id}") from None

    def private_reply_sent(self, comment_id: str) -> bool:
        with self._begin() as session:
            return session.execute(
                sa.select(deliveries.c.id).where(
                    deliveries.c.operation == "private_reply",
                    deliveries.c.target_id == comment_id, deliveries.c.status == "sent")
            ).first() is not None

    def list_deliveries(self, inbound_id: Optional[int] = None,
                        case_id: Optional[int] = None) -> List[DeliveryView]:
        query = sa.select(deliveries).order_by(deliveries.c.id)
        if inbound_id is not None:
            query = query.where(deliveries.c.inbound_id == inbound_id)
        if case_id is not None:
            query = query.where(deliveries.c.case_id == case_id)
        with self._begin() as session:
            return [row_to(DeliveryView, r) for r in session.execute(query).all()]
