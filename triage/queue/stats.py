"""Dashboard figures: volume, response times, breaches, reasons. Read-only queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from typing import Dict, List, Optional, Tuple

import sqlalchemy as sa

from triage.queue._store import Store, row_to
from triage.queue.models import InboundView
from triage.queue.status import OPEN_STATUSES
from triage.queue.tables import cases, deliveries, inbound_messages

# Operations a person must check: they failed for good, or a crash left them unknown.
_UNSETTLED = ("failed", "unknown")


@dataclasses.dataclass(frozen=True)
class DashboardStats:
    since: dt.datetime
    # (day "YYYY-MM-DD", category, count); untriaged messages count as "untriaged".
    volume: Tuple[Tuple[str, str, int], ...]
    escalations_by_reason: Tuple[Tuple[str, int], ...]
    open_cases: int
    open_breached: int
    median_first_response: Optional[dt.timedelta]
    negative_reviews: int
    messages: int


@dataclasses.dataclass(frozen=True)
class Attention:
    """What is not finished: messages still untriaged past a grace period, and operations
    that failed or whose outcome is unknown on cases still open (or on no case)."""

    pending: Tuple[InboundView, ...]
    # (operation id, case reference or None, operation, status, reason, attempts, updated)
    operations: Tuple[Tuple[int, Optional[str], str, str, Optional[str], int,
                            Optional[dt.datetime]], ...]

    @property
    def count(self) -> int:
        return len(self.pending) + len(self.operations)


class StatsMixin(Store):
    def needs_attention(self, now: dt.datetime,
                        pending_after: dt.timedelta = dt.timedelta(minutes=1)) -> Attention:
        m, d = inbound_messages.c, deliveries.c
        with self._begin() as session:
            pending = session.execute(
                sa.select(inbound_messages)
                .where(m.status.in_(("received", "processing")), m.received_at <= now - pending_after)
                .order_by(m.received_at, m.id).limit(500)).all()
            ops = session.execute(
                sa.select(d.id, cases.c.reference, d.operation, d.status, d.reason, d.attempts,
                          d.updated_at)
                .select_from(deliveries.outerjoin(cases, cases.c.id == d.case_id))
                .where(d.status.in_(_UNSETTLED),
                       sa.or_(d.case_id.is_(None), cases.c.status.in_(OPEN_STATUSES)))
                .order_by(d.id.desc()).limit(500)).all()
        return Attention(tuple(row_to(InboundView, r) for r in pending),
                         tuple(tuple(r) for r in ops))

    def dashboard_stats(self, now: dt.datetime, days: int = 14) -> DashboardStats:
        since = now - dt.timedelta(days=days)
        day = sa.func.date(inbound_messages.c.received_at)
        category = sa.func.coalesce(inbound_messages.c.category, "untriaged")
        with self._begin() as session:
            volume = session.execute(
                sa.select(day, category, sa.func.count())
                .where(inbound_messages.c.received_at >= since)
                .group_by(day, category).order_by(day)
            ).all()
            reasons = session.execute(
                sa.select(cases.c.reason, sa.func.count())
                .where(cases.c.created_at >= since)
                .group_by(cases.c.reason).order_by(sa.func.count().desc())
            ).all()
            open_rows = session.execute(
                sa.select(cases.c.sla_due_at, cases.c.first_response_at)
                .where(cases.c.status.in_(OPEN_STATUSES))
            ).all()
            responded = session.execute(
                sa.select(cases.c.created_at, cases.c.first_response_at)
                .where(cases.c.created_at >= since, cases.c.first_response_at.isnot(None))
            ).all()
        waits: List[float] = [(r.first_response_at - r.created_at).total_seconds() for r in responded]
        counts: Dict[str, int] = {}
        for _, cat, n in volume:
            counts[cat] = counts.get(cat, 0) + n
        return DashboardStats(
            since=since,
            volume=tuple((str(d), c, int(n)) for d, c, n in volume),
            escalations_by_reason=tuple((r, int(n)) for r, n in reasons),
            open_cases=len(open_rows),
            # The SLA clock stops at the first human reply (as CaseView.sla_breached).
            open_breached=sum(1 for due, first in open_rows if (first or now) > due),
            median_first_response=dt.timedelta(seconds=statistics.median(waits)) if waits else None,
            negative_reviews=counts.get("negative_review", 0),
            messages=sum(counts.values()),
        )

    def channels(self) -> List[str]:
        """Channels that have cases, for the queue page's filter."""
        with self._begin() as session:
            return [c for (c,) in session.execute(
                sa.select(cases.c.channel).distinct().order_by(cases.c.channel)).all()]
