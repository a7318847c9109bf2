"""Rasa's SQL tracker store, reading only a conversation's latest events.

Stock `SQLTrackerStore` loads every event of the current session on each turn, so a turn
costs more the longer a thread runs (about 0.4 ms per earlier turn here), and the policies
then walk all of it. This bot decides from the latest message alone (`RulePolicy` on the
intent, then `action_triage`; the queue, not the tracker, knows whether a person owns the
thread, and no slot influences the conversation), so it reads the last `MAX_EVENTS` events of
the session: a turn costs the same at message 400 as at message 1. Everything is still
stored; the full history (the HTTP API's `/tracker` with `include_events=ALL`, exports)
reads every event as before.

The stock store's other costs are gone as well (py-spy, 8 concurrent REST turns: a quarter of
the Rasa process was the tracker store). SQLAlchemy 1.4 opens a new connection for every
session on a SQLite file; here a small pool keeps them, in WAL, since Rasa's two workers share
the file. Before each save the stock store counts the session's stored events to know which
are new (and, with an event broker, reads the tracker again for the same reason); here the
tracker remembers how many events it was loaded or last saved with, and the count runs only
for a tracker this store has not seen. A turn's read and write are prepared Core statements,
not ORM queries built anew each time.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections import OrderedDict
from typing import Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

__all__ = ["BoundedSQLTrackerStore"]

# How many of a tracker's events are in the database, set on the trackers this store returns.
_STORED = "_triage_stored_events"


class BoundedSQLTrackerStore(SQLTrackerStore):
    # A turn writes about eight events (user, action_triage, its bot messages and slots,
    # action_listen); fifty keep the last few turns.
    MAX_EVENTS = 50

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            # Rasa runs the store in the event loop's thread, the HTTP API in executor
            # threads: a connection may move between threads, never be shared by two at once.
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2,
                                           max_overflow=6,
                                           connect_args={"check_same_thread": False})

            @sa.event.listens_for(self.engine, "connect")
            def _wal(dbapi_connection, _record) -> None:
                # Rasa's workers share the file: in WAL a reader never waits for a writer
                # (the rollback journal made a worker's event loop sleep in SQLite's busy
                # handler while the other committed).
                dbapi_connection.execute("PRAGMA journal_mode=WAL")

            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

        # Conversations just found empty: Rasa then builds a new tracker (in the FailSafe
        # wrapper, not here) and saves it under the conversation's lock, with 0 stored.
        self._found_empty: "OrderedDict[Text, None]" = OrderedDict()

    async def _retrieve(self, sender_id: Text,
                        fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions:
            tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        else:
            # One prepared Core statement, not the ORM's query objects (a turn's reads were
            # 8% of a Rasa worker's time under load, most of it in building the query).
            with self.engine.connect() as connection:
                rows = connection.execute(self._latest_events, {"sender_id": sender_id})
                events = [json.loads(data) for data in rows.scalars()]
            tracker = (DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
                       if self.domain and events else None)
        if tracker is not None:
            self._found_empty.pop(sender_id, None)
            setattr(tracker, _STORED, len(tracker.events))
        elif not fetch_events_from_all_sessions:
            self._found_empty[sender_id] = None
            while len(self._found_empty) > 1024:
                self._found_empty.popitem(last=False)
        return tracker

    @functools.cached_property
    def _latest_events(self) -> sa.sql.Select:
        """The data of a conversation's last MAX_EVENTS events since its latest session
        start (all of them if it has none), oldest first: what `_event_query` selects."""
        events = self.SQLEvent.__table__
        sender = sa.bindparam("sender_id")
        session_start = (sa.select(sa.func.max(events.c.timestamp))
                         .where(events.c.sender_id == sender,
                                events.c.type_name == SessionStarted.type_name)
                         .scalar_subquery())
        latest = (sa.select(events.c.id)
                  .where(events.c.sender_id == sender,
                         sa.or_(session_start.is_(None), events.c.timestamp >= session_start))
                  .order_by(events.c.id.desc()).limit(self.MAX_EVENTS))
        return (sa.select(events.c.data).where(events.c.id.in_(latest))
                .order_by(events.c.id))

    def _stored(self, tracker: DialogueStateTracker) -> Optional[int]:
        """How many of the tracker's events are in the database; None if not known."""
        stored = getattr(tracker, _STORED, None)
        if stored is None and tracker.sender_id in self._found_empty:
            return 0
        return stored

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self._stored(tracker) is None:
            await super().save(tracker)  # counts what is stored, as stock does
        else:
            await self.stream_events(tracker)
            rows = [_event_row(tracker.sender_id, event)
                    for event in self._additional_events(None, tracker)]
            if rows:  # one executemany in one transaction, as the ORM's flush was
                with self.engine.begin() as connection:
                    connection.execute(sa.insert(self.SQLEvent.__table__), rows)
        self._found_empty.pop(tracker.sender_id, None)
        setattr(tracker, _STORED, len(tracker.events))

    def _additional_events(self, session, tracker: DialogueStateTracker) -> Iterator:
        stored = self._stored(tracker)
        if stored is None:  # built elsewhere (e.g. the HTTP API's replace): count, as stock
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        # Stock reads the tracker again to find the new events; the count says the same.
        if self.event_broker is None or self._stored(tracker) is None:
            return await super().stream_events(tracker)
        await self._stream_new_events(self.event_broker,
                                      list(self._additional_events(None, tracker)),
                                      tracker.sender_id)

    def _event_query(self, session, sender_id: Text, fetch_events_from_all_sessions: bool):
        # The ORM form of `_latest_events`, for Rasa's own uses (the count in `save`).
        query = super()._event_query(session, sender_id, fetch_events_from_all_sessions)
        if fetch_events_from_all_sessions:
            return query
        latest = (query.with_entities(self.SQLEvent.id).order_by(None)
                  .order_by(self.SQLEvent.id.desc()).limit(self.MAX_EVENTS).subquery())
        return (session.query(self.SQLEvent)
                .filter(self.SQLEvent.id.in_(sa.select(latest.c.id)))
                .order_by(self.SQLEvent.id))


def _event_row(sender_id: Text, event: Event) -> dict:
    """The columns stock `SQLTrackerStore.save` writes for an event."""
    data = event.as_dict()
    return {"sender_id": sender_id, "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"), "data": json.dumps(data)}
