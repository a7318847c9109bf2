"""Rasa's conversation locks in a SQLite file, shared by the Rasa processes of one machine.

Rasa serialises the turns of a conversation with a ticket lock. Its in-memory lock store holds
within one process only, so Rasa refuses more than one Sanic worker with it; the Redis lock
store is the scale-out path (deploy/scale-out). The embedded default runs two workers (both
cores: `SANIC_WORKERS` in scripts/run), so their locks live here, in the SQLite file next to
the tracker store.

Rasa's own stores read a lock, change it and write it back in separate calls, so two processes
can both take ticket 1. Here every read-change-write of a lock is one `BEGIN IMMEDIATE`
transaction. The file needs no durability (a lock outlives no restart worth keeping, and a
ticket expires after its lifetime anyway): no fsync.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Iterator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockStore
from rasa.utils.endpoints import EndpointConfig

__all__ = ["SQLiteLockStore"]


class SQLiteLockStore(LockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 db: Optional[Text] = None) -> None:
        path = db or (endpoint_config.kwargs.get("db") if endpoint_config else None)
        if not path:
            raise ValueError("SQLiteLockStore needs `db`, the path of its SQLite file")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: transactions are opened explicitly, and only where a lock is changed.
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE IF NOT EXISTS rasa_locks "
                         "(conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)")
        # Rasa uses the store from its event loop, its HTTP API from executor threads.
        self._mutex = threading.RLock()
        self._depth = 0

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction; calls nested in it (cleanup -> finish_serving) join it."""
        with self._mutex:
            self._depth += 1
            try:
                if self._depth > 1:
                    yield
                    return
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            finally:
                self._depth -= 1

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        with self._mutex:
            row = self._db.execute("SELECT lock FROM rasa_locks WHERE conversation_id = ?",
                                   (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: Text) -> None:
        with self._mutex:
            deleted = self._db.execute("DELETE FROM rasa_locks WHERE conversation_id = ?",
                                       (conversation_id,)).rowcount
        self._log_deletion(conversation_id, deleted > 0)

    def save_lock(self, lock: TicketLock) -> None:
        with self._mutex:
            self._db.execute("INSERT OR REPLACE INTO rasa_locks (conversation_id, lock) "
                             "VALUES (?, ?)", (lock.conversation_id, lock.dumps()))

    # Each of these reads a lock, changes it and saves it: atomic here, across processes.
    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._transaction():
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._transaction():
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        with self._transaction():
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._transaction():
            super().cleanup(conversation_id, ticket_number)
