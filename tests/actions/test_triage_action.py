"""`action_triage` through rasa_sdk's own Tracker and dispatcher, on a real database: the
adapter hands the NLU verdict to the service and adds no rule of its own. For a Meta
message the decision's operations are in the outbox before the action returns, and the
action only tells the channel to send them; elsewhere it utters the rendered templates."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.triage_action import ActionTriage
from triage.parse import parse_from_nlu
from triage.policy import ThreadState, decide
from triage.queue import ReplyContext, utcnow
from triage.service import Inbound, set_shared_service


@pytest.fixture(autouse=True)
def shared(service):
    set_shared_service(service)
    yield service
    set_shared_service(None)


def _tracker(text, category, metadata, phi_types=(), confidence=0.9):
    latest = {"text": text, "intent": {"name": category, "confidence": confidence},
              "intent_ranking": [{"name": category, "confidence": confidence}],
              "phi": {"types": list(phi_types)}, "crisis": {"score": 0.0}}
    events = [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata,
               "timestamp": 1.0, "message_id": "mid-1"}]
    return Tracker("thread-1", {}, latest, events, False, None, None, "action_listen")


def _run(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionTriage().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def _meta_comment(service, text, key):
    received = service.receive(Inbound(
        "meta_facebook", key, f"fb:comment:{key}", "public_comment", text,
        reply_to=ReplyContext("facebook", "user-1", key, utcnow())))
    lease = service.lease(received.stored.id)
    return received, {"inbound_id": received.stored.id, "lease": lease.token,
                      "surface": "public_comment", "platform": "facebook",
                      "channel": "meta_facebook", "comment_id": key}


@pytest.mark.parametrize("category,text,phi,hidden", [
    ("clinical_request", "what cream for a rash", (), True),
    ("praise", "[NAME] was wonderful", ("NAME",), True),
    ("negative_review", "the wait was four hours", (), False),
    ("emergency", "[NAME] MRN [ID] collapsed in the lobby", ("NAME", "ID"), True),
    ("emergency", "someone collapsed in the lobby", (), False),
])
def test_a_meta_message_is_planned_as_the_policy_decides(service, taxonomy, category, text,
                                                        phi, hidden):
    received, metadata = _meta_comment(service, text, f"c-{category}-{len(phi)}")
    messages, events = _run(_tracker(text, category, metadata, phi))
    ops = service.repository.list_deliveries(inbound_id=received.stored.id)
    expected = decide(category, 0.9, phi, "public_comment", ThreadState(), taxonomy,
                      emergency_score=0.0)
    assert ("hide_comment" in [o.operation for o in ops]) is expected.hide is hidden
    assert events == []
    # The only message is the signal to send: no text ever travels back through Rasa.
    (message,) = messages
    assert message["custom"] == {"triage_delivery": {"inbound_id": received.stored.id}}
    assert message["text"] is None
    assert all(o.status == "pending" for o in ops)


def test_a_rest_message_gets_the_rendered_template(service):
    received = service.receive(Inbound("rest", "r1", "thread-1", "private_message",
                                       "love you guys"))
    lease = service.lease(received.stored.id)
    messages, _ = _run(_tracker("love you guys", "praise", {
        "inbound_id": received.stored.id, "lease": lease.token, "channel": "rest"}))
    (message,) = messages
    assert message["text"] == service.render(service.assess(
        "love you guys", parse_from_nlu({"intent": {"name": "praise", "confidence": 0.9}}),
        "private_message"), None)[0].text
    assert service.repository.list_deliveries(inbound_id=received.stored.id) == []


def test_a_message_from_the_http_api_is_stored_then_triaged(service):
    messages, _ = _run(_tracker("what are your visiting hours?", "general_question", {}))
    assert service.repository.pending_inbound() == []  # stored and finished in one action
    (message,) = messages
    assert message["text"] and not message["custom"]


def test_a_message_someone_else_finished_gets_nothing(service):
    received, metadata = _meta_comment(service, "what cream for a rash", "c-dup")
    _run(_tracker("what cream for a rash", "clinical_request", metadata))
    messages, _ = _run(_tracker("what cream for a rash", "clinical_request", metadata))
    assert messages == []
    assert len(service.repository.list_deliveries(inbound_id=received.stored.id)) == 2
