"""The bot's intake: store first, then finish every stored message exactly once.

A message moves `received -> processing -> triaged`. A webhook stores it `received` and
answers; workers take it with `lease_next` (the oldest unfinished message of each thread
only, emergency-looking ones first), and a caller that answers in the same request takes the
lease with the insert (`store_inbound(..., lease_for=)`). A lease is a fresh token and an
expiry, set by compare-and-set; the worker finishes inside `triaging(lease)`, which checks the
token first, so a worker whose lease expired and was taken over cannot finish twice. A worker
that dies leaves an expired lease, and `lease_next` hands the message out again; on
PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two replicas never take the same rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from typing import Iterator, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from triage.errors import Conflict, StoreError
from triage.queue._store import Store, case_select, row_to
from triage.queue.models import (
    CaseRef,
    CaseView,
    Escalation,
    InboundView,
    Lease,
    NewInbound,
    Stored,
)
from triage.queue.tables import OPEN_STATUSES, cases, deliveries, inbound_messages

__all__ = ["IntakeMixin", "Lease", "LeaseLost", "NewOperation", "ThreadRace", "TriageUnit",
           "UNFINISHED"]

# Stored but not finished: what the recovery loop and the "needs attention" view look at.
UNFINISHED = ("received", "processing")


class LeaseLost(Conflict):
    """The message was finished, or taken over by another worker, before this one finished."""


class ThreadRace(Conflict):
    """Another message of the same thread opened its case at the same moment; run the unit
    again (it will append to that case)."""


@dataclasses.dataclass(frozen=True)
class NewOperation:
    """One planned platform operation (a row of the outbox)."""

    inbound_id: int
    operation: str  # send_message | reply_to_comment | private_reply | hide_comment
    platform: str
    target_id: str
    # Unique per operation: planning the same operation twice is refused by the database.
    idempotency_key: str
    body: Optional[str] = dataclasses.field(default=None, repr=False)  # approved text only
    template_id: Optional[str] = None
    tag: Optional[str] = None
    status: str = "pending"  # or "skipped", with its reason
    reason: Optional[str] = None


class TriageUnit:
    """One message's triage as one transaction: read the thread, open or append its case,
    plan the outgoing operations, mark it triaged. Made by `IntakeMixin.triaging`."""

    def __init__(self, repo: "IntakeMixin", session: Session, message: InboundView) -> None:
        self._repo = repo
        self._session = session
        self.message = message
        self.case_id: Optional[int] = message.case_id
        self._finished = False

    def open_case(self) -> Optional[CaseView]:
        row = self._session.execute(case_select().where(
            cases.c.channel == self.message.channel, cases.c.thread_key == self.message.thread_key,
            cases.c.status.in_(OPEN_STATUSES))).first()
        return row_to(CaseView, row) if row is not None else None

    def escalate(self, esc: Escalation, action: str) -> CaseRef:
        """Open the thread's case or append to it (and mark the message triaged)."""
        ref = self._repo._escalate(self._session, esc, action)
        self.case_id = self._session.execute(
            sa.select(cases.c.id).where(cases.c.reference == ref.reference)).scalar_one()
        self._finished = True
        return ref

    def finish(self, category: str, confidence: Optional[float], action: str, reason: str,
               template_id: Optional[str]) -> None:
        """Mark a message triaged that needed no case."""
        self._session.execute(
            sa.update(inbound_messages).where(inbound_messages.c.id == self.message.id)
            .values(status="triaged", category=category, confidence=confidence, action=action,
                    reason=reason, template_id=template_id, processed_at=self._repo._now()))
        self._finished = True

    def record_deidentified(self, redacted_text: str, phi_types: Tuple[str, ...]) -> None:
        """What reading the message for PHI found, if nobody recorded it yet."""
        self._session.execute(_record_deidentified(self.message.id, redacted_text, phi_types))
        self.message = dataclasses.replace(self.message, redacted_text=redacted_text,
                                           phi_types=",".join(phi_types))

    def plan(self, op: NewOperation) -> None:
        self._repo._insert_operation(self._session, op, self.case_id)

    def private_reply_held(self, comment_id: str) -> bool:
        return self._repo._private_reply_held(self._session, comment_id)

    def land_on_case(self, sla_hours: float, template_id: Optional[str]) -> int:
        """A case for an operation that cannot go out: the message's own, or a new one."""
        self.case_id = self._repo._land_on_case(self._session, self.message.id, sla_hours,
                                                template_id)
        return self.case_id


class IntakeMixin(Store):
    # -- store ------------------------------------------------------------------------
    def store_inbound(self, msg: NewInbound, lease_for: Optional[dt.timedelta] = None) -> Stored:
        """Insert before anything answers it; a redelivery returns the first row. With
        `lease_for`, a new row is stored already leased to the caller (no worker can take it
        in between); a redelivery of an unfinished one is leased if it can be."""
        now = self._now()
        values = _inbound_values(msg, now)
        lease = None
        if lease_for is not None:
            lease = Lease(0, str(uuid.uuid4()), now + lease_for, 1)
            values.update(status="processing", lease_token=lease.token,
                          lease_expires_at=lease.expires_at, attempts=1)
        try:
            with self._begin() as session:
                new_id = session.execute(
                    sa.insert(inbound_messages).values(**values)
                ).inserted_primary_key[0]
                if lease is not None:
                    return Stored(new_id, False, "processing",
                                  dataclasses.replace(lease, inbound_id=new_id))
                return Stored(new_id, False, "received")
        except IntegrityError:
            pass
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store inbound message: {type(exc).__name__}") from exc
        with self._begin() as session:
            row = session.execute(
                sa.select(inbound_messages.c.id, inbound_messages.c.status).where(
                    inbound_messages.c.channel == msg.channel,
                    inbound_messages.c.message_key == msg.message_key,
                )
            ).one()
            if lease_for is not None and row.status in UNFINISHED:
                taken = self._lease(session, row.id, now, lease_for)
                return Stored(row.id, True, "processing" if taken else row.status, taken)
            return Stored(row.id, True, row.status)

    def store_many(self, msgs: Sequence[NewInbound]) -> List[Stored]:
        """Insert several messages in one transaction (one commit for a burst of deliveries);
        a message stored before, or earlier in the same call, comes back as a duplicate.
        All or nothing: a StoreError means none of them is stored. Three statements for the
        whole batch, not one per message: find the stored ones, insert the rest, read ids."""
        if not msgs:
            return []
        now = self._now()
        m = inbound_messages.c
        keys = sorted({(msg.channel, msg.message_key) for msg in msgs})
        try:
            with self._begin() as session:
                def stored_rows():
                    rows = {}
                    for channel in {c for c, _ in keys}:
                        wanted = [k for c, k in keys if c == channel]
                        for start in range(0, len(wanted), 500):
                            rows.update(((channel, r.message_key), (r.id, r.status))
                                        for r in session.execute(
                                            sa.select(m.id, m.message_key, m.status).where(
                                                m.channel == channel,
                                                m.message_key.in_(wanted[start:start + 500]))))
                    return rows

                before = stored_rows()
                fresh, seen = [], set(before)
                for msg in msgs:
                    key = (msg.channel, msg.message_key)
                    if key not in seen:
                        seen.add(key)
                        fresh.append(_inbound_values(msg, now))
                if fresh:
                    session.execute(sa.insert(inbound_messages), fresh)
                after = stored_rows() if fresh else before
        except IntegrityError:
            # Another process stored one of them meanwhile: the batch was rolled back whole;
            # store them one by one, each insert deciding for itself.
            return [self.store_inbound(msg) for msg in msgs]
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store inbound messages: {type(exc).__name__}") from exc
        out, first = [], set()
        for msg in msgs:
            key = (msg.channel, msg.message_key)
            row_id, status = after[key]
            duplicate = key in before or key in first
            first.add(key)
            out.append(Stored(row_id, duplicate, status))
        return out

    # -- leases ------------------------------------------------------------------------
    def lease_message(self, inbound_id: int, lease_for: dt.timedelta) -> Optional[Lease]:
        """Take the message if it is `received` or its lease expired; None if it is
        triaged or another worker holds a live lease."""
        now = self._now()
        with self._begin() as session:
            return self._lease(session, inbound_id, now, lease_for)

    def _lease(self, session: Session, inbound_id: int, now: dt.datetime,
               lease_for: dt.timedelta) -> Optional[Lease]:
        m = inbound_messages.c
        token = str(uuid.uuid4())
        expires = now + lease_for
        done = session.execute(
            sa.update(inbound_messages)
            .where(m.id == inbound_id, sa.or_(
                m.status == "received",
                sa.and_(m.status == "processing", m.lease_expires_at < now)))
            .values(status="processing", lease_token=token, lease_expires_at=expires,
                    attempts=m.attempts + 1)
        ).rowcount
        if done != 1:
            return None
        attempts = session.execute(sa.select(m.attempts).where(m.id == inbound_id)).scalar_one()
        return Lease(inbound_id, token, expires, attempts)

    def lease_next(self, lease_for: dt.timedelta, limit: int = 8
                   ) -> List[Tuple[InboundView, Lease]]:
        """Up to `limit` messages for workers, each leased: `received` ones (stored and
        waiting) and `processing` ones past their lease (their worker died). Only the oldest
        unfinished message of a thread is handed out, so a thread's messages are triaged in
        order even across replicas; emergency-looking ones (the crisis phrase stored with the
        message) come first, then the oldest."""
        now = self._now()
        m = inbound_messages.c
        earlier = inbound_messages.alias("earlier")
        e = earlier.c
        takeable = sa.or_(m.status == "received",
                          sa.and_(m.status == "processing", m.lease_expires_at < now))
        head_of_thread = ~sa.exists().where(
            e.channel == m.channel, e.thread_key == m.thread_key, e.id < m.id,
            e.status.in_(UNFINISHED))
        query = (sa.select(inbound_messages).where(takeable, head_of_thread)
                 .order_by(m.crisis.is_(None), m.received_at, m.id).limit(limit))
        out = []
        with self._begin() as session:
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(of=inbound_messages, skip_locked=True)
            for row in session.execute(query).all():
                lease = self._lease(session, row.id, now, lease_for)
                if lease is not None:
                    out.append((row_to(InboundView, row), lease))
        return out

    def renew_lease(self, lease: Lease, lease_for: dt.timedelta) -> bool:
        """Keep a live lease for another `lease_for` (a worker whose turn runs long, e.g.
        waiting on Rasa's conversation lock); False if the lease is gone or was finished."""
        m = inbound_messages.c
        with self._begin() as session:
            return session.execute(
                sa.update(inbound_messages)
                .where(m.id == lease.inbound_id, m.lease_token == lease.token,
                       m.status == "processing")
                .values(lease_expires_at=self._now() + lease_for)
            ).rowcount == 1

    def record_deidentified(self, lease: Lease, redacted_text: str,
                            phi_types: Tuple[str, ...]) -> bool:
        """Store what a worker's de-identification found, once, under its lease; False if
        the lease is gone (another worker has the message now) or it was recorded before."""
        m = inbound_messages.c
        with self._begin() as session:
            return session.execute(
                _record_deidentified(lease.inbound_id, redacted_text, phi_types)
                .where(m.lease_token == lease.token, m.status == "processing")
            ).rowcount == 1

    @contextlib.contextmanager
    def triaging(self, lease: Lease) -> Iterator[TriageUnit]:
        """One transaction that finishes the leased message; LeaseLost if the lease is gone.

        The first statement re-checks the token (and, on PostgreSQL, locks the row), so the
        decision, its case and its planned operations are written only by the holder."""
        m = inbound_messages.c
        try:
            with self._begin() as session:
                held = session.execute(
                    sa.update(inbound_messages)
                    .where(m.id == lease.inbound_id, m.status == "processing",
                           m.lease_token == lease.token)
                    .values(lease_expires_at=self._now() + dt.timedelta(minutes=5))
                ).rowcount
                if held != 1:
                    raise LeaseLost(f"inbound message {lease.inbound_id} is no longer leased here")
                row = session.execute(sa.select(inbound_messages)
                                      .where(m.id == lease.inbound_id)).one()
                unit = TriageUnit(self, session, row_to(InboundView, row))
                yield unit
                if not unit._finished:
                    raise StoreError("a triage unit ended without a decision; rolled back")
        except IntegrityError as exc:
            # The one-open-case-per-thread index: another replica won the race.
            raise ThreadRace(f"inbound message {lease.inbound_id}: thread case race") from exc

    def original_text(self, inbound_id: int) -> str:
        """The stored original, for the bot's own replay of a message it never finished
        (de-identified before Rasa sees it). Staff reads go through the audited
        `original_messages` instead."""
        with self._begin() as session:
            return session.execute(sa.select(inbound_messages.c.original_text)
                                   .where(inbound_messages.c.id == inbound_id)).scalar_one()

    def unread_original(self, inbound_id: int) -> Optional[str]:
        """The original of a message whose redacted text is not recorded yet, else None."""
        m = inbound_messages.c
        with self._begin() as session:
            return session.execute(sa.select(m.original_text).where(
                m.id == inbound_id, m.redacted_text.is_(None))).scalar_one_or_none()

    def pending_inbound(self, older_than: dt.timedelta = dt.timedelta(0)) -> List[InboundView]:
        """Messages stored but not yet triaged (received, or processing under a lease)."""
        cutoff = self._now() - older_than
        with self._begin() as session:
            rows = session.execute(
                sa.select(inbound_messages)
                .where(inbound_messages.c.status.in_(UNFINISHED),
                       inbound_messages.c.received_at <= cutoff)
                .order_by(inbound_messages.c.id)
            ).all()
            return [row_to(InboundView, r) for r in rows]

    # -- shared with the outbox ------------------------------------------------------------
    def _insert_operation(self, session: Session, op: NewOperation, case_id: Optional[int]) -> int:
        now = self._now()
        values = dict(
            inbound_id=op.inbound_id, case_id=case_id, operation=op.operation,
            platform=op.platform, target_id=op.target_id, template_id=op.template_id,
            body=op.body, tag=op.tag, status=op.status, reason=(op.reason or None) and op.reason[:200],
            idempotency_key=op.idempotency_key, created_at=now, updated_at=now,
        )
        return session.execute(sa.insert(deliveries).values(**values)).inserted_primary_key[0]

    @staticmethod
    def _private_reply_held(session: Session, comment_id: str) -> bool:
        """A private reply to this comment is planned, in flight, sent or of unknown outcome."""
        d = deliveries.c
        return session.execute(sa.select(d.id).where(
            d.operation == "private_reply", d.target_id == comment_id,
            d.status.in_(("pending", "sending", "sent", "unknown")))).first() is not None


def _inbound_values(msg: NewInbound, now: dt.datetime) -> dict:
    reply = msg.reply_to
    return dict(
        channel=msg.channel, message_key=msg.message_key, thread_key=msg.thread_key,
        surface=msg.surface, original_text=msg.original_text,
        redacted_text=msg.redacted_text, phi_types=",".join(msg.phi_types),
        crisis=msg.crisis, rating=msg.rating, received_at=now, status="received",
        platform=reply.platform if reply else None,
        sender_id=reply.sender_id if reply else None,
        comment_id=reply.comment_id if reply else None,
        sent_at=reply.sent_at if reply else None,
    )


def _record_deidentified(inbound_id: int, redacted_text: str, phi_types: Tuple[str, ...]):
    """The update that records a message's redacted text and PHI types, only if unread."""
    m = inbound_messages.c
    return (sa.update(inbound_messages)
            .where(m.id == inbound_id, m.redacted_text.is_(None))
            .values(redacted_text=redacted_text, phi_types=",".join(phi_types)))
