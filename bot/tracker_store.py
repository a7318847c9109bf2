"""Rasa's SQL tracker store, reading only a conversation's latest events.

Stock `SQLTrackerStore` loads every event of the current session on each turn, so a turn
costs more the longer a thread runs (about 0.4 ms per earlier turn here), and the policies
then walk all of it. This bot decides from the latest message alone (`RulePolicy` on the
intent, then `action_triage`; the queue, not the tracker, knows whether a person owns the
thread, and no slot influences the conversation), so it reads the last `MAX_EVENTS` events of
the session: a turn costs the same at message 400 as at message 1. Everything is still
stored; the full history (the HTTP API's `/tracker` with `include_events=ALL`, exports)
reads every event as before.
"""

from __future__ import annotations

from typing import Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore

__all__ = ["BoundedSQLTrackerStore"]


class BoundedSQLTrackerStore(SQLTrackerStore):
    # A turn writes about eight events (user, action_triage, its bot messages and slots,
    # action_listen); fifty keep the last few turns.
    MAX_EVENTS = 50

    def _event_query(self, session, sender_id: Text, fetch_events_from_all_sessions: bool):
        query = super()._event_query(session, sender_id, fetch_events_from_all_sessions)
        if fetch_events_from_all_sessions:
            return query
        latest = (query.with_entities(self.SQLEvent.id).order_by(None)
                  .order_by(self.SQLEvent.id.desc()).limit(self.MAX_EVENTS).subquery())
        return (session.query(self.SQLEvent)
                .filter(self.SQLEvent.id.in_(sa.select(latest.c.id)))
                .order_by(self.SQLEvent.id))
