"""Status changes through the repository, on SQLite and PostgreSQL: allowed, refused, audited."""

from __future__ import annotations

import pytest

from tests.conftest import TODAY
from tests.triage.queue.conftest import add_message, open_case
from tests.triage.queue.test_status import EXPECTED
from triage.errors import Conflict, NotFound, PermissionDenied, TransitionError
from triage.parse import Parse
from triage.policy import Action, Reason

N, C, W, R = "new", "claimed", "waiting_on_patient", "resolved"


def case_in(repo, staff, status):
    """A case in `status`, held by "mod" unless new."""
    case = open_case(repo)
    if status != N:
        repo.claim(staff["mod"], case.id)
    if status == W:
        repo.await_patient(staff["mod"], case.id)
    if status == R:
        repo.resolve(staff["mod"], case.id)
    return repo.get_case_by_id(case.id)


# Each action as its repository call, made by a supervisor (who may act on any case), so
# that only the status decides. (action, target) pairs name the table row they exercise.
ACTIONS = {
    ("claim", C): lambda repo, s, cid: repo.claim(s["sup"], cid),
    ("unclaim", N): lambda repo, s, cid: repo.unclaim(s["sup"], cid),
    ("reassign", None): lambda repo, s, cid: repo.reassign(s["sup"], cid, s["mod2"].user_id),
    ("await_patient", W): lambda repo, s, cid: repo.await_patient(s["sup"], cid),
    ("resolve", R): lambda repo, s, cid: repo.resolve(s["sup"], cid),
    ("release", R): lambda repo, s, cid: repo.release(s["sup"], cid),
    ("reopen", N): lambda repo, s, cid: repo.reopen(s["sup"], cid),
    ("reopen", C): lambda repo, s, cid: repo.reopen(s["sup"], cid, claim=True),
}


@pytest.mark.parametrize("start", [N, C, W, R])
@pytest.mark.parametrize("action,target", list(ACTIONS), ids=lambda v: str(v))
def test_transitions_allowed_and_refused(repo, staff, start, action, target):
    case = case_in(repo, staff, start)
    allowed = EXPECTED.get((action, start), set())
    if target is None and allowed:
        (target,) = allowed
    audit_before = repo.list_audit(case.id)
    run = ACTIONS[(action, target if action != "reassign" else None)]
    if target in allowed:
        after = run(repo, staff, case.id)
        assert after.status == target
        last = repo.list_audit(case.id)[-1]
        assert (last.action, last.from_status, last.to_status, last.actor_id) == (
            action, start, target, staff["sup"].user_id)
        assert len(repo.list_audit(case.id)) == len(audit_before) + 1
    else:
        with pytest.raises(TransitionError):
            run(repo, staff, case.id)
        assert repo.get_case_by_id(case.id).status == start
        assert repo.list_audit(case.id) == audit_before


def test_claim_sets_owner_and_a_second_claim_is_refused(repo, staff):
    case = open_case(repo)
    claimed = repo.claim(staff["mod"], case.id)
    assert (claimed.status, claimed.assignee_id, claimed.assignee_name) == (
        C, staff["mod"].user_id, "mod")
    assert claimed.claimed_at is not None
    with pytest.raises(Conflict):
        repo.claim(staff["mod2"], case.id)
    assert repo.get_case_by_id(case.id).assignee_id == staff["mod"].user_id


@pytest.mark.parametrize("call", [
    lambda repo, a, cid: repo.unclaim(a, cid),
    lambda repo, a, cid: repo.await_patient(a, cid),
    lambda repo, a, cid: repo.resolve(a, cid),
    lambda repo, a, cid: repo.release(a, cid),
], ids=["unclaim", "await_patient", "resolve", "release"])
def test_a_moderator_cannot_act_on_someone_elses_case(repo, staff, call):
    case = case_in(repo, staff, C)
    with pytest.raises(PermissionDenied):
        call(repo, staff["mod2"], case.id)
    assert repo.get_case_by_id(case.id).status == C
    call(repo, staff["mod"], case.id)  # the holder may


def test_reassignment_is_refused_for_a_moderator_even_the_holder(repo, staff):
    case = case_in(repo, staff, C)
    for actor in (staff["mod"], staff["mod2"]):
        with pytest.raises(PermissionDenied):
            repo.reassign(actor, case.id, staff["mod2"].user_id)
    assert repo.get_case_by_id(case.id).assignee_id == staff["mod"].user_id
    assert [e.action for e in repo.list_audit(case.id)] == ["case_opened", "claim"]


def test_a_supervisor_reassigns(repo, staff):
    case = case_in(repo, staff, W)
    after = repo.reassign(staff["sup"], case.id, staff["mod2"].user_id)
    assert (after.status, after.assignee_id) == (W, staff["mod2"].user_id)
    event = repo.list_audit(case.id)[-1]
    assert event.detail == f"from_user={staff['mod'].user_id} to_user={staff['mod2'].user_id}"
    with pytest.raises(TransitionError):
        repo.reassign(staff["sup"], case.id, staff["mod2"].user_id)  # already theirs
    with pytest.raises(NotFound):
        repo.reassign(staff["sup"], case.id, 99999)
    repo.resolve(staff["mod2"], case.id)  # the new holder may act on it


def test_unclaim_returns_the_case_unassigned(repo, staff):
    case = case_in(repo, staff, W)
    after = repo.unclaim(staff["mod"], case.id)
    assert (after.status, after.assignee_id, after.claimed_at) == (N, None, None)
    assert repo.claim(staff["mod2"], case.id).assignee_id == staff["mod2"].user_id


def test_a_patient_reply_brings_a_waiting_case_back(repo, staff):
    case = case_in(repo, staff, W)
    add_message(repo, case, "here is my reply")
    after = repo.get_case_by_id(case.id)
    assert (after.status, after.assignee_id) == (C, staff["mod"].user_id)
    appended, replied = repo.list_audit(case.id)[-2:]
    assert appended.action == "message_appended" and appended.actor_role == "system"
    assert (replied.action, replied.from_status, replied.to_status, replied.actor_id) == (
        "patient_replied", W, C, None)


def test_reopen_claimed_goes_to_the_actor(repo, staff):
    case = case_in(repo, staff, R)
    after = repo.reopen(staff["mod2"], case.id, claim=True)
    assert (after.status, after.assignee_id, after.resolved_at) == (C, staff["mod2"].user_id, None)


def test_reopen_is_refused_while_the_thread_has_a_newer_open_case(repo, staff):
    case = case_in(repo, staff, R)
    newer = open_case(repo, thread=case.thread_key)
    assert newer.id != case.id
    with pytest.raises(Conflict):
        repo.reopen(staff["mod"], case.id)
    assert repo.get_case_by_id(case.id).status == R


def test_unknown_case_and_unknown_role(repo, staff):
    with pytest.raises(NotFound):
        repo.claim(staff["mod"], 424242)
    case = open_case(repo)
    from triage.queue import Actor

    with pytest.raises(PermissionDenied):
        repo.claim(Actor(staff["mod"].user_id, "janitor"), case.id)


def test_claim_next_takes_the_most_urgent_unclaimed(repo, staff, clock):
    low = open_case(repo, priority="low", sla_hours=1)
    high_late = open_case(repo, priority="high", sla_hours=8)
    high_soon = open_case(repo, priority="high", sla_hours=4)
    urgent = open_case(repo, priority="urgent", sla_hours=1)
    repo.claim(staff["mod2"], urgent.id)
    got = [repo.claim_next(staff["mod"]).id for _ in range(3)]
    assert got == [high_soon.id, high_late.id, low.id]
    assert repo.claim_next(staff["mod"]) is None


def test_release_resolves_and_the_bot_answers_the_thread_again(engine, repo, staff, settings,
                                                               library, taxonomy):
    from triage.service import Inbound, TriageService

    service = TriageService(settings, repo, library, taxonomy, today=lambda: TODAY)

    def turn(key, text, parse):
        received = service.receive(Inbound("rest", key, "thread-r", "private_message", text))
        return service.handle(service.lease(received.stored.id), received.deidentified_text, parse)

    first = turn("r1", "my son has a rash what cream", Parse("clinical_request", 0.9))
    case = repo.get_case(first.case_reference)
    assert turn("r2", "thanks!!", Parse("praise", 0.95)).decision.reason is Reason.HUMAN_OWNED

    repo.claim(staff["mod"], case.id)
    released = repo.release(staff["mod"], case.id)
    assert (released.status, released.released_at is not None) == (R, True)
    assert repo.open_case_for_thread("rest", "thread-r") is None

    again = turn("r3", "what are your visiting hours?",
                 Parse("general_question", 0.8, (), "visiting"))
    assert again.decision.action is Action.REPLY and again.replies
    kept = repo.get_case(first.case_reference)
    assert kept.status == R and len(repo.thread_messages(kept.id)) == 2  # stays for the record
    assert repo.list_audit(case.id)[-1].action == "release"

    # Something needing a human again opens a fresh case; the released one is untouched.
    later = turn("r4", "my son still has the rash", Parse("clinical_request", 0.9))
    assert later.case_reference not in (None, first.case_reference)
