"""The "needs attention" view: what the bot has not finished is in front of a person."""

from __future__ import annotations

import datetime as dt

from tests.triage.portal.conftest import NOW
from triage.parse import Parse
from triage.queue import ReplyContext
from triage.service import Inbound


def _stored(service, text, key):
    return service.receive(Inbound("rest", key, f"t-{key}", "private_message", text)).stored.id


def test_an_untriaged_emergency_is_at_the_top_of_the_queue_at_once(client, service, cases):
    _stored(service, "I took all my pills an hour ago", "p1")
    _stored(service, "where do I park", "p2")
    client.login("moe")
    page = client.request("get", "/").text
    assert page.index('id="urgent-pending"') < page.index('id="queue"')
    top = page[page.index('id="urgent-pending"'):page.index('id="queue"')]
    # The crisis statement is PHI: the banner shows it redacted, and knows it from the
    # crisis flag stored with the message, not from the text.
    assert "I [HEALTH] an hour ago" in top and "where do I park" not in top
    assert "took all my pills" not in page


def test_the_page_lists_pending_messages_and_undelivered_operations(client, service, clock):
    old = _stored(service, "where do I park", "p1")
    clock.now = NOW + dt.timedelta(minutes=5)
    young = _stored(service, "and the pharmacy hours?", "p2")
    client.login("moe")
    page = client.request("get", "/attention").text
    pending = page[page.index('id="pending"'):page.index('id="operations"')]
    assert f"#{old}" in pending and f"#{young}" not in pending  # young: still in its grace minute
    assert "Every operation was delivered." in page
    dashboard = client.request("get", "/dashboard").text
    assert "1 messages not triaged" in dashboard


def test_a_failed_operation_is_listed_until_its_case_is_resolved(client, service, clock):
    import sqlalchemy as sa

    from triage.queue.tables import deliveries

    received = service.receive(Inbound(
        "meta_facebook", "m1", "fb:dm:P:u1", "private_message", "where do I park",
        reply_to=ReplyContext("facebook", "u1", None, clock.now)))
    service.handle(service.lease(received.stored.id), "where do I park",
                   Parse("general_question", 0.9, (), "parking"))
    (op,) = service.repository.claim_operations(dt.timedelta(minutes=1))
    service.repository.finish_operation(op.id, "failed", sla_hours=24, reason="GraphRejected code=551")
    client.login("moe")
    page = client.request("get", "/attention").text
    assert "code=551" in page
    with service.repository.engine.begin() as conn:
        case_id = conn.execute(sa.select(deliveries.c.case_id)).scalar_one()
    case = service.repository.get_case_by_id(case_id)
    assert case.reason == "delivery_failed" and case.reference in page
    # Once a person closes the case, the operation leaves the list.
    service.repository.claim(_actor(service, "moe"), case.id)
    service.repository.resolve(_actor(service, "moe"), case.id)
    assert "code=551" not in client.request("get", "/attention").text


def _actor(service, username):
    from triage.queue import Actor

    user = next(u for u in service.repository.list_users() if u.username == username)
    return Actor(user.id, user.role)
