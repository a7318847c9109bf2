"""What may happen to a case, and who may do it: two explicit tables, checked on every change.

    new ──claim──> claimed ──await_patient──> waiting_on_patient
     ^               │  ^                         │
     └──unclaim──────┘  └─────patient_replied─────┘
                     │                            │
                     └──resolve / release──> resolved <──┘
    resolved ──reopen──> new | claimed

`release` hands the thread back to the bot. It ends the human's ownership, so it also
resolves the case (with `released_at` set): "the bot is paused on a thread" is exactly
"the thread has an open case", one rule that the unique open-case index already enforces.
A later escalation on that thread opens a new case; the released one stays for the record.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import FrozenSet, Mapping, Optional, Tuple

from triage.errors import PermissionDenied, TransitionError

__all__ = [
    "ACCESS_REASONS",
    "ACTION_RIGHTS",
    "OPEN_STATUSES",
    "Role",
    "Right",
    "Status",
    "TRANSITIONS",
    "Transition",
    "allowed_targets",
    "check_right",
    "check_transition",
]


class Status(str, enum.Enum):
    NEW = "new"
    CLAIMED = "claimed"
    WAITING_ON_PATIENT = "waiting_on_patient"
    RESOLVED = "resolved"


OPEN_STATUSES: Tuple[str, ...] = (
    Status.NEW.value, Status.CLAIMED.value, Status.WAITING_ON_PATIENT.value,
)


class Role(str, enum.Enum):
    """Portal roles, each with every right of the ones before it."""

    MODERATOR = "moderator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: "Role") -> bool:
        return self.rank >= other.rank


class Transition(str, enum.Enum):
    """Status-changing actions; each one writes an audit row named after it."""

    CLAIM = "claim"
    UNCLAIM = "unclaim"
    REASSIGN = "reassign"
    AWAIT_PATIENT = "await_patient"
    PATIENT_REPLIED = "patient_replied"  # the system, when a message joins a waiting case
    RESOLVE = "resolve"
    RELEASE = "release"
    REOPEN = "reopen"


_N, _C, _W, _R = (Status.NEW, Status.CLAIMED, Status.WAITING_ON_PATIENT, Status.RESOLVED)

# The allowed transitions: (action, from) -> the statuses it may lead to.
TRANSITIONS: Mapping[Tuple[Transition, Status], FrozenSet[Status]] = {
    (Transition.CLAIM, _N): frozenset({_C}),
    (Transition.UNCLAIM, _C): frozenset({_N}),
    (Transition.UNCLAIM, _W): frozenset({_N}),
    (Transition.REASSIGN, _N): frozenset({_C}),  # a supervisor assigns an unclaimed case
    (Transition.REASSIGN, _C): frozenset({_C}),
    (Transition.REASSIGN, _W): frozenset({_W}),
    (Transition.AWAIT_PATIENT, _C): frozenset({_W}),
    (Transition.PATIENT_REPLIED, _W): frozenset({_C}),
    (Transition.RESOLVE, _C): frozenset({_R}),
    (Transition.RESOLVE, _W): frozenset({_R}),
    (Transition.RELEASE, _C): frozenset({_R}),
    (Transition.RELEASE, _W): frozenset({_R}),
    (Transition.REOPEN, _R): frozenset({_N, _C}),
}


def allowed_targets(action: Transition, current: Status) -> FrozenSet[Status]:
    return TRANSITIONS.get((action, current), frozenset())


def check_transition(action: Transition, current: Status,
                     target: Optional[Status] = None) -> Status:
    """The status `action` leads to from `current`; raises TransitionError if not allowed.

    `target` picks one where the table allows several (reopen); otherwise it must be the one.
    """
    targets = allowed_targets(action, current)
    if target is None and len(targets) == 1:
        (target,) = targets
    if target is None or target not in targets:
        raise TransitionError(f"cannot {action.value} a case that is {current.value}")
    return target


@dataclasses.dataclass(frozen=True)
class Right:
    """The lowest role allowed, and whether a moderator must be the case's assignee.

    Supervisors and admins act on any case ("holding" only binds moderators).
    """

    minimum: Role
    holder_only: bool


_MOD, _SUP = Role.MODERATOR, Role.SUPERVISOR

# Who may do what. Keys are transition names and the other case actions.
ACTION_RIGHTS: Mapping[str, Right] = {
    Transition.CLAIM.value: Right(_MOD, False),
    Transition.UNCLAIM.value: Right(_MOD, True),
    Transition.REASSIGN.value: Right(_SUP, False),
    Transition.AWAIT_PATIENT.value: Right(_MOD, True),
    Transition.RESOLVE.value: Right(_MOD, True),
    Transition.RELEASE.value: Right(_MOD, True),
    Transition.REOPEN.value: Right(_MOD, False),
    "reply": Right(_MOD, True),  # a template reply, or proposing / sending free text
    "approve_free_text": Right(_SUP, False),  # and rejecting it; never one's own text
    # The work's rights follow the work: a moderator notes, relabels and reads the original
    # (PHI) text of the cases they hold; anything else is a supervisor's, or "break glass".
    "note": Right(_MOD, True),
    "relabel": Right(_MOD, True),
    "view": Right(_MOD, True),
}

# Why someone reads PHI on a case they do not hold ("break glass"), or a supervisor
# relabels a case another moderator holds. Codes only: the audit log holds no free text.
ACCESS_REASONS: Mapping[str, str] = {
    "patient_contact": "the patient contacted us about this case",
    "covering_colleague": "covering for the colleague who holds it",
    "safety_concern": "a safety concern that cannot wait",
    "supervisor_request": "asked to by a supervisor",
    "quality_review": "a quality or labelling review",
}


def check_right(action: str, role: str, holds_case: bool) -> None:
    """Raise PermissionDenied unless `role` may take `action` (holding the case or not)."""
    try:
        actor_role = Role(role)
    except ValueError:
        raise PermissionDenied(f"unknown role {role!r}") from None
    right = ACTION_RIGHTS[action]
    if not actor_role.at_least(right.minimum):
        raise PermissionDenied(f"{action} needs the {right.minimum.value} role")
    if right.holder_only and not holds_case and not actor_role.at_least(Role.SUPERVISOR):
        raise PermissionDenied(f"{action} is for the moderator who holds the case")
