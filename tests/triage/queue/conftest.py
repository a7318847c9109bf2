"""Fixtures for the queue: every test runs on SQLite and on the PostgreSQL server.

The PostgreSQL run gets a fresh schema (through `search_path`) and drops it afterwards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid
from typing import Dict, Optional

import pytest
import sqlalchemy as sa

from triage.queue import (
    Actor,
    CaseView,
    Escalation,
    NewInbound,
    QueueRepository,
    create_schema,
    make_engine,
)
from triage.taxonomy import Priority

PG_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
T0 = dt.datetime(2026, 11, 23, 9, 0, 0)
# A syntactically plausible argon2 hash: the repository stores hashes, never passwords.
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"


@dataclasses.dataclass(frozen=True)
class Db:
    """How to reach one test database, also from a worker process."""

    url: str
    schema: Optional[str] = None

    def engine(self) -> sa.engine.Engine:
        if self.schema is None:
            return make_engine(self.url)
        return sa.create_engine(self.url, future=True,
                                connect_args={"options": f"-csearch_path={self.schema}"})


class Clock:
    """A settable naive-UTC clock for the repository."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    """An empty database (no schema yet), on each backend."""
    if request.param == "sqlite":
        yield Db(f"sqlite:///{tmp_path / 'queue.db'}")
        return
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, future=True)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Db(PG_URL, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db):
    engine = db.engine()
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def repo(engine, clock):
    return QueueRepository(engine, clock=clock)


@pytest.fixture
def staff(repo) -> Dict[str, Actor]:
    """Two moderators, a supervisor, a second supervisor and an admin."""
    roles = {"mod": "moderator", "mod2": "moderator", "sup": "supervisor",
             "sup2": "supervisor", "admin": "admin"}
    return {name: repo.create_user(name, HASH, role).actor for name, role in roles.items()}


_keys = itertools.count()


def open_case(repo: QueueRepository, *, priority: str = "normal", sla_hours: float = 24,
              category: str = "negative_review", channel: str = "rest",
              thread: Optional[str] = None, text: str = "the parking is a joke",
              redacted: Optional[str] = None, surface: str = "private_message") -> CaseView:
    """Store a message and escalate it as the bot would; the new case (status new)."""
    n = next(_keys)
    stored = repo.store_inbound(NewInbound(channel, f"m{n}", thread or f"thread-{n}",
                                           surface, text, redacted or text))
    ref = repo.escalate(
        Escalation(stored.id, category, priority, Priority(priority).rank, "category",
                   sla_hours, 0.9, None),
        "escalate",
    )
    return repo.get_case(ref.reference)


def add_message(repo: QueueRepository, case: CaseView, text: str = "hello again",
                category: str = "other") -> int:
    """Another message on the case's thread, escalated into it; its inbound id."""
    n = next(_keys)
    stored = repo.store_inbound(NewInbound(case.channel, f"m{n}", case.thread_key,
                                           "private_message", text, text))
    repo.escalate(Escalation(stored.id, category, "low", 3, "human_owned", 24, 0.8, None),
                  "escalate")
    return stored.id
