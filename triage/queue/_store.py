"""What the repository's parts share: sessions, the clock, case loading and the audit writer.

Every public repository method opens exactly one `sessionmaker.begin()` transaction, and a
state change writes its audit row inside that same transaction, so neither exists alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable, Optional, Type, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine, Row
from sqlalchemy.orm import Session, sessionmaker

from triage.errors import NotFound, PermissionDenied
from triage.queue.models import Actor, CaseView, utcnow
from triage.queue.status import Role, check_right
from triage.queue.tables import audit_events, cases, inbound_messages, users

T = TypeVar("T")
SYSTEM_ROLE = "system"
_DETAIL_MAX = 200

_assignee = users.alias("assignee")
_CASE_FIELDS = [f.name for f in dataclasses.fields(CaseView)]


def row_to(view_cls: Type[T], row: Row) -> T:
    names = {f.name for f in dataclasses.fields(view_cls)}
    return view_cls(**{k: v for k, v in row._mapping.items() if k in names})


def case_select() -> sa.sql.Select:
    """Cases as `CaseView` columns (never the original text) plus the assignee's username."""
    columns = [cases.c[name] for name in _CASE_FIELDS if name in cases.c]
    m = inbound_messages.c
    # A review's stars: its latest version's (an edit may change them). Looked up by the
    # case's thread, which ix_inbound_thread indexes (case_id has no index).
    rating = (sa.select(m.rating).where(m.channel == cases.c.channel,
                                        m.thread_key == cases.c.thread_key, m.rating.isnot(None))
              .order_by(m.id.desc()).limit(1).scalar_subquery().label("rating"))
    return sa.select(*columns, _assignee.c.username.label("assignee_name"), rating).select_from(
        cases.outerjoin(_assignee, cases.c.assignee_id == _assignee.c.id)
    )


class Store:
    """Engine, session factory and clock. Construct with an engine; it owns no other state."""

    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, future=True)
        # Injectable so SLA tests can run at fixed times; must return naive UTC.
        self._clock = clock

    def _begin(self) -> Session:
        return self._sessions.begin()

    def _now(self) -> dt.datetime:
        return self._clock()

    def now(self) -> dt.datetime:
        """The repository's clock (naive UTC): the time its rows are written with."""
        return self._clock()

    @staticmethod
    def _check_actor(actor: Actor) -> None:
        if not isinstance(actor, Actor):
            raise PermissionDenied("an authenticated actor is required")
        try:
            Role(actor.role)
        except ValueError:
            raise PermissionDenied(f"unknown role {actor.role!r}") from None

    def _authorise(self, actor: Actor, action: str, case_row: Optional[Row]) -> None:
        """The actor's role (and, for a moderator, holding the case) must allow `action`."""
        self._check_actor(actor)
        holds = case_row is not None and case_row.assignee_id == actor.user_id
        check_right(action, actor.role, holds)

    @staticmethod
    def _load_case(session: Session, case_id: int) -> Row:
        row = session.execute(sa.select(cases).where(cases.c.id == case_id)).first()
        if row is None:
            raise NotFound(f"no case {case_id}")
        return row

    @staticmethod
    def _case_view(session: Session, case_id: int) -> CaseView:
        row = session.execute(case_select().where(cases.c.id == case_id)).one()
        return row_to(CaseView, row)

    def _audit(
        self,
        session: Session,
        actor: Optional[Actor],
        action: str,
        *,
        case_id: Optional[int] = None,
        target_user_id: Optional[int] = None,
        from_status: Optional[str] = None,
        to_status: Optional[str] = None,
        detail: str = "",
        now: Optional[dt.datetime] = None,
    ) -> None:
        """Append one audit row. `detail` is built from ids and codes here, never user text."""
        session.execute(
            sa.insert(audit_events).values(
                created_at=now or self._now(),
                actor_id=actor.user_id if actor is not None else None,
                actor_role=actor.role if actor is not None else SYSTEM_ROLE,
                action=action, case_id=case_id, target_user_id=target_user_id,
                from_status=from_status, to_status=to_status, detail=detail[:_DETAIL_MAX],
            )
        )
