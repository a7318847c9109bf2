"""Poll cursors: one position per source, moved forward only."""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

from triage.queue.tables import poll_cursors

__all__ = ["CursorsMixin"]


class CursorsMixin:
    def cursor(self, name: str) -> Optional[str]:
        """The stored position of `name`, or None before its first poll."""
        with self._begin() as session:
            return session.execute(sa.select(poll_cursors.c.position).where(
                poll_cursors.c.name == name)).scalar_one_or_none()

    def advance_cursor(self, name: str, position: str) -> bool:
        """Store `position` if it is past the stored one (positions compare as strings, as
        RFC 3339 times in one zone do); False if it would move back or stand still."""
        c = poll_cursors.c
        now = self._now()
        with self._begin() as session:
            moved = session.execute(sa.update(poll_cursors).where(
                c.name == name, c.position < position).values(position=position,
                                                              updated_at=now)).rowcount
            if moved:
                return True
            exists = session.execute(sa.select(c.name).where(c.name == name)).first()
            if exists:
                return False
            session.execute(sa.insert(poll_cursors).values(name=name, position=position,
                                                           updated_at=now))
            return True
