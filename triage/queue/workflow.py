"""The moderators' status changes: claim, claim next, unclaim, reassign, wait, resolve,
release, reopen. Each one is checked against `status.TRANSITIONS` and `status.ACTION_RIGHTS`
and written together with its audit row in one transaction.

Races are settled by the database, not by the check: every write is a conditional UPDATE
on the status and assignee that were read, and a lost race (rowcount 0) raises Conflict.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from triage.errors import Conflict, NotFound, TransitionError
from triage.queue._store import Store
from triage.queue.models import Actor, CaseView
from triage.queue.status import Status, Transition, check_transition
from triage.queue.tables import cases, users

__all__ = ["WorkflowMixin"]

# SQLite: after one lost conditional UPDATE the transaction holds the write lock, so the
# second pick cannot lose; PostgreSQL's SKIP LOCKED never hands out a taken row.
_CLAIM_NEXT_ATTEMPTS = 5


class WorkflowMixin(Store):
    def claim(self, actor: Actor, case_id: int) -> CaseView:
        """Take an unclaimed case. Exactly one of many simultaneous claimers wins."""
        with self._begin() as session:
            row = self._load_case(session, case_id)
            self._authorise(actor, Transition.CLAIM.value, row)
            check_transition(Transition.CLAIM, Status(row.status))
            if not self._try_claim(session, actor, case_id):
                raise Conflict(f"case {case_id} was claimed by someone else")
            return self._case_view(session, case_id)

    def claim_next(self, actor: Actor) -> Optional[CaseView]:
        """Claim the most urgent unclaimed case (priority, then SLA due time); None if none.

        PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` lets many moderators pick at once
        without waiting on each other. SQLite compiles the same query without the lock
        clause; there the conditional UPDATE's rowcount decides, and a loser picks again.
        """
        self._authorise(actor, Transition.CLAIM.value, None)
        with self._begin() as session:
            for _attempt in range(_CLAIM_NEXT_ATTEMPTS):
                candidate = session.execute(
                    sa.select(cases.c.id)
                    .where(cases.c.status == Status.NEW.value, cases.c.assignee_id.is_(None))
                    .order_by(cases.c.priority_rank, cases.c.sla_due_at, cases.c.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                ).first()
                if candidate is None:
                    return None
                if self._try_claim(session, actor, candidate.id):
                    return self._case_view(session, candidate.id)
        raise Conflict("no case could be claimed; try again")

    def _try_claim(self, session: Session, actor: Actor, case_id: int) -> bool:
        now = self._now()
        done = session.execute(
            sa.update(cases)
            .where(cases.c.id == case_id, cases.c.status == Status.NEW.value,
                   cases.c.assignee_id.is_(None))
            .values(status=Status.CLAIMED.value, assignee_id=actor.user_id, claimed_at=now,
                    updated_at=now)
        ).rowcount
        if done != 1:
            return False
        self._audit(session, actor, Transition.CLAIM.value, case_id=case_id,
                    from_status=Status.NEW.value, to_status=Status.CLAIMED.value, now=now)
        return True

    def unclaim(self, actor: Actor, case_id: int) -> CaseView:
        """Put a held case back in the queue, unassigned."""
        return self._change(actor, case_id, Transition.UNCLAIM,
                            values=dict(assignee_id=None, claimed_at=None))

    def reassign(self, actor: Actor, case_id: int, assignee_id: int) -> CaseView:
        """A supervisor gives a case (held or not) to another user; moderators are refused."""
        with self._begin() as session:
            row = self._load_case(session, case_id)
            self._authorise(actor, Transition.REASSIGN.value, row)
            target_user = session.execute(
                sa.select(users.c.id, users.c.role).where(users.c.id == assignee_id)
            ).first()
            if target_user is None:
                raise NotFound(f"no user {assignee_id}")
            if row.assignee_id == assignee_id:
                raise TransitionError(f"case {case_id} is already assigned to user {assignee_id}")
            current = Status(row.status)
            target = check_transition(Transition.REASSIGN, current)
            values: Dict[str, Any] = dict(assignee_id=assignee_id)
            if current is Status.NEW:
                values["claimed_at"] = self._now()
            return self._apply(session, actor, row, Transition.REASSIGN, target, values,
                               detail=f"from_user={row.assignee_id or '-'} to_user={assignee_id}")

    def await_patient(self, actor: Actor, case_id: int) -> CaseView:
        """The moderator waits for the patient; a new message from them reactivates the case."""
        return self._change(actor, case_id, Transition.AWAIT_PATIENT)

    def resolve(self, actor: Actor, case_id: int) -> CaseView:
        """Close the case. The thread has no open case any more, so the bot answers again."""
        return self._change(actor, case_id, Transition.RESOLVE,
                            values=dict(resolved_at=self._now()))

    def release(self, actor: Actor, case_id: int) -> CaseView:
        """Hand the thread back to the bot. Also resolves the case (see `triage.queue.status`)."""
        now = self._now()
        return self._change(actor, case_id, Transition.RELEASE,
                            values=dict(resolved_at=now, released_at=now))

    def reopen(self, actor: Actor, case_id: int, claim: bool = False) -> CaseView:
        """Reopen a resolved case: back to the queue, or (claim=True) held by the actor.

        The bot is paused on the thread again. If the thread meanwhile has a new open
        case, the unique open-case index refuses and this raises Conflict.
        """
        target = Status.CLAIMED if claim else Status.NEW
        values: Dict[str, Any] = dict(resolved_at=None, released_at=None)
        if claim:
            values.update(assignee_id=actor.user_id, claimed_at=self._now())
        else:
            values.update(assignee_id=None, claimed_at=None)
        try:
            return self._change(actor, case_id, Transition.REOPEN, target=target, values=values)
        except IntegrityError:
            raise Conflict(f"the thread of case {case_id} already has an open case") from None

    # -- the shared path ---------------------------------------------------------------
    def _change(self, actor: Actor, case_id: int, action: Transition,
                target: Optional[Status] = None, values: Optional[Dict[str, Any]] = None,
                detail: str = "") -> CaseView:
        with self._begin() as session:
            row = self._load_case(session, case_id)
            self._authorise(actor, action.value, row)
            new_status = check_transition(action, Status(row.status), target)
            return self._apply(session, actor, row, action, new_status, values or {}, detail)

    def _apply(self, session: Session, actor: Actor, row, action: Transition, target: Status,
               values: Dict[str, Any], detail: str = "") -> CaseView:
        """Compare-and-set on the status and assignee read, then the audit row."""
        now = self._now()
        assignee = (cases.c.assignee_id.is_(None) if row.assignee_id is None
                    else cases.c.assignee_id == row.assignee_id)
        done = session.execute(
            sa.update(cases)
            .where(cases.c.id == row.id, cases.c.status == row.status, assignee)
            .values(status=target.value, updated_at=now, **values)
        ).rowcount
        if done != 1:
            raise Conflict(f"case {row.id} changed meanwhile; reload it")
        self._audit(session, actor, action.value, case_id=row.id, from_status=row.status,
                    to_status=target.value, detail=detail, now=now)
        return self._case_view(session, row.id)
