"""The queue's order, filters and SLA clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.triage.queue.conftest import T0, open_case
from triage.errors import InputError
from triage.queue import CaseFilter


@pytest.fixture
def queue(repo, staff, clock):
    """Eight cases made one minute apart, named by what they are."""
    spec = [
        # name           priority   sla_h category             channel
        ("normal_12h", "normal", 12, "negative_review", "rest"),
        ("low_1h", "low", 1, "other", "rest"),
        ("urgent_1h", "urgent", 1, "emergency", "facebook"),
        ("high_8h", "high", 8, "clinical_request", "rest"),
        ("high_4h", "high", 4, "clinical_request", "facebook"),
        ("normal_24h", "normal", 24, "appointment_request", "instagram"),
        ("urgent_0.5h", "urgent", 0.5, "emergency", "rest"),
        ("low_48h", "low", 48, "praise", "instagram"),
    ]
    cases = {}
    for name, priority, hours, category, channel in spec:
        clock.advance(minutes=1)
        cases[name] = open_case(repo, priority=priority, sla_hours=hours, category=category,
                                channel=channel)
    return cases


def names(queue, listed):
    by_id = {case.id: name for name, case in queue.items()}
    return [by_id[case.id] for case in listed]


def test_order_is_priority_then_sla_due_time(repo, queue):
    assert names(queue, repo.list_open_cases()) == [
        "urgent_0.5h", "urgent_1h", "high_4h", "high_8h",
        "normal_12h", "normal_24h", "low_1h", "low_48h",
    ]


@pytest.mark.parametrize("flt,expected", [
    (CaseFilter(priorities=("urgent",)), ["urgent_0.5h", "urgent_1h"]),
    (CaseFilter(categories=("clinical_request", "praise")), ["high_4h", "high_8h", "low_48h"]),
    (CaseFilter(channels=("instagram",)), ["normal_24h", "low_48h"]),
    (CaseFilter(channels=("facebook",), priorities=("high",)), ["high_4h"]),
    (CaseFilter(statuses=("claimed",)), ["high_8h"]),
    (CaseFilter(statuses=("new",), priorities=("high",)), ["high_4h"]),
    (CaseFilter(statuses=("resolved",)), ["low_1h"]),
    (CaseFilter(statuses=()), ["urgent_0.5h", "urgent_1h", "high_4h", "high_8h",
                               "normal_12h", "normal_24h", "low_1h", "low_48h"]),
], ids=lambda v: repr(v) if isinstance(v, CaseFilter) else None)
def test_filters(repo, staff, queue, flt, expected):
    repo.claim(staff["mod"], queue["high_8h"].id)
    repo.claim(staff["mod"], queue["low_1h"].id)
    repo.resolve(staff["mod"], queue["low_1h"].id)
    assert names(queue, repo.list_cases(flt)) == expected


def test_filter_by_assignee(repo, staff, queue):
    repo.claim(staff["mod2"], queue["normal_24h"].id)
    got = repo.list_cases(CaseFilter(assignee_id=staff["mod2"].user_id))
    assert names(queue, got) == ["normal_24h"] and got[0].assignee_name == "mod2"


@pytest.mark.parametrize("flt", [CaseFilter(statuses=("open",)), CaseFilter(priorities=("p1",))])
def test_unknown_filter_values_are_refused(repo, flt):
    with pytest.raises(InputError):
        repo.list_cases(flt)


def test_sla_due_time_and_breach_flag(repo, clock):
    clock.now = T0
    case = open_case(repo, priority="high", sla_hours=4)
    assert case.sla_due_at == T0 + dt.timedelta(hours=4)
    assert not case.sla_breached(T0 + dt.timedelta(hours=4))
    assert case.sla_breached(T0 + dt.timedelta(hours=4, seconds=1))
    assert case.sla_remaining(T0 + dt.timedelta(hours=1)) == dt.timedelta(hours=3)
    assert case.sla_remaining(T0 + dt.timedelta(hours=5)) == dt.timedelta(hours=-1)


def test_breached_open_cases(repo, staff, queue, clock):
    at = T0 + dt.timedelta(hours=2)  # past the two 1 h cases and the 0.5 h one
    assert names(queue, repo.breached_cases(at)) == ["urgent_0.5h", "urgent_1h", "low_1h"]
    assert all(c.sla_breached(at) for c in repo.breached_cases(at))
    later = T0 + dt.timedelta(hours=9)
    assert names(queue, repo.breached_cases(later)) == [
        "urgent_0.5h", "urgent_1h", "high_4h", "high_8h", "low_1h"]
    # Resolved cases leave the open list; the default `now` is the repository's clock.
    repo.claim(staff["mod"], queue["low_1h"].id)
    repo.resolve(staff["mod"], queue["low_1h"].id)
    clock.now = at
    assert names(queue, repo.breached_cases()) == ["urgent_0.5h", "urgent_1h"]


def test_first_reply_stops_the_clock(repo, staff, clock):
    clock.now = T0
    on_time = open_case(repo, priority="high", sla_hours=4)
    late = open_case(repo, priority="high", sla_hours=4)
    for case in (on_time, late):
        repo.claim(staff["mod"], case.id)
    clock.now = T0 + dt.timedelta(hours=3)
    repo.record_template_reply(staff["mod"], on_time.id, "secure_portal.private", 1)
    clock.now = T0 + dt.timedelta(hours=5)
    repo.record_template_reply(staff["mod"], late.id, "secure_portal.private", 1)
    clock.now = T0 + dt.timedelta(hours=6)
    repo.record_template_reply(staff["mod"], on_time.id, "complaint_ack.private", 2)

    on_time, late = repo.get_case_by_id(on_time.id), repo.get_case_by_id(late.id)
    assert on_time.first_response_at == T0 + dt.timedelta(hours=3)  # the first reply only
    assert late.first_response_at == T0 + dt.timedelta(hours=5)
    far = T0 + dt.timedelta(days=3)
    assert not on_time.sla_breached(far) and on_time.sla_remaining(far) is None
    assert late.sla_breached(far)
    assert [c.id for c in repo.breached_cases(far)] == [late.id]


def test_resolution_without_a_reply_stops_the_clock(repo, staff, clock):
    clock.now = T0
    case = open_case(repo, sla_hours=1)
    repo.claim(staff["mod"], case.id)
    clock.now = T0 + dt.timedelta(minutes=30)
    resolved = repo.resolve(staff["mod"], case.id)
    assert resolved.resolved_at == clock.now
    assert not resolved.sla_breached(T0 + dt.timedelta(days=1))
    assert repo.list_cases(CaseFilter(statuses=(), breached_at=T0 + dt.timedelta(days=1))) == []


def test_a_worse_turn_raises_priority_and_pulls_the_due_time_in(repo, clock):
    from triage.queue import Escalation, NewInbound

    case = open_case(repo, priority="low", sla_hours=48)
    stored = repo.store_inbound(NewInbound(case.channel, "worse", case.thread_key,
                                           "private_message", "help", "help"))
    repo.escalate(Escalation(stored.id, "emergency", "urgent", 0, "emergency", 1, 0.9, None),
                  "escalate")
    after = repo.get_case_by_id(case.id)
    assert (after.priority, after.sla_due_at) == ("urgent", clock.now + dt.timedelta(hours=1))
    assert repo.list_audit(case.id)[-1].detail == f"inbound={stored.id} priority=urgent"
