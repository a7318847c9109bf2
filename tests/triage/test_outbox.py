"""Leases and the outbox on a real database, and the sender against the fake Graph server
over HTTP: every stored message is finished once, every operation is on record."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.fakes.graph_server import FakeGraph
from triage.errors import InputError
from triage.graph import HttpGraphApi
from triage.parse import Parse
from triage.policy import Reason
from triage.queue import ReplyContext, utcnow
from triage.queue.tables import deliveries
from triage.sender import OutboxSender
from triage.service import Inbound

PAGE, TOKEN = "PAGE1", "page-token"
CLINICAL = "my son has had a rash for a week, what cream should we use"
EXPIRED = dt.timedelta(seconds=-1)


def _comment(service, text, key="c1", sent_at=None):
    reply_to = ReplyContext("facebook", "user-1", key, sent_at or utcnow())
    return service.receive(Inbound("meta_facebook", key, f"fb:comment:{key}", "public_comment",
                                   text, reply_to=reply_to))


def _dm(service, text, key="m1", sent_at=None):
    reply_to = ReplyContext("facebook", "psid-1", None, sent_at or utcnow())
    return service.receive(Inbound("meta_facebook", key, "fb:dm:PAGE1:psid-1", "private_message",
                                   text, reply_to=reply_to))


def _triage(service, received, parse):
    return service.handle(service.lease(received.stored.id), received.deidentified_text, parse)


@pytest.fixture
def graph():
    with FakeGraph(access_token=TOKEN) as fake:
        yield fake


@pytest.fixture
def sender(service, graph):
    api = HttpGraphApi(graph.url, PAGE, TOKEN, sleep=lambda _s: None, max_attempts=1)
    return OutboxSender(service.repository, api, sla_hours=24,
                        retry_backoff=dt.timedelta(0), max_attempts=3)


# -- leases ----------------------------------------------------------------------------
def test_a_worker_whose_lease_was_taken_over_finishes_nothing(service):
    received = service.receive(Inbound("rest", "k1", "t1", "private_message", CLINICAL))
    late = service.repository.lease_message(received.stored.id, EXPIRED)  # then it stalls
    fresh = service.lease(received.stored.id)
    assert fresh is not None and fresh.token != late.token and fresh.attempts == 2
    done = service.handle(fresh, CLINICAL, Parse("clinical_request", 0.9))
    again = service.handle(late, CLINICAL, Parse("clinical_request", 0.9))
    assert done.case_reference and again.decision.reason is Reason.DUPLICATE
    assert len(service.repository.list_open_cases()) == 1
    assert service.repository.get_inbound(received.stored.id).status == "triaged"


def test_lease_next_takes_what_no_live_worker_holds(service):
    repo = service.repository
    ids = [service.accept(Inbound("rest", f"k{i}", f"t{i}", "private_message", "hi")).id
           for i in range(4)]
    repo.lease_message(ids[1], EXPIRED)                   # its worker died mid-turn
    repo.lease_message(ids[2], dt.timedelta(minutes=5))   # alive
    service.handle(service.lease(ids[3]), "hi", Parse("other", 0.9))  # finished
    taken = repo.lease_next(dt.timedelta(minutes=1))
    assert [row.id for row, _ in taken] == [ids[0], ids[1]]
    assert repo.lease_next(dt.timedelta(minutes=1)) == []  # now leased
    assert {m.id for m in repo.pending_inbound()} == {ids[0], ids[1], ids[2]}


def test_a_renewed_lease_is_not_taken_and_a_lost_one_cannot_be_renewed(service):
    repo = service.repository
    stored = service.accept(Inbound("rest", "k1", "t1", "private_message", "hi"))
    (row, lease), = repo.lease_next(dt.timedelta(seconds=-1))  # about to run out
    assert repo.renew_lease(lease, dt.timedelta(minutes=5))
    assert repo.lease_next(dt.timedelta(minutes=1)) == []  # its worker still holds it
    taken = repo.lease_message(stored.id, EXPIRED)
    assert taken is None
    repo.renew_lease(lease, EXPIRED)  # now it lapses, and another worker takes it
    (_, other), = repo.lease_next(dt.timedelta(minutes=1))
    assert other.attempts == 2 and not repo.renew_lease(lease, dt.timedelta(minutes=5))
    service.handle(other, "hi", Parse("other", 0.9))
    assert not repo.renew_lease(other, dt.timedelta(minutes=5))  # finished


def test_lease_next_keeps_a_thread_in_order_and_emergencies_first(service):
    repo = service.repository
    first = service.accept(Inbound("rest", "a1", "thread-a", "private_message", "hello")).id
    second = service.accept(Inbound("rest", "a2", "thread-a", "private_message", "again")).id
    other = service.accept(Inbound("rest", "b1", "thread-b", "private_message", "hi there")).id
    crisis = service.accept(Inbound("rest", "c1", "thread-c", "private_message",
                                    "i took all my pills")).id
    taken = repo.lease_next(dt.timedelta(minutes=1), limit=10)
    # one per thread (the second of thread-a waits for the first), the crisis first
    assert [row.id for row, _ in taken] == [crisis, first, other]
    lease = dict((row.id, lease) for row, lease in taken)[first]
    assert repo.lease_next(dt.timedelta(minutes=1)) == []  # thread-a's head is still open
    service.handle(lease, "hello", Parse("other", 0.9))
    assert [row.id for row, _ in repo.lease_next(dt.timedelta(minutes=1))] == [second]


def test_a_message_stored_first_is_read_for_phi_by_its_worker(service):
    stored = service.accept(Inbound("rest", "k1", "t1", "private_message",
                                    "my son Jake Miller has a fever, call 312-555-0199"))
    row = service.repository.get_inbound(stored.id)
    assert row.redacted_text is None and row.phi_types == "" and row.status == "received"
    (leased, lease), = service.repository.lease_next(dt.timedelta(minutes=1))
    text = service.prepare(leased, lease)
    assert "Jake" not in text and "0199" not in text and "fever" in text
    # prepare writes nothing (one write transaction fewer per message): the redacted text
    # and PHI types are recorded with the decision.
    assert service.repository.get_inbound(stored.id).redacted_text is None
    outcome = service.handle(lease, text, Parse("clinical_request", 0.9, ("NAME", "PHONE")))
    row = service.repository.get_inbound(stored.id)
    assert "Jake" not in row.redacted_text and "fever" not in row.redacted_text
    assert set(row.phi_types.split(",")) >= {"NAME", "PHONE", "HEALTH"}
    case = service.repository.get_case(outcome.case_reference)
    assert case.redacted_text == row.redacted_text
    assert service.repository.unread_original(stored.id) is None


def test_many_messages_are_stored_at_once_and_duplicates_found(service):
    first = service.accept(Inbound("rest", "k1", "t1", "private_message", "hello"))
    batch = [Inbound("rest", key, "t1", "private_message", text) for key, text in
             [("k1", "hello"), ("k2", "where do I park"), ("k2", "where do I park"),
              ("k3", "   "), ("k4", "thanks")]]
    results = service.accept_many(batch)
    assert results[0].duplicate and results[0].id == first.id  # stored before
    assert not results[1].duplicate and results[2].duplicate    # twice in the same batch
    assert results[2].id == results[1].id
    assert isinstance(results[3], InputError)                   # refused, the rest stored
    assert not results[4].duplicate
    assert len(service.repository.pending_inbound()) == 3


def test_a_stored_message_is_leased_with_its_insert_when_asked(service):
    received = service.receive(Inbound("rest", "k1", "t1", "private_message", "hi"), lease=True)
    assert received.stored.lease is not None and received.stored.status == "processing"
    assert service.repository.lease_next(dt.timedelta(minutes=1)) == []  # nobody else gets it
    again = service.receive(Inbound("rest", "k1", "t1", "private_message", "hi"), lease=True)
    assert again.stored.duplicate and again.stored.lease is None  # held by the first


# -- planning ------------------------------------------------------------------------------
def test_a_clinical_comment_plans_hide_then_private_reply_with_the_decision(service):
    received = _comment(service, CLINICAL)
    outcome = _triage(service, received, Parse("clinical_request", 0.9))
    assert outcome.planned == 2 and outcome.case_reference
    ops = service.repository.list_deliveries(inbound_id=received.stored.id)
    assert [(o.operation, o.status, o.target_id) for o in ops] == [
        ("hide_comment", "pending", "c1"), ("private_reply", "pending", "c1")]
    assert ops[1].body == outcome.replies[0].text and ops[1].template_id == "secure_portal.private"
    assert ops[0].body is None and all(o.case_id is not None for o in ops)
    assert service.repository.private_reply_sent("c1")  # held from the moment it is planned


def test_a_dm_outside_the_window_is_skipped_onto_a_case(service):
    received = _dm(service, "where do I park?", sent_at=utcnow() - dt.timedelta(hours=30))
    outcome = _triage(service, received, Parse("general_question", 0.9, (), "parking"))
    (op,) = service.repository.list_deliveries(inbound_id=received.stored.id)
    assert (op.operation, op.status, op.reason) == ("send_message", "skipped",
                                                   "messaging window closed")
    case = service.repository.get_case_by_id(op.case_id)
    assert outcome.case_reference is None and case.reason == "delivery_failed"


def test_a_second_private_reply_to_a_comment_is_never_planned(service):
    received = _comment(service, CLINICAL)
    _triage(service, received, Parse("clinical_request", 0.9))
    assert service.lease(received.stored.id) is None  # finished: it is never triaged twice
    rendered = service.render(service.assess(CLINICAL, Parse("clinical_request", 0.9),
                                             "public_comment"), "IT-X")[0]
    service.plan_reply(received.stored.id, rendered, "mod-1")
    private = [o for o in service.repository.list_deliveries(inbound_id=received.stored.id)
               if o.operation == "private_reply"]
    assert [o.status for o in private] == ["pending", "skipped"]


# -- sending -------------------------------------------------------------------------------
def test_the_sender_sends_each_operation_once_and_records_it(service, sender, graph):
    received = _comment(service, CLINICAL)
    _triage(service, received, Parse("clinical_request", 0.9))
    assert sender.run(received.stored.id) == 2
    assert sender.run() == 0  # nothing left: a second sweep sends nothing
    ops = service.repository.list_deliveries(inbound_id=received.stored.id)
    assert [(o.status, o.attempts) for o in ops] == [("sent", 1), ("sent", 1)]
    assert [c.path for c in graph.calls] == ["/c1", f"/{PAGE}/messages"]
    assert ops[0].platform_id == "c1" and ops[1].platform_id.startswith("m_")


def test_transient_failures_are_retried_later_then_land_on_a_case(service, sender, graph):
    received = _dm(service, "where do I park?")
    _triage(service, received, Parse("general_question", 0.9, (), "parking"))
    graph.fail_with(status=503, code=2, subcode=None)
    for _ in range(3):
        sender.run()
    (op,) = service.repository.list_deliveries(inbound_id=received.stored.id)
    assert (op.status, op.attempts) == ("failed", 3) and op.case_id is not None
    assert service.repository.get_case_by_id(op.case_id).reason == "delivery_failed"


def test_a_rejection_is_not_retried(service, sender, graph):
    received = _dm(service, "where do I park?")
    _triage(service, received, Parse("general_question", 0.9, (), "parking"))
    graph.fail_with(status=400, code=551, subcode=None)
    sender.run()
    sender.run()
    (op,) = service.repository.list_deliveries(inbound_id=received.stored.id)
    assert (op.status, op.attempts, len(graph.calls)) == ("failed", 1, 1)
    assert "code=551" in op.reason


def test_recovery_retries_a_hide_but_never_resends_a_reply(service, sender, graph):
    received = _comment(service, CLINICAL)
    _triage(service, received, Parse("clinical_request", 0.9))
    # A sender claimed both and died before recording anything.
    service.repository.claim_operations(EXPIRED, inbound_id=received.stored.id)
    assert sender.recover() == {"retried": 1, "unknown": 1}
    sender.run()
    hide, reply = service.repository.list_deliveries(inbound_id=received.stored.id)
    assert (hide.status, hide.attempts) == ("sent", 2)
    assert reply.status == "unknown" and reply.case_id is not None
    assert [c.path for c in graph.calls] == ["/c1"]  # the private reply was not sent again
    assert service.repository.private_reply_sent("c1")


def test_a_moderator_reply_after_a_day_goes_with_the_human_agent_tag(service, sender, graph):
    received = _dm(service, "thanks", sent_at=utcnow() - dt.timedelta(days=2))
    _triage(service, received, Parse("praise", 0.9))
    rendered = service.library.render("praise_thanks", "private_message",
                                      service.settings.template_variables(), dt.date.today())
    assert service.plan_reply(received.stored.id, rendered, "mod-1") == 1
    sender.run()
    sent = [c for c in graph.calls if c.json and c.json.get("tag")]
    assert [c.json["tag"] for c in sent] == ["HUMAN_AGENT"]
    # The bot's own replies never get the tag: a week-old message is simply skipped.
    old = _dm(service, "hello?", key="m2", sent_at=utcnow() - dt.timedelta(days=8))
    service.plan_reply(old.stored.id, rendered, "mod-2")
    (op,) = service.repository.list_deliveries(inbound_id=old.stored.id)
    assert op.status == "skipped"


def test_the_database_refuses_a_second_live_private_reply(service):
    received = _comment(service, CLINICAL)
    _triage(service, received, Parse("clinical_request", 0.9))
    with pytest.raises(sa.exc.IntegrityError):
        with service.repository.engine.begin() as conn:
            conn.execute(sa.insert(deliveries).values(
                inbound_id=received.stored.id, operation="private_reply", target_id="c1",
                status="pending", created_at=utcnow(), idempotency_key="other"))


def test_a_public_emergency_naming_someone_is_hidden_and_answered_in_both_places(service):
    received = _comment(service, "John Carter MRN 4471923 collapsed in your lobby, not breathing")
    assert {"NAME", "ID"} <= set(received.phi_types)
    outcome = _triage(service, received, Parse("emergency", 0.9, received.phi_types))
    ops = service.repository.list_deliveries(inbound_id=received.stored.id)
    assert [(o.operation, o.template_id) for o in ops] == [
        ("hide_comment", None), ("reply_to_comment", "emergency_medical.public"),
        ("private_reply", "emergency_medical.private")]
    assert outcome.decision.priority.value == "urgent"
    # The public reply is the approved template: it echoes nothing of the comment.
    assert "Carter" not in ops[1].body and "4471923" not in ops[1].body
