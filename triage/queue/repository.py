"""All SQL of the queue lives here; every public method is one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from typing import List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from triage.errors import StoreError
from triage.queue.tables import OPEN_STATUSES, cases, inbound_messages

# Crockford base32 without look-alikes: references are read aloud over the phone.
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_reference() -> str:
    return "IT-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


@dataclasses.dataclass(frozen=True)
class NewInbound:
    channel: str
    message_key: str
    thread_key: str
    surface: str
    original_text: str
    redacted_text: str
    phi_types: Sequence[str] = ()


@dataclasses.dataclass(frozen=True)
class Stored:
    """Result of storing an inbound message: its id and whether it was seen before."""

    id: int
    duplicate: bool
    status: str


@dataclasses.dataclass(frozen=True)
class InboundView:
    id: int
    channel: str
    message_key: str
    thread_key: str
    surface: str
    redacted_text: str
    phi_types: str
    status: str
    category: Optional[str]
    action: Optional[str]
    template_id: Optional[str]
    case_id: Optional[int]
    received_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class CaseView:
    id: int
    reference: str
    channel: str
    thread_key: str
    surface: str
    category: str
    priority: str
    status: str
    reason: str
    redacted_text: str
    phi_types: str
    sla_due_at: dt.datetime
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Escalation:
    """What the policy decided for one inbound message that needs a human."""

    inbound_id: int
    category: str
    priority: str
    priority_rank: int
    reason: str
    sla_hours: float
    confidence: Optional[float]
    template_id: Optional[str]


@dataclasses.dataclass(frozen=True)
class CaseRef:
    reference: str
    created: bool


def _row(view_cls, row) -> object:
    names = {f.name for f in dataclasses.fields(view_cls)}
    return view_cls(**{k: v for k, v in row._mapping.items() if k in names})


class QueueRepository:
    """The queue's data access. Construct with an engine; it owns no other state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, future=True)

    def _begin(self) -> Session:
        return self._sessions.begin()

    # -- inbound -------------------------------------------------------------
    def store_inbound(self, msg: NewInbound) -> Stored:
        """Insert before anything answers it; a redelivery returns the first row."""
        values = dict(
            channel=msg.channel, message_key=msg.message_key, thread_key=msg.thread_key,
            surface=msg.surface, original_text=msg.original_text,
            redacted_text=msg.redacted_text, phi_types=",".join(msg.phi_types),
            received_at=utcnow(), status="received",
        )
        try:
            with self._begin() as session:
                new_id = session.execute(
                    sa.insert(inbound_messages).values(**values)
                ).inserted_primary_key[0]
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
            return Stored(row.id, True, row.status)

    def get_inbound(self, inbound_id: int) -> InboundView:
        with self._begin() as session:
            row = session.execute(
                sa.select(inbound_messages).where(inbound_messages.c.id == inbound_id)
            ).one()
            return _row(InboundView, row)

    def mark_triaged(self, inbound_id: int, category: str, confidence: float, action: str,
                     reason: str, template_id: Optional[str]) -> None:
        with self._begin() as session:
            session.execute(
                sa.update(inbound_messages)
                .where(inbound_messages.c.id == inbound_id)
                .values(status="triaged", category=category, confidence=confidence,
                        action=action, reason=reason, template_id=template_id,
                        processed_at=utcnow())
            )

    def pending_inbound(self, older_than: dt.timedelta = dt.timedelta(0)) -> List[InboundView]:
        """Messages stored but never triaged (e.g. the process died mid-turn)."""
        cutoff = utcnow() - older_than
        with self._begin() as session:
            rows = session.execute(
                sa.select(inbound_messages)
                .where(inbound_messages.c.status == "received",
                       inbound_messages.c.received_at <= cutoff)
                .order_by(inbound_messages.c.id)
            ).all()
            return [_row(InboundView, r) for r in rows]

    # -- cases ---------------------------------------------------------------
    def open_case_for_thread(self, channel: str, thread_key: str) -> Optional[CaseView]:
        with self._begin() as session:
            row = self._open_case(session, channel, thread_key)
            return _row(CaseView, row) if row is not None else None

    @staticmethod
    def _open_case(session: Session, channel: str, thread_key: str):
        return session.execute(
            sa.select(cases).where(
                cases.c.channel == channel,
                cases.c.thread_key == thread_key,
                cases.c.status.in_(OPEN_STATUSES),
            )
        ).first()

    def escalate(self, esc: Escalation, action: str) -> CaseRef:
        """Open a case for the message's thread, or append to the open one.

        Marks the inbound message triaged in the same transaction. A race with
        another replica on the same new thread ends in the unique index, and the
        loser appends instead.
        """
        for _attempt in range(5):
            try:
                with self._begin() as session:
                    return self._escalate(session, esc, action)
            except IntegrityError:
                continue
        raise StoreError("could not open or append a case after 5 attempts")

    def _escalate(self, session: Session, esc: Escalation, action: str) -> CaseRef:
        msg = session.execute(
            sa.select(inbound_messages).where(inbound_messages.c.id == esc.inbound_id)
        ).one()
        now = utcnow()
        due = now + dt.timedelta(hours=esc.sla_hours)
        existing = self._open_case(session, msg.channel, msg.thread_key)
        if existing is not None:
            case_id, reference, created = existing.id, existing.reference, False
            if esc.priority_rank < existing.priority_rank:
                # A worse turn in the thread (e.g. an emergency) lifts the whole case.
                session.execute(
                    sa.update(cases).where(cases.c.id == case_id).values(
                        priority=esc.priority, priority_rank=esc.priority_rank,
                        sla_due_at=min(due, existing.sla_due_at), updated_at=now,
                    )
                )
            else:
                session.execute(sa.update(cases).where(cases.c.id == case_id).values(updated_at=now))
        else:
            reference, created = new_reference(), True
            case_id = session.execute(
                sa.insert(cases).values(
                    reference=reference, channel=msg.channel, thread_key=msg.thread_key,
                    surface=msg.surface, category=esc.category, priority=esc.priority,
                    priority_rank=esc.priority_rank, status="new", reason=esc.reason,
                    confidence=esc.confidence, redacted_text=msg.redacted_text,
                    original_text=msg.original_text, phi_types=msg.phi_types,
                    sla_due_at=due, created_at=now, updated_at=now,
                )
            ).inserted_primary_key[0]
        session.execute(
            sa.update(inbound_messages)
            .where(inbound_messages.c.id == esc.inbound_id)
            .values(status="triaged", category=esc.category, confidence=esc.confidence,
                    action=action, reason=esc.reason, template_id=esc.template_id,
                    processed_at=now, case_id=case_id)
        )
        return CaseRef(reference, created)

    def get_case(self, reference: str) -> Optional[CaseView]:
        with self._begin() as session:
            row = session.execute(sa.select(cases).where(cases.c.reference == reference)).first()
            return _row(CaseView, row) if row is not None else None

    def list_open_cases(self) -> List[CaseView]:
        """Open cases, most urgent first, then by SLA due time."""
        with self._begin() as session:
            rows = session.execute(
                sa.select(cases)
                .where(cases.c.status.in_(OPEN_STATUSES))
                .order_by(cases.c.priority_rank, cases.c.sla_due_at, cases.c.id)
            ).all()
            return [_row(CaseView, r) for r in rows]

    def thread_messages(self, case_id: int) -> List[InboundView]:
        with self._begin() as session:
            rows = session.execute(
                sa.select(inbound_messages)
                .where(inbound_messages.c.case_id == case_id)
                .order_by(inbound_messages.c.id)
            ).all()
            return [_row(InboundView, r) for r in rows]
