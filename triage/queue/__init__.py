"""The escalation queue: schema, engine and the repository that holds all its SQL."""

from triage.queue.db import create_schema, make_engine
from triage.queue.repository import (
    CaseRef,
    CaseView,
    Escalation,
    InboundView,
    NewInbound,
    QueueRepository,
    Stored,
    utcnow,
)

__all__ = [
    "CaseRef",
    "CaseView",
    "Escalation",
    "InboundView",
    "NewInbound",
    "QueueRepository",
    "Stored",
    "create_schema",
    "make_engine",
    "utcnow",
]
