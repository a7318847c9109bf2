"""The queue's typed, frozen values: what goes into the repository and what comes out.

None of them carries a message's original text except `OriginalMessage`, which only the
audited `original_messages()` call returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Optional, Sequence, Tuple

from triage.queue.status import OPEN_STATUSES, Role


def utcnow() -> dt.datetime:
    """Naive UTC, the one time format of the queue database."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


# -- intake (the bot's side) --------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ReplyContext:
    """Where a platform reply to a message goes (Meta): stored with the message, so a
    message recovered after a crash can be answered without the process that stored it."""

    platform: str
    sender_id: Optional[str] = None
    comment_id: Optional[str] = None
    # The platform's time of the message (naive UTC), for the 24-hour and 7-day rules.
    sent_at: Optional[dt.datetime] = None


@dataclasses.dataclass(frozen=True)
class NewInbound:
    channel: str
    message_key: str
    thread_key: str
    surface: str
    original_text: str
    # None until a worker de-identifies it (`TriageService.accept` stores first, reads later).
    redacted_text: Optional[str]
    phi_types: Sequence[str] = ()
    reply_to: Optional[ReplyContext] = None
    crisis: Optional[str] = None  # a triage.safety.Crisis value
    rating: Optional[int] = None  # a review's stars (1-5)


@dataclasses.dataclass(frozen=True)
class Lease:
    """One worker's hold on a message; the token is what `triaging` checks."""

    inbound_id: int
    token: str
    expires_at: Optional[dt.datetime] = None
    attempts: int = 0


@dataclasses.dataclass(frozen=True)
class Stored:
    """Result of storing an inbound message: its id and whether it was seen before."""

    id: int
    duplicate: bool
    status: str
    # Taken with the insert when the caller asked for one (`store_inbound(..., lease_for=)`).
    lease: Optional[Lease] = None


@dataclasses.dataclass(frozen=True)
class InboundView:
    id: int
    channel: str
    message_key: str
    thread_key: str
    surface: str
    redacted_text: Optional[str]  # None until a worker de-identified it
    phi_types: str
    status: str
    category: Optional[str]
    action: Optional[str]
    template_id: Optional[str]
    case_id: Optional[int]
    received_at: dt.datetime
    confidence: Optional[float] = None
    reason: Optional[str] = None
    attempts: int = 0
    lease_expires_at: Optional[dt.datetime] = None
    platform: Optional[str] = None
    sender_id: Optional[str] = None
    comment_id: Optional[str] = None
    sent_at: Optional[dt.datetime] = None
    crisis: Optional[str] = None
    rating: Optional[int] = None

    @property
    def reply_to(self) -> Optional[ReplyContext]:
        if self.platform is None:
            return None
        return ReplyContext(self.platform, self.sender_id, self.comment_id, self.sent_at)


@dataclasses.dataclass(frozen=True)
class Escalation:
    """What the policy decided for one inbound message that needs a human."""

    inbound_id: int
    category: str
    priority: str
    priority_rank: int
    reason: str
    sla_hours: float
    confidence: Optional[float]
    template_id: Optional[str]


@dataclasses.dataclass(frozen=True)
class CaseRef:
    reference: str
    created: bool


# -- cases ------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class CaseView:
    """A case as the queue shows it: redacted text only."""

    id: int
    reference: str
    channel: str
    thread_key: str
    surface: str
    category: str
    priority: str
    status: str
    reason: str
    redacted_text: str
    phi_types: str
    sla_due_at: dt.datetime
    created_at: dt.datetime
    updated_at: Optional[dt.datetime] = None
    assignee_id: Optional[int] = None
    assignee_name: Optional[str] = None
    claimed_at: Optional[dt.datetime] = None
    first_response_at: Optional[dt.datetime] = None
    resolved_at: Optional[dt.datetime] = None
    released_at: Optional[dt.datetime] = None
    rating: Optional[int] = None  # a review's stars (its latest version's)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def sla_stopped_at(self) -> Optional[dt.datetime]:
        """When the SLA clock stopped: the first human reply, else the resolution."""
        return self.first_response_at or self.resolved_at

    def sla_breached(self, now: dt.datetime) -> bool:
        """Whether the clock stopped (or `now` is) past the due time."""
        return (self.sla_stopped_at or now) > self.sla_due_at

    def sla_remaining(self, now: dt.datetime) -> Optional[dt.timedelta]:
        """Time left on a running clock (negative when overdue); None once it stopped."""
        return None if self.sla_stopped_at else self.sla_due_at - now


@dataclasses.dataclass(frozen=True)
class CaseFilter:
    """The queue page's filters; an empty tuple means "any"."""

    statuses: Tuple[str, ...] = OPEN_STATUSES
    categories: Tuple[str, ...] = ()
    priorities: Tuple[str, ...] = ()
    channels: Tuple[str, ...] = ()
    assignee_id: Optional[int] = None
    # Only cases whose SLA is breached at this time.
    breached_at: Optional[dt.datetime] = None


@dataclasses.dataclass(frozen=True)
class OriginalMessage:
    """A message's original text, for authorised staff; reading it writes an audit row."""

    id: int
    original_text: str
    redacted_text: str
    phi_types: str
    received_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Note:
    id: int
    case_id: int
    author_id: int
    body: str
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Label:
    id: int
    case_id: int
    inbound_id: int
    old_category: Optional[str]
    new_category: str
    labelled_by: int
    labelled_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Reply:
    id: int
    case_id: int
    kind: str  # template | free_text
    status: str  # sent | pending_approval | approved | rejected
    template_id: Optional[str]
    template_version: Optional[int]
    body: Optional[str]
    author_id: int
    approved_by: Optional[int]
    decided_at: Optional[dt.datetime]
    created_at: dt.datetime
    sent_by: Optional[int]
    sent_at: Optional[dt.datetime]


@dataclasses.dataclass(frozen=True)
class AuditEvent:
    id: int
    created_at: dt.datetime
    actor_id: Optional[int]
    actor_role: str
    action: str
    case_id: Optional[int]
    target_user_id: Optional[int]
    from_status: Optional[str]
    to_status: Optional[str]
    detail: str


# -- people -----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Actor:
    """Who acts: the portal builds it from the signed-in user's current row."""

    user_id: int
    role: str

    @property
    def is_supervisor(self) -> bool:
        return Role(self.role).at_least(Role.SUPERVISOR)


@dataclasses.dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    failed_logins: int
    locked_until: Optional[dt.datetime]
    created_at: dt.datetime
    last_login_at: Optional[dt.datetime]
    password_hash: str = dataclasses.field(repr=False, default="")
    session_generation: int = 0
    deactivated_at: Optional[dt.datetime] = None
    totp_secret: Optional[str] = dataclasses.field(repr=False, default=None)
    totp_enabled_at: Optional[dt.datetime] = None
    totp_last_step: Optional[int] = None

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def active(self) -> bool:
        return self.deactivated_at is None

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.role)

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now
