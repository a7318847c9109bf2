"""Engine creation and schema set-up."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from triage.queue.tables import metadata


def make_engine(url: str) -> Engine:
    """A 2.0-style engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, future=True, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    """Create missing tables (idempotent)."""
    metadata.create_all(engine)
