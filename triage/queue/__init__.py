"""The escalation queue: schema and migrations, engine, and the repository that holds all its SQL.

The bot's side: store_inbound, escalate, open_case_for_thread. The moderators' side: claim,
reply, relabel, resolve, release... through the same `QueueRepository`, with every change
checked (`triage.queue.status`) and written with an append-only audit row.
"""

from triage.queue.deliveries import DeliveryView
from triage.queue.intake import (
    UNFINISHED, Lease, LeaseLost, NewOperation, ThreadRace, TriageUnit,
)
from triage.queue.db import create_schema, downgrade_schema, head_revision, make_engine
from triage.queue.models import (
    Actor,
    AuditEvent,
    CaseFilter,
    CaseRef,
    CaseView,
    Escalation,
    InboundView,
    Label,
    NewInbound,
    Note,
    OriginalMessage,
    Reply,
    ReplyContext,
    Stored,
    User,
    utcnow,
)
from triage.queue.repository import QueueRepository
from triage.queue.status import OPEN_STATUSES, TRANSITIONS, Role, Status, Transition

__all__ = [
    "DeliveryView",
    "Lease",
    "LeaseLost",
    "NewOperation",
    "ThreadRace",
    "TriageUnit",
    "UNFINISHED",
    "ReplyContext",
    "Actor",
    "AuditEvent",
    "CaseFilter",
    "CaseRef",
    "CaseView",
    "Escalation",
    "InboundView",
    "Label",
    "NewInbound",
    "Note",
    "OPEN_STATUSES",
    "OriginalMessage",
    "QueueRepository",
    "Reply",
    "Role",
    "Status",
    "Stored",
    "TRANSITIONS",
    "Transition",
    "User",
    "create_schema",
    "downgrade_schema",
    "head_revision",
    "make_engine",
    "utcnow",
]
