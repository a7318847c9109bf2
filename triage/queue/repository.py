"""The queue's repository: cases and the queue's reads live here; the bot's intake in
`intake`, the outbox in `deliveries`, the moderators' workflow, case work and users in
`workflow`, `casework` and `users`. All the queue's SQL is in these modules; every public
method is one transaction (`triaging` is one transaction across its `with` block).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from triage.errors import InputError, PermissionDenied, StoreError
from triage.queue._store import case_select, row_to
from triage.queue.casework import CaseworkMixin
from triage.queue.cursors import CursorsMixin
from triage.queue.models import (
    Actor,
    AuditEvent,
    CaseFilter,
    CaseRef,
    CaseView,
    Escalation,
    InboundView,
    NewInbound,
    OriginalMessage,
    Stored,
    utcnow,
)
from triage.queue.deliveries import OutboxMixin
from triage.queue.intake import IntakeMixin
from triage.queue.second_factor import SecondFactorMixin
from triage.queue.stats import StatsMixin
from triage.queue.status import ACCESS_REASONS, Status, Transition, check_transition
from triage.queue.tables import OPEN_STATUSES, audit_events, cases, inbound_messages
from triage.queue.users import UsersMixin
from triage.queue.workflow import WorkflowMixin
from triage.taxonomy import Priority

__all__ = ["QueueRepository", "new_reference", "utcnow"]

# Crockford base32 without look-alikes: references are read aloud over the phone.
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_STATUS_VALUES = frozenset(s.value for s in Status)
_PRIORITY_VALUES = frozenset(p.value for p in Priority)


def new_reference() -> str:
    return "IT-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


class QueueRepository(IntakeMixin, OutboxMixin, WorkflowMixin, CaseworkMixin, UsersMixin,
                      SecondFactorMixin, StatsMixin, CursorsMixin):
    """The queue's data access: `QueueRepository(engine)` (optionally `clock=`)."""

    # -- inbound (store, claim, triage: `IntakeMixin`) ---------------------------
    def get_inbound(self, inbound_id: int) -> InboundView:
        with self._begin() as session:
            row = session.execute(
                sa.select(inbound_messages).where(inbound_messages.c.id == inbound_id)
            ).one()
            return row_to(InboundView, row)

    # -- the bot's side of cases -------------------------------------------------
    def open_case_for_thread(self, channel: str, thread_key: str) -> Optional[CaseView]:
        """The thread's open case: while there is one, the bot stays silent on the thread."""
        with self._begin() as session:
            row = session.execute(
                case_select().where(
                    cases.c.channel == channel, cases.c.thread_key == thread_key,
                    cases.c.status.in_(OPEN_STATUSES),
                )
            ).first()
            return row_to(CaseView, row) if row is not None else None

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
        now = self._now()
        due = now + dt.timedelta(hours=esc.sla_hours)
        existing = self._open_case(session, msg.channel, msg.thread_key)
        if existing is not None:
            case_id, reference, created = existing.id, existing.reference, False
            values = dict(updated_at=now)
            detail = f"inbound={esc.inbound_id}"
            if esc.priority_rank < existing.priority_rank:
                # A worse turn in the thread (e.g. an emergency) lifts the whole case.
                values.update(priority=esc.priority, priority_rank=esc.priority_rank,
                              sla_due_at=min(due, existing.sla_due_at))
                detail += f" priority={esc.priority}"
            session.execute(sa.update(cases).where(cases.c.id == case_id).values(**values))
            self._audit(session, None, "message_appended", case_id=case_id, detail=detail, now=now)
            if existing.status == Status.WAITING_ON_PATIENT.value:
                self._patient_replied(session, existing, now)
        else:
            reference, created = new_reference(), True
            case_id = session.execute(
                sa.insert(cases).values(
                    reference=reference, channel=msg.channel, thread_key=msg.thread_key,
                    surface=msg.surface, category=esc.category, priority=esc.priority,
                    priority_rank=esc.priority_rank, status=Status.NEW.value,
                    reason=esc.reason, confidence=esc.confidence,
                    redacted_text=msg.redacted_text, original_text=msg.original_text,
                    phi_types=msg.phi_types, sla_due_at=due, created_at=now, updated_at=now,
                )
            ).inserted_primary_key[0]
            self._audit(session, None, "case_opened", case_id=case_id, to_status="new", now=now,
                        detail=f"inbound={esc.inbound_id} reason={esc.reason} "
                               f"priority={esc.priority} category={esc.category}")
        session.execute(
            sa.update(inbound_messages)
            .where(inbound_messages.c.id == esc.inbound_id)
            .values(status="triaged", category=esc.category, confidence=esc.confidence,
                    action=action, reason=esc.reason, template_id=esc.template_id,
                    processed_at=now, case_id=case_id)
        )
        return CaseRef(reference, created)

    def _patient_replied(self, session: Session, case_row, now: dt.datetime) -> None:
        """The patient wrote back: the case goes back to its moderator's active list."""
        target = check_transition(Transition.PATIENT_REPLIED, Status(case_row.status))
        done = session.execute(
            sa.update(cases)
            .where(cases.c.id == case_row.id, cases.c.status == case_row.status)
            .values(status=target.value, updated_at=now)
        ).rowcount
        if done == 1:
            self._audit(session, None, Transition.PATIENT_REPLIED.value, case_id=case_row.id,
                        from_status=case_row.status, to_status=target.value, now=now)

    # -- reads ---------------------------------------------------------------------
    def get_case(self, reference: str) -> Optional[CaseView]:
        with self._begin() as session:
            row = session.execute(case_select().where(cases.c.reference == reference)).first()
            return row_to(CaseView, row) if row is not None else None

    def get_case_by_id(self, case_id: int) -> Optional[CaseView]:
        with self._begin() as session:
            row = session.execute(case_select().where(cases.c.id == case_id)).first()
            return row_to(CaseView, row) if row is not None else None

    def list_open_cases(self) -> List[CaseView]:
        """Open cases, most urgent first, then by SLA due time."""
        return self.list_cases(CaseFilter())

    def list_cases(self, flt: CaseFilter = CaseFilter(), limit: int = 500,
                   offset: int = 0) -> List[CaseView]:
        """Cases matching the filter: priority (urgent first), then SLA due time, then age."""
        _validate_filter(flt)
        query = case_select()
        if flt.statuses:
            query = query.where(cases.c.status.in_(flt.statuses))
        if flt.categories:
            query = query.where(cases.c.category.in_(flt.categories))
        if flt.priorities:
            query = query.where(cases.c.priority.in_(flt.priorities))
        if flt.channels:
            query = query.where(cases.c.channel.in_(flt.channels))
        if flt.assignee_id is not None:
            query = query.where(cases.c.assignee_id == flt.assignee_id)
        if flt.breached_at is not None:
            # Mirrors CaseView.sla_breached: the clock stops at the first reply or resolution.
            stopped = sa.func.coalesce(cases.c.first_response_at, cases.c.resolved_at,
                                       sa.literal(flt.breached_at, sa.DateTime))
            query = query.where(stopped > cases.c.sla_due_at)
        query = query.order_by(cases.c.priority_rank, cases.c.sla_due_at, cases.c.id)
        with self._begin() as session:
            rows = session.execute(query.limit(limit).offset(offset)).all()
            return [row_to(CaseView, r) for r in rows]

    def breached_cases(self, now: Optional[dt.datetime] = None) -> List[CaseView]:
        """Open cases whose SLA is breached at `now` (default: the repository's clock)."""
        return self.list_cases(CaseFilter(breached_at=now or self._now()))

    def thread_messages(self, case_id: int) -> List[InboundView]:
        with self._begin() as session:
            rows = session.execute(
                sa.select(inbound_messages)
                .where(inbound_messages.c.case_id == case_id)
                .order_by(inbound_messages.c.id)
            ).all()
            return [row_to(InboundView, r) for r in rows]

    def original_messages(self, actor: Actor, case_id: int,
                          reason: Optional[str] = None) -> List[OriginalMessage]:
        """The thread's original texts; the read and its audit row are one transaction.

        The holder and supervisors read them; a moderator who does not hold the case must
        give a reason (`ACCESS_REASONS`: "break glass"), and the read is audited as such."""
        with self._begin() as session:
            row = self._load_case(session, case_id)
            try:
                self._authorise(actor, "view", row)
                action, detail = "viewed", "what=original_text"
            except PermissionDenied:
                if reason not in ACCESS_REASONS:
                    raise PermissionDenied("this case is held by someone else: reading its "
                                           "original text needs a reason (break glass)") from None
                action, detail = "viewed_break_glass", f"what=original_text reason={reason}"
            self._audit(session, actor, action, case_id=case_id, detail=detail)
            rows = session.execute(
                sa.select(inbound_messages)
                .where(inbound_messages.c.case_id == case_id)
                .order_by(inbound_messages.c.id)
            ).all()
            return [row_to(OriginalMessage, r) for r in rows]

    def list_audit(self, case_id: Optional[int] = None, limit: int = 1000) -> List[AuditEvent]:
        """Audit rows, oldest first; one case's, or all of them."""
        query = sa.select(audit_events).order_by(audit_events.c.id).limit(limit)
        if case_id is not None:
            query = query.where(audit_events.c.case_id == case_id)
        with self._begin() as session:
            return [row_to(AuditEvent, r) for r in session.execute(query).all()]


def _validate_filter(flt: CaseFilter) -> None:
    bad_status = set(flt.statuses) - _STATUS_VALUES
    bad_priority = set(flt.priorities) - _PRIORITY_VALUES
    if bad_status or bad_priority:
        raise InputError(f"unknown filter values: {sorted(bad_status | bad_priority)}")
