"""The transition and rights tables themselves (no database)."""

from __future__ import annotations

import pytest

from triage.errors import PermissionDenied, TransitionError
from triage.queue.status import (
    ACTION_RIGHTS,
    TRANSITIONS,
    Role,
    Status,
    Transition,
    check_right,
    check_transition,
)

N, C, W, R = "new", "claimed", "waiting_on_patient", "resolved"

# Every (action, from) pair that is allowed, and where it leads. Anything else is refused.
EXPECTED = {
    ("claim", N): {C},
    ("unclaim", C): {N}, ("unclaim", W): {N},
    ("reassign", N): {C}, ("reassign", C): {C}, ("reassign", W): {W},
    ("await_patient", C): {W},
    ("patient_replied", W): {C},
    ("resolve", C): {R}, ("resolve", W): {R},
    ("release", C): {R}, ("release", W): {R},
    ("reopen", R): {N, C},
}


def test_table_is_exactly_the_documented_graph():
    got = {(a.value, s.value): {t.value for t in targets}
           for (a, s), targets in TRANSITIONS.items()}
    assert got == EXPECTED


@pytest.mark.parametrize("action", list(Transition), ids=lambda a: a.value)
@pytest.mark.parametrize("current", list(Status), ids=lambda s: s.value)
def test_check_transition_follows_the_table(action, current):
    allowed = EXPECTED.get((action.value, current.value), set())
    if len(allowed) == 1:
        assert check_transition(action, current).value == next(iter(allowed))
    elif not allowed:
        with pytest.raises(TransitionError):
            check_transition(action, current)
    for target in Status:
        if target.value in allowed:
            assert check_transition(action, current, target) is target
        else:
            with pytest.raises(TransitionError):
                check_transition(action, current, target)


def test_reopen_needs_a_target():
    with pytest.raises(TransitionError):
        check_transition(Transition.REOPEN, Status.RESOLVED)


@pytest.mark.parametrize("action,role,holds,allowed", [
    ("claim", "moderator", False, True),
    ("resolve", "moderator", True, True),
    ("resolve", "moderator", False, False),  # someone else's case
    ("resolve", "supervisor", False, True),
    ("reply", "moderator", False, False),
    ("reply", "admin", False, True),
    ("reassign", "moderator", True, False),
    ("reassign", "supervisor", False, True),
    ("reassign", "admin", False, True),
    ("approve_free_text", "moderator", True, False),
    ("approve_free_text", "supervisor", False, True),
    # The work's rights follow the work: the holder, or a supervisor.
    ("note", "moderator", False, False),
    ("note", "moderator", True, True),
    ("note", "supervisor", False, True),
    ("relabel", "moderator", False, False),
    ("relabel", "moderator", True, True),
    ("relabel", "supervisor", False, True),
    ("view", "moderator", False, False),
    ("view", "moderator", True, True),
    ("view", "supervisor", False, True),
    ("claim", "guest", False, False),
])
def test_rights(action, role, holds, allowed):
    if allowed:
        check_right(action, role, holds)
    else:
        with pytest.raises(PermissionDenied):
            check_right(action, role, holds)


def test_every_transition_a_person_takes_has_a_right():
    people = {t.value for t in Transition} - {"patient_replied"}
    assert people <= set(ACTION_RIGHTS)


def test_roles_are_ordered():
    assert Role.ADMIN.at_least(Role.SUPERVISOR) and Role.SUPERVISOR.at_least(Role.MODERATOR)
    assert not Role.MODERATOR.at_least(Role.SUPERVISOR)
